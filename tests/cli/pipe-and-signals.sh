# Pipes and signals, on the FOSDEM schedules in ../shared/data/events:
# - `evsearch ... | head -1` stops quietly (SIGPIPE is ignored, so the
#   status is 0 and nothing is printed on stderr; docs/cli.md);
# - Ctrl-C (SIGINT to the process group) during a large `evindex -` leaves an
#   index that opens and searches, with what was read committed, status 130
#   and an "interrupted" summary; a second run then completes;
# - Ctrl-C while evindex waits on a pipe or a fifo stops it at once (130);
# - kill -9 mid-run leaves an index that opens, with every batch committed
#   before the kill (writing in place), the live generation as it was (a
#   large batch), or no index (a first build), and the next run succeeds.
#
#   bash tests/cli/pipe-and-signals.sh EVINDEX EVSEARCH SOURCE_DIR
#   EVS_TEST_FULL=1 ...  # the second run indexes all ~200k records (minutes)
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"
shared_data_or_skip
cd "$TMP" || exit 1

FOSDEM_COUNT=$(cat "$SHARED_EVENTS"/*.jsonl | grep -c .)
COPIES=66 # x 3058 = 201828 records
BIG_COUNT=$((FOSDEM_COUNT * COPIES))
BATCH=10000 # evindex commits every BATCH records (evindex --help)

# wait_bounded PID SECONDS: wait for a background PID; RC is its status, or
# 124 after killing it when it outlived SECONDS.
wait_bounded() {
	local pid=$1 n=$(($2 * 10))
	while kill -0 "$pid" 2>/dev/null && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		RC=124
	else
		wait "$pid"
		RC=$?
	fi
}

# summary_count WORD: the number before WORD in the last line of $ERR
# ("N records read: A added, R replaced, S skipped").
summary_count() {
	printf '%s\n' "$ERR" | tail -1 |
		sed -n "s/.* \([0-9][0-9]*\) $1.*/\1/p"
}

# --- a reader that goes away -------------------------------------------------
FIDX="$TMP/fosdem"
run "$EVINDEX" --index "$FIDX" "$SHARED_EVENTS"
expect_rc 0 || { echo "cannot build the FOSDEM index; giving up" >&2; exit 1; }

for fmt in --color=never --json; do
	"$EVSEARCH" --index "$FIDX" $fmt --limit 1000 2>"$TMP/err" |
		head -1 >"$TMP/out"
	RC=${PIPESTATUS[0]}
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
	LAST_CMD="evsearch --index FOSDEM $fmt --limit 1000 | head -1"
	expect_rc 0
	expect_eq "stderr after the reader left" "" "$ERR"
	if [ "$fmt" = --json ]; then
		expect_eq "first line" "{" "$OUT"
	else
		expect_eq "first line" \
			"Showing 1-1000 of $FOSDEM_COUNT results" "$OUT"
	fi
done

