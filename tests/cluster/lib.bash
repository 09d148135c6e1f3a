# Helpers of the cluster tests: remote shards served by xapian-tcpsrv on
# free loopback ports. Sources tests/golden/lib.sh too.

. "$(dirname "${BASH_SOURCE[0]}")/../golden/lib.sh"

# cluster_init EVINDEX EVSEARCH SOURCE_DIR: cli_init, and a skip (77)
# where ../shared/data is absent: every cluster test shards its schedules.
cluster_init() {
	cli_init "$@"
	shared_data_or_skip
}

# tcpsrv_or_skip: skip the whole test (77) where xapian-tcpsrv is absent.
tcpsrv_or_skip() {
	if ! command -v xapian-tcpsrv >/dev/null; then
		echo "SKIP: xapian-tcpsrv is not installed (package xapian-tools)"
		exit 77
	fi
}

# free_port: a TCP port of 127.0.0.1 that nothing listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT: waits (at most 10 s) until 127.0.0.1:PORT accepts.
wait_port() {
	local i
	for i in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# serve DATABASE: starts xapian-tcpsrv on a free port for DATABASE; sets
# PORT and SRV_PID (killed at exit by cli_cleanup). A port taken between
# free_port and the server's bind is retried.
serve() {
	local try
	for try in 1 2 3; do
		PORT=$(free_port)
		xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$PORT" "$1" \
			>"$TMP/tcpsrv-$PORT.log" 2>&1 &
		SRV_PID=$!
		CLI_PIDS+=("$SRV_PID")
		if wait_port "$PORT" && kill -0 "$SRV_PID" 2>/dev/null; then
			return 0
		fi
		kill -KILL "$SRV_PID" 2>/dev/null
	done
	echo "cannot start xapian-tcpsrv for $1" >&2
	return 1
}

# shard_per_file: an index $TMP/shard-K of each schedule file (K from 0),
# or exit; checks that there are 3.
shard_per_file() {
	local f n=0
	for f in "$SHARED_EVENTS"/*.jsonl; do
		run "$EVINDEX" --index "$TMP/shard-$n" "$f"
		expect_rc 0 || exit 1
		n=$((n + 1))
	done
	expect_eq "shards" 3 "$n"
}

# same_json WHAT INDEX-A INDEX-B ARGS...: evsearch --json over both
# indexes gives the same document.
same_json() {
	local what=$1 a=$2 b=$3
	shift 3
	"$EVSEARCH" --index "$a" --json "$@" >"$TMP/a.json" 2>"$TMP/a.err"
	local rca=$?
	"$EVSEARCH" --index "$b" --json "$@" >"$TMP/b.json" 2>"$TMP/b.err"
	local rcb=$?
	CHECKS=$((CHECKS + 1))
	if [ "$rca" -ne 0 ] || [ "$rcb" -ne 0 ] ||
		! cmp -s "$TMP/a.json" "$TMP/b.json"; then
		LAST_CMD="evsearch --index $b --json $*"
		RC=$rcb
		ERR=$(cat "$TMP/b.err")
		fail "$what: $* differs from one index (exit $rca/$rcb): $(diff "$TMP/a.json" "$TMP/b.json" | head -8)"
	fi
}

# QUERIES: one search a line (evsearch arguments), with filters, sorts,
# pages, fields, stemmed words and misspelt ones (corrected from the
# frequencies of every word one edit away, asked of all shards at once).
QUERIES=(
	""
	"--offset 40 -n 5"
	"rust"
	"security kernel"
	"running containers"
	"title:testing"
	"--all open source"
	"--sort date rust"
	"--sort -date --offset 30 -n 10 kernel"
	"--sort date -n 3 --offset 100"
	"--tag security"
	"--from 2025-01-01 --to 2025-12-31 go"
	"--from 2026-01-01 --sort date"
	"databases -n 50"
	"\"free software\""
	"python --no-facets"
	"--exact networks"
	"testing --offset 10 -n 10"
	"secruity kernel"
	"pyhton --offset 5"
	"contaners -n 3"
)
