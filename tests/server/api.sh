#!/usr/bin/env bash
# /api/search answers byte for byte what evsearch --json prints for the
# same options, on corpus/ and on the FOSDEM schedules of ../shared; and
# its 400s carry the CLI's messages.
# SPDX-License-Identifier: GPL-3.0-or-later
. "$(dirname "$0")/lib.sh"
need_curl

# compare INDEX URL-QUERY CLI-ARGS...
compare() {
	local index=$1 query=$2
	shift 2
	"$EVSEARCH" --index "$index" --json "$@" >"$T/cli.json" ||
		fail "evsearch $* failed"
	local code
	code=$(status "/api/search?$query")
	[ "$code" = 200 ] || fail "/api/search?$query: status $code"
	cmp -s "$T/body" "$T/cli.json" || {
		diff -u "$T/cli.json" "$T/body" | head -20 >&2
		fail "/api/search?$query differs from evsearch --json $*"
	}
	n=$((n + 1))
}

# compare_error URL-QUERY PARAMETER CLI-ARGS...: the 400 names PARAMETER
# and says what evsearch says (without its "evsearch: --" prefix).
compare_error() {
	local query=$1 param=$2
	shift 2
	local cli
	cli=$("$EVSEARCH" --index "$T/corpus" --json "$@" 2>&1 >/dev/null) &&
		fail "evsearch $* succeeded"
	cli=${cli#evsearch: }
	cli=${cli#--}
	local code
	code=$(status "/api/search?$query")
	[ "$code" = 400 ] || fail "/api/search?$query: status $code, not 400"
	python3 - "$T/body" "$param" "$cli" <<'PY' || fail "/api/search?$query: error"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["status"] == 400, doc
assert doc["parameter"] == sys.argv[2], (doc, sys.argv[2])
assert doc["error"] == sys.argv[3], (doc["error"], sys.argv[3])
PY
	n=$((n + 1))
}

"$EVINDEX" --quiet --index "$T/corpus" "$SRC/corpus/events.jsonl"
start_server "$T/corpus" --quiet
n=0
compare "$T/corpus" ""
compare "$T/corpus" "q=treaty" treaty
compare "$T/corpus" "q=cyber+treaty&all" --all cyber treaty
compare "$T/corpus" "q=cyber%20treaty&all=1&limit=3" --all -n 3 cyber treaty
compare "$T/corpus" "organiser=EU+Cyber+Direct" --organiser "EU Cyber Direct"
compare "$T/corpus" "organizer=EU+Cyber+Direct&organiser=Chatham+House" \
	--organiser "EU Cyber Direct" --organiser "Chatham House"
compare "$T/corpus" "tag=cybercrime&from=2022&to=2022-06" \
	--tag cybercrime --from 2022 --to 2022-06
compare "$T/corpus" "sort=date&limit=3&offset=2" --sort date -n 3 --offset 2
compare "$T/corpus" "sort=-date&q=consultation" --sort -date consultation
compare "$T/corpus" "q=participant%3Ahakmeh" participant:hakmeh
compare "$T/corpus" "q=%22cybercrime+treaty%22" '"cybercrime treaty"'
compare "$T/corpus" "q=m%C3%BCller+OR+vienna&plain=0" "müller OR vienna"
compare "$T/corpus" "q=un+cyber&plain" --plain un cyber
compare "$T/corpus" "no-facets&cancelled&occurrences" \
	--no-facets --cancelled --occurrences
compare "$T/corpus" "q=cyber&limit=0" --limit 0 cyber
compare "$T/corpus" "q=multistakeholdr+consultaton" "multistakeholdr consultaton"
compare "$T/corpus" "q=multistakeholdr&exact=1" --exact multistakeholdr
compare "$T/corpus" "q=cyber+treaty+negotiation+multistakeholder&expand=0" \
	--no-expand cyber treaty negotiation multistakeholder
compare "$T/corpus" "q=cyber+treaty+negotiation+multistakeholder&expand" \
	--expand cyber treaty negotiation multistakeholder
compare "$T/corpus" "q=cyber+confer&prefix" --prefix cyber confer
compare "$T/corpus" "q=+++" # blanks are a listing, as for the CLI

compare_error "limit=-1" limit --limit -1
compare_error "limit=100000000" limit --limit 100000000
compare_error "offset=-1" offset --offset -1
compare_error "sort=newest" sort --sort newest
compare_error "from=2022-13" from --from 2022-13
compare_error "to=yesterday" to --to yesterday
compare_error "from=2023&to=2022" from --from 2023 --to 2022
compare_error "q=%28treaty" q "(treaty"
compare_error "q=organizr%3Ax" q organizr:x

if [ -d "$SHARED/data/events" ]; then
	stop_server
	"$EVINDEX" --quiet --index "$T/fosdem" "$SHARED"/data/events/*.jsonl
	start_server "$T/fosdem" --quiet --threads 3
	compare "$T/fosdem" "" 
	compare "$T/fosdem" "q=rust&limit=50" -n 50 rust
	compare "$T/fosdem" "q=git+history&all" --all git history
	compare "$T/fosdem" "q=title%3Akernel&sort=date" --sort date title:kernel
	compare "$T/fosdem" "from=2025-02-01&to=2025-02-01&limit=20&offset=40" \
		--from 2025-02-01 --to 2025-02-01 -n 20 --offset 40
	org=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["facets"]["organiser"][0]["value"])' <"$T/body")
	compare "$T/fosdem" "organiser=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))' "$org")&q=open+source" \
		--organiser "$org" open source
	compare "$T/fosdem" "q=participant%3A%22Patrick+Steinhardt%22" \
		'participant:"Patrick Steinhardt"'
else
	echo "note: $SHARED/data/events absent: FOSDEM comparisons skipped"
fi
# Caching: an ETag from the generation; If-None-Match gives 304 with no
# body; gzip when asked, the same document once decompressed.
curl -s -D "$T/headers" -o "$T/plain.json" "http://$ADDR/api/search?q=cyber"
etag=$(tr -d '\r' <"$T/headers" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
case $etag in W/\"gen-*) ;; *) fail "no ETag from the generation: '$etag'" ;; esac
rm -f "$T/body"
code=$(status "/api/search?q=cyber" -H "If-None-Match: $etag")
[ "$code" = 304 ] || fail "If-None-Match: status $code, not 304"
[ ! -s "$T/body" ] || fail "a 304 with a body: $(head -c 200 "$T/body")"
code=$(status "/api/search?q=cyber" -H 'If-None-Match: W/"gen-0-0-0-1970-01-01"')
[ "$code" = 200 ] || fail "a stale ETag: status $code, not 200"
curl -s -D "$T/headers" -H 'Accept-Encoding: gzip' -o "$T/body.gz" \
	"http://$ADDR/api/search?q=cyber"
tr -d '\r' <"$T/headers" | grep -qi '^Content-Encoding: gzip$' ||
	fail "Accept-Encoding: gzip: no Content-Encoding: gzip"
gzip -dc "$T/body.gz" | cmp -s - "$T/plain.json" ||
	fail "the gzip body is not the plain one"
echo "ok: $n comparisons of /api/search with evsearch --json"
