#!/usr/bin/env bash
# The listing page: its counts against evsearch --json, multi-select
# facets whose counts ignore their own selection, paging, and every user
# text escaped.
# SPDX-License-Identifier: GPL-3.0-or-later
. "$(dirname "$0")/lib.sh"
need_curl

# page PATH: fetches a page (200) into $T/page.html.
page() {
	local code
	code=$(status "$1")
	[ "$code" = 200 ] || fail "$1: status $code"
	cp "$T/body" "$T/page.html"
}

has() { grep -qF -- "$1" "$T/page.html" || fail "$2: no \"$1\" in the page"; }

# facet_count FACET VALUE: the count the page shows for a facet value.
facet_count() {
	python3 - "$T/page.html" "$1" "$2" <<'PY'
import html, re, sys
text = open(sys.argv[1]).read()
pat = (r'<input type="(?:checkbox|radio)" name="%s" value="%s"[^>]*> '
       r'<span class="v">[^<]*</span> <span class="n">(\d+)<')
m = re.search(pat % (re.escape(sys.argv[2]), re.escape(html.escape(sys.argv[3]))), text)
print(m.group(1) if m else "none")
PY
}

# cli_facet FACET VALUE CLI-ARGS...: the count evsearch --json gives.
cli_facet() {
	local f=$1 v=$2
	shift 2
	"$EVSEARCH" --index "$IDX" --json "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(next((x["count"] for x in d["facets"][sys.argv[1]] if x["value"] == sys.argv[2]), "none"))' "$f" "$v"
}

cli_total() {
	"$EVSEARCH" --index "$IDX" --json --no-facets "$@" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'
}

# The page is well-formed: every element that must close does, in order.
well_formed() {
	python3 - "$T/page.html" <<'PY' || fail "$1: not well-formed"
import sys
from html.parser import HTMLParser
VOID = {"meta", "link", "input", "br", "img", "hr"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, t, a):
        if t not in VOID: self.stack.append(t)
    def handle_endtag(self, t):
        assert self.stack and self.stack[-1] == t, (t, self.stack[-3:])
        self.stack.pop()
p = P(); p.feed(open(sys.argv[1]).read()); p.close()
assert not p.stack, p.stack
PY
}

IDX=$T/corpus
"$EVINDEX" --quiet --index "$IDX" "$SRC/corpus/events.jsonl"
start_server "$IDX" --quiet

page "/"
has "Showing 1-8 of 8 results" "/"
well_formed "/"
has '<label for="q">Search events</label>' "/"
has '<link rel="stylesheet" href="/static/style.css">' "/"
[ "$(grep -c '<article class="event">' "$T/page.html")" = 8 ] || fail "/: 8 events"
for f in organiser:"EU Cyber Direct" year:2022 month:2021-11 tag:cybercrime; do
	want=$(cli_facet "${f%%:*}" "${f#*:}")
	got=$(facet_count "${f%%:*}" "${f#*:}")
	[ "$got" = "$want" ] || fail "/: facet $f: page $got, evsearch $want"
done
# Dates, times and zones, places, organisers, participants, snippets.
has '<time datetime="2023-09-26T11:00:00-04:00">26 Sep 2023</time>' "/"
has '11:00–12:00</span> <span class="zone">America/New_York</span>' "/"
has '16 – 20 May 2022' "/"
has '<dt>Participants</dt><dd>Joyce Hakmeh, Patryk Pawlak</dd>' "/"
has '<a href="/?organiser=EU%20Cyber%20Direct">EU Cyber Direct</a>' "/"

# One organiser: two events; the organiser counts stay those without the
# selection, so that the others can be added.
page "/?organiser=EU+Cyber+Direct"
has "Showing 1-2 of 2 results" "organiser"
well_formed "organiser"
[ "$(facet_count organiser "Chatham House")" = "$(cli_facet organiser "Chatham House")" ] ||
	fail "organiser: Chatham House's count is not the one without the selection"
grep -q 'name="organiser" value="EU Cyber Direct" checked' "$T/page.html" ||
	fail "organiser: the selection is not checked"
# ... while the other facets count the selection's events.
[ "$(facet_count year 2021)" = "$(cli_facet year 2021 --organiser "EU Cyber Direct")" ] ||
	fail "organiser: the year counts ignore the organiser"

# Two organisers: either of them.
page "/?organiser=EU+Cyber+Direct&organiser=Chatham+House"
want=$(cli_total --organiser "EU Cyber Direct" --organiser "Chatham House")
has "Showing 1-$want of $want results" "two organisers"