# --- ~200k records, made from the schedules with new ids ---------------------
for i in $(seq "$COPIES"); do
	awk -v n="$i" '{ sub(/"id": *"/, "\"id\": \"copy" n "-"); print }' \
		"$SHARED_EVENTS"/*.jsonl
done >"$TMP/big.jsonl"
expect_eq "generated records" "$BIG_COUNT" \
	"$(grep -c '"id": "copy' "$TMP/big.jsonl")"

# --- Ctrl-C during a large run from standard input ---------------------------
# With job control on, the pipeline gets its own process group, as at a
# terminal, and SIGINT goes to the whole group as Ctrl-C would send it.
IIDX="$TMP/interrupted"
set -m
# shellcheck disable=SC2002 # a pipe, as from curl, not a file on stdin
cat "$TMP/big.jsonl" | "$EVINDEX" --index "$IIDX" - 2>"$TMP/int.err" &
PID=$!
set +m
CLI_PIDS+=("$PID")
PGID=$(ps -o pgid= -p "$PID" | tr -d ' ')
sleep 3
LAST_CMD="cat big.jsonl | evindex --index IDX - (Ctrl-C after 3 s)"
if ! kill -0 "$PID" 2>/dev/null; then
	RC="?"
	ERR=$(cat "$TMP/int.err")
	fail "evindex ended before the interrupt: cannot test Ctrl-C"
else
	kill -INT -- "-$PGID"
	wait_bounded "$PID" 60
	ERR=$(cat "$TMP/int.err")
	expect_rc 130
	expect_match "summary" \
		'^evindex: interrupted: [0-9]+ records read: [0-9]+ added, 0 replaced, 0 skipped$' \
		"$(printf '%s\n' "$ERR" | tail -1)"
	expect_eq "stderr lines" 1 "$(printf '%s\n' "$ERR" | grep -c '')"
	READ=$(summary_count "records read")
	READ=${READ:-0}
	expect_eq "records read before Ctrl-C is between 1 and $BIG_COUNT" yes \
		"$([ "$READ" -gt 0 ] && [ "$READ" -lt "$BIG_COUNT" ] &&
			echo yes || echo "no ($READ)")"
	run "$EVINDEX" --index "$IIDX" --info
	expect_rc 0
	expect_eq "events after Ctrl-C (everything read was committed)" \
		"$READ" "$(index_count "$IIDX")"
	run "$EVSEARCH" --index "$IIDX" --json --no-facets -n 1
	expect_rc 0
	expect_match "search after Ctrl-C" "\"total\": $READ," "$OUT"
	run "$EVSEARCH" --index "$IIDX" --color=never --no-facets -n 1 welcome
	expect_rc 0
	expect_match "search after Ctrl-C" "^Showing 1-1 of " "$OUT"

	# The second run completes: the first SECOND records of the same
	# stream, the interrupted run's records among them.
	if [ "${EVS_TEST_FULL:-0}" = 1 ]; then
		SECOND=$BIG_COUNT
	else
		SECOND=12000
	fi
	head -n "$SECOND" "$TMP/big.jsonl" >"$TMP/second.jsonl"
	run "$EVINDEX" --index "$IIDX" - <"$TMP/second.jsonl"
	expect_rc 0
	if [ "$READ" -le "$SECOND" ]; then
		added=$((SECOND - READ)) unchanged=$READ total=$SECOND
	else
		added=0 unchanged=$SECOND total=$READ
	fi
	# The records the first run committed are there as they are: unchanged.
	expect_eq "second run summary" \
		"evindex: $SECOND records read: $added added, 0 replaced, $unchanged unchanged, 0 skipped" \
		"$ERR"
	expect_eq "events after the second run" "$total" "$(index_count "$IIDX")"
fi

# --- Ctrl-C while waiting for input ------------------------------------------
# On standard input (a pipe with a writer that sends nothing) ...
mkfifo "$TMP/fifo"
"$EVINDEX" --index "$TMP/wait-stdin" - <"$TMP/fifo" 2>"$TMP/w.err" 3>&- &
PID=$!
CLI_PIDS+=("$PID")
exec 3>"$TMP/fifo"
sleep 1
kill -INT "$PID"
wait_bounded "$PID" 10
exec 3>&-
ERR=$(cat "$TMP/w.err")
LAST_CMD="evindex --index IDX - <fifo (Ctrl-C while waiting for input)"
expect_rc 130
expect_eq "summary" \
	"evindex: interrupted: 0 records read: 0 added, 0 replaced, 0 skipped" "$ERR"
# ... and on a fifo given as FILE, which blocks in open() until a writer
# comes: "If it is waiting for input on a pipe ..., it stops at once"
# (docs/cli.md), so the status is 130 there too.
"$EVINDEX" --index "$TMP/wait-fifo" "$TMP/fifo" 2>"$TMP/w.err" &
PID=$!
CLI_PIDS+=("$PID")
sleep 1
kill -INT "$PID"
wait_bounded "$PID" 10
ERR=$(cat "$TMP/w.err")
LAST_CMD="evindex --index IDX FIFO (Ctrl-C while opening the fifo)"
expect_rc 130
expect_match "summary" "^evindex: interrupted: " \
	"$(printf '%s\n' "$ERR" | tail -1)"

# --- kill -9 mid-run ---------------------------------------------------------
# Writing in place (a pipe into an index that has events): the index holds
# whole batches. Every wait here is bounded in seconds, not in rounds (a
# round runs evindex --info, slow under a sanitizer and heavy load).
# Short records, so that a batch is committed within seconds even under
# load (a FOSDEM-sized one can take minutes there).
KIDX="$TMP/killed"
run "$EVINDEX" --index "$KIDX" "$SOURCE_DIR/corpus/events.jsonl"
expect_rc 0
SEED=8
awk 'BEGIN { for (i = 0; i < 200000; i++)
	printf "{\"id\": \"short-%d\", \"title\": \"Short event %d\", \"start\": \"2024-01-01\"}\n", i, i }' \
	>"$TMP/short.jsonl"
set -m
# shellcheck disable=SC2002 # a pipe: its size is unknown, so in place
cat "$TMP/short.jsonl" | "$EVINDEX" --index "$KIDX" - 2>"$TMP/k.err" &
PID=$!
set +m
CLI_PIDS+=("$PID")
# Wait (at most 180 s) until the first batch is committed, so that there is
# something the kill must not lose.
deadline=$((SECONDS + 180))
while :; do
	c=$(index_count "$KIDX")
	[ -n "$c" ] && [ "$c" -ge $((SEED + BATCH)) ] && break
	kill -0 "$PID" 2>/dev/null || break
	[ "$SECONDS" -ge "$deadline" ] && break
	sleep 0.2
done
LAST_CMD="cat short.jsonl | evindex --index IDX - (kill -9 after the first commit)"
BEFORE=$(index_count "$KIDX")
if kill9 "$PID"; then
	expect_eq "a batch was committed before kill -9" yes \
		"$([ "${BEFORE:-0}" -ge $((SEED + BATCH)) ] && echo yes ||
			echo "no (${BEFORE:-none})")"
	run "$EVINDEX" --index "$KIDX" --info
	expect_rc 0
	AFTER=$(index_count "$KIDX")
	expect_eq "events after kill -9 are whole batches" 0 \
		"$(( (${AFTER:-1} - SEED) % BATCH ))"
	expect_eq "no committed batch lost" yes \
		"$([ "${AFTER:-0}" -ge "${BEFORE:-1}" ] && echo yes || echo no)"
	run "$EVSEARCH" --index "$KIDX" --json --no-facets -n 1
	expect_rc 0
	expect_match "search after kill -9" "\"total\": ${AFTER:-x}," "$OUT"
	# The next run is not locked out by the dead writer's lock file.
	run "$EVINDEX" --index "$KIDX" "$SHARED_EVENTS"
	expect_rc 0
	expect_eq "next run summary" \
		"evindex: $FOSDEM_COUNT records read: $FOSDEM_COUNT added, 0 replaced, 0 skipped" \
		"$ERR"
	expect_eq "events after the next run" "$(( ${AFTER:-0} + FOSDEM_COUNT ))" \
		"$(index_count "$KIDX")"

	# A large batch (the whole file, on the parallel path) killed while
	# it writes its new generation: the live one is as it was, and the
	# next writer clears what the batch left.
	LIVE=$(index_count "$KIDX")
	GEN=$(readlink "$KIDX/current")
	"$EVINDEX" --index "$KIDX" "$TMP/big.jsonl" 2>"$TMP/k.err" &
	PID=$!
	CLI_PIDS+=("$PID")
	deadline=$((SECONDS + 60))
	until ls -d "$KIDX"/gen-*.part-* >/dev/null 2>&1 ||
		[ "$SECONDS" -ge "$deadline" ]; do
		sleep 0.2
	done
	sleep 2
	LAST_CMD="evindex --index IDX big.jsonl (a batch; kill -9 while it writes)"
	if kill9 "$PID"; then
		expect_eq "live generation after the killed batch" "$GEN" \
			"$(readlink "$KIDX/current")"
		expect_eq "events after the killed batch" "$LIVE" \
			"$(index_count "$KIDX")"
		run "$EVINDEX" --index "$KIDX" "$SOURCE_DIR/corpus/events.jsonl"
		expect_rc 0
		expect_eq "run after the killed batch" \
			"evindex: 8 records read: 0 added, 0 replaced, 8 unchanged, 0 skipped" \
			"$ERR"
		expect_eq "parts left after the next writer" "" \
			"$(cd "$KIDX" && ls -d gen-*.part-* 2>/dev/null)"
	else
		RC="?"
		ERR=$(cat "$TMP/k.err")
		fail "the batch ended before kill -9"
	fi
else
	RC="?"
	ERR=$(cat "$TMP/k.err")
	fail "evindex ended before kill -9"
fi

# A first build killed: nothing is live, and the next run builds it.
K2="$TMP/killed-first"
"$EVINDEX" --index "$K2" "$TMP/big.jsonl" 2>"$TMP/k.err" &
PID=$!
CLI_PIDS+=("$PID")
sleep 3
LAST_CMD="evindex --index NEW big.jsonl (kill -9 during the first build)"
if kill9 "$PID"; then
	expect_eq "no live generation" "none" \
		"$(readlink "$K2/current" || echo none)"
	run "$EVINDEX" --index "$K2" "$SHARED_EVENTS"
	expect_rc 0
	expect_eq "next run summary" \
		"evindex: $FOSDEM_COUNT records read: $FOSDEM_COUNT added, 0 replaced, 0 skipped" \
		"$ERR"
	expect_eq "events after the next run" "$FOSDEM_COUNT" "$(index_count "$K2")"
else
	RC="?"
	ERR=$(cat "$TMP/k.err")
	fail "the first build ended before kill -9"
fi

finish
