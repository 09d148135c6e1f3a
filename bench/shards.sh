#!/usr/bin/env bash
# Shards against one index: build time of evindex --rebuild (one index,
# default workers) and --rebuild --shards N, then searches over local
# shards and over the same shards served by xapian-tcpsrv on loopback:
#   - CLI: the wall time of `evsearch --json` runs, process start and
#     every connection included (what a shell script or cron job pays);
#   - in-process: bench/evs-query over a query log, the index (or cluster
#     file) opened once and searched again and again, connections kept
#     (what evsearchd or an embedding program pays). Its "hits" must be
#     the same for every layout: a check that shards answer alike.
# Prints a Markdown table (bench/results.md, "Shards"); the load average
# before each layout goes to stderr.
#
#   bench/shards.sh BUILD_DIR ROUNDS QUERYLOG EVENTS...
#
# BUILD_DIR is scripts/bench's build-bench (it has bench/evs-query);
# QUERYLOG is bench/gen-queries.py's TSV. Every CLI query below runs
# ROUNDS times per layout, and evs-query makes ROUNDS passes of the log
# (after one untimed pass) in each of its modes plain and facets; p50 and
# p99 are over all those runs. Not a test: timings depend on the
# machine's load, which the table's caller must state.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
if [ $# -lt 4 ]; then
	echo "usage: bench/shards.sh BUILD_DIR ROUNDS QUERYLOG EVENTS..." >&2
	exit 2
fi
build=$1 rounds=$2 querylog=$3
shift 3
evindex=$build/indexer/evindex
evsearch=$build/search/evsearch
evsquery=$build/bench/evs-query
[ -x "$evsquery" ] || evsquery=$build/bench-standalone/evs-query
for tool in "$evindex" "$evsearch" "$evsquery"; do
	[ -x "$tool" ] || { echo "bench/shards.sh: $tool: not built" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/evs-shards.XXXXXX")
pids=()
cleanup() {
	local p
	for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
queries=("rust" "security kernel" "running containers" "--sort date open source"
	"--tag security" "--from 2025-01-01 --to 2025-12-31 go" "" "title:testing"
	"databases -n 50" "python --offset 20")

# times LABEL INDEX: p50 and p99 in ms of ROUNDS runs of every query.
times() {
	local q r t0 t1
	: >"$work/ms"
	for ((r = 0; r < rounds; r++)); do
		for q in "${queries[@]}"; do
			t0=$(date +%s%N)
			# shellcheck disable=SC2086 # a query is several arguments
			"$evsearch" --index "$2" --json $q >/dev/null
			t1=$(date +%s%N)
			echo $(((t1 - t0) / 1000)) >>"$work/ms"
		done
	done
	sort -n "$work/ms" | awk -v label="$1" '{ v[NR] = $1 }
		END { p50 = v[int(NR * 0.50 + 0.5)]; p99 = v[int(NR * 0.99 + 0.5)];
		      printf "| %s | %.1f | %.1f |", label, p50 / 1000, p99 / 1000 }'
}

# inproc INDEX: "plain p50 / p99 | facets p50 / p99" in ms from
# evs-query, and the hits of both modes to stderr.
inproc() {
	"$evsquery" --reps "$rounds" --modes plain,facets "$1" "$querylog" >"$work/q"
	awk '/^query / { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	       printf "%s %s %s %s %s\n", f["mode"], f["raw_p50_ms"], f["raw_p99_ms"],
	              f["hits"], f["errors"] }' "$work/q" >"$work/qs"
	echo "  evs-query $1: $(tr '\n' ' ' <"$work/qs")(mode p50 p99 hits errors)" >&2
	awk '{ printf "%s%.1f / %.1f", (NR > 1 ? " | " : ""), $2, $3 }' "$work/qs"
}

# pair ROW: "p50 / p99" of a row of times().
pair() {
	echo "$1" | awk -F'|' '{ gsub(/ /, "", $3); gsub(/ /, "", $4); printf "%s / %s", $3, $4 }'
}

echo "| Shards | Build (s) | CLI local p50 / p99 (ms) | CLI remote p50 / p99 (ms) | In-process local plain p50 / p99 | local facets p50 / p99 | remote plain p50 / p99 | remote facets p50 / p99 (ms) |"
echo "|---|---|---|---|---|---|---|---|"
for n in 1 2 4; do
	idx=$work/idx-$n
	echo "shards $n: load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M)" >&2
	t0=$(date +%s%N)
	if [ "$n" -eq 1 ]; then
		"$evindex" --quiet --index "$idx" --rebuild "$@"
	else
		"$evindex" --quiet --index "$idx" --rebuild --shards "$n" "$@"
	fi
	t1=$(date +%s%N)
	build_s=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }')
	local_t=$(times local "$idx")
	: >"$work/cluster-$n"
	if [ "$n" -eq 1 ]; then
		dbs=("$idx/current")
	else
		dbs=()
		for ((k = 0; k < n; k++)); do dbs+=("$idx/current/shard-$k"); done
	fi
	for db in "${dbs[@]}"; do
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		# Its own session: on SIGTERM xapian-tcpsrv signals its whole
		# process group (its children), which would otherwise be ours.
		setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "$db" \
			2>>"$work/tcpsrv.log" &
		pids+=($!)
		for _ in $(seq 100); do
			(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
			sleep 0.1
		done
		echo "tcp://127.0.0.1:$port" >>"$work/cluster-$n"
	done
	remote_t=$(times remote "$work/cluster-$n")
	local_q=$(inproc "$idx")
	remote_q=$(inproc "$work/cluster-$n")
	echo "| $n | $build_s | $(pair "$local_t") | $(pair "$remote_t") | $local_q | $remote_q |"
done
