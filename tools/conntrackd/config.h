/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd configuration: the reference's conntrackd.conf grammar
 * compiled into one plain struct, with the reference's defaults.
 *
 * Parsing never prints or exits: errors land in struct ctd_config_error
 * with the reference's text, so the parser is unit-tested and fuzzed.
 */
#ifndef CTD_CONFIG_H
#define CTD_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define CTD_PATH_MAX	       257 /* the reference's FILENAME_MAXLEN (256) + NUL */
#define CTD_LINKS_MAX	       4   /* MULTICHANNEL_MAX */
#define CTD_FILTER_ADDR_MAX    1024
#define CTD_EXPECT_HELPERS_MAX 16
#define CTD_HELPERS_MAX	       16
#define CTD_WARNINGS_MAX       32
#define CTD_UNIX_PATH_MAX      108 /* sun_path: Path may hold 107 characters */

#define CTD_DEFAULT_CONFIG	  "/etc/conntrackd/conntrackd.conf"
#define CTD_DEFAULT_LOCKFILE	  "/var/lock/conntrackd.lock"
#define CTD_DEFAULT_LOGFILE	  "/var/log/conntrackd.log"
#define CTD_DEFAULT_STATS_LOGFILE "/var/log/conntrackd-stats.log"

enum ctd_mode {
	CTD_MODE_NONE,
	CTD_MODE_SYNC,
	CTD_MODE_STATS,
};

enum ctd_sync_proto {
	CTD_SYNC_FTFW,
	CTD_SYNC_NOTRACK,
	CTD_SYNC_ALARM,
};

/* bits of struct ctd_config.sync_modes: one per Mode section seen */
#define CTD_SYNC_MODE_BIT(p) (1u << (p))

enum ctd_link_kind {
	CTD_LINK_NONE,
	CTD_LINK_MCAST,
	CTD_LINK_UDP,
	CTD_LINK_TCP,
};

/* One dedicated link (a Multicast, UDP or TCP section). */
struct ctd_link_conf {
	enum ctd_link_kind kind;
	bool is_default; /* "Default" after the kind */
	int family;	 /* AF_INET or AF_INET6 (from the address keyword used) */
	/* AF_INET addresses sit in the first 4 bytes (a struct in_addr), as in
	 * the reference's union; the family is the last address keyword's. */
	struct in6_addr
		addr; /* IPv4_address / IPv6_address: local (UDP, TCP) or group (Multicast) */
	struct in6_addr dest;	  /* IPv{4,6}_Destination_Address (UDP, TCP) */
	struct in6_addr mcast_if; /* IPv4_interface (Multicast): source address */
	bool has_dest;
	unsigned int port;     /* Port (UDP, TCP) or Group (Multicast) */
	char ifname[IFNAMSIZ]; /* Interface (truncated to IFNAMSIZ-1) */
	unsigned int ifindex;  /* if_nametoindex(Interface) at parse time, 0 = unknown */
	unsigned int sndbuf;   /* SndSocketBuffer, 0 = system default */
	unsigned int rcvbuf;   /* RcvSocketBuffer */
	bool checksum;	       /* Checksum on|off (default on) */
};

/* Filter From Userspace|Kernelspace { Protocol / Address / State }. */
enum ctd_filter_policy {
	CTD_FILTER_UNSET, /* the section is absent: everything passes */
	CTD_FILTER_ACCEPT,
	CTD_FILTER_IGNORE,
};

struct ctd_filter_addr {
	int family;
	struct in6_addr addr;
	unsigned int prefix; /* 32/128 when no /cidr was given */
};

struct ctd_filter_conf {
	bool present;	  /* a Filter section was given */
	bool kernelspace; /* From Kernelspace */
	enum ctd_filter_policy proto_policy;
	uint8_t protos[256]; /* 1 = listed */
	enum ctd_filter_policy addr_policy;
	struct ctd_filter_addr addrs[CTD_FILTER_ADDR_MAX];
	unsigned int n_addrs;
	enum ctd_filter_policy state_policy;
	uint16_t tcp_states; /* bit n = TCP state n listed ("for TCP") */
	bool has_netmask;    /* some address was given as a /cidr network */
};

/* Helper { Type NAME inet|inet6 tcp|udp { QueueNum .. Policy NAME { .. } } }. */
struct ctd_helper_conf {
	char name[32];
	int family;
	uint8_t l4proto;
	unsigned int queue_num;
	unsigned int queue_len;
	char policy[32]; /* "" = no Policy block */
	unsigned int expect_max;
	unsigned int expect_timeout;
};

