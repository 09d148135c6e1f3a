# Shards that do not answer: a stopped server is an error that names it
# (exit status 10), or with --allow-partial the other shards' results and
# the missing ones listed in the JSON; a server that hangs times out.
#
#   bash tests/cluster/faults.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/lib.bash"
cluster_init "$@"
tcpsrv_or_skip

shard_per_file
PIDS=()
PORTS=()
for i in 0 1 2; do
	serve "$TMP/shard-$i/current" || exit 1
	PIDS+=("$SRV_PID")
	PORTS+=("$PORT")
	echo "tcp://127.0.0.1:$PORT" >>"$TMP/all.cluster"
done
printf 'shard-0\nshard-2\n' >"$TMP/alive.cluster"

run "$EVSEARCH" --index "$TMP/all.cluster" --json -n 0 rust
expect_rc 0
expect_no_match "all shards answer" 'missing_shards' "$OUT"

# Shard 1 goes down.
kill -KILL "${PIDS[1]}"
wait "${PIDS[1]}" 2>/dev/null
down="tcp://127.0.0.1:${PORTS[1]}"
run "$EVSEARCH" --index "$TMP/all.cluster" rust
expect_rc 10
expect_match "the shard is named" \
	"^evsearch: $down: shard does not answer: Couldn't connect" "$ERR"
run "$EVSEARCH" --index "$TMP/all.cluster" --json rust
expect_rc 10
expect_match "the JSON error" '"status": "shard unavailable"' "$OUT"

# --allow-partial: the answers of the shards that are up, exactly.
for q in "rust" "--sort date -n 5" "security --tag security"; do
	# shellcheck disable=SC2086 # each query is several arguments
	"$EVSEARCH" --index "$TMP/alive.cluster" --json $q >"$TMP/alive.json"
	# shellcheck disable=SC2086
	run "$EVSEARCH" --index "$TMP/all.cluster" --allow-partial --json $q
	expect_rc 0
	expect_match "missing shards listed" \
		"^  \"missing_shards\": \\[$" "$OUT"
	expect_match "the missing shard" "^    \"$down\"$" "$OUT"
	CHECKS=$((CHECKS + 1))
	python3 -c 'import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
b.pop("missing_shards")
sys.exit(a != b)' "$TMP/alive.json" "$TMP/out" ||
		fail "--allow-partial $q: not the results of the other shards"
done
run "$EVSEARCH" --index "$TMP/all.cluster" --allow-partial rust
expect_rc 0
expect_eq "text output warns" \
	"evsearch: warning: partial results: shard $down does not answer" "$ERR"

# Every shard down: an error even with --allow-partial.
kill -KILL "${PIDS[0]}" "${PIDS[2]}"
wait 2>/dev/null
run "$EVSEARCH" --index "$TMP/all.cluster" --allow-partial rust
expect_rc 10
expect_match "none answers" "all.cluster: no shard answers" "$ERR"

# A server that accepts but never answers (stopped): --timeout bounds the
# wait, and the shard is named.
serve "$TMP/shard-0/current" || exit 1
echo "tcp://127.0.0.1:$PORT" >"$TMP/hang.cluster"
kill -STOP "$SRV_PID"
start=$(date +%s)
run "$EVSEARCH" --index "$TMP/hang.cluster" --timeout 500 rust
took=$(($(date +%s) - start))
kill -CONT "$SRV_PID"
expect_rc 10
expect_match "timed out" "^evsearch: tcp://127.0.0.1:$PORT: shard does not answer" "$ERR"
CHECKS=$((CHECKS + 1))
[ "$took" -le 8 ] || fail "--timeout 500 took ${took}s"
run "$EVSEARCH" --index "$TMP/hang.cluster" --timeout 0 rust
expect_rc 2
finish
