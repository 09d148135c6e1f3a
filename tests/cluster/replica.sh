# A read-only replica kept current with Xapian's replication, as
# docs/scaling.md ("Replicas") says: xapian-replicate-server serves the
# index directory, xapian-replicate copies DIR/current to the replica;
# an add in place comes as a changeset, a sync's new generation as a full
# copy; the replica answers as the master, and readers of the replica
# never fail while it is updated.
#
#   bash tests/cluster/replica.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/lib.bash"
cluster_init "$@"
if ! command -v xapian-replicate-server >/dev/null; then
	echo "SKIP: xapian-replicate-server is not installed (xapian-tools)"
	exit 77
fi

MASTER="$TMP/master"
REPLICA="$TMP/replica"
# The master's writers keep changesets for the replicas.
export XAPIAN_MAX_CHANGESETS=10
run "$EVINDEX" --index "$MASTER" "$SHARED_EVENTS/fosdem-2024.jsonl" \
	"$SHARED_EVENTS/fosdem-2025.jsonl"
expect_rc 0 || exit 1

for _ in 1 2 3; do
	PORT=$(free_port)
	xapian-replicate-server --interface 127.0.0.1 --port "$PORT" \
		"$MASTER" >"$TMP/server.log" 2>&1 &
	SRV_PID=$!
	CLI_PIDS+=("$SRV_PID")
	wait_port "$PORT" && kill -0 "$SRV_PID" 2>/dev/null && break
	kill -KILL "$SRV_PID" 2>/dev/null
done

# replicate: one update of the replica; its summary in $OUT.
replicate() {
	run timeout 120 xapian-replicate -v --one-shot --host 127.0.0.1 \
		--port "$PORT" --master current "$REPLICA"
	expect_rc 0
}
echo "$REPLICA" >"$TMP/replica.cluster"

replicate
expect_match "initial copy" 'Update complete: 1 copies' "$OUT"
same_json "initial copy" "$MASTER" "$TMP/replica.cluster" rust
same_json "initial copy" "$MASTER" "$TMP/replica.cluster" --sort date -n 5

# An add in place: one changeset.
run "$EVINDEX" --index "$MASTER" "$SHARED_EVENTS/fosdem-2026.jsonl"
expect_rc 0
replicate
expect_match "add" 'Update complete: 0 copies, 1 changesets' "$OUT"
same_json "add" "$MASTER" "$TMP/replica.cluster"
same_json "add" "$MASTER" "$TMP/replica.cluster" security kernel

# A sync makes a new generation: a full copy, switched to on the replica
# while readers search it in a loop (bounded: 300 searches at most).
sed -e '20,30d' -e '100s/"title": "/"title": "Replicated /' \
	"$SHARED_EVENTS"/*.jsonl >"$TMP/all.jsonl"
run "$EVINDEX" --index "$MASTER" --sync "$TMP/all.jsonl"
expect_rc 0
: >"$TMP/readers.log"
(
	for _ in $(seq 300); do
		[ -e "$TMP/stop" ] && break
		"$EVSEARCH" --index "$TMP/replica.cluster" --json -n 1 rust \
			>/dev/null 2>>"$TMP/readers.log" || echo "failed: $?" >>"$TMP/readers.log"
	done
) &
READER=$!
sleep 0.5
replicate
expect_match "sync" 'Update complete: 1 copies, 0 changesets' "$OUT"
sleep 0.5
touch "$TMP/stop"
wait "$READER"
expect_eq "readers during the update" "" "$(cat "$TMP/readers.log")"
same_json "sync" "$MASTER" "$TMP/replica.cluster" replicated
same_json "sync" "$MASTER" "$TMP/replica.cluster" --tag security
run "$EVSEARCH" --index "$TMP/replica.cluster" --json -n 0
expect_match "the replica's events" '^  "total": 3047,$' "$OUT"
finish
