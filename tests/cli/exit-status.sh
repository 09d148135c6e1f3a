# The exit statuses documented in `evsearch --help` / `evindex --help` and
# docs/cli.md, each with the message that goes with it:
#   0 success and zero hits, 1 bad records skipped, 2 usage, 3 no index,
#   4 locked, 5 damaged, 6 other schema or settings, 7 unreadable input or
#   unwritable output. (130, interrupted, is in pipe-and-signals.sh.)
#
#   bash tests/cli/exit-status.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"
cd "$TMP" || exit 1

CORPUS="$SOURCE_DIR/corpus/events.jsonl"
IDX="$TMP/index"
run "$EVINDEX" --index "$IDX" "$CORPUS"
expect_rc 0 || { echo "cannot build the index; giving up" >&2; exit 1; }

# search_fails_at DIR STATUS ARGS...: evsearch --index DIR ARGS exits STATUS,
# prints nothing on stdout and one line "evsearch: ..." on stderr.
search_fails_at() {
	local dir=$1 want=$2
	shift 2
	run "$EVSEARCH" --index "$dir" --color=never "$@"
	expect_rc "$want"
	expect_one_line_error evsearch
}
search_fails() {
	search_fails_at "$IDX" "$@"
}

# --- 0: --help, --version, a search with hits and one without ----------------
for tool in "$EVINDEX" "$EVSEARCH"; do
	name=${tool##*/}
	for opt in --help -h; do
		run "$tool" "$opt"
		expect_rc 0
		expect_match "$name $opt stdout" "^Usage: $name " "$OUT"
		expect_match "$name $opt stdout" "Exit status:" "$OUT"
		expect_eq "$name $opt stderr" "" "$ERR"
	done
	for opt in --version -V; do
		run "$tool" "$opt"
		expect_rc 0
		expect_match "$name $opt stdout" \
			"^$name( \(evsearch\))? [0-9]+\.[0-9]+\.[0-9]+$" "$OUT"
		expect_eq "$name $opt stderr" "" "$ERR"
	done
done

run "$EVSEARCH" --index "$IDX" --color=never hakmeh
expect_rc 0
expect_match "hits" '^Showing 1-2 of 2 results for “hakmeh”' "$OUT"
expect_eq "stderr" "" "$ERR"

run "$EVSEARCH" --index "$IDX" --color=never zzzqqqxyzzy
expect_rc 0
expect_eq "zero hits" 'No events found for “zzzqqqxyzzy”' "$OUT"
expect_eq "stderr" "" "$ERR"

run "$EVSEARCH" --index "$IDX" --json zzzqqqxyzzy
expect_rc 0
expect_match "zero hits, JSON" '"total": 0,' "$OUT"

# --- 2: usage errors, bad values, query syntax -------------------------------
search_fails 2 --bogus
expect_eq "message" \
	"evsearch: unknown option --bogus (see evsearch --help)" "$ERR"
search_fails 2 -x cyber
search_fails 2 --sort foo
expect_eq "message" \
	'evsearch: --sort: "foo" is not relevance, date or -date' "$ERR"
search_fails 2 --sort
search_fails 2 --limit abc
search_fails 2 --limit -5
search_fails 2 --limit 10001
search_fails 2 --offset -1
search_fails 2 --from 2022-13-01
expect_eq "message" \
	'evsearch: from date "2022-13-01": expected YYYY, YYYY-MM, YYYY-MM-DD or today' \
	"$ERR"
search_fails 2 --to 2022-02-30
search_fails 2 --from yesterday
search_fails 2 --from 2023 --to 2021
search_fails 2 --color sometimes
search_fails 2 --json=yes
search_fails 2 "(cyber"
expect_match "message" "^evsearch: query syntax: " "$ERR"
search_fails 2 '"cyber treaty'
search_fails 2 "cyber)"
search_fails 2 "cyber AND"
search_fails 2 "nosuchfield:x"

run "$EVINDEX" --index "$IDX"
expect_rc 2
expect_one_line_error evindex
run "$EVINDEX" --index "$IDX" --bogus "$CORPUS"
expect_rc 2
expect_one_line_error evindex
run "$EVINDEX" --index "$IDX" --info "$CORPUS"
expect_rc 2
expect_one_line_error evindex
run "$EVINDEX" --index "$IDX" --delete
expect_rc 2
expect_one_line_error evindex
run "$EVINDEX" --index "$TMP/new-index" --stemmer klingon "$CORPUS"
expect_rc 2
expect_one_line_error evindex

# No --index, no EVSEARCH_INDEX, no XDG_DATA_HOME and no HOME: nowhere to look.
run env -u HOME -u XDG_DATA_HOME -u EVSEARCH_INDEX "$EVSEARCH" cyber
expect_rc 2
expect_eq "message" \
	"evsearch: no index directory: give --index DIR or set EVSEARCH_INDEX" \
	"$ERR"

# --- 3: no index there -------------------------------------------------------
search_fails_at "$TMP/no-such-dir" 3 cyber
expect_eq "message" \
	"evsearch: $TMP/no-such-dir: no index there (create one with evindex)" \
	"$ERR"
mkdir "$TMP/empty-dir"
search_fails_at "$TMP/empty-dir" 3 cyber
# The default location ($XDG_DATA_HOME/evsearch/index) holds no index yet.
run "$EVSEARCH" cyber
expect_rc 3
expect_one_line_error evsearch
expect_match "message" "^evsearch: $XDG_DATA_HOME/evsearch/index: " "$ERR"
run "$EVINDEX" --index "$TMP/no-such-dir" --info
expect_rc 3
expect_one_line_error evindex
expect_eq "no index created by --info" "no" \
	"$([ -e "$TMP/no-such-dir" ] && echo yes || echo no)"
run "$EVINDEX" --index "$TMP/no-such-dir" --delete some-id
expect_rc 3
expect_one_line_error evindex

# --- 1: bad records are reported and skipped, the others indexed -------------
cat >bad.jsonl <<'JSONL'
{"id": "ok-1", "title": "First good record", "start": "2024-01-01"}
{"id": "bad-date", "title": "Bad date", "start": "25/05/2022"}
not json at all
{"id": "no-title", "start": "2024-01-01"}
{"id": "ok-2", "title": "Second good record", "start": "2024-01-02"}
JSONL
run "$EVINDEX" --index "$TMP/bad-index" bad.jsonl
expect_rc 1
expect_eq "stderr" 'evindex: bad.jsonl:2: error: "start": not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm): "25/05/2022"
evindex: bad.jsonl:3: error: invalid JSON at column 3: '"'"'['"'"' or '"'"'{'"'"' expected near '"'"'not'"'"'
evindex: bad.jsonl:4: error: "title": missing (required)
evindex: 5 records read: 2 added, 0 replaced, 3 skipped' "$ERR"
expect_eq "events indexed around the bad records" 2 \
	"$(index_count "$TMP/bad-index")"
run "$EVSEARCH" --index "$TMP/bad-index" --json --no-facets
expect_match "good records searchable" '"id": "ok-2"' "$OUT"
# Standard input is named <stdin> in messages.
run "$EVINDEX" --index "$TMP/bad-index" - <bad.jsonl
expect_rc 1
expect_match "stdin record error" \
	'^evindex: <stdin>:2: error: "start": not an ISO 8601 date' "$ERR"
# --delete of an id that is not there.
run "$EVINDEX" --index "$TMP/bad-index" --delete ok-1 no-such-id
expect_rc 1
expect_eq "stderr" 'evindex: no event with id "no-such-id"
evindex: 1 deleted, 1 not found' "$ERR"

# --- 7: a missing input FILE; the other files are still indexed --------------
run "$EVINDEX" --index "$TMP/miss-index" missing.jsonl "$CORPUS"
expect_rc 7
expect_match "message" '^evindex: missing.jsonl: No such file or directory$' \
	"$ERR"
expect_eq "events from the readable file" 8 "$(index_count "$TMP/miss-index")"
# Results that cannot be written are an error too (docs/cli.md).
if [ -w /dev/full ]; then
	exec 4>&1 1>/dev/full
	"$EVSEARCH" --index "$IDX" --color=never cyber 2>"$TMP/err"
	RC=$?
	exec 1>&4 4>&-
	ERR=$(cat "$TMP/err")
	LAST_CMD="evsearch --index IDX cyber >/dev/full"
	expect_rc 7
	expect_match "message" '^evsearch: .*No space left on device' "$ERR"
fi

# --- 4: the index is locked by another writer --------------------------------
# Hold the writer lock with an evindex reading standard input from a fifo we
# keep open; close it to let that evindex finish. Children must not inherit
# the fifo's write end (fd 3), or the holder would never see end of input.
mkfifo "$TMP/fifo"
"$EVINDEX" --index "$IDX" - <"$TMP/fifo" 2>"$TMP/holder.err" 3>&- &
HOLDER=$!
CLI_PIDS+=("$HOLDER")
exec 3>"$TMP/fifo"
locked=no
for _ in $(seq 100); do
	writer_lock_held "$IDX"
	case $? in
	0) locked=yes; break ;;
	2) sleep 2; locked=unknown; break ;;
	esac
	sleep 0.1
