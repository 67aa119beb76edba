#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install the Debian packages ctkit needs to build, test and compare against
# the reference; as root it installs what is missing, otherwise it prints
# the one apt-get line to run.
set -eu
PKGS="make gcc clang libc6-dev pkg-config libmnl-dev libcmocka-dev libpcap-dev
      python3 python3-pytest python3-scapy iproute2 nftables iptables tcpdump
      conntrack nfct procps kmod g++ abigail-tools conntrackd libsodium-dev libsystemd-dev
      libjansson-dev build-essential debhelper lintian libmicrohttpd-dev libncurses-dev
      prometheus tmux"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends $missing >/dev/null ||
		{ apt-get update >/dev/null && apt-get install -y --no-install-recommends $missing >/dev/null; }
else
	echo "deps: missing packages; run as root:"
	echo "  apt-get install -y$missing"
	exit 1
fi
