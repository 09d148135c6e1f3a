# Faults around the index, with the messages and exit statuses of
# docs/cli.md:
# - a full disk while indexing, as a file size limit (ulimit -f: SIGXFSZ is
#   ignored, so writes fail with EFBIG) and, where root may mount one, as a
#   small tmpfs: status 7, a message naming the index, the index still at
#   its last commit and searchable, and the next run completes once there
#   is room;
# - a read-only index (a read-only bind mount, and an unprivileged user):
#   writers fail with status 7 and a message, searches work;
# - two writers: the second fails with status 4, gives up after --wait=N,
#   or waits with --wait and then completes;
# - an index from a newer schema version: status 6 with its message, and
#   evindex --rebuild renews it;
# - a closed pipe: evsearch ... | head -1 ends quietly with status 0.
# A writer killed with SIGKILL mid-batch, Ctrl-C and closed pipes on a
# large feed are in pipe-and-signals.sh; damaged table files in tests/test-errors.c and
# exit-status.sh. Parts that need mounts or another user skip with a
# message where they cannot run.
#
#   bash tests/cli/faults.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"
cd "$TMP" || exit 1
# In a sanitizer build, the leak that Xapian itself has when a write fails
# (tests/lsan-xapian.supp) is not ours to report. Its suppression needs the
# whole stack of each allocation, which AddressSanitizer records only when
# told to (slowly): the runs whose writes fail go through $WRITE_FAILS.
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$SOURCE_DIR/tests/lsan-xapian.supp:print_suppressions=0"
WRITE_FAILS=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0")
CORPUS="$SOURCE_DIR/corpus/events.jsonl"

# Mounts made here are undone before the temporary directory is removed.
MOUNTS=()
faults_cleanup() {
	local m
	for m in ${MOUNTS[@]+"${MOUNTS[@]}"}; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	cli_cleanup
}
trap faults_cleanup EXIT

# bulk N FILE: N records "bulk-I", each with the word "zebra".
bulk() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "{\"id\": \"bulk-%d\", \"title\": \"Bulk event %d zebra\", \"start\": \"2024-01-01\", \"description\": \"words and more words number%d\"}\n", i, i, i }' >"$2"
}
bulk 20000 bulk.jsonl

# total DIR [QUERY]: the total of a search, from the JSON output.
total() {
	"$EVSEARCH" --index "$1" --json --no-facets -n 1 ${2+"$2"} 2>/dev/null |
		sed -n 's/^  "total": \([0-9]*\),$/\1/p'
}

# still_at_last_commit DIR: the corpus's 8 events, none of the bulk ones.
still_at_last_commit() {
	expect_eq "events after the failure (the last commit)" 8 \
		"$(index_count "$1")"
	expect_eq "search after the failure" 8 "$(total "$1")"
	expect_eq "no bulk event after the failure" 0 "$(total "$1" zebra)"
}

# --- a full disk: a file size limit ------------------------------------------
IDX="$TMP/fsize"
run "$EVINDEX" --index "$IDX" "$CORPUS"
expect_rc 0
run "${WRITE_FAILS[@]}" bash -c 'ulimit -f 2000 && exec "$@"' sh "$EVINDEX" \
	--index "$IDX" bulk.jsonl
LAST_CMD="(ulimit -f 2000; evindex --index IDX bulk.jsonl)"
expect_rc 7
expect_match "message" \
	"^evindex: $IDX: cannot write the index: Error writing block [0-9]+ \(File too large\); it holds what was committed before$" \
	"$(printf '%s\n' "$ERR" | head -1)"
# The first commit (at 10000 records) is the write that fails: nothing
# of this run is in the index, and the summary counts nothing as added.
expect_eq "summary" \
	"evindex: 10000 records read: 0 added, 0 replaced, 0 skipped (as of the last commit)" \
	"$(printf '%s\n' "$ERR" | tail -1)"
