# Index the FOSDEM schedules in ../shared/data/events as a directory argument
# and search them: counts, accent-free names, and idempotent re-indexing.
#
#   bash tests/cli/fosdem.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"
shared_data_or_skip

IDX="$TMP/index"
EXPECTED=3058 # 874 + 1105 + 1079 records in fosdem-2024/2025/2026.jsonl
expect_eq "records in the data files" "$EXPECTED" \
	"$(cat "$SHARED_EVENTS"/*.jsonl | grep -c .)"

run "$EVINDEX" --index "$IDX" "$SHARED_EVENTS"
expect_rc 0 || { echo "cannot build the index; giving up" >&2; exit 1; }
expect_eq "summary" \
	"evindex: $EXPECTED records read: $EXPECTED added, 0 replaced, 0 skipped" \
	"$ERR"
run "$EVINDEX" --index "$IDX" --info
expect_rc 0
expect_match "--info" "^events:[[:space:]]+$EXPECTED$" "$OUT"
expect_match "--info" "^schema version:[[:space:]]+[0-9]+$" "$OUT"

# find QUERY TITLE-OF-AN-EVENT-IT-MUST-FIND PARTICIPANT-SHOWN
find() {
	run "$EVSEARCH" --index "$IDX" --color=never --no-facets -n 100 "$1"
	expect_rc 0
	expect_match "results for [$1]" "^ *[0-9]+\. $2\$" "$OUT"
	expect_match "results for [$1]" "^    With: .*$3" "$OUT"
}
find faeroy "Tor Relay Operator Meetup" "Alexander Hansen Færøy"
find "garcia veytia" "Protobom: The Universal I/O Layer of SBOM" \
	"Adolfo García Veytia"
find participant:jorgensen \
	"Integrating open source telephony into a digital workplace" \
	"Alexandre Jörgensen"
find "FÆRØY" "Tor Relay Operator Meetup" "Alexander Hansen Færøy"

# Exact counts: every event of each speaker, and only those.
count() {
	run "$EVSEARCH" --index "$IDX" --json --no-facets "$1"
	expect_rc 0
	expect_match "total for [$1]" "\"total\": $2," "$OUT"
}
count faeroy 1
count participant:jorgensen 1
count 'participant:"garcia veytia"' 6
count '"adolfo garcia veytia"' 6
# Müller and Muller alike, as the accents are folded.
count participant:müller "$(cat "$SHARED_EVENTS"/*.jsonl |
	grep -c '"participants": \[[^]]*M[uü]ller\b')"

# Indexing the same directory again changes nothing.
run "$EVINDEX" --index "$IDX" "$SHARED_EVENTS"
expect_rc 0
expect_eq "summary of the second run" \
	"evindex: $EXPECTED records read: 0 added, 0 replaced, $EXPECTED unchanged, 0 skipped" \
	"$ERR"
expect_eq "events after the second run" "$EXPECTED" "$(index_count "$IDX")"

finish
