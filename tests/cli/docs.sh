#!/usr/bin/env bash
# Every example in README.md and docs/*.md that shows a command with its
# output runs here, against the shipped corpus, and must print what the
# docs say. The convention, for whoever adds an example:
#
# - In a fenced code block, a line "$ COMMAND" is a command; the lines
#   after it, up to the next "$ " line or the end of the block, are its
#   output (stdout and stderr together). The command runs with bash in a
#   temporary directory that holds corpus/ (the shipped one) and an empty
#   build/; "./build/indexer/evindex", "./build/search/evsearch" and plain
#   "evindex"/"evsearch" are the tools under test; HOME is empty. Files run
#   README.md first, then docs/*.md, each block in order: an example may
#   use the index an earlier one built. README.md builds build/demo-index
#   from corpus/events.jsonl, and EVSEARCH_INDEX names it, so that a plain
#   "evsearch QUERY" searches it.
# - A command that names a system path (/srv, /var, /etc, /usr, /opt)
#   would write outside the test: it must be marked skip.
# - A command ending in "&" (a server) runs in the background; its output
#   is what it printed in its first 5 seconds, up to its first line; it
#   is killed when the test ends. Port 8080 is replaced by a free port.
# - Output is compared after normalising JSON "score" numbers (ranking
#   tuning may change them). An example must exit 0.
# - An HTML comment on the line before the block changes that:
#     <!-- docs-test: run-only (REASON) -->  run it, do not compare output
#                                            (an output trimmed by hand)
#     <!-- docs-test: skip (REASON) -->      do not run it (needs root, a
#                                            server, /srv, a long job)
#   Keep skips few: a skipped example can go stale.
#
# usage: docs.sh EVINDEX EVSEARCH SOURCE_DIR  (as ctest calls it)
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"
mkdir -p "$TMP/run/build" "$TMP/bin"
ln -s "$SOURCE_DIR/corpus" "$TMP/run/corpus"
ln -s "$EVINDEX" "$TMP/bin/evindex"
ln -s "$EVSEARCH" "$TMP/bin/evsearch"
# evsearchd, built beside evsearch; a server example's port 8080 becomes a
# free loopback port, in its command and in its output.
EVSEARCHD=$(dirname "$EVSEARCH")/../server/evsearchd
[ -x "$EVSEARCHD" ] && ln -s "$(cli_abspath "$EVSEARCHD")" "$TMP/bin/evsearchd"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# examples FILE: one record per example, NUL-separated fields:
# MODE, LINE, COMMAND, EXPECTED OUTPUT.
examples() {
	python3 - "$1" <<'PY'
import re, sys
mode, block, out = "compare", None, sys.stdout
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
pending = "compare"
cur = None
def flush():
    global cur
    if cur:
        out.write("\0".join([cur[0], str(cur[1]), cur[2],
                             "\n".join(cur[3])]) + "\0")
    cur = None
for n, line in enumerate(lines, 1):
    m = re.match(r"<!-- docs-test: (run-only|skip)\b", line)
    if block is None:
        if m:
            pending = m.group(1)
        elif line.startswith("```"):
            block, pending = pending, "compare"
        elif line.strip():
            pending = "compare"
        continue
    if line.startswith("```"):
        flush()
        block = None
        continue
    if line.startswith("$ "):
        flush()
        cur = [block, n, line[2:], []]
    elif cur:
        cur[3].append(line)
flush()
PY
}

# background COMMAND: starts a server example; OUT is its first line.
background() {
	local log="$TMP/bg.$line"
	(cd "$TMP/run" && exec env PATH="$TMP/bin:$PATH" HOME="$TMP/home" \
		bash -c "exec $1" >"$log" 2>&1) &
	CLI_PIDS+=("$!")
	for _ in $(seq 50); do
		[ -s "$log" ] && break
		sleep 0.1
	done
	OUT=$(head -n 1 "$log")
	CHECKS=$((CHECKS + 1))
	kill -0 "$!" 2>/dev/null ||
		fail "$LAST_CMD: exited at once: $(cat "$log")"
}

skipped=0 ran=0
for doc in "$SOURCE_DIR/README.md" "$SOURCE_DIR"/docs/*.md; do
	name=${doc#"$SOURCE_DIR"/}
	while IFS= read -r -d '' mode && IFS= read -r -d '' line &&
		IFS= read -r -d '' cmd && IFS= read -r -d '' want; do
		if [ "$mode" = skip ]; then
			skipped=$((skipped + 1))
			continue
		fi
		ran=$((ran + 1))
		cmd=$(printf '%s' "$cmd" | sed -e 's|\./build/indexer/evindex|evindex|g' \
			-e 's|\./build/search/evsearch|evsearch|g' -e "s|:8080|:$PORT|g")
		want=$(printf '%s' "$want" | sed -e "s|:8080|:$PORT|g")
		if printf '%s' "$cmd" | grep -Eq '(^|[ =])/(srv|var|etc|usr|opt)/'; then
			CHECKS=$((CHECKS + 1))
			LAST_CMD=
			fail "$name:$line: names a system path: mark it skip"
			continue
		fi
		LAST_CMD="$name:$line: $cmd"
		if [[ $cmd == *'&' ]]; then
			background "${cmd%&}"
		else
			run env PATH="$TMP/bin:$PATH" HOME="$TMP/home" \
				EVSEARCH_INDEX="$TMP/run/build/demo-index" \
				bash -c "set -o pipefail; cd '$TMP/run' && $cmd 2>&1"
			expect_rc 0
		fi
		[ "$mode" = compare ] || continue
		got=$(printf '%s\n' "$OUT" | normalise_scores)
		want=$(printf '%s\n' "$want" | normalise_scores)
		CHECKS=$((CHECKS + 1))
		if [ "$got" != "$want" ]; then
			fail "$name:$line: the output differs from the docs (- docs, + actual):
$(diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$got") | tail -n +3 | head -40)"
		fi
	done < <(examples "$doc")
done
expect_match "examples run" '^[1-9]' "$ran"
# Skips are marked one by one and must stay few.
CHECKS=$((CHECKS + 1))
[ "$skipped" -le 3 ] || fail "$skipped examples are skipped: at most 3"
echo "docs: $ran examples run, $skipped skipped"
finish
