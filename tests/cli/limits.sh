# The limits of docs/limits.md as the tools show them: evindex prints each
# bad record as "evindex: FILE:LINE: error: MESSAGE", each cut as a warning,
# and exits 1 when records were skipped; warnings alone leave the status 0.
# evsearch refuses queries past their bounds with status 2. The cases
# themselves, with every message, are in tests/test-limits.c; this is what
# the tools add: the FILE:LINE prefix, the summary, the status, control
# characters made harmless and the cap on printed messages.
#
#   bash tests/cli/limits.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"
cd "$TMP" || exit 1
IDX="$TMP/index"

# --- bad records: each reported, the rest indexed, status 1 -----------------
{
	printf '%s\n' '{"id": "ok-1", "title": "Kestrel", "start": "2024-01-01"}'
	printf '{"id": "utf8", "title": "Bad \377", "start": "2024-01-01"}\n'
	printf '{"id": "nul", "title": "N\000l", "start": "2024-01-01"}\n'
	printf '%s\n' '{"id": "s", "title": "\ud800", "start": "2024-01-01"}'
	printf '\n   \n'
	printf '%s\n' '{"id": "d", "title": "T", "start": "2022-02-30"}'
	printf '%s\n' '{"id": "d", "title": "T", "start": "9999-12-31T25:00"}'
	printf '%s\n' '{"id": "k", "id": "k", "title": "T", "start": "2024-01-01"}'
	printf '%s\n' '{"id": "t", "title": "T", "start": "2024-01-01", "tags": "x"}'
	awk 'BEGIN { for (i = 0; i < 3000; i++) printf "["; for (i = 0; i < 3000; i++) printf "]"; print "" }'
	printf '%s\n' '{"id": "e", "title": "T", "start": "\u001b[31m"}'
	printf '%s\n' '{"id": "ok-2", "title": "Pelican", "start": "2024-01-02"}'
} >bad.jsonl
run "$EVINDEX" --index "$IDX" bad.jsonl
expect_rc 1
expect_eq "stderr" "evindex: bad.jsonl:2: error: invalid JSON at column 29: unable to decode byte 0xff near '\"Bad '
evindex: bad.jsonl:3: error: invalid JSON at column 25: control character 0x0 near '\"N'
evindex: bad.jsonl:4: error: invalid JSON at column 29: invalid Unicode '\\uD800' near '\"\\ud800\"'
evindex: bad.jsonl:7: error: \"start\": no such date: \"2022-02-30\"
evindex: bad.jsonl:8: error: \"start\": no such time of day: \"9999-12-31T25:00\"
evindex: bad.jsonl:9: error: invalid JSON at column 16: duplicate object key near '\"id\"'
evindex: bad.jsonl:10: error: \"tags\": expected an array
evindex: bad.jsonl:11: error: invalid JSON at column 2049: maximum parsing depth reached near '['
evindex: bad.jsonl:12: error: \"start\": not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hh:mm): \"?[31m\"
evindex: 11 records read: 2 added, 0 replaced, 9 skipped" "$ERR"
expect_eq "stdout" "" "$OUT"
expect_eq "events" 2 "$(index_count "$IDX")"
run "$EVSEARCH" --index "$IDX" --json --no-facets pelican OR kestrel
expect_rc 0
expect_match "both good records are found" '"total": 2,' "$OUT"

# The same from standard input: named <stdin>.
run "$EVINDEX" --index "$IDX" --quiet - <bad.jsonl
expect_rc 1
expect_eq "first line" \
	"evindex: <stdin>:2: error: invalid JSON at column 29: unable to decode byte 0xff near '\"Bad '" \
	"$(printf '%s\n' "$ERR" | head -1)"
expect_eq "lines with --quiet (errors only)" 9 \
	"$(printf '%s\n' "$ERR" | grep -c '')"

# --- warnings only: status 0 -------------------------------------------------
{
	awk 'BEGIN {
		printf "{\"id\": \"crowd\", \"title\": \"Crowd\", \"start\": \"2024-01-01\", \"participants\": ["
		for (i = 0; i < 10000; i++) printf "%s\"Speaker%d\"", (i ? ", " : ""), i
		print "]}"
		printf "{\"id\": \"long\", \"title\": \"Long\", \"start\": \"2024-01-01\", \"description\": \"Quetzal "
		for (i = 0; i < 1100000; i += 10) printf "wwwwwwwww "
		print "\"}"
	}'
	printf '%s\n' '{"id": "ok-1", "title": "Kestrel again", "start": "2024-01-01"}'
} >warn.jsonl
run "$EVINDEX" --index "$IDX" warn.jsonl
expect_rc 0
expect_eq "stderr" 'evindex: warn.jsonl:1: warning: "participants": only the first 1000 items are indexed
evindex: warn.jsonl:2: warning: "description": cut to 1048576 bytes
evindex: 3 records read: 2 added, 1 replaced, 0 skipped (with warnings)' "$ERR"
run "$EVSEARCH" --index "$IDX" --json --no-facets participant:speaker999 quetzal
expect_rc 0
expect_match "the cut records are found" '"total": 2,' "$OUT"

