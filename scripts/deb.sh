#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make deb: ctkit's Debian packages (debian/) and lintian on them.
# dpkg-buildpackage writes its results next to the tree it builds, so the
# packages are built from a copy of this tree in OUT/src and land in OUT/;
# the tree itself stays as it was. Lintian fails on any error or warning
# and shows info and pedantic tags too.
#   scripts/deb.sh OUT
set -eu
out=$(realpath -m "${1:?usage: scripts/deb.sh OUT}")
missing=""
for t in dpkg-buildpackage dh lintian git; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "deb: missing$missing; run as root:"
	echo "  apt-get install -y --no-install-recommends debhelper lintian"
	exit 1
fi
cd "$(dirname "$0")/.."
rm -rf "$out"
mkdir -p "$out/src"
# The tree as it is: what git tracks (edits included, deleted files left
# out) and new files git does not ignore (so not build/).
git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do if [ -e "$f" ]; then printf "%s\0" "$f"; fi; done' sh |
	tar --null -T - -cf - | tar -xf - -C "$out/src"
cd "$out/src"
# Source and binary packages (-us -uc: unsigned), so that lintian sees the
# source package too; at most two jobs. A build of its own, as on a build
# daemon: of the environment only PATH, HOME and the caller's
# DEB_BUILD_OPTIONS and DEB_BUILD_PROFILES reach it, nothing of a calling
# make (it exports BUILD=, SAN=, CFLAGS=... given on its command line).
env -i PATH="$PATH" HOME="${HOME:-/}" \
	${DEB_BUILD_OPTIONS+"DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS"} \
	${DEB_BUILD_PROFILES+"DEB_BUILD_PROFILES=$DEB_BUILD_PROFILES"} \
	dpkg-buildpackage -us -uc -j2
cd "$out"
lintian --fail-on error,warning --display-info --pedantic ./*.changes
echo "deb: $(ls ./*.deb | tr '\n' ' ')in $out"
