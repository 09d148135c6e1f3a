# Adds, --sync, --delete and large batches into an index built as shards
# route each id to its shard: after every step the sharded index answers
# byte for byte as the same shards rebuilt from the final events, and with
# the totals and facet counts of an unsharded index given the same steps,
# locally and through xapian-tcpsrv processes that serve
# DIR/current/shard-K the whole time; unchanged records are reported
# unchanged and leave the shards as they were; Ctrl-C during an add
# leaves every shard at its last commit.
#
#   bash tests/cluster/adds.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/lib.bash"
cluster_init "$@"
tcpsrv_or_skip

ONE="$TMP/one"
SH="$TMP/sharded"
F24="$SHARED_EVENTS/fosdem-2024.jsonl"
F25="$SHARED_EVENTS/fosdem-2025.jsonl"
F26="$SHARED_EVENTS/fosdem-2026.jsonl"

# step WHAT ARGS...: the same evindex run on both indexes, which must
# succeed alike; the sharded run's stderr is in $ERR.
step() {
	local what=$1
	shift
	run "$EVINDEX" --index "$ONE" "$@"
	expect_rc 0 || exit 1
	local one_err=$ERR
	run "$EVINDEX" --index "$SH" "$@"
	expect_rc 0 || exit 1
	# The summaries say the same but for the index's name.
	expect_eq "$what: evindex's summary" "${one_err//$ONE/IDX}" \
		"${ERR//$SH/IDX}"
}

# same_counts WHAT INDEX-A INDEX-B ARGS...: evsearch --json gives the same
# total and facet counts over both indexes.
same_counts() {
	local what=$1 a=$2 b=$3
	shift 3
	CHECKS=$((CHECKS + 1))
	local counts='import json, sys
d = json.load(sys.stdin)
print(d["total"], json.dumps(d.get("facets"), sort_keys=True))'
	"$EVSEARCH" --index "$a" --json "$@" | python3 -c "$counts" >"$TMP/a.txt"
	"$EVSEARCH" --index "$b" --json "$@" | python3 -c "$counts" >"$TMP/b.txt"
	if ! cmp -s "$TMP/a.txt" "$TMP/b.txt"; then
		LAST_CMD="evsearch --index $b --json $*"
		fail "$what: $* counts differ: $(diff "$TMP/a.txt" "$TMP/b.txt" | head -4)"
	fi
}

