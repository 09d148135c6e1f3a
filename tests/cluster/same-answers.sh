# A cluster file of shards gives the answers of one index over the same
# events: ids, order (ties by id), totals and every facet count, for
# searches with filters, sorts and pages; with local shards, with shards
# served by xapian-tcpsrv, and with both.
#
#   bash tests/cluster/same-answers.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/lib.bash"
cluster_init "$@"
tcpsrv_or_skip

# One index of all the events, and one shard per schedule file.
run "$EVINDEX" --index "$TMP/one" "$SHARED_EVENTS"
expect_rc 0 || exit 1
shard_per_file

# Local shards: relative paths, comments and blank lines.
cat >"$TMP/local.cluster" <<END
# three local shards
shard-0
$TMP/shard-1   # an absolute path

shard-2
END
for q in "${QUERIES[@]}"; do
	# shellcheck disable=SC2086 # each query is several arguments
	same_json "local shards" "$TMP/one" "$TMP/local.cluster" $q
done

# Remote shards, and a mix of remote and local ones.
: >"$TMP/remote.cluster"
for i in 0 1 2; do
	serve "$TMP/shard-$i/current" || exit 1
	echo "tcp://127.0.0.1:$PORT" >>"$TMP/remote.cluster"
done
printf '%s\nshard-2\n' "$(head -2 "$TMP/remote.cluster")" >"$TMP/mixed.cluster"
for q in "${QUERIES[@]}"; do
	# shellcheck disable=SC2086
	same_json "remote shards" "$TMP/one" "$TMP/remote.cluster" $q
	# shellcheck disable=SC2086
	same_json "remote and local shards" "$TMP/one" "$TMP/mixed.cluster" $q
done

# The text output too, and the count that the query found.
run "$EVSEARCH" --index "$TMP/remote.cluster" --json -n 0 rust
expect_rc 0
expect_match "total over remote shards" '"total": 161,' "$OUT"

# Bad cluster files: the line and what is wrong.
printf 'shard-0\nhttp://example.org/x\n' >"$TMP/bad.cluster"
run "$EVSEARCH" --index "$TMP/bad.cluster" rust
expect_rc 2
expect_eq "a URL that is not tcp://" \
	"evsearch: $TMP/bad.cluster:2: \"http://example.org/x\": a shard is a path or tcp://HOST:PORT" \
	"$ERR"
printf 'tcp://127.0.0.1:99999\n' >"$TMP/bad.cluster"
run "$EVSEARCH" --index "$TMP/bad.cluster" rust
expect_rc 2
expect_match "a bad port" ':1: "tcp://127.0.0.1:99999": not tcp://HOST:PORT' "$ERR"
printf '# nothing\n\n' >"$TMP/bad.cluster"
run "$EVSEARCH" --index "$TMP/bad.cluster" rust
expect_rc 2
expect_match "no shard" 'lists no shard' "$ERR"
printf 'shard-0\nnowhere\n' >"$TMP/bad.cluster"
run "$EVSEARCH" --index "$TMP/bad.cluster" rust
expect_rc 3
expect_match "a missing shard" "^evsearch: $TMP/nowhere: cannot open the shard" "$ERR"

# Shards of another stemmer are refused.
run "$EVINDEX" --index "$TMP/french" --stemmer french "$SHARED_EVENTS/fosdem-2024.jsonl"
printf 'shard-0\nfrench\n' >"$TMP/bad.cluster"
run "$EVSEARCH" --index "$TMP/bad.cluster" rust
expect_rc 6
expect_match "another stemmer" 'shard has evsearch.stemmer "french"' "$ERR"
finish
