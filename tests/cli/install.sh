#!/usr/bin/env bash
# Installs evsearch into an empty prefix, then builds the programs of
# examples/ against the INSTALLED library as a user would (pkg-config, and
# CMake's find_package), and runs them.
# usage: install.sh EVINDEX EVSEARCH SOURCE_DIR  (as ctest calls it)
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
src=$3
build=$(dirname "$(dirname "$1")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# A sanitizer build installs an instrumented library: its users link the
# sanitizer runtime too.
san=
grep -q '^EVS_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null \
  && san="-fsanitize=address,undefined"

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 \
  || { cat "$tmp/install.log"; fail "cmake --install"; }
for f in include/evsearch.h include/evsearch-version.h bin/evindex bin/evsearch \
         share/man/man1/evindex.1 share/man/man1/evsearch.1 \
         share/evsearch/nightly-rebuild; do
  [ -e "$tmp/prefix/$f" ] || fail "not installed: $f"
done
libdir=$(find "$tmp/prefix" -name 'libevsearch.so.0' -printf '%h\n' | head -1)
[ -n "$libdir" ] || fail "no libevsearch.so.0 (versioned SONAME) installed"
soname=$(objdump -p "$libdir/libevsearch.so.0" | awk '/SONAME/ {print $2}')
[ "$soname" = "libevsearch.so.0" ] || fail "SONAME is '$soname'"
export PKG_CONFIG_PATH=$libdir/pkgconfig
[ "$(pkg-config --modversion evsearch)" = "$("$1" --version | awk '{print $NF}')" ] \
  || fail "pkg-config version differs from evindex --version"
# A user's compile gets our include directory and nothing of our
# dependencies (libutf8proc's -DUTF8PROC_EXPORTS once leaked here).
cflags=$(pkg-config --cflags evsearch)
read -r -a words <<<"$cflags"
[ ${#words[@]} -eq 1 ] \
  && [ "$(realpath "${words[0]#-I}")" = "$(realpath "$tmp/prefix/include")" ] \
  || fail "pkg-config --cflags evsearch is '$cflags'"
pkg-config --static --libs evsearch | grep -q -- '-lutf8proc' \
  || fail "pkg-config --static --libs evsearch lacks -lutf8proc"

# pkg-config, as the README shows.
for ex in search-facets feed-events; do
  cc -std=c11 -Wall -Werror $san "$src/examples/$ex.c" \
     $(pkg-config --cflags --libs evsearch) -Wl,-rpath,"$libdir" \
     -o "$tmp/$ex" || fail "cc $ex.c with pkg-config"
done
"$tmp/prefix/bin/evindex" -q --index "$tmp/idx" "$src/corpus/events.jsonl" \
  || fail "installed evindex"
out=$("$tmp/search-facets" "$tmp/idx" "multistakeholder consultation") \
  || fail "search-facets"
echo "$out" | grep -q '^4 events$' || fail "search-facets: $out"
echo "$out" | grep -q '^organiser: EU Cyber Direct=2 ' || fail "facets: $out"
out=$("$tmp/feed-events" "$tmp/feed") || fail "feed-events"
echo "$out" | grep -q '^t2 added$' || fail "feed-events: $out"
echo "$out" | grep -q '"total": 2,' || fail "feed-events search: $out"

# find_package(evsearch) from CMake.
mkdir -p "$tmp/cm"
cat >"$tmp/cm/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.18)
project(user C)
find_package(evsearch 0.1 REQUIRED)
add_executable(search "$src/examples/search-facets.c")
target_link_libraries(search evsearch::evsearch)
CM
cmake -S "$tmp/cm" -B "$tmp/cm/b" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_C_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="$san" \
  -DCMAKE_BUILD_RPATH="$libdir" >"$tmp/cm.log" 2>&1 \
  && cmake --build "$tmp/cm/b" >>"$tmp/cm.log" 2>&1 \
  || { cat "$tmp/cm.log"; fail "find_package(evsearch)"; }
"$tmp/cm/b/search" "$tmp/idx" treaty | grep -q 'events$' \
  || fail "the find_package build does not run"
echo "install: prefix, pkg-config and find_package builds all work"
