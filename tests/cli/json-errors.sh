#!/usr/bin/env bash
# evsearch --json on failure: stdout is one JSON error document
# (docs/output-format.md, "Errors"), the exit status is the one without
# --json, and stderr still has the one-line message for people.
#
#   bash tests/cli/json-errors.sh EVINDEX EVSEARCH SOURCE_DIR
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"
cd "$TMP" || exit 1
IDX="$TMP/index"
run "$EVINDEX" --index "$IDX" "$SOURCE_DIR/corpus/events.jsonl"
expect_rc 0 || { echo "cannot build the index; giving up" >&2; exit 1; }

# json_error RC STATUS MESSAGE ARGS...: evsearch ARGS exits RC, prints
# "evsearch: MESSAGE" on stderr and on stdout the JSON error document with
# STATUS, RC and MESSAGE, and nothing else. A MESSAGE that ends in "*" is
# a prefix (the query parser's wording is its own): the JSON must then hold
# what stderr says.
json_error() {
	local rc=$1 status=$2 message=$3
	shift 3
	run "$EVSEARCH" "$@"
	expect_rc "$rc"
	if [ "${message%\*}" != "$message" ]; then
		expect_eq "stderr of $*" "evsearch: ${message%\*}" \
			"${ERR:0:$((10 + ${#message} - 1))}"
		message=${ERR#evsearch: }
	else
		expect_eq "stderr of $*" "evsearch: $message" "$ERR"
	fi
	local want
	want=$(python3 -c '
import json, sys
print(json.dumps({"format_version": 1, "error": {"status": sys.argv[1],
      "exit_status": int(sys.argv[2]), "message": sys.argv[3]}},
      sort_keys=True))' "$status" "$rc" "$message")
	local got
	got=$(python3 -c '
import json, sys
print(json.dumps(json.loads(sys.stdin.read()), sort_keys=True))' \
		<"$TMP/out" 2>&1)
	expect_eq "JSON on stdout of $*" "$want" "$got"
}

json_error 2 usage "unknown option --bogus (see evsearch --help)" \
	--index "$IDX" --bogus --json
json_error 2 usage "unknown option --bogus (see evsearch --help)" \
	-j --bogus
json_error 2 usage '--limit: "x" is not a number from 0 to 10000' \
	--json --index "$IDX" --limit x
json_error 2 usage "--sort needs a value (ORDER)" --json --sort
json_error 2 "query syntax error" "query syntax: *" \
	--index "$IDX" --json 'title:('
json_error 2 invalid 'from date "2022-13": *' \
	--index "$IDX" --json --from 2022-13
json_error 3 "not found" "$TMP/none: no index there (create one with evindex)" \
	--index "$TMP/none" --json treaty
# A message with quotes, a backslash and non-ASCII text stays valid JSON.
json_error 2 "query syntax error" 'query syntax: *' \
	--index "$IDX" --json 'Müller\ "('

# Without --json, stdout stays empty; after "--", --json is a query word.
run "$EVSEARCH" --index "$IDX" --bogus
expect_rc 2
expect_eq "stdout without --json" "" "$OUT"
run "$EVSEARCH" --bogus -- --json
expect_rc 2
expect_eq "stdout with --json after --" "" "$OUT"
finish
