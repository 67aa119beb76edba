#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/data/rulesets/regen.sh - write NAME.json beside every NAME.nft here
# (and in refused/): what `nft -j list ruleset` prints once the file is
# loaded, in a throwaway network namespace (root; never the host's ruleset).
# bench_200.nft is written by gen_bench.py first.
set -eu
cd "$(dirname "$0")"
/usr/bin/python3 gen_bench.py > bench_200.nft
for f in *.nft refused/*.nft; do
	unshare -n sh -c "nft -f '$f' && nft -j list ruleset" > "${f%.nft}.json.tmp"
	mv "${f%.nft}.json.tmp" "${f%.nft}.json"
	echo "$f"
done