# A duplicate id within one run is a warning too.
printf '%s\n%s\n' \
	'{"id": "twice", "title": "Osprey", "start": "2024-01-01"}' \
	'{"id": "twice", "title": "Harrier", "start": "2024-01-01"}' >dup.jsonl
run "$EVINDEX" --index "$IDX" dup.jsonl
expect_rc 0
expect_eq "stderr" 'evindex: dup.jsonl:2: warning: duplicate id: this record replaces an earlier one with the same id
evindex: 2 records read: 1 added, 1 replaced, 0 skipped (with warnings)' "$ERR"

# Blank lines only: nothing read, nothing said, status 0.
printf '\n \n\t\r\n\n' >blank.jsonl
run "$EVINDEX" --index "$IDX" blank.jsonl
expect_rc 0
expect_eq "stderr" "evindex: 0 records read: 0 added, 0 replaced, 0 skipped" "$ERR"

# --- a line over 64 MiB: an error, and the next line is read -----------------
{
	printf '%s\n' '{"id": "before", "title": "Kilimanjaro", "start": "2024-01-01"}'
	head -c $((64 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'a'
	printf '\n%s\n' '{"id": "after", "title": "Popocatepetl", "start": "2024-01-01"}'
} >huge.jsonl
run "$EVINDEX" --index "$TMP/huge" huge.jsonl
rm -f huge.jsonl
expect_rc 1
expect_eq "stderr" 'evindex: huge.jsonl:2: error: line longer than 64 MiB
evindex: 3 records read: 2 added, 0 replaced, 1 skipped' "$ERR"

# --- more than 100 messages: the rest are only counted -----------------------
awk 'BEGIN { for (i = 1; i <= 150; i++) print "{\"id\": \"x" i "\"}" }' >many.jsonl
run "$EVINDEX" --index "$TMP/many" many.jsonl
expect_rc 1
expect_eq "lines" 102 "$(printf '%s\n' "$ERR" | grep -c '')"
expect_eq "line 100" 'evindex: many.jsonl:100: error: "title": missing (required)' \
	"$(printf '%s\n' "$ERR" | sed -n 100p)"
expect_eq "line 101" "evindex: further errors and warnings are only counted" \
	"$(printf '%s\n' "$ERR" | sed -n 101p)"
expect_eq "summary" "evindex: 150 records read: 0 added, 0 replaced, 150 skipped" \
	"$(printf '%s\n' "$ERR" | sed -n 102p)"

# --- queries past their bounds: status 2 -------------------------------------
long=$(head -c 8193 /dev/zero | tr '\0' 'a')
run "$EVSEARCH" --index "$IDX" "$long"
expect_rc 2
expect_eq "stderr" "evsearch: query syntax: the query is longer than 8192 bytes" "$ERR"
expect_eq "stdout" "" "$OUT"
deep="$(printf '(%.0s' $(seq 33))kestrel$(printf ')%.0s' $(seq 33))"
run "$EVSEARCH" --index "$IDX" "$deep"
expect_rc 2
expect_eq "stderr" "evsearch: query syntax: column 33: parentheses nested more than 32 deep" "$ERR"
many=$(printf 'kestrel %.0s' $(seq 257))
run "$EVSEARCH" --index "$IDX" "$many"
expect_rc 2
expect_eq "stderr" "evsearch: query syntax: the query has more than 256 terms" "$ERR"
run "$EVSEARCH" --index "$IDX" "$(printf 'k* %.0s' $(seq 11))"
expect_rc 2
expect_eq "stderr" "evsearch: query syntax: the query has more than 256 terms (a wildcard counts as 25)" "$ERR"
run "$EVSEARCH" --index "$IDX" "$(printf 'kestrel \355\240\200')"
expect_rc 2
expect_eq "stderr" "evsearch: query syntax: the query is not valid UTF-8" "$ERR"
# Characters of every kind, control characters among them: a search.
run "$EVSEARCH" --index "$IDX" --color=never "$(printf 'kestrel \001\342\200\213\357\273\277\356\200\200\315\270\314\201')"
expect_rc 0
expect_match "found" "^Showing 1-1 of 1 result" "$OUT"

finish