expect_eq "stderr lines" 2 "$(printf '%s\n' "$ERR" | grep -c '')"
still_at_last_commit "$IDX"
# A first build (the parallel path) that fails the same way leaves no
# index behind in a directory it made, and an empty one stays empty.
for new in "$TMP/fsize-new" "$TMP/fsize-empty"; do
	[ "$new" = "$TMP/fsize-empty" ] && mkdir "$new"
	run "${WRITE_FAILS[@]}" bash -c 'ulimit -f 2000 && exec "$@"' sh \
		"$EVINDEX" --index "$new" bulk.jsonl
	LAST_CMD="(ulimit -f 2000; evindex --index ${new##*/} bulk.jsonl)"
	expect_rc 7
	if [ "$new" = "$TMP/fsize-new" ]; then
		left="no index is left behind"
		expect_eq "no directory left" no "$([ -e "$new" ] && echo yes || echo no)"
	else
		left="it stays empty"
		expect_eq "files left in the empty directory" "lock" "$(ls "$new")"
	fi
	expect_match "message" \
		"^evindex: $new: cannot write the index: Error writing block [0-9]+ \(File too large\); $left$" \
		"$(printf '%s\n' "$ERR" | head -1)"
	expect_match "summary" \
		'^evindex: [0-9]+ records read: 0 added, 0 replaced, 0 skipped \(nothing was committed\)$' \
		"$(printf '%s\n' "$ERR" | tail -1)"
	expect_eq "stderr lines" 2 "$(printf '%s\n' "$ERR" | grep -c '')"
done
run "$EVINDEX" --index "$TMP/fsize-empty" "$CORPUS"
expect_rc 0
expect_eq "the empty index after a first build" 8 "$(index_count "$TMP/fsize-empty")"
run "$EVINDEX" --index "$IDX" bulk.jsonl
expect_rc 0
expect_eq "next run" \
	"evindex: 20000 records read: 20000 added, 0 replaced, 0 skipped" "$ERR"
expect_eq "events after the next run" 20008 "$(index_count "$IDX")"
# A reader that goes away: evsearch stops quietly, status 0 (docs/cli.md).
# (pipe-and-signals.sh does this on a real feed, where one is at hand.)
for fmt in --color=never --json; do
	"$EVSEARCH" --index "$IDX" $fmt --limit 10000 zebra 2>"$TMP/err" |
		head -1 >"$TMP/out"
	RC=${PIPESTATUS[0]}
	ERR=$(cat "$TMP/err")
	LAST_CMD="evsearch --index IDX $fmt --limit 10000 zebra | head -1"
	expect_rc 0
	expect_eq "stderr after the reader left" "" "$ERR"
	expect_eq "lines read" 1 "$(grep -c '' "$TMP/out")"
done
# evsearch reports results it cannot write. (Its stderr goes into a pipe,
# which the limit does not cover.)
ERR=$(bash -c 'ulimit -f 0 && exec "$@" 2>&1 >"$0"' "$TMP/results" \
	"$EVSEARCH" --index "$IDX" --color=never zebra)
RC=$?
LAST_CMD="(ulimit -f 0; evsearch --index IDX zebra >results)"
expect_rc 7
expect_eq "stderr" "evsearch: writing results: File too large" "$ERR"

# --- a full disk: a small file system ----------------------------------------
mkdir "$TMP/small"
if mount -t tmpfs -o size=2m evs-test "$TMP/small" 2>"$TMP/mount.err"; then
	MOUNTS+=("$TMP/small")
	IDX="$TMP/small/index"
	run "$EVINDEX" --index "$IDX" "$CORPUS"
	expect_rc 0
	run "${WRITE_FAILS[@]}" "$EVINDEX" --index "$IDX" bulk.jsonl
	expect_rc 7
	expect_match "message" \
		"^evindex: $IDX: cannot write the index: Error writing block [0-9]+ \(No space left on device\); it holds what was committed before$" \
		"$(printf '%s\n' "$ERR" | head -1)"
	still_at_last_commit "$IDX"
	# While the disk is still full, a small run fails the same way, not as
	# a damaged index (that would say "rebuild it"). Its records differ
	# from those indexed (unchanged ones are not written at all).
	sed 's/"title": *"/&Changed: /' "$CORPUS" >"$TMP/changed.jsonl"
	run "${WRITE_FAILS[@]}" "$EVINDEX" --index "$IDX" "$TMP/changed.jsonl"
	expect_rc 7
	expect_match "message" \
		"^evindex: $IDX: cannot write the index: .*No space left on device.*; it holds what was committed before$" \
		"$(printf '%s\n' "$ERR" | head -1)"
	still_at_last_commit "$IDX"
	# A new index on the full disk.
	run "${WRITE_FAILS[@]}" "$EVINDEX" --index "$TMP/small/other" "$CORPUS"
	expect_rc 7
	expect_one_line_error evindex
	expect_match "message" "No space left on device" "$ERR"
	# Room again: the next run completes.
	rm -rf "$TMP/small/other"
	mount -o remount,size=64m "$TMP/small"
	run "$EVINDEX" --index "$IDX" bulk.jsonl
	expect_rc 0
	expect_eq "events once there is room" 20008 "$(index_count "$IDX")"
