# The include graph of lib/ has no circle, nor has the graph of calls:
# scripts/include-cycles groups each .c with its header and fails naming
# the includes or calls of any circle. It is tried first on copies of
# lib/ with a circle added, so that the test is known to be able to fail.
#
#   bash tests/cli/include-cycles.sh EVINDEX EVSEARCH SOURCE_DIR
set -u
if [ $# -ne 3 ]; then
	echo "usage: bash ${0##*/} EVINDEX EVSEARCH SOURCE_DIR" >&2
	exit 2
fi
SRC=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0

# A circle put in on purpose: schema.h including handle.h (which
# includes schema.h) must be found.
mkdir -p "$TMP/copy"
cp -R "$SRC/lib" "$TMP/copy/lib"
sed -i 's/^#include "normalize.h"$/#include "normalize.h"\n#include "handle.h"/' \
	"$TMP/copy/lib/schema.h"
out=$(python3 "$SRC/scripts/include-cycles" "$TMP/copy" 2>&1)
if [ $? -ne 1 ] || ! grep -q 'schema includes handle (lib/schema.h:' <<<"$out"; then
	echo "FAIL: a circle through schema.h and handle.h was not found:"
	echo "$out"
	status=1
fi

# A circle of calls with no include behind it: util.c calling into
# schema.c (which calls evs_util__utf8_cut) must be found.
mkdir -p "$TMP/calls"
cp -R "$SRC/lib" "$TMP/calls/lib"
printf '\nvoid evs_util__planted(void)\n{\n\tevs_schema__id_hash("", 0);\n}\n' \
	>>"$TMP/calls/lib/util.c"
out=$(python3 "$SRC/scripts/include-cycles" "$TMP/calls" 2>&1)
if [ $? -ne 1 ] ||
	! grep -q 'util calls schema (evs_schema__id_hash, lib/util.c:' <<<"$out" ||
	! grep -q 'schema calls util (evs_util__' <<<"$out"; then
	echo "FAIL: a circle of calls between util.c and schema.c was not found:"
	echo "$out"
	status=1
fi

out=$(python3 "$SRC/scripts/include-cycles" "$SRC" 2>&1)
if [ $? -ne 0 ]; then
	echo "FAIL: lib/ has circles of includes or calls:"
	echo "$out"
	status=1
else
	echo "$out"
fi
exit $status
