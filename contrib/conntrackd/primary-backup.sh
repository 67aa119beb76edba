#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# keepalived notify script for a pair of firewalls that replicate their
# connection-tracking tables with conntrackd (FTFW). In keepalived.conf:
#
#   vrrp_sync_group G1 {
#       group { VI_1 }
#       notify_master "/etc/conntrackd/primary-backup.sh primary"
#       notify_backup "/etc/conntrackd/primary-backup.sh backup"
#       notify_fault  "/etc/conntrackd/primary-backup.sh fault"
#   }
#
# On becoming primary the script commits the connections the old primary
# replicated into this kernel BEFORE keepalived moves the addresses: with
# ctkit's conntrackd, `-c` returns only when the commit is complete and exits
# non-zero if it failed, so the order is guaranteed and failures are logged.
# Exit status: 0, or 1 if a step failed (keepalived logs it).
#
# CONNTRACKD and CONNTRACKD_CONF may be set in the environment.

CONNTRACKD=${CONNTRACKD:-/usr/sbin/conntrackd}
CONF=${CONNTRACKD_CONF:-/etc/conntrackd/conntrackd.conf}

ctd() {
	if ! "$CONNTRACKD" -C "$CONF" "$@"; then
		logger -t conntrackd-failover "conntrackd $* failed"
		status=1
	fi
}

status=0
case "$1" in
primary)
	# the peer's connections into our kernel, then forget them
	ctd -c
	ctd -f external
	# our cache from our (now complete) kernel table, and tell the peer
	ctd -R
	ctd -B
	;;
backup)
	# learn everything the new primary has; drop what we no longer carry
	ctd -n
	ctd -t
	;;
fault)
	# our kernel table is stale: flush it after PurgeTimeout
	ctd -t
	;;
*)
	echo "usage: $0 primary|backup|fault" >&2
	exit 2
	;;
esac
exit $status
