#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The ABI as a decision (docs/API.md "ABI"):
#  1. libctkit.so exports exactly the symbols lib/libctkit.map lists, each
#     under a version node, all named ctk_*;
#  2. libctkit.a has the same global symbols and no others;
#  3. every listed symbol is declared in the public headers (a C file that
#     takes each one's address through <ctkit/ctkit.h> compiles and links);
#  4. against the baseline abi/libctkit.abi (abidw), abidiff finds no
#     incompatible change, unless include/ctkit/version.h says the version
#     changed: then the baseline is stale and `make abi-baseline` renews it.
#
#   scripts/check-abi.sh BUILD            check
#   scripts/check-abi.sh BUILD --baseline write abi/libctkit.abi
set -eu
build=$1
so=$build/libctkit.so.0
a=$build/libctkit.a
map=lib/libctkit.map
baseline=abi/libctkit.abi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

version=$(sed -n 's/^#define CTK_VERSION_STRING "\(.*\)"/\1/p' include/ctkit/version.h)

if [ "${2:-}" = --baseline ]; then
	mkdir -p abi
	abidw --headers-dir include/ctkit --drop-private-types --no-corpus-path \
		--out-file "$baseline" "$so"
	printf '%s\n' "$version" >abi/VERSION
	echo "abi: baseline for $version written to $baseline"
	exit 0
fi

sed -n '/global:/,/local:/s/^[[:space:]]*\(ctk_[A-Za-z0-9_]*\);.*/\1/p' "$map" | sort >"$tmp/map"
nm -D --defined-only "$so" | awk '$3 !~ /^CTKIT_/ {sub(/@.*/, "", $3); print $3}' | sort >"$tmp/so"
nm -g --defined-only "$a" | awk 'NF == 3 {print $3}' | sort >"$tmp/a"

if ! cmp -s "$tmp/map" "$tmp/so"; then
	echo "abi: libctkit.so exports differ from $map (< map only, > library only):"
	diff "$tmp/map" "$tmp/so" | grep '^[<>]' || true
	fail=1
fi
if ! cmp -s "$tmp/map" "$tmp/a"; then
	echo "abi: libctkit.a globals differ from $map (< map only, > archive only):"
	diff "$tmp/map" "$tmp/a" | grep '^[<>]' || true
	fail=1
fi
unversioned=$(nm -D --defined-only "$so" | awk '$3 !~ /^CTKIT_/ && $3 !~ /@@?CTKIT_[0-9.]+$/' | wc -l)
if [ "$unversioned" != 0 ]; then
	echo "abi: $unversioned exported symbols without a version node"
	fail=1
fi
if grep -v '^ctk_' "$tmp/map" >/dev/null; then
	echo "abi: names outside ctk_ in $map"
	fail=1
fi

{
	echo '#include <ctkit/ctkit.h>'
	echo 'int main(void) { void (*volatile p)(void);'
	sed 's/.*/p = (void (*)(void))\&&; (void)p;/' "$tmp/map"
	echo 'return 0; }'
} >"$tmp/decl.c"
if ! cc -std=c99 -Wall -Werror -Wno-pedantic -Iinclude -o "$tmp/decl" "$tmp/decl.c" "$a" \
	-lmnl -lpcap -ljansson -pthread ${ABI_LDFLAGS:-} 2>"$tmp/decl.err"; then
	echo "abi: exported symbols not declared in the public headers:"
	grep -o "'ctk_[A-Za-z0-9_]*'" "$tmp/decl.err" | sort -u || cat "$tmp/decl.err"
	fail=1
fi

if [ -f "$baseline" ]; then
	base_version=$(cat abi/VERSION 2>/dev/null || echo unknown)
	rc=0
	abidiff --headers-dir2 include/ctkit --drop-private-types \
		--no-added-syms "$baseline" "$so" >"$tmp/abidiff" 2>&1 || rc=$?
	if [ $((rc & 12)) != 0 ]; then
		if [ "$base_version" = "$version" ]; then
			echo "abi: ABI change against the $base_version baseline, and the version did not change:"
			cat "$tmp/abidiff"
			fail=1
		else
			echo "abi: ABI change, declared by the version ($base_version -> $version);" \
				"renew the baseline with make abi-baseline"
		fi
	elif [ $((rc & 3)) != 0 ]; then
		echo "abi: abidiff failed ($rc):"
		cat "$tmp/abidiff"
		fail=1
	fi
else
	echo "abi: no baseline ($baseline): make abi-baseline"
	fail=1
fi
[ $fail = 0 ] && echo "abi: $(wc -l <"$tmp/map") symbols, all ctk_*, versioned, declared; no incompatible change against the $version baseline"
exit $fail
