#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The shared library exports exactly the evs_* functions that
# include/evsearch.h declares: nothing internal leaks, nothing is missing.
# usage: symbols.sh LIBRARY HEADER
set -euo pipefail
lib=$1 header=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort)
declared=$(grep -oE '\bevs_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u)
if [ "$exported" != "$declared" ]; then
  echo "exported symbols differ from the header's evs_* functions:"
  diff <(echo "$declared") <(echo "$exported") | sed 's/^</  declared only:/; s/^>/  exported only:/'
  exit 1
fi
echo "symbols: $(echo "$exported" | wc -l) exported, all declared in $(basename "$header")"
