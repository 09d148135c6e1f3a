#!/usr/bin/env bash
# scripts/nightly-rebuild as cron runs it: installed into a prefix that is
# not in PATH, started by the crontab line of docs/examples/crontab (its
# paths moved into a temporary directory) with cron's environment: no
# variables but a minimal PATH, HOME, LOGNAME and SHELL. Also its --help
# and its usage errors.
# usage: nightly-rebuild.sh EVINDEX EVSEARCH SOURCE_DIR  (as ctest calls it)
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
. "$(dirname "$0")/../golden/lib.sh"
cli_init "$@"
build=$(dirname "$(dirname "$EVINDEX")")
prefix=$TMP/prefix
script=$prefix/share/evsearch/nightly-rebuild

cmake --install "$build" --prefix "$prefix" >"$TMP/install.log" 2>&1 || {
	cat "$TMP/install.log"
	echo "FAIL: cmake --install" >&2
	exit 1
}
mkdir -p "$TMP/events" "$TMP/log"
cp "$SOURCE_DIR/corpus/events.jsonl" "$TMP/events/"

# The crontab entry without its five time fields, its paths moved to $TMP.
line=$(grep -v '^#' "$SOURCE_DIR/docs/examples/crontab" | grep -v '^$')
expect_eq "crontab entries" 1 "$(printf '%s\n' "$line" | grep -c '')"
cmd=$(printf '%s\n' "$line" |
	sed -E 's/^([^ ]+ +){5}//' |
	sed -e "s|/usr/local/|$prefix/|g" \
	    -e "s|/srv/evsearch/index|$TMP/index|g" \
	    -e "s|/var/log/evsearch/|$TMP/log/|g" \
	    -e "s|/srv/events/|$TMP/events/|g")
expect_no_match "crontab command still names a system path" \
	' /(usr|srv|var)/' "$cmd"

# Sanitizer builds need their options (suppressions) passed through.
keep=()
for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS; do
	[ -n "${!v:-}" ] && keep+=("$v=${!v}")
done
run env -i PATH=/usr/bin:/bin HOME="$TMP/home" LOGNAME=evsearch \
	SHELL=/bin/sh ${keep[@]+"${keep[@]}"} /bin/sh -c "$cmd"
expect_rc 0
expect_no_match "cron run: evindex not found" "not found" "$ERR"
expect_match "cron run logs its end" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z nightly-rebuild\[[0-9]+\]: end: status 0 ' \
	"$ERR"
expect_eq "events after the cron run" 8 "$(index_count "$TMP/index")"
expect_match "log file" 'end: status 0' "$(cat "$TMP/log/rebuild.log" 2>&1)"
expect_match "report beside the index" '"after": 8' \
	"$(cat "$TMP/index.last-rebuild.json" 2>&1)"

# Without an evindex anywhere it can find, it says where it looked.
mkdir -p "$TMP/alone"
cp "$script" "$TMP/alone/"
run env -i PATH=/usr/bin:/bin /bin/sh -c \
	"$TMP/alone/nightly-rebuild --index $TMP/i2 $TMP/events/"
expect_rc 2
expect_match "no evindex" '^nightly-rebuild: evindex not found .*set EVINDEX$' \
	"$ERR"

# --help: the usage text, and nothing of the script around it.
run "$script" --help
expect_rc 0
expect_eq "--help stderr" "" "$ERR"
expect_match "--help usage" '^usage: nightly-rebuild --index DIR' "$OUT"
expect_no_match "--help stray lines" 'SPDX|^set |pipefail|^#' "$OUT"

# An option without its value: a usage error, not bash's "unbound variable".
for opt in --index --log --report --min-events --max-shrink --max-errors; do
	run "$script" --sync "$opt"
	expect_rc 2
	expect_eq "$opt without a value" \
		"nightly-rebuild: $opt needs a value (see --help)" "$ERR"
done
run "$script" --index --log "$TMP/x.log" "$TMP/events/"
expect_rc 2
expect_eq "--index followed by an option" \
	"nightly-rebuild: --index needs a value (see --help)" "$ERR"
run "$script" --bogus
expect_rc 2
expect_eq "unknown option" \
	"nightly-rebuild: unknown option --bogus (see --help)" "$ERR"
finish
