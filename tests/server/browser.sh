#!/usr/bin/env bash
# The page rendered in a real headless Chromium: the listing and a
# filtered search show their counts once laid out, and screenshots are
# taken (scripts/server-shots copies them into docs/). Skips where
# Chromium is absent.
# SPDX-License-Identifier: GPL-3.0-or-later
. "$(dirname "$0")/lib.sh"
need_curl
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "SKIP: chromium is not installed"; exit 77; }
OUT=${EVSD_SHOTS:-$T}

# render URL-PATH NAME WIDTH: the DOM after layout, and a screenshot.
render() {
	local flags=(--headless --no-sandbox --disable-gpu --disable-quic
		--no-first-run --disable-background-networking
		--disable-component-update --disable-sync
		--user-data-dir="$T/profile-$2" --window-size="$3,1400"
		--hide-scrollbars)
	timeout 120 "$CHROMIUM" "${flags[@]}" --dump-dom "http://$ADDR$1" \
		>"$T/$2.dom" 2>"$T/$2.err" || fail "$1: chromium failed"
	timeout 120 "$CHROMIUM" "${flags[@]}" --screenshot="$OUT/$2.png" \
		"http://$ADDR$1" >>"$T/$2.err" 2>&1 || fail "$1: no screenshot"
	[ "$(stat -c %s "$OUT/$2.png")" -gt 20000 ] || fail "$1: an empty screenshot"
}

"$EVINDEX" --quiet --index "$T/idx" "$SRC/corpus/events.jsonl"
start_server "$T/idx" --quiet
render "/" listing 1280
grep -q "Showing 1-8 of 8 results" "$T/listing.dom" || fail "listing: no count"
[ "$(grep -o '<article class="event">' "$T/listing.dom" | wc -l)" = 8 ] ||
	fail "listing: not 8 events"
render "/?q=cybercrime&organiser=EU+Cyber+Direct&organiser=Chatham+House" \
	filtered 1280
grep -q "Showing 1-2 of 2 results" "$T/filtered.dom" || fail "filtered: no count"
grep -q '<mark>' "$T/filtered.dom" || fail "filtered: no highlight"
render "/?q=treaty" phone 390
grep -q 'name="viewport"' "$T/phone.dom" || fail "phone: no viewport"
echo "ok: rendered in $("$CHROMIUM" --version 2>/dev/null | head -1)"