# Year and month, the words, upcoming and past.
page "/?year=2022"
want=$(cli_total --from 2022 --to 2022)
has "of $want results" "year"
[ "$(facet_count year 2021)" = "$(cli_facet year 2021)" ] ||
	fail "year: the year counts are not those without the selection"
page "/?q=treaty&month=2022-05"
want=$(cli_total --from 2022-05 --to 2022-05 treaty)
has "Showing 1-$want of $want results" "q and month"
has "<mark>" "q and month"
# A misspelt query: the corrected results, a link to the words as typed
# (exact=1), which finds nothing.
page "/?q=multistakeholdr+consultaton"
has 'Showing results for <a href="/?q=multistakeholder%20consultation"><strong>multistakeholder consultation</strong></a>; search instead for <a href="/?q=multistakeholdr%20consultaton&amp;exact=1">' "spelling"
has "Getting it right" "spelling: the corrected results"
page "/?q=multistakeholdr+consultaton&exact=1"
has "No events match" "exact"
grep -qF 'class="spelling"' "$T/page.html" && fail "exact: a spelling line"
page "/?when=past"
has "Showing 1-8 of 8 results" "past"
page "/?when=upcoming"
has "No events match" "upcoming"

# Every user text is escaped: the query in the box, the title and the
# error, and values in filters.
status "/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E" >/dev/null
cp "$T/body" "$T/page.html"
grep -q '<script>alert' "$T/page.html" && fail "a script in q reached the page"
has 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' "escaped q"
page "/?tag=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E"
grep -q '<img' "$T/page.html" && fail "an element in a tag reached the page"
has 'value="&lt;img src=x onerror=alert(1)&gt;" checked' "escaped tag"
code=$(status "/?q=%28%3Cb%3E")
[ "$code" = 400 ] || fail "query syntax error: status $code"
grep -q '<b>' "$T/body" && fail "the query syntax error was not escaped"
grep -q 'role="alert"' "$T/body" || fail "no alert for a query syntax error"

# Topics (neither corpus/ nor the schedules have any): several OR
# together, and their counts ignore their own selection.
stop_server
IDX=$T/topics
cat >"$T/topics.jsonl" <<'JSONL'
{"id": "t1", "title": "Rights online", "start": "2024-03-01", "topics": ["human rights"]}
{"id": "t2", "title": "Rights and cyber", "start": "2024-03-02", "topics": ["human rights", "cyber security"]}
{"id": "t3", "title": "Cyber norms", "start": "2024-04-01", "topics": ["cyber security"]}
{"id": "t4", "title": "Other", "start": "2024-05-01", "topics": ["trade"]}
JSONL
"$EVINDEX" --quiet --index "$IDX" "$T/topics.jsonl"
start_server "$IDX" --quiet
page "/?topic=cyber+security"
has "Showing 1-2 of 2 results" "topic"
[ "$(facet_count topic "human rights")" = 2 ] || fail "topic: human rights count"
[ "$(facet_count topic "trade")" = 1 ] || fail "topic: trade count"
page "/?topic=cyber+security&topic=trade&q=cyber+OR+other"
has "Showing 1-3 of 3 results" "two topics and words"
page "/?topic=trade&month=2024-03"
has "No events match" "topic and month"
[ "$(facet_count month 2024-05)" = 1 ] || fail "month counts ignore the month"

if [ -d "$SHARED/data/events" ]; then
	stop_server
	IDX=$T/fosdem
	"$EVINDEX" --quiet --index "$IDX" "$SHARED"/data/events/*.jsonl
	start_server "$IDX" --quiet
	total=$(cli_total)
	page "/?page=3"
	has "Showing 21-30 of $total results" "page 3"
	has 'rel="prev" href="/?page=2"' "page 3"
	has 'rel="next" href="/?page=4"' "page 3"
	well_formed "page 3"
	page "/?q=rust&tag=devroom&page=2"
	want=$(cli_total --tag devroom rust)
	has "Showing 11-20 of $want results" "rust, page 2"
	has 'href="/?q=rust&amp;tag=devroom&amp;page=3"' "rust, page 2"
	org=$("$EVSEARCH" --index "$IDX" --json -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["facets"]["organiser"][1]["value"])')
	page "/?organiser=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote_plus(sys.argv[1]))' "$org")"
	want=$(cli_total --organiser "$org")
	has "of $want results" "organiser $org"
	has "<details><summary>" "organiser $org: more values"
fi
echo "ok: page counts, facets and escaping"
