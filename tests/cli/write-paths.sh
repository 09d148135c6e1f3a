# Every write path of evindex (issue 16): a plain first build takes the
# parallel, compacted path (the same size as --rebuild), a re-run reports
# unchanged records and writes nothing, a missing input makes no index,
# summaries use the singular for one, unknown keys and time zones are
# warned about once per file, -q only counts warnings, a no-op --sync keeps
# the rollback point, and --rollback names where it went. A feed that
# gives many talks one UID keeps them all.
#
#   bash tests/cli/write-paths.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"
cd "$TMP" || exit 1
CORPUS="$SOURCE_DIR/corpus/events.jsonl"

# --- a missing input: no index is made -------------------------------------
run "$EVINDEX" --index "$TMP/none" "$TMP/missing.jsonl"
expect_rc 7
expect_eq "stderr" "evindex: $TMP/missing.jsonl: No such file or directory
evindex: $TMP/none: no input could be read; the index is not touched" "$ERR"
expect_eq "no index directory" "absent" "$([ -e "$TMP/none" ] && echo there || echo absent)"

# --- a plain first build is compacted as --rebuild's is --------------------
run "$EVINDEX" --index "$TMP/plain" "$CORPUS"
expect_rc 0
expect_eq "first build" "evindex: 8 records read: 8 added, 0 replaced, 0 skipped" "$ERR"
run "$EVINDEX" --index "$TMP/rebuilt" --rebuild "$CORPUS"
expect_rc 0
size() { "$EVINDEX" --index "$1" --info | sed -n 's/^size: *\([0-9]*\) bytes.*/\1/p'; }
expect_eq "plain size = rebuild size" "$(size "$TMP/rebuilt")" "$(size "$TMP/plain")"

# --- a re-run: unchanged, nothing written (lock files aside) ----------------
before=$(find "$TMP/plain" -type f ! -name '*lock' -printf '%p %T@ %s\n' | sort)
sleep 1
run "$EVINDEX" --index "$TMP/plain" "$CORPUS"
expect_rc 0
expect_eq "re-run" "evindex: 8 records read: 0 added, 0 replaced, 8 unchanged, 0 skipped" "$ERR"
after=$(find "$TMP/plain" -type f ! -name '*lock' -printf '%p %T@ %s\n' | sort)
expect_eq "no file of the index written" "$before" "$after"

# --- a large batch into an index: a new generation, as --rebuild's ---------
# 40000 records (5.1 MB: over the 4 MiB and the quarter of the index that
# make a batch large) go beside a copy of the live generation, on the
# parallel path, and are compacted with it; a small file is written in
# place.
awk 'BEGIN { for (i = 0; i < 40000; i++)
	printf "{\"id\": \"bulk-%d\", \"title\": \"Bulk event %d zebra\", \"start\": \"2024-01-01\", \"description\": \"words and more words number%d\"}\n", i, i, i }' >bulk.jsonl
run "$EVINDEX" --index "$TMP/batch" "$CORPUS"
expect_rc 0
run "$EVINDEX" --index "$TMP/batch" bulk.jsonl
expect_rc 0
expect_eq "batch" "evindex: 40000 records read: 40000 added, 0 replaced, 0 skipped" "$ERR"
expect_eq "a new generation" "gen-2 gen-1" \
	"$(readlink "$TMP/batch/current") $(readlink "$TMP/batch/previous")"
expect_eq "events after the batch" 40008 "$(index_count "$TMP/batch")"
cat "$CORPUS" bulk.jsonl >all.jsonl
run "$EVINDEX" --index "$TMP/batch-rebuilt" --rebuild -q all.jsonl
expect_rc 0
b=$(size "$TMP/batch") r=$(size "$TMP/batch-rebuilt")
expect_eq "batch size within 10% of --rebuild's ($b and $r bytes)" yes \
	"$([ $((b * 10)) -le $((r * 11)) ] && [ $((b * 11)) -ge $((r * 10)) ] &&
		echo yes || echo no)"
sed 's/zebra/zebu/' bulk.jsonl | head -3 >small.jsonl
run "$EVINDEX" --index "$TMP/batch" small.jsonl
expect_rc 0
expect_eq "small run" "evindex: 3 records read: 0 added, 3 replaced, 0 skipped" "$ERR"
expect_eq "a small run is written in place" gen-2 "$(readlink "$TMP/batch/current")"
# The batch again: every record is unchanged but the three, and only they
# are written.
run "$EVINDEX" --index "$TMP/batch" bulk.jsonl
expect_rc 0
expect_eq "batch again" "evindex: 40000 records read: 0 added, 3 replaced, 39997 unchanged, 0 skipped" "$ERR"
expect_eq "zebu after the batch again" 0 "$("$EVSEARCH" --index "$TMP/batch" --json -n 0 --no-facets zebu | sed -n 's/^  "total": \([0-9]*\),$/\1/p')"

