#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# scripts/fuzz.sh SECONDS TARGET... - run each libFuzzer target for SECONDS
# on its seed corpus (tests/fuzz/corpus/<name>/, created if absent).
set -eu
secs=$1
shift
for t in "$@"; do
	name=$(basename "$t")
	seeds=tests/fuzz/corpus/$name
	work=build/fuzz/corpus-$name
	mkdir -p "$work"
	[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
	echo "== fuzz $name (${secs}s)"
	"$t" -max_total_time="$secs" -print_final_stats=0 "$work" 2>build/fuzz/$name.log ||
		{ tail -50 build/fuzz/$name.log; echo "fuzz: $name failed"; exit 1; }
	grep -E "^Done|stat::number_of_executed_units" build/fuzz/$name.log | tail -1 || true
done
