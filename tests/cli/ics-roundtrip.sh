#!/usr/bin/env bash
# The same events as JSON Lines and as iCalendar give the same search
# results: the corpus (corpus/events.ics is scripts/jsonl-to-ics of
# corpus/events.jsonl) and, where ../shared/ is present, the 3,058 real
# FOSDEM events converted here. Compared: totals, facets, and for every
# hit its rank, id, score, title, place, people, tags, URL and its dates
# as instants ("Z" and "+00:00" are the same time; iCalendar dates carry
# no time zone, so "timezone" is compared for timed events only).
# Indexing both files into one index doubles nothing.
# Usage: ics-roundtrip.sh EVINDEX EVSEARCH SOURCE_DIR
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
evindex=$1 evsearch=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# corpus/events.ics is what the converter makes of corpus/events.jsonl.
python3 "$src/scripts/jsonl-to-ics" "$src/corpus/events.jsonl" >"$tmp/c.ics"
if ! cmp -s "$tmp/c.ics" "$src/corpus/events.ics"; then
  echo "FAIL: corpus/events.ics is not scripts/jsonl-to-ics of events.jsonl"
  fail=1
fi

normalise() {
  python3 -c '
import datetime, json, sys
def instant(s):
    if s is None or len(s) == 10:
        return s
    s = s.replace("z", "Z").replace("Z", "+00:00")
    t = datetime.datetime.fromisoformat(s)
    return t.astimezone(datetime.timezone.utc).isoformat() if t.tzinfo else s
d = json.load(sys.stdin)
out = {"total": d["total"], "facets": d["facets"], "hits": []}
for h in d["results"]:
    timed = h["start"] is not None and len(h["start"]) > 10
    out["hits"].append([h["rank"], h["id"], round(h["score"], 9), h["title"],
        h["location"], h["organisers"], h["participants"], h["tags"],
        h["url"], instant(h["start"]), instant(h["end"]),
        h["timezone"] if timed else None, h["occurrences_matching"]])
json.dump(out, sys.stdout, indent=1, sort_keys=True)
'
}

compare() { # NAME JSONL ICS QUERY...
  local name=$1 jsonl=$2 ics=$3
  shift 3
  rm -rf "$tmp/a" "$tmp/b"
  "$evindex" -q --index "$tmp/a" "$jsonl"
  "$evindex" -q --index "$tmp/b" "$ics"
  for q in "$@"; do
    for opts in "" "--sort date" "--from 2022-05 --to 2024-02-03"; do
      # shellcheck disable=SC2086
      "$evsearch" --index "$tmp/a" --json -n 50 $opts -- "$q" | normalise >"$tmp/ra"
      # shellcheck disable=SC2086
      "$evsearch" --index "$tmp/b" --json -n 50 $opts -- "$q" | normalise >"$tmp/rb"
      if ! cmp -s "$tmp/ra" "$tmp/rb"; then
        echo "FAIL: $name: \"$q\" $opts differs:"
        diff "$tmp/ra" "$tmp/rb" | head -20
        fail=1
      fi
    done
  done
  # Both files in one index: each event once.
  rm -rf "$tmp/c"
  "$evindex" -q --index "$tmp/c" "$jsonl" "$ics" 2>/dev/null
  local n1 n2
  n1=$("$evsearch" --index "$tmp/a" --json "" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  n2=$("$evsearch" --index "$tmp/c" --json "" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  if [ "$n1" != "$n2" ]; then
    echo "FAIL: $name: both files give $n2 events, not $n1"
    fail=1
  fi
  echo "$name: $n1 events, same results for $# queries x 3 option sets"
}

compare corpus "$src/corpus/events.jsonl" "$src/corpus/events.ics" \
  "multistakeholder consultation" "" "cybercrime" "joyce hakmeh" \
  "title:treaty" '"cybercrime treaty"' "online OR vienna"

shared="$src/../shared/data/events"
if [ -d "$shared" ]; then
  cat "$shared"/*.jsonl >"$tmp/fosdem.jsonl"
  python3 "$src/scripts/jsonl-to-ics" "$tmp/fosdem.jsonl" >"$tmp/fosdem.ics"
  compare fosdem "$tmp/fosdem.jsonl" "$tmp/fosdem.ics" \
    "rust" "" "postgres replication" '"free software"' "participant:faeroy" \
    "kernel OR firmware" "tag:keynote" "organiser:keynotes"
else
  echo "note: ../shared/data/events absent: FOSDEM part skipped"
fi
exit $fail