# --- singular summaries ------------------------------------------------------
head -1 "$CORPUS" >one.jsonl
run "$EVINDEX" --index "$TMP/one" --rebuild one.jsonl
expect_rc 0
expect_eq "rebuild of one" "evindex: rebuild: 1 record read: 1 added, 0 replaced, 0 unchanged, 0 skipped
evindex: $TMP/one: gen-1 is live with 1 event" "$ERR"

# --- a no-op sync keeps the rollback point; --rollback names the generation
run "$EVINDEX" --index "$TMP/plain" --rebuild "$CORPUS"
expect_rc 0
run "$EVINDEX" --index "$TMP/plain" --sync "$CORPUS"
expect_rc 0
expect_eq "no-op sync" "evindex: sync: 8 records read: 0 added, 0 replaced, 8 unchanged, 0 skipped
evindex: $TMP/plain: gen-2 is live with 8 events (nothing changed: it stays, and --rollback still goes back to the generation before it)" "$ERR"
expect_eq "previous" "gen-1" "$(readlink "$TMP/plain/previous")"
run "$EVINDEX" --index "$TMP/plain" --rollback
expect_rc 0
expect_eq "rollback" "evindex: $TMP/plain: rolled back: gen-1 is live again with 8 events (the generation it replaced is kept: --rollback again returns to it)" "$ERR"

# --- unknown keys and time zones: once per file; -q only counts them -------
for f in a b; do
	printf '%s\n' \
		'{"id": "'$f'1", "title": "T", "start": "2026-01-01", "organizers": ["X"], "timezone": "Europe/Brusels"}' \
		'{"id": "'$f'2", "title": "T", "start": "2026-01-02", "organizers": ["Y"], "timezone": "Europe/Brusels", "venue": "Hall"}' \
		'{"id": "'$f'3", "title": "T", "start": "2026-01-03", "timezone": "Europe/Brussels"}' >"$f.jsonl"
done
run "$EVINDEX" --index "$TMP/keys" a.jsonl b.jsonl
expect_rc 0
expect_eq "warnings" 'evindex: a.jsonl:1: warning: "organizers": not a field (did you mean "organisers"?); it is ignored in this file
evindex: a.jsonl:1: warning: "timezone": "Europe/Brusels" is not a known time zone (an IANA name such as Europe/Brussels); it is kept as given (warned once per file)
evindex: a.jsonl:2: warning: "venue": not a field (did you mean "location"?); it is ignored in this file
evindex: b.jsonl:1: warning: "organizers": not a field (did you mean "organisers"?); it is ignored in this file
evindex: b.jsonl:1: warning: "timezone": "Europe/Brusels" is not a known time zone (an IANA name such as Europe/Brussels); it is kept as given (warned once per file)
evindex: b.jsonl:2: warning: "venue": not a field (did you mean "location"?); it is ignored in this file
evindex: 6 records read: 6 added, 0 replaced, 0 skipped (with warnings)' "$ERR"
run "$EVINDEX" -q --index "$TMP/keys-q" a.jsonl b.jsonl
expect_rc 0
expect_eq "-q" "evindex: 6 warnings not shown (-q)" "$ERR"

# --- a feed that gives twelve talks one UID ---------------------------------
run "$EVINDEX" --index "$TMP/camp" "$SOURCE_DIR/tests/ics/camp-reused-uid.ics"
expect_rc 0
expect_eq "events of the camp" 13 "$(index_count "$TMP/camp")"
expect_match "one warning for the UID" \
	'camp-reused-uid.ics:5: warning: UID "camp-2026-schedule@camp.example" is given to 12 different events' "$ERR"
expect_eq "warnings" 3 "$(printf '%s\n' "$ERR" | grep -c ': warning: ')"
run "$EVSEARCH" --index "$TMP/camp" --json -n 1 'id:"camp-2026-schedule@camp.example#20260806T140000-31f9b4fd"'
expect_match "a derived id" '"title": "Fuzzing file parsers on a budget"' "$OUT"

finish
