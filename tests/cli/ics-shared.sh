#!/usr/bin/env bash
# Every iCalendar file of ../shared/data/ics is indexed, each into a fresh
# index, and listed with its counts and messages: no crash, no sanitizer
# report, no hang (ctest's TIMEOUT), an exit status of 0 or 1 (bad events
# reported), and the counts of records read,
# events indexed (distinct ids) and events lost equal to tests/ics/
# expected.tsv, which tests/ics/count.py (an independent reading of RFC
# 5545, without libical) computed; tests/ics/known-differences.tsv lists
# where the two readings part, and why.
# Usage: ics-shared.sh EVINDEX EVSEARCH SOURCE_DIR
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail
evindex=$1 src=$3
data="$src/../shared/data/ics"
[ -d "$data" ] || { echo "skip: $data absent"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A want
while IFS=$'\t' read -r f rec ids lost _; do
  [[ $f == \#* || -z $f ]] && continue
  want[$f]="$rec $ids $lost"
done < <(cat "$src/tests/ics/expected.tsv" "$src/tests/ics/known-differences.tsv")
fail=0 n=0 events=0 errors=0
for path in "$data"/*/*.ics; do
  f=${path#"$data"/}
  rm -rf "$tmp/ix"
  "$evindex" --index "$tmp/ix" "$path" >"$tmp/out" 2>&1
  rc=$?
  if [ $rc -gt 1 ]; then
    echo "FAIL: $f: exit status $rc"; sed 's/^/  /' "$tmp/out" | tail -5; fail=1; continue
  fi
  got=$(tail -1 "$tmp/out" | sed -E 's/^evindex: ([0-9]+) records? read: ([0-9]+) added, ([0-9]+) replaced, ([0-9]+) skipped.*/\1 \2 \4/')
  if [ "${want[$f]:-}" != "$got" ]; then
    echo "FAIL: $f: records, ids, lost: got ${got:-no summary}, expected ${want[$f]:-none}"
    sed 's/^/  /' "$tmp/out" | tail -5
    fail=1
    continue
  fi
  # A sanitizer report (ASan exits 1 as evindex does for lost events).
  if grep -qE "runtime error|AddressSanitizer|LeakSanitizer" "$tmp/out"; then
    echo "FAIL: $f: sanitizer report:"; grep -E "runtime error|Sanitizer" "$tmp/out" | head -3; fail=1
  fi
  # Every error names its line: FILE:LINE: error: ...
  if grep -E "^evindex: .*: error: " "$tmp/out" | grep -vqE "^evindex: [^ ]+\.ics:[0-9]+: error: "; then
    echo "FAIL: $f: an error without its line:"; grep "error:" "$tmp/out" | head -3; fail=1
  fi
  n=$((n + 1))
  set -- $got
  events=$((events + $2)) errors=$((errors + $3))
  warned=$(grep -c ": warning: " "$tmp/out")
  printf '%-62s %4s read %4s indexed %4s lost %4s warnings\n' "$f" "$1" "$2" "$3" "$warned"
  # What was reported, for the log: each error and warning once.
  grep -E ": (error|warning): " "$tmp/out" | sed -E 's/^evindex: [^:]+:[0-9]+: /    /' | sort | uniq -c | sed 's/^ */    /' | head -8
done
echo "$n files: $events events indexed, $errors events reported as lost"
exit $fail
