#!/usr/bin/env bash
# Hostile requests get a clear 4xx and nothing else happens: over-long
# targets and headers, bad escapes and UTF-8, unknown parameters, huge
# limits, dot segments, other methods, slow clients. No file outside the
# built-in assets is ever served, and the server keeps answering.
# SPDX-License-Identifier: GPL-3.0-or-later
. "$(dirname "$0")/lib.sh"
need_curl

# expect CODE PATH [CURL OPTIONS]: the status, and for /api/ a JSON error
# object with that status.
expect() {
	local want=$1 path=$2
	shift 2
	local code
	code=$(status "$path" --path-as-is "$@")
	[ "$code" = "$want" ] || fail "${path:0:120} $*: status $code, want $want"
	grep -q 'root:' "$T/body" && fail "${path:0:120}: a system file was served"
	case $path in
	/api/*)
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"] == int(sys.argv[2]) and d["error"], d' \
			"$T/body" "$want" || fail "${path:0:120}: no JSON error object"
		;;
	esac
	n=$((n + 1))
}

"$EVINDEX" --quiet --index "$T/idx" "$SRC/corpus/events.jsonl"
start_server "$T/idx" --timeout 2 --access-log "$T/access.log"
n=0

# Over-long target (our limit) and headers (libmicrohttpd's buffer).
long=$(head -c 9000 /dev/zero | tr '\0' a)
expect 414 "/api/search?q=$long"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' b)" "http://$ADDR/healthz")
case $code in 413 | 414 | 431) ;; *) fail "40 KB header: status $code" ;; esac
# Bad escapes, bad UTF-8, NUL and control characters.
expect 400 "/api/search?q=%zz"
expect 400 "/api/search?q=abc%4"
expect 400 "/api/search?q=%C3%28"
expect 400 "/api/search?q=%ED%A0%80"        # a UTF-16 surrogate
expect 400 "/api/search?q=%C0%AF"           # an overlong "/"
expect 400 "/api/search?q=%F4%90%80%80"     # past U+10FFFF
expect 400 "/api/search?q=a%00b"
expect 400 "/api/search?q=%1B%5B31m"
expect 400 "/?q=%FF"
expect 400 "/?q=%"
# Unknown parameters, huge and negative numbers, bad values.
expect 400 "/api/search?bogus=1"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["parameter"]=="bogus", d' "$T/body" ||
	fail "the unknown parameter is not named"
expect 400 "/api/search?limit=99999999999999999999999"
expect 400 "/api/search?limit=10001"
expect 400 "/api/search?offset=18446744073709551617"
expect 400 "/api/search?limit=-5"
expect 400 "/api/search?all=maybe"
expect 400 "/?page=0"
expect 400 "/?page=99999999"
expect 400 "/?nonsense=1"
expect 400 "/?year=20222"
expect 400 "/?month=2022-13"
expect 400 "/?when=tomorrow"
expect 400 "/api/search?$(for i in $(seq 130); do printf 'tag=t%d&' "$i"; done)"
# Paths: dot segments, escapes, backslashes, doubled slashes, others.
expect 400 "/static/../../../../etc/passwd"
expect 400 "/../etc/passwd"
expect 400 "/static/%2e%2e/%2e%2e/etc/passwd"
expect 400 "/static/..%2f..%2fetc%2fpasswd"
expect 400 "/static/style.css/.."
expect 400 "//etc/passwd"
expect 400 '/static/..\..\etc\passwd'
expect 404 "/etc/passwd"
expect 404 "/static/"
expect 404 "/static/passwd"
expect 404 "/static/style.css.bak"
expect 404 "/api/search/x"
expect 404 "/$(head -c 300 /dev/zero | tr '\0' x)"
expect 200 "/static/style.css"
expect 200 "/static/app.js"
# Methods other than GET and HEAD, with and without a body.
for m in POST PUT DELETE PATCH OPTIONS TRACE CONNECTX PROPFIND; do
	expect 405 "/api/search" -X "$m" -d 'x=1'
	curl -s -D - -o /dev/null -X "$m" "http://$ADDR/" | grep -qi '^Allow: GET, HEAD' ||
		fail "$m: no Allow header"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -I "http://$ADDR/api/search?q=treaty")
[ "$code" = 200 ] || fail "HEAD: status $code"

# A slow client (one byte, then nothing) is dropped after --timeout, and
# others are served meanwhile; so is a client that never finishes its
# headers.
python3 - "$ADDR" <<'PY' || fail "slow clients"
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
slow = [socket.create_connection((host, int(port))) for _ in range(20)]
for i, s in enumerate(slow):
    s.sendall(b"G" if i % 2 else b"GET /healthz HTTP/1.1\r\nX-A: 1\r\n")
t0 = time.time()
fast = socket.create_connection((host, int(port)))
fast.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
fast.settimeout(5)
assert b" 200 " in fast.recv(4096), "the fast client was not served"
for s in slow:
    s.settimeout(10)
    try:
        data = s.recv(4096)
    except ConnectionResetError:
        data = b""
    assert time.time() - t0 < 9, "a slow client was kept"
PY

# Log lines cannot be forged: a newline or quote in the target is escaped.
curl -s -o /dev/null "http://$ADDR/api/search?q=%0Afake%22line" || true
grep -q '^fake' "$T/access.log" && fail "a forged line in the access log"
grep -qF '"GET /api/search?q=%0Afake%22line HTTP/1.1" 400' "$T/access.log" ||
	fail "the access log lacks the request"
grep -qE '^127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9:]{8} [-+][0-9]{4}\] "GET /static/style.css HTTP/1.1" 200 [0-9]+$' "$T/access.log" ||
	fail "the access log is not in the Common Log Format"

# Still serving, and nothing else happened.
expect 200 "/healthz"
kill -0 "$SERVER_PID" || fail "evsearchd died"
stop_server
echo "ok: $n hostile and control requests"
