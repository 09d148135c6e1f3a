#!/usr/bin/env bash
# 8 clients for 20 s while the index is rebuilt three times: no request
# fails, every answer comes from one whole generation, and the server
# picks up each new generation without a restart.
# SPDX-License-Identifier: GPL-3.0-or-later
. "$(dirname "$0")/lib.sh"
need_curl
[ -x "$LOAD" ] || fail "no load generator (evsd-load) given"

if [ -d "$SHARED/data/events" ]; then
	SOURCES=("$SHARED/data/events/fosdem-2024.jsonl")
else
	echo "note: $SHARED/data/events absent: rebuilding corpus/ instead"
	SOURCES=("$SRC/corpus/events.jsonl")
fi
"$EVINDEX" --quiet --index "$T/idx" "${SOURCES[@]}"
start_server "$T/idx" --quiet --threads 4
gen0=$(curl -s "http://$ADDR/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])')
events=$("$EVSEARCH" --index "$T/idx" --json -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')

cat >"$T/paths" <<'P'
/api/search?q=rust
/
/?q=kernel&sort=date
/api/search?q=open+source&all&limit=50
/api/search?limit=1&no-facets
/?when=past&page=2
/api/search?q=title%3Agit&sort=-date
/healthz
P
# The load goes on for 20 s, and longer if the rebuilds take longer (a
# sanitizer build): until the file "done" exists.
"$LOAD" "$ADDR" "$T/paths" 8 20 "$T/done" >"$T/load.out" 2>"$T/load.err" &
load_pid=$!
# Each answer must come from one whole generation: the listing's total is
# the number of events of every generation (the sources do not change).
checks=0
for i in 1 2 3; do
	sleep 2
	"$EVINDEX" --quiet --index "$T/idx" --rebuild "${SOURCES[@]}" ||
		fail "rebuild $i failed"
	for _ in 1 2 3; do
		code=$(status "/api/search?limit=1&no-facets")
		[ "$code" = 200 ] || fail "rebuild $i: status $code: $(cat "$T/body")"
		total=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])' <"$T/body")
		[ "$total" = "$events" ] || fail "rebuild $i: a total of $total, not $events"
		checks=$((checks + 1))
	done
done
kill -0 "$load_pid" || fail "the load ended before the third rebuild"
touch "$T/done"
wait "$load_pid" || {
	cat "$T/load.out" "$T/load.err" >&2
	fail "requests failed while the index was rebuilt"
}
cat "$T/load.out"
read -r _ _ _ _ _ requests _ failed _ <"$T/load.out"
[ "$failed" = 0 ] || fail "$failed requests failed"
[ "$requests" -gt 100 ] || fail "only $requests requests in 20 s"
gen=$(curl -s "http://$ADDR/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])')
[ "$gen" != "$gen0" ] || fail "the server still answers from $gen0"
[ "$gen" = "$(readlink "$T/idx/current")" ] ||
	fail "the server answers from $gen, the index's live one is $(readlink "$T/idx/current")"
stop_server
echo "ok: $requests requests, 0 failed, 3 rebuilds ($gen0 to $gen), $checks totals checked"
