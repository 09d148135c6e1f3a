# evindex --rebuild --shards N: the generation as N shards routed by the
# id hash, searched as one index by evsearch --index DIR; old sharded
# generations are removed and rolled back to like others; xapian-tcpsrv
# processes serving DIR/current/shard-K show a rebuild to the connections
# made after its switch.
#
#   bash tests/cluster/shards.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/lib.bash"
cluster_init "$@"

run "$EVINDEX" --index "$TMP/one" "$SHARED_EVENTS"
expect_rc 0 || exit 1
IDX="$TMP/sharded"
run "$EVINDEX" --index "$IDX" --rebuild --shards 3 "$SHARED_EVENTS"
expect_rc 0 || exit 1
expect_eq "shards of the generation" "shard-0 shard-1 shard-2" \
	"$(cd "$IDX/current" && echo shard-*)"
for q in "${QUERIES[@]}"; do
	# shellcheck disable=SC2086 # each query is several arguments
	same_json "--shards 3" "$TMP/one" "$IDX" $q
done
# Words of few events, whose forms are in some shards only: every 8th
# distinct title word of one schedule, over one index of it and 3 shards
# of it (Xapian built the synonym of a word's forms per shard from that
# shard's frequencies, and weighed some events differently: issue 15).
one26=$TMP/one-2026
run "$EVINDEX" --index "$one26" "$SHARED_EVENTS/fosdem-2026.jsonl"
expect_rc 0 || exit 1
run "$EVINDEX" --index "$TMP/sharded-2026" --rebuild --shards 3 \
	"$SHARED_EVENTS/fosdem-2026.jsonl"
expect_rc 0 || exit 1
mapfile -t words < <(python3 -c 'import json, re, sys
ws = set()
for line in open(sys.argv[1], encoding="utf-8"):
    ws.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", json.loads(line)["title"]))
print("\n".join(sorted(ws)[::8]))' "$SHARED_EVENTS/fosdem-2026.jsonl")
CHECKS=$((CHECKS + 1))
[ "${#words[@]}" -gt 100 ] || fail "only ${#words[@]} title words"
for w in "${words[@]}"; do
	same_json "title word $w" "$one26" "$TMP/sharded-2026" -n 20 "$w"
done
for w in "${words[@]:0:20}"; do
	same_json "title word $w, --expand" "$one26" "$TMP/sharded-2026" \
		--expand -n 20 "$w kernel"
done

run "$EVINDEX" --index "$IDX" --info
expect_rc 0
expect_match "--info counts every shard" '^events:[[:space:]]+3058$' "$OUT"

# Each id is in the shard of its hash (FNV-1a, 64 bits) modulo 3; every
# shard has some of the events.
shard_total() { # K: the events of shard K alone
	echo "$IDX/current/shard-$1" >"$TMP/k.cluster"
	"$EVSEARCH" --index "$TMP/k.cluster" --json -n 0 |
		sed -n 's/^  "total": \([0-9]*\),$/\1/p'
}
sum=0
for k in 0 1 2; do
	t=$(shard_total $k)
	CHECKS=$((CHECKS + 1))
	[ "${t:-0}" -gt 500 ] || fail "shard-$k holds ${t:-no} events"
	sum=$((sum + ${t:-0}))
done
expect_eq "the shards' events" 3058 "$sum"
for id in fosdem-2024-1683 fosdem-2025-5255 fosdem-2026-7866 \
	fosdem-2026-8377 fosdem-2025-5864; do
	k=$(python3 -c 'import sys
h = 1469598103934665603
for b in sys.argv[1].encode():
    h = ((h ^ b) * 1099511628211) % 2**64
print((h or 1) % 3)' "$id")
	echo "$IDX/current/shard-$k" >"$TMP/k.cluster"
	run "$EVSEARCH" --index "$TMP/k.cluster" --json -n 1 "id:$id"
	expect_match "$id in shard-$k" "\"id\": \"$id\"" "$OUT"
done

# --shards needs --rebuild (adds and syncs into shards: adds.sh).
printf '{"id": "x1", "title": "Extra", "start": "2025-03-01"}\n' >"$TMP/x.jsonl"
run "$EVINDEX" --index "$IDX" --shards 2 "$TMP/x.jsonl"
expect_rc 2
expect_match "--shards alone" "^evindex: --shards goes with --rebuild" "$ERR"
run "$EVINDEX" --index "$IDX" --rebuild --shards 17 "$TMP/x.jsonl"
expect_rc 2
expect_match "--shards 17" 'is not a number from 2 to 16' "$ERR"

# Served by xapian-tcpsrv: DIR/current/shard-K, opened for every
# connection, so the rebuild below is seen by the next search.
if command -v xapian-tcpsrv >/dev/null; then
	: >"$TMP/remote.cluster"
	for k in 0 1 2; do
		serve "$IDX/current/shard-$k" || exit 1
		echo "tcp://127.0.0.1:$PORT" >>"$TMP/remote.cluster"
	done
	same_json "served shards" "$TMP/one" "$TMP/remote.cluster" rust
	run "$EVINDEX" --index "$IDX" --rebuild --shards 3 --max-shrink -1 \
		"$SHARED_EVENTS/fosdem-2024.jsonl"
	expect_rc 0
	run "$EVSEARCH" --index "$TMP/remote.cluster" --json -n 0
	expect_match "the new generation through the servers" \
		'^  "total": 874,$' "$OUT"
	run "$EVINDEX" --index "$IDX" --rebuild --shards 3 "$SHARED_EVENTS"
	expect_rc 0
	same_json "after a second rebuild" "$TMP/one" "$TMP/remote.cluster" \
		--sort date -n 7 --offset 12 kernel
else
	echo "xapian-tcpsrv is not installed: the served part is skipped"
fi

# Old generations go as others do; --rollback returns to a sharded one;
# a rebuild without --shards makes one database again.
expect_eq "generations kept" "gen-2 gen-3" "$(cd "$IDX" && echo gen-*)"
run "$EVINDEX" --index "$IDX" --rebuild --max-shrink -1 \
	"$SHARED_EVENTS/fosdem-2025.jsonl"
expect_rc 0
expect_eq "one database again" "no" \
	"$([ -d "$IDX/current/shard-0" ] && echo yes || echo no)"
run "$EVSEARCH" --index "$IDX" --json -n 0
expect_match "unsharded total" '^  "total": 1105,$' "$OUT"
run "$EVINDEX" --index "$IDX" --rollback
expect_rc 0
same_json "rolled back to shards" "$TMP/one" "$IDX" security
finish
