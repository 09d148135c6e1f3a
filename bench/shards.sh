#!/usr/bin/env bash
# Shards against one index: build time of evindex --rebuild --shards N and
# the wall time of evsearch runs (process start included) over local
# shards and over the same shards served by xapian-tcpsrv on loopback.
# Prints a Markdown table (bench/results.md, "Shards").
#
#   bench/shards.sh BUILD_DIR ROUNDS EVENTS...
#
# Every query below runs ROUNDS times for each layout; p50 and p99 are
# over all those runs. Not a test: timings depend on the machine's load,
# which the table's caller must state.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
build=$1 rounds=$2
shift 2
evindex=$build/indexer/evindex
evsearch=$build/search/evsearch
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

echo "| Shards | Build (s) | Local p50 (ms) | Local p99 (ms) | Remote p50 (ms) | Remote p99 (ms) |"
echo "|---|---|---|---|---|---|"
for n in 1 2 4; do
	idx=$work/idx-$n
	t0=$(date +%s%N)
	if [ "$n" -eq 1 ]; then
		"$evindex" --quiet --index "$idx" --rebuild -j 1 "$@"
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
		xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "$db" \
			2>>"$work/tcpsrv.log" &
		pids+=($!)
		for _ in $(seq 100); do
			(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
			sleep 0.1
		done
		echo "tcp://127.0.0.1:$port" >>"$work/cluster-$n"
	done
	remote_t=$(times remote "$work/cluster-$n")
	echo "| $n | $build_s | $(echo "$local_t" | cut -d'|' -f3-4) |$(echo "$remote_t" | cut -d'|' -f3-4) |"
done
