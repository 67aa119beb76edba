/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The FTP helper's reading and writing of control text (ftp_parse.c),
 * apart from its state so that it can be unit-tested and fuzzed.
 */
#ifndef CTK_ENGINE_FTP_H
#define CTK_ENGINE_FTP_H

#include <stddef.h>
#include <stdint.h>
#include <ctkit/entry.h>

/* enum nf_ct_ftp_type */
enum eng_ftp_type {
	ENG_FTP_PORT,
	ENG_FTP_PASV,
	ENG_FTP_EPRT,
	ENG_FTP_EPSV,
};

/*
 * What a segment said: the type, where the numbers are (@off, @len
 * bytes from the payload's start: what NAT rewrites), the address (for
 * PORT, PASV and EPRT; set @family and the sender's address in @addr
 * before parsing, as EPSV names none) and the port.
 */
struct eng_ftp_match {
	enum eng_ftp_type type;
	uint32_t off;
	uint32_t len;
	uint8_t family;		/* 4 or 6, in */
	uint8_t addr[16];	/* in: the sender's address; out: the one named */
	uint16_t port;
	const char *partial;	/* -1: the word that began ("PORT") */
};

/*
 * eng_ftp_parse - the segment @data (@len bytes of TCP payload) of @dir:
 * 1 with @m filled, 0 if it says nothing the helper reads, -1 if it
 * begins a command or reply that is cut or malformed (the kernel drops
 * such a segment: "partial matching of `PORT'").
 */
int eng_ftp_parse(const uint8_t *data, size_t len, enum ctk_dir dir, struct eng_ftp_match *m);

/*
 * eng_ftp_format - the text NAT puts in place of the numbers: @addr and
 * @port written for @type as nf_nat_ftp does. Returns its length
 * (snprintf's contract).
 */
int eng_ftp_format(enum eng_ftp_type type, uint8_t family, const uint8_t *addr, uint16_t port,
		   char *buf, size_t size);

#endif
