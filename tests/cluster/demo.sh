# scripts/cluster-demo, run from a script as an operator's would run it:
# it serves the shards, searches through the cluster file, finds the same
# JSON as one index, stops its servers, and leaves its caller running
# (xapian-tcpsrv signals its whole process group when it is stopped).
#
#   bash tests/cluster/demo.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/lib.bash"
cluster_init "$@"
tcpsrv_or_skip

demo() { # ARGS...: scripts/cluster-demo in a shell of its own
	run bash -c 'EVINDEX=$1 EVSEARCH=$2 "$3/scripts/cluster-demo" "${@:4}"
		echo "caller alive after status $?"' demo \
		"$EVINDEX" "$EVSEARCH" "$SOURCE_DIR" "$@"
}

demo --shards 2 rust "$SHARED_EVENTS/fosdem-2026.jsonl"
expect_rc 0
expect_match "its caller goes on" '^caller alive after status 0$' "$OUT"
expect_match "two servers" 'serving shard-1 on 127\.0\.0\.1:[0-9]+' "$OUT"
expect_no_match "no third" 'serving shard-2' "$OUT"
expect_match "a search through the cluster" '^Showing 1-3 of [0-9]+ results for' "$OUT"
expect_match "the same as one index" '^The same JSON as one index' "$OUT"
for port in $(sed -n 's/^serving shard-[0-9]* on 127\.0\.0\.1:\([0-9]*\)$/\1/p' <<<"$OUT"); do
	CHECKS=$((CHECKS + 1))
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		fail "a server still listens on port $port"
	fi
done

# The default: 3 shards of corpus/events.jsonl and the demo's query.
demo
expect_rc 0
expect_match "default shards" 'serving shard-2 on' "$OUT"
expect_match "default, the same as one index" '^The same JSON as one index' "$OUT"

demo --shards 2 rust "$TMP/absent.jsonl"
expect_rc 0
expect_match "a missing file fails the demo" '^caller alive after status [1-9]' "$OUT"
finish