# compare WHAT FINAL-EVENTS: the queries answer byte for byte alike in
# the sharded index, its shards served by xapian-tcpsrv and three shards
# rebuilt from the final events; and with the same totals and facet
# counts as the unsharded index given the same steps. (Its scores may
# differ in the last digits, and so the order of near ties: a sharded and
# an unsharded rebuild of the same events can already differ so.)
compare() {
	local q
	rm -rf "$TMP/ref"
	run "$EVINDEX" --index "$TMP/ref" --rebuild --shards 3 "$2"
	expect_rc 0 || exit 1
	local i picked=("changed" "--sort date -n 20 altered")
	# Every other query of the list: the test's time stays in bounds.
	for ((i = 1; i < ${#QUERIES[@]}; i += 2)); do
		picked+=("${QUERIES[i]}")
	done
	for q in "${picked[@]}"; do
		# shellcheck disable=SC2086 # each query is several arguments
		same_json "$1, local shards" "$TMP/ref" "$SH" $q
	done
	# Fewer through the servers and against one index: the test's time.
	for q in "" "security kernel" "--sort date -n 3 --offset 100" \
		"--tag security" "changed"; do
		# shellcheck disable=SC2086
		same_json "$1, served shards" "$TMP/ref" "$TMP/remote.cluster" $q
		# shellcheck disable=SC2086
		same_counts "$1, one index" "$ONE" "$SH" $q
	done
}

run "$EVINDEX" --index "$ONE" --rebuild "$F24" "$F25"
expect_rc 0 || exit 1
run "$EVINDEX" --index "$SH" --rebuild --shards 3 "$F24" "$F25"
expect_rc 0 || exit 1
: >"$TMP/remote.cluster"
for k in 0 1 2; do
	serve "$SH/current/shard-$k" || exit 1
	echo "tcp://127.0.0.1:$PORT" >>"$TMP/remote.cluster"
done
cat "$F24" "$F25" >"$TMP/final.jsonl"
compare "rebuilt" "$TMP/final.jsonl"

# A plain add writes the live shards in place: the running servers see
# it at the next search.
step "plain add" "$F26"
expect_match "plain add" '1079 records read: 1079 added, 0 replaced, 0 skipped' "$ERR"
expect_eq "still one generation" "gen-1" "$(cd "$SH" && echo gen-*)"
cat "$F26" >>"$TMP/final.jsonl"
compare "plain add" "$TMP/final.jsonl"

# The same records again: unchanged, and no shard is written (Xapian's
# revision of each shard stays).
revisions() {
	local k
	for k in 0 1 2; do
		xapian-delve "$SH/current/shard-$k" 2>/dev/null |
			sed -n 's/^revision = \([0-9]*\)$/\1/p'
	done | tr '\n' ' '
}
before=$(revisions)
step "the same add" "$F26"
expect_match "unchanged" '1079 records read: 0 added, 0 replaced, 1079 unchanged, 0 skipped' "$ERR"
expect_eq "the shards' revisions after unchanged records" "$before" \
	"$(revisions)"
CHECKS=$((CHECKS + 1))
[ -n "${before// /}" ] || fail "no revision read from xapian-delve -V"

# A sync with changed records and records removed: a new generation of
# three shards, and the events not given again deleted from each shard.
cat "$F24" "$F25" "$F26" |
	sed -e '10s/"title": "/"title": "Changed /' \
		-e '1500s/"title": "/"title": "Altered /' \
		-e '2900s/"description": "/"description": "Altered /' \
		-e '20,24d' -e '2001,2003d' >"$TMP/all.jsonl"
step "sync" --sync "$TMP/all.jsonl"
expect_match "sync counts" '3050 records read: 0 added, 3 replaced, 3047 unchanged, 0 skipped' "$ERR"
expect_match "sync deletes" '8 events no longer in the sources were deleted' "$ERR"
expect_eq "shards of the synced generation" "shard-0 shard-1 shard-2" \
	"$(cd "$SH/current" && echo shard-*)"
compare "sync" "$TMP/all.jsonl"
step "the same sync" --sync "$TMP/all.jsonl"
expect_match "nothing changed" 'nothing changed: it stays' "$ERR"

# Deletes go to the id's shard; a second delete finds nothing.
id=$(sed -n 30p "$TMP/all.jsonl" | sed 's/^{"id": "\([^"]*\)".*/\1/')
step "delete" --delete "$id" fosdem-2026-7866
expect_eq "deleted" "evindex: 2 deleted, 0 not found" "$ERR"
run "$EVINDEX" --index "$SH" --delete "$id"
expect_rc 1
expect_eq "deleted before" "evindex: no event with id \"$id\"
evindex: 0 deleted, 1 not found" "$ERR"
grep -v -e "\"$id\"" -e '"fosdem-2026-7866"' "$TMP/all.jsonl" >"$TMP/final.jsonl"
compare "delete" "$TMP/final.jsonl"

# A large batch (over 4 MiB and a quarter of the index) is written beside
# copies of the shards and switched to, as into one database.
sed 's/^{"id": "/{"id": "copy-/' "$TMP/all.jsonl" >"$TMP/copies.jsonl"
cat "$TMP/copies.jsonl" "$F24" >"$TMP/batch.jsonl"
step "batch" "$TMP/batch.jsonl"
# (the 2024 schedule brings back its 6 deleted events and the first
# title changed by the sync.)
expect_match "batch counts" '3924 records read: 3056 added, 1 replaced, 867 unchanged' "$ERR"
expect_eq "the batch's generation" "gen-2 gen-3" "$(cd "$SH" && echo gen-*)"
cat "$TMP/batch.jsonl" >>"$TMP/final.jsonl" # a later record replaces
compare "batch" "$TMP/final.jsonl"

# Ctrl-C during an add: what was read is committed on every shard, and
# the shards answer as the unsharded index given the same records.
sed 's/^{"id": "/{"id": "int-/' "$F25" | head -300 >"$TMP/int.jsonl"
mkfifo "$TMP/fifo"
"$EVINDEX" --index "$SH" - <"$TMP/fifo" 2>"$TMP/int.err" &
PID=$!
CLI_PIDS+=("$PID")
exec 3>"$TMP/fifo"
cat "$TMP/int.jsonl" >&3
sleep 3
kill -INT "$PID"
for _ in $(seq 300); do # at most 30 s
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
kill -KILL "$PID" 2>/dev/null
wait "$PID"
RC=$?
exec 3>&-
ERR=$(cat "$TMP/int.err")
LAST_CMD="evindex --index SH - <fifo (Ctrl-C after 300 records)"
expect_rc 130
expect_match "interrupted" \
	'^evindex: interrupted: [0-9]+ records read: [0-9]+ added, 0 replaced, 0 skipped$' \
	"$ERR"
read=$(printf '%s\n' "$ERR" | sed -n 's/.* \([0-9]*\) records read.*/\1/p')
CHECKS=$((CHECKS + 1))
[ "${read:-0}" -gt 0 ] || fail "no record read before Ctrl-C"
head -"${read:-0}" "$TMP/int.jsonl" >"$TMP/int-read.jsonl"
run "$EVINDEX" --index "$ONE" "$TMP/int-read.jsonl"
expect_rc 0
cat "$TMP/int-read.jsonl" >>"$TMP/final.jsonl"
compare "interrupted add" "$TMP/final.jsonl"
finish
