#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make bench: ctkit's conntrack vs the reference at 100 k and 1 M entries, in
# a throwaway network namespace (details in bench/bench.py). The table goes
# to stdout and to BUILD/bench/results.txt.
#   SIZES="100000 1000000" RUNS=3 RUNS_DESTRUCTIVE_1M=3 bench/run.sh /abs/build/dir
set -eu
BUILD=${1:?usage: bench/run.sh /abs/path/to/build}
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (network namespace, netlink); try: sudo make bench" >&2
	exit 1
fi
# nf_conntrack_max is global: whatever happens to bench.py, put it back
MAX=/proc/sys/net/netfilter/nf_conntrack_max
OLD_MAX=$(cat "$MAX")
restore() {
	if [ "$(cat "$MAX")" != "$OLD_MAX" ]; then
		echo "$OLD_MAX" > "$MAX" && echo "bench: nf_conntrack_max restored to $OLD_MAX" >&2
	fi
}
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
/usr/bin/python3 "$(dirname "$0")/bench.py" "$BUILD"
