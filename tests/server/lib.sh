# Sourced by the evsearchd tests: arguments, a scratch directory, and a
# server started on a free loopback port that is stopped when the test
# exits. SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
EVINDEX=$1 EVSEARCH=$2 EVSEARCHD=$3 SRC=$4 LOAD=${5:-}
SHARED=$SRC/../shared
T=$(mktemp -d)
SERVER_PID=
cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# start_server INDEX [OPTIONS...]: starts evsearchd on 127.0.0.1:0 and
# sets ADDR (host:port) from its "listening on" line.
start_server() {
	local index=$1
	shift
	"$EVSEARCHD" --index "$index" --listen 127.0.0.1:0 "$@" \
		2>"$T/server.log" &
	SERVER_PID=$!
	for _ in $(seq 100); do
		ADDR=$(sed -n 's|.*listening on http://\([^/]*\)/.*|\1|p' \
			"$T/server.log")
		[ -n "$ADDR" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$T/server.log" >&2
	fail "evsearchd did not start"
}

stop_server() {
	kill "$SERVER_PID"
	wait "$SERVER_PID" || fail "evsearchd exited with $? on SIGTERM"
	SERVER_PID=
}

# status URL-PATH [CURL OPTIONS]: the HTTP status of a GET.
status() {
	local path=$1
	shift
	curl -s -o "$T/body" -w '%{http_code}' "$@" "http://$ADDR$path"
}

need_curl() {
	command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }
}
