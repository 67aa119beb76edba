#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make bench: ctkit's conntrack vs the reference at 100 k and 1 M entries, in
# a throwaway network namespace (details in bench/bench.py).
#   SIZES="100000 1000000" RUNS=3 bench/run.sh /abs/build/dir
set -eu
BUILD=${1:?usage: bench/run.sh /abs/path/to/build}
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (network namespace, netlink); try: sudo make bench" >&2
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/bench.py" "$BUILD"