else
	echo "SKIP (part): cannot mount a tmpfs here: $(cat "$TMP/mount.err")"
fi

# --- a read-only index -------------------------------------------------------
IDX="$TMP/ro-source"
run "$EVINDEX" --index "$IDX" "$CORPUS"
expect_rc 0
ran_ro=0
mkdir "$TMP/ro"
if mount --bind "$IDX" "$TMP/ro" 2>"$TMP/mount.err"; then
	MOUNTS+=("$TMP/ro")
	if mount -o remount,ro,bind "$TMP/ro" 2>"$TMP/mount.err"; then
		ran_ro=1
		RO="$TMP/ro"
		for args in "$CORPUS" "--delete 2022-05-25-eu-multistakeholder-dialogue-cybercrime-treaty" \
			"--rebuild $CORPUS" "--sync $CORPUS" --rollback; do
			# shellcheck disable=SC2086 # the arguments split as written
			run "$EVINDEX" --index "$RO" $args
			expect_rc 7
			expect_one_line_error evindex
			expect_eq "message" \
				"evindex: $RO/lock: cannot open: Read-only file system" "$ERR"
		done
		run "$EVSEARCH" --index "$RO" --color=never hakmeh
		expect_rc 0
		expect_match "search on a read-only mount" "^Showing 1-2 of 2 results" "$OUT"
		expect_eq "stderr" "" "$ERR"
		run "$EVINDEX" --index "$RO" --info
		expect_rc 0
		expect_match "info on a read-only mount" "^events: +8$" "$OUT"
	fi
fi
[ "$ran_ro" = 1 ] ||
	echo "SKIP (part): no read-only bind mount here: $(cat "$TMP/mount.err")"

# As a user without write permission (root ignores file modes).
as_nobody=""
if [ "$(id -u)" != 0 ]; then
	as_nobody="env" # not root: the index's modes already apply to us
elif command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
elif command -v runuser >/dev/null && runuser -u nobody -- true 2>/dev/null; then
	as_nobody="runuser -u nobody --"
fi
chmod 755 "$TMP"
if [ -n "$as_nobody" ] && [ "$(id -u)" = 0 ] &&
	$as_nobody test -x "$EVINDEX" -a -r "$IDX/current/iamglass"; then
	ran_ro=1
	chmod 755 "$IDX"
	# shellcheck disable=SC2086 # as_nobody is a command and its options
	run $as_nobody "$EVINDEX" --index "$IDX" "$CORPUS"
	expect_rc 7
	expect_one_line_error evindex
	expect_eq "message" "evindex: $IDX/lock: cannot open: Permission denied" "$ERR"
	# shellcheck disable=SC2086
	run $as_nobody "$EVINDEX" --index "$TMP/nobody/index" "$CORPUS"
	expect_rc 7
	expect_one_line_error evindex
	expect_eq "message" \
		"evindex: $TMP/nobody/index: cannot create: Permission denied" "$ERR"
	# shellcheck disable=SC2086
	run $as_nobody "$EVSEARCH" --index "$IDX" --color=never hakmeh
	expect_rc 0
	expect_match "search as another user" "^Showing 1-2 of 2 results" "$OUT"
	expect_eq "stderr" "" "$ERR"
