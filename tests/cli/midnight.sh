# Events that end on the next day: the text output keeps their times, and
# one that ends at exactly 00:00 does not count as happening on that day
# for --from/--to (issue 13).
#
#   bash tests/cli/midnight.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"

IDX="$TMP/index"
cat >"$TMP/events.jsonl" <<'JSON'
{"id": "late-midnight", "title": "Late talk to midnight", "start": "2024-12-27T23:00:00+01:00", "end": "2024-12-28T00:00:00+01:00"}
{"id": "late-two", "title": "Late talk to two", "start": "2024-12-27T23:00:00+01:00", "end": "2024-12-28T02:00:00+01:00"}
{"id": "new-year", "title": "Late talk into the new year", "start": "2024-12-31T22:30:00Z", "end": "2025-01-01T00:00:00Z"}
{"id": "two-days", "title": "Late talk over two days", "start": "2024-12-27T09:00:00", "end": "2024-12-28T17:00:00"}
JSON
run "$EVINDEX" --index "$IDX" "$TMP/events.jsonl"
expect_rc 0 || { echo "cannot build the index; giving up" >&2; exit 1; }

# dates_of ID ARGS...: the date line of event ID in the text output.
dates_of() {
	local id=$1
	shift
	run "$EVSEARCH" --index "$IDX" --color=never "$@" "id:$id"
	expect_rc 0
	printf '%s\n' "$OUT" | sed -n '4p' | sed 's/^ *//'
}

expect_eq "ends at midnight" "27 Dec 2024, 23:00-00:00 UTC+01:00" \
	"$(dates_of late-midnight)"
expect_eq "ends at two" "27 Dec 2024, 23:00 - 28 Dec, 02:00 UTC+01:00" \
	"$(dates_of late-two)"
expect_eq "into the new year" "31 Dec 2024, 22:30-00:00 UTC" \
	"$(dates_of new-year)"
expect_eq "two days" "27 - 28 Dec 2024" "$(dates_of two-days)"

# ids ARGS...: the ids of the events found by "late" with ARGS, sorted.
ids() {
	run "$EVSEARCH" --index "$IDX" --json "$@" late
	expect_rc 0
	printf '%s\n' "$OUT" | grep -o '"id": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' |
		sort | tr '\n' ' '
}

expect_eq "on the 28th" "late-two two-days " "$(ids --from 2024-12-28 --to 2024-12-28)"
expect_eq "on the 27th" "late-midnight late-two two-days " \
	"$(ids --from 2024-12-27 --to 2024-12-27)"
expect_eq "in 2025" "" "$(ids --from 2025)"
expect_eq "in 2024" "late-midnight late-two new-year two-days " "$(ids --to 2024)"
finish
