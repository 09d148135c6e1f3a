# Shared shell functions for the CLI tests in tests/cli/*.sh.
#
# This file lives here, not in tests/cli/, because ctest runs every
# tests/cli/*.sh as a test. A test sources it as
#   . "$SOURCE_DIR/tests/golden/lib.sh"
# after setting EVINDEX, EVSEARCH and SOURCE_DIR from its arguments
# (see cli_init). Exit statuses follow ctest: 0 pass, 77 skip, 1 fail.

# cli_init EVINDEX EVSEARCH SOURCE_DIR: check the arguments, make a temporary
# directory $TMP removed on exit, and make the environment hermetic so that no
# index, colour or locale setting of the person running the tests leaks in.
cli_init() {
	if [ $# -ne 3 ]; then
		echo "usage: bash ${0##*/} EVINDEX EVSEARCH SOURCE_DIR" >&2
		exit 2
	fi
	# Absolute paths, so that a test may cd into its temporary directory.
	EVINDEX=$(cli_abspath "$1")
	EVSEARCH=$(cli_abspath "$2")
	SOURCE_DIR=$(cli_abspath "$3")
	local b
	for b in "$EVINDEX" "$EVSEARCH"; do
		if [ ! -x "$b" ]; then
			echo "FAIL: $b is not an executable" >&2
			exit 1
		fi
	done
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/evs-cli.XXXXXX") || exit 1
	# The EXIT trap also runs after a fatal signal's handler calls exit.
	trap cli_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	unset EVSEARCH_INDEX NO_COLOR
	export XDG_DATA_HOME="$TMP/xdg-data"
	export HOME="$TMP/home"
	mkdir -p "$HOME"
	export LC_ALL=C.UTF-8 TZ=UTC
	FAILURES=0
	CHECKS=0
}

cli_abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$PWD/$1" ;;
	esac
}

# Background processes a test started: cleanup kills them by their pid.
CLI_PIDS=()
cli_cleanup() {
	local p
	for p in ${CLI_PIDS[@]+"${CLI_PIDS[@]}"}; do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
}

# shared_data_or_skip: set SHARED_EVENTS to ../shared/data/events next to the
# source tree, or skip the whole test (77) where it is absent.
shared_data_or_skip() {
	SHARED_EVENTS="$SOURCE_DIR/../shared/data/events"
	if ! ls "$SHARED_EVENTS"/*.jsonl >/dev/null 2>&1; then
		echo "SKIP: $SHARED_EVENTS/*.jsonl is absent"
		exit 77
	fi
}

# run CMD ARGS...: run a command, keep its stdout in $OUT (file $TMP/out),
# stderr in $ERR (file $TMP/err), exit status in $RC. Never fails itself.
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
	LAST_CMD="$*"
	# A tool that cannot even start (not built, a library being relinked)
	# would fail every later check for the same reason: stop here.
	if [ "$RC" -eq 126 ] || [ "$RC" -eq 127 ]; then
		fail "cannot run $1; giving up"
		exit 1
	fi
}

# fail MESSAGE: record a failed check with the last command and its output.
fail() {
	FAILURES=$((FAILURES + 1))
	{
		echo "FAIL: $1"
		if [ -n "${LAST_CMD:-}" ]; then
			echo "  command: ${LAST_CMD}"
			echo "  exit status: ${RC:-?}"
			echo "  stderr: $(printf '%s' "${ERR:-}" | head -5 |
				sed '2,$s/^/          /')"
		fi
	} >&2
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	CHECKS=$((CHECKS + 1))
	if [ "$2" != "$3" ]; then
		fail "$1: expected [$2], got [$3]"
		return 1
	fi
}

# expect_rc EXPECTED: the exit status of the last run.
expect_rc() {
	expect_eq "exit status" "$1" "$RC"
}

# kill9 PID: kills the background process PID with SIGKILL and expects
# it to die of it (status 137, in RC); returns 1 without a word when PID
# had already ended.
kill9() {
	kill -0 "$1" 2>/dev/null || return 1
	kill -KILL "$1"
	wait "$1" 2>/dev/null
	RC=$?
	expect_rc 137
}

# shorten TEXT: TEXT, or its first 15 lines and how many there were.
shorten() {
	local n
	n=$(printf '%s\n' "$1" | grep -c '')
	if [ "$n" -le 15 ]; then
		printf '%s' "$1"
	else
		printf '%s\n' "$1" | head -15
		printf '... (%s lines in all)' "$n"
	fi
}

# expect_match WHAT REGEX TEXT: TEXT matches the extended REGEX.
expect_match() {
	CHECKS=$((CHECKS + 1))
	if ! printf '%s\n' "$3" | grep -Eq -- "$2"; then
		fail "$1: expected a match for /$2/, got [$(shorten "$3")]"
		return 1
	fi
}

# expect_no_match WHAT REGEX TEXT
expect_no_match() {
	CHECKS=$((CHECKS + 1))
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		fail "$1: expected no match for /$2/, got [$(shorten "$3")]"
		return 1
	fi
}

# expect_one_line_error PROG: stderr of the last run is exactly one line and
# starts with "PROG: "; stdout is empty.
expect_one_line_error() {
	CHECKS=$((CHECKS + 1))
	local n
	n=$(printf '%s' "$ERR" | grep -c '')
	if [ "$n" -ne 1 ]; then
		fail "stderr: expected one line, got $n"
		return 1
	fi
	expect_match "stderr" "^$1: " "$ERR" || return 1
	expect_eq "stdout" "" "$OUT"
}

# index_count DIR: print the "events:" number of evindex --info, or nothing.
index_count() {
	"$EVINDEX" --index "$1" --info 2>/dev/null |
		sed -n 's/^events:[[:space:]]*\([0-9][0-9]*\).*/\1/p'
}

# normalise_scores: stdin to stdout with every JSON "score" number replaced
# by SCORE, so that tuning the ranking formula does not break golden files
# (ranks and ids, which it may change, are still compared).
normalise_scores() {
	sed -E 's/("score":[[:space:]]*)-?[0-9][0-9.eE+-]*/\1SCORE/'
}

# writer_lock_held INDEX_DIR: true when some process holds a write lock on
# the index: evindex's flock on DIR/lock or Xapian's fcntl lock on the live
# generation's flintlock, as listed in /proc/locks. Returns 2 where that
# cannot be told (no /proc/locks, no lock files yet).
writer_lock_held() {
	local f ino inodes=""
	[ -r /proc/locks ] || return 2
	for f in "$1/lock" "$1/current/flintlock"; do
		[ -e "$f" ] || continue
		ino=$(stat -L -c %i "$f" 2>/dev/null) || continue
		inodes="$inodes${inodes:+|}$ino"
	done
	[ -n "$inodes" ] || return 2
	grep -Eq "^[0-9]+: .*:($inodes) " /proc/locks
}

# finish: print a summary and exit 0 or 1.
finish() {
	if [ "$FAILURES" -ne 0 ]; then
		echo "${0##*/}: $FAILURES of $CHECKS checks failed" >&2
		exit 1
	fi
	echo "${0##*/}: all $CHECKS checks passed"
	exit 0
}