else
	echo "SKIP (part): cannot run the tools as an unprivileged user here"
fi
if [ "$ran_ro" = 0 ]; then
	echo "SKIP: neither a read-only mount nor another user is possible" >&2
fi

# --- two writers -------------------------------------------------------------
# The first holds the lock while it reads a fifo that we keep open; the
# children must not inherit its write end (fd 3).
IDX="$TMP/locked"
run "$EVINDEX" --index "$IDX" "$CORPUS"
expect_rc 0
mkfifo "$TMP/fifo"
"$EVINDEX" --index "$IDX" - <"$TMP/fifo" 2>"$TMP/holder.err" 3>&- &
HOLDER=$!
CLI_PIDS+=("$HOLDER")
exec 3>"$TMP/fifo"
for _ in $(seq 100); do
	writer_lock_held "$IDX"
	case $? in
	0) break ;;
	2) sleep 2; break ;;
	esac
	sleep 0.1
done
locked_msg="evindex: $IDX: index is being written by PID $HOLDER; try again when it has finished"
run "$EVINDEX" --index "$IDX" "$CORPUS" 3>&-
expect_rc 4
expect_eq "second writer" "$locked_msg" "$ERR"
run "$EVINDEX" --index "$IDX" --wait=1 "$CORPUS" 3>&-
expect_rc 4
expect_eq "second writer after --wait=1" "$locked_msg" "$ERR"
"$EVINDEX" --index "$IDX" --wait "$CORPUS" >"$TMP/waiter.out" \
	2>"$TMP/waiter.err" 3>&- &
WAITER=$!
CLI_PIDS+=("$WAITER")
sleep 1
expect_eq "the waiter waits" yes \
	"$(kill -0 "$WAITER" 2>/dev/null && echo yes || echo no)"
printf '%s\n' '{"id": "held", "title": "Written by the holder", "start": "2024-01-01"}' >&3
exec 3>&-
wait "$HOLDER"
RC=$?
LAST_CMD="evindex --index IDX - (the holder)"
ERR=$(cat "$TMP/holder.err")
expect_rc 0
expect_eq "holder summary" \
	"evindex: 1 record read: 1 added, 0 replaced, 0 skipped" "$ERR"
wait "$WAITER"
RC=$?
LAST_CMD="evindex --index IDX --wait CORPUS (the waiter)"
ERR=$(cat "$TMP/waiter.err")
expect_rc 0
expect_eq "waiter summary" \
	"evindex: 8 records read: 0 added, 0 replaced, 8 unchanged, 0 skipped" "$ERR"
expect_eq "events after both" 9 "$(index_count "$IDX")"

# --- an index from a newer schema version ------------------------------------
if command -v xapian-metadata >/dev/null 2>&1; then
	IDX="$TMP/newer"
	run "$EVINDEX" --index "$IDX" "$CORPUS"
	expect_rc 0
	mine=$(xapian-metadata get "$IDX/current" evsearch.schema_version)
	newer=$((mine + 1))
	xapian-metadata set "$IDX/current" evsearch.schema_version "$newer"
	msg="$IDX: index has schema version $newer, this evsearch needs $mine: rebuild it (evindex --rebuild)"
	run "$EVSEARCH" --index "$IDX" cyber
	expect_rc 6
	expect_eq "evsearch" "evsearch: $msg" "$ERR"
	run "$EVINDEX" --index "$IDX" "$CORPUS"
	expect_rc 6
	expect_eq "evindex" "evindex: $msg" "$ERR"
	run "$EVINDEX" --index "$IDX" --quiet --rebuild "$CORPUS"
	expect_rc 0
	expect_eq "search after the rebuild" 8 "$(total "$IDX")"
else
	echo "SKIP (part): xapian-metadata is not installed"
fi

# --- a writer killed mid-batch -----------------------------------------------
# Tested in pipe-and-signals.sh ("kill -9 mid-run"): the index holds whole
# batches, the next run completes.

finish
