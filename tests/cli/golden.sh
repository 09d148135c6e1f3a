# Golden tests: index corpus/events.jsonl, run a fixed list of evsearch
# commands and diff each output against tests/golden/NAME.out.
#
#   bash tests/cli/golden.sh EVINDEX EVSEARCH SOURCE_DIR
#   UPDATE_GOLDEN=1 bash tests/cli/golden.sh ...   # rewrite the .out files
#
# JSON "score" numbers are replaced by SCORE before comparing, so tuning the
# ranking formula only breaks a golden file when ranks or ids change. After
# UPDATE_GOLDEN=1, read the diff: a golden file is a claim that the output is
# right, not a record of what the code happens to print.
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"

GOLDEN="$SOURCE_DIR/tests/golden"
IDX="$TMP/index"
UPDATE=${UPDATE_GOLDEN:-0}

run "$EVINDEX" --index "$IDX" "$SOURCE_DIR/corpus/events.jsonl"
expect_rc 0 || { echo "cannot build the index; giving up" >&2; exit 1; }
expect_eq "evindex summary" \
	"evindex: 8 records read: 8 added, 0 replaced, 0 skipped" "$ERR"
expect_eq "indexed events" 8 "$(index_count "$IDX")"

USED=" "
# golden NAME EVSEARCH-ARGS...: evsearch --index IDX --color=never ARGS must
# exit 0, print nothing on stderr and print exactly tests/golden/NAME.out.
golden() {
	local name=$1
	shift
	local file="$GOLDEN/$name.out" got="$TMP/$name.got"
	USED="$USED$name.out "
	run "$EVSEARCH" --index "$IDX" --color=never "$@"
	expect_rc 0
	expect_eq "stderr of $name" "" "$ERR"
	normalise_scores <"$TMP/out" >"$got"
	if [ "$UPDATE" = 1 ]; then
		if ! cmp -s "$got" "$file"; then
			cp "$got" "$file"
			echo "updated $file"
		fi
		return
	fi
	CHECKS=$((CHECKS + 1))
	if [ ! -f "$file" ]; then
		fail "$name: $file is missing (run with UPDATE_GOLDEN=1 to create it)"
	elif ! diff -u --label "expected $name.out" --label "actual" \
		"$file" "$got" >"$TMP/diff"; then
		fail "$name: output differs from $file (- expected, + actual):
$(cat "$TMP/diff")"
	fi
}

golden text-multistakeholder-consultation "multistakeholder consultation"
golden json-multistakeholder-consultation --json "multistakeholder consultation"
golden text-listing
golden text-organiser-eu-cyber-direct --organiser "EU Cyber Direct"
golden text-from-to --from 2022-03-01 --to 2022-03-05
golden text-participant-hakmeh participant:hakmeh
golden json-tag-cybercrime --tag cybercrime --json
golden text-sort-date-limit-offset --sort date --limit 3 --offset 2
golden text-zero-hits zzzqqqxyzzy
golden json-zero-hits --json zzzqqqxyzzy
# -n 0: the total and the facets alone; --facet-limit: more facet values, or
# all of them.
golden text-limit-0 -n 0 cyber
golden json-limit-0 --json --limit 0 --no-facets cyber
golden text-facet-limit-2 --facet-limit 2 -n 0 cyber
golden text-facet-limit-all --facet-limit 0 -n 0 cyber
# Spelling: corrected when the words as typed match nothing; --exact keeps
# them as typed.
golden text-spelling-corrected --limit 2 "multistakeholdr consultaton"
golden json-spelling-corrected --limit 1 --json "multistakeholdr consultaton"
golden text-spelling-exact --exact "multistakeholdr consultaton"
# A year among words favours that year's events; the JSON says so.
golden json-year-among-words --json --limit 2 --no-facets "cybercrime 2021"
# An organiser one letter off is read as the one it most likely means.
golden text-organiser-corrected --limit 1 --organiser "EU Cyber Drect"
golden json-organiser-corrected --limit 1 --no-facets --json \
	--organiser "EU Cyber Drect"

# A recurring iCalendar feed, expanded over a fixed window: one line per
# event with its next occurrence, every occurrence on request, cancelled
# events only when asked.
IDX="$TMP/ics-index"
run "$EVINDEX" --index "$IDX" --expand-from 2026-01-01 --expand-to 2026-12-31 \
	"$GOLDEN/recurring.ics"
expect_rc 0
expect_eq "evindex summary (ics)" \
	"evindex: 2 records read: 2 added, 0 replaced, 0 skipped" "$ERR"
golden text-ics-next --from 2026-03-10 norms
golden text-ics-occurrences --from 2026-03 --to 2026-03 --occurrences norms
golden json-ics-occurrences --json --from 2026-03-20 --occurrences seminar
golden text-ics-cancelled --cancelled --from 2026-03-12 --to 2026-03-12 norms
# Only a cancelled event matches: the page says so and names --cancelled.
golden text-ics-cancelled-only --from 2026-03-12 --to 2026-03-12 norms

# A golden file that no case uses is a test that silently stopped running.
for f in "$GOLDEN"/*.out; do
	[ -e "$f" ] || continue
	case "$USED" in
	*" ${f##*/} "*) ;;
	*) CHECKS=$((CHECKS + 1)); LAST_CMD=; fail "unused golden file $f" ;;
	esac
done

finish