done
expect_eq "the holder took the lock within 10 s" "yes" \
	"$([ "$locked" = no ] && echo no || echo yes)"
run "$EVINDEX" --index "$IDX" "$CORPUS" 3>&-
expect_rc 4
expect_one_line_error evindex
expect_match "message" \
	"^evindex: $IDX: index is being written by PID $HOLDER; " "$ERR"
run "$EVINDEX" --index "$IDX" --delete some-id 3>&-
expect_rc 4
expect_one_line_error evindex
# Searches go on while evindex writes.
run "$EVSEARCH" --index "$IDX" --color=never hakmeh 3>&-
expect_rc 0
expect_eq "stderr of a search during a write" "" "$ERR"
exec 3>&-
wait "$HOLDER"
RC=$?
LAST_CMD="evindex --index IDX - (the lock holder)"
ERR=$(cat "$TMP/holder.err")
expect_rc 0
expect_eq "holder summary" \
	"evindex: 0 records read: 0 added, 0 replaced, 0 skipped" "$ERR"

# --- 6: built with another schema or settings --------------------------------
run "$EVINDEX" --index "$IDX" --stemmer french "$CORPUS"
expect_rc 6
expect_one_line_error evindex
expect_eq "message" \
	"evindex: $IDX: index uses stemmer \"english\", not \"french\": rebuild it to change" \
	"$ERR"
if command -v xapian-metadata >/dev/null 2>&1; then
	cp -RP "$IDX" "$TMP/v99"
	xapian-metadata set "$TMP/v99/current" evsearch.schema_version 99
	search_fails_at "$TMP/v99" 6 cyber
	expect_match "message" "schema version 99" "$ERR"
	run "$EVINDEX" --index "$TMP/v99" "$CORPUS"
	expect_rc 6
	expect_one_line_error evindex
else
	echo "note: xapian-metadata not found; schema-version case not run"
fi

# --- 5: the index is damaged -------------------------------------------------
# A truncated table file is damage (STYLE.md: test error paths against
# really broken indexes), and the user should be told to rebuild.
cp -RP "$IDX" "$TMP/damaged"
for f in "$TMP"/damaged/current/postlist.*; do break; done
if [ -e "$f" ]; then
	: >"$f"
	search_fails_at "$TMP/damaged" 5 cyber
	run "$EVINDEX" --index "$TMP/damaged" --info
	expect_rc 5
fi
rm -f "$TMP"/damaged/current/postlist.*
search_fails_at "$TMP/damaged" 5 cyber

finish