/* Where and why parsing stopped (or what it warned about), in the reference's words. */
struct ctd_config_error {
	unsigned int line; /* input line (1-based) of the token being read */
	int exit_code;	   /* the reference's exit status for this error (1; 2 for a read error) */
	bool plain;	   /* printed without the "[time] (pid=N) [ERROR] " prefix */
	char msg[256];	   /* the whole message the daemon prints (may end in "\n") */
};

struct ctd_config {
	/* General */
	unsigned int hash_size;	    /* HashSize, 65536 */
	unsigned int hash_limit;    /* HashLimit, 262144 */
	char logfile[CTD_PATH_MAX]; /* LogFile: "" = off */
	int syslog_facility;	    /* Syslog: -1 = off */
	char lockfile[CTD_PATH_MAX];
	char unix_path[CTD_PATH_MAX]; /* UNIX { Path } */
	unsigned int unix_backlog;
	unsigned int netlink_buffer_size;
	unsigned int netlink_buffer_size_max;
	int netlink_overrun_resync; /* s, 30 */
	bool netlink_events_reliable;
	unsigned int poll_secs;		    /* PollSecs, 0 = events */
	unsigned int event_iteration_limit; /* 100 */
	int sched_type;			    /* Scheduler { Type RR|FIFO }: SCHED_*, -1 = default */
	int sched_prio;			    /* Scheduler { Priority 0..99 }, -1 = not given */
	int nice;			    /* Nice: deprecated and ignored (a warning), always 0 */
	int systemd; /* Systemd yes|no, -1 = unset (on when started by systemd) */
	struct ctd_filter_conf filter;

	/* Sync */
	enum ctd_mode mode;
	enum ctd_sync_proto sync_proto; /* FTFW > ALARM > NOTRACK among sync_modes; FTFW if none */
	unsigned int sync_modes; /* CTD_SYNC_MODE_BIT(proto) per Mode section, 0 = none given */
	unsigned int resend_queue_size; /* 131072 */
	unsigned int ack_window_size;	/* 300 */
	bool disable_internal_cache;
	bool disable_external_cache;
	bool startup_resync;
	unsigned int refresh_time;   /* ALARM RefreshTime, 60 */
	unsigned int cache_timeout;  /* CacheTimeout, 180 */
	unsigned int commit_timeout; /* CommitTimeout, 0 = the synced timeout */
	unsigned int purge_timeout;  /* PurgeTimeout, 60 */
	bool tcp_window_tracking;    /* Options { TCPWindowTracking } */
	bool expectation_sync;	     /* Options { ExpectationSync on|{ list } } */
	bool expect_filter;	     /* the { list } form was used: only those helpers */
	char expect_helpers[CTD_EXPECT_HELPERS_MAX][32]; /* the list; see expect_filter */
	unsigned int n_expect_helpers;
	unsigned int error_queue_length; /* 128 */
	struct ctd_link_conf links[CTD_LINKS_MAX];
	unsigned int n_links;
	unsigned int default_link; /* index into links */

	/* Stats */
	char stats_logfile[CTD_PATH_MAX]; /* LogFile in Stats: "" = off */
	int stats_syslog_facility;	  /* -1 = off */
	bool stats_json;		  /* ctkit: LogFormat json (one JSON object per flow) */

	/* ctkit: Authenticate { Key FILE } */
	char auth_keyfile[CTD_PATH_MAX];

	/* Helper */
	bool helper_mode;  /* a Helper section was given */
	bool helper_setup; /* Helper { Setup on }: configure the kernel helpers */
	struct ctd_helper_conf helpers[CTD_HELPERS_MAX];
	unsigned int n_helpers;

	/* Non-fatal diagnostics, in order ("[warning]" level in the reference). */
	struct ctd_config_error warnings[CTD_WARNINGS_MAX];
	unsigned int n_warnings; /* stored; later ones are dropped */
};

/* ctd_config_defaults - the reference's defaults (init_config), no warnings. */
void ctd_config_defaults(struct ctd_config *c);

/*
 * ctd_config_parse - parse @len bytes of configuration text into @c
 * (which must hold defaults). Returns 0, or -1 with @err filled.
 */
int ctd_config_parse(struct ctd_config *c, const char *text, size_t len,
		     struct ctd_config_error *err);

/*
 * ctd_config_load - read and parse @path. Returns 0, or -1 with @err
 * filled ("can't open config file `PATH'" when it cannot be read).
 */
int ctd_config_load(struct ctd_config *c, const char *path, struct ctd_config_error *err);

#endif
