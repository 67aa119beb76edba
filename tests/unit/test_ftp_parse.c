// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The FTP helper's text reading (lib/engine/ftp_parse.c): what
 * nf_conntrack_ftp finds in PORT, EPRT, 227 and 229 lines, where the
 * numbers are (NAT rewrites exactly those bytes), the kernel's partial
 * matches, and the text nf_nat_ftp writes back.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include "engine/ftp.h"

static int parse(const char *text, enum ctk_dir dir, uint8_t family, struct eng_ftp_match *m)
{
	memset(m, 0, sizeof(*m));
	m->family = family;
	return eng_ftp_parse((const uint8_t *)text, strlen(text), dir, m);
}

static void assert_addr(const struct eng_ftp_match *m, int af, const char *want)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(af, want, a), 1);
	assert_memory_equal(m->addr, a, af == AF_INET ? 4 : 16);
}

static void test_port(void **state)
{
	struct eng_ftp_match m;
	const char *line = "PORT 192,0,2,1,195,81\r\n";

	(void)state;
	assert_int_equal(parse(line, CTK_DIR_ORIG, 4, &m), 1);
	assert_int_equal(m.type, ENG_FTP_PORT);
	assert_addr(&m, AF_INET, "192.0.2.1");
	assert_int_equal(m.port, 195 * 256 + 81);
	assert_int_equal(m.off, 5);
	assert_memory_equal(line + m.off, "192,0,2,1,195,81", m.len);
	assert_int_equal(m.len, 16);
	/* lower case is a command too; a reply direction never reads PORT */
	assert_int_equal(parse("port 10,0,0,1,0,21\r\n", CTK_DIR_ORIG, 4, &m), 1);
	assert_int_equal(parse(line, CTK_DIR_REPLY, 4, &m), 0);
}

static void test_pasv_and_epsv(void **state)
{
	struct eng_ftp_match m;
	const char *pasv = "227 Entering Passive Mode (198,51,100,2,39,16).\r\n";
	const char *epsv = "229 Entering Extended Passive Mode (|||50001|)\r\n";

	(void)state;
	assert_int_equal(parse(pasv, CTK_DIR_REPLY, 4, &m), 1);
	assert_int_equal(m.type, ENG_FTP_PASV);
	assert_addr(&m, AF_INET, "198.51.100.2");
	assert_int_equal(m.port, 39 * 256 + 16);
	assert_memory_equal(pasv + m.off, "198,51,100,2,39,16", m.len);
	assert_int_equal(parse(epsv, CTK_DIR_REPLY, 6, &m), 1);
	assert_int_equal(m.type, ENG_FTP_EPSV);
	assert_int_equal(m.port, 50001);
	assert_memory_equal(epsv + m.off, "|||50001|", m.len);
	/* RFC 1123: the numbers without parentheses */
	assert_int_equal(parse("227 =10,0,0,9,4,1\r\n", CTK_DIR_REPLY, 4, &m), 1);
	assert_int_equal(m.port, 1025);
}

static void test_eprt(void **state)
{
	struct eng_ftp_match m;
	const char *v4 = "EPRT |1|192.0.2.1|50000|\r\n";
	const char *v6 = "EPRT |2|2001:db8:3::10|50001|\r\n";

	(void)state;
	assert_int_equal(parse(v4, CTK_DIR_ORIG, 4, &m), 1);
	assert_int_equal(m.type, ENG_FTP_EPRT);
	assert_addr(&m, AF_INET, "192.0.2.1");
	assert_int_equal(m.port, 50000);
	assert_memory_equal(v4 + m.off, "|1|192.0.2.1|50000|", m.len);
	assert_int_equal(parse(v6, CTK_DIR_ORIG, 6, &m), 1);
	assert_addr(&m, AF_INET6, "2001:db8:3::10");
	assert_int_equal(m.port, 50001);
	/* the family must be the connection's */
	assert_int_equal(parse(v6, CTK_DIR_ORIG, 4, &m), -1);
}

static void test_partial(void **state)
{
	struct eng_ftp_match m;

	(void)state;
	/* cut before the numbers end, or not numbers at all: the kernel drops these */
	assert_int_equal(parse("POR", CTK_DIR_ORIG, 4, &m), -1);
	assert_string_equal(m.partial, "PORT");
	assert_int_equal(parse("PORT 1,2,3,4,5\r\n", CTK_DIR_ORIG, 4, &m), -1);
	assert_int_equal(parse("PORTX", CTK_DIR_ORIG, 4, &m), -1);
	assert_int_equal(parse("229 no parenthesis\r\n", CTK_DIR_REPLY, 4, &m), -1);
	/* other commands and replies say nothing */
	assert_int_equal(parse("USER anonymous\r\n", CTK_DIR_ORIG, 4, &m), 0);
	assert_int_equal(parse("230 Login successful.\r\n", CTK_DIR_REPLY, 4, &m), 0);
	/* a port of 0 is no port */
	assert_int_equal(parse("229 (|||0|)\r\n", CTK_DIR_REPLY, 4, &m), -1);
}

static void test_format(void **state)
{
	uint8_t v4[4] = { 203, 0, 113, 10 }, v6[16];
	char buf[128];

	(void)state;
	inet_pton(AF_INET6, "2001:db8:3::10", v6);
	assert_int_equal(eng_ftp_format(ENG_FTP_PORT, 4, v4, 50001, buf, sizeof(buf)), 19);
	assert_string_equal(buf, "203,0,113,10,195,81");
	assert_true(eng_ftp_format(ENG_FTP_EPRT, 4, v4, 50001, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "|1|203.0.113.10|50001|");
	assert_true(eng_ftp_format(ENG_FTP_EPRT, 6, v6, 50001, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "|2|2001:0db8:0003:0000:0000:0000:0000:0010|50001|");
	assert_true(eng_ftp_format(ENG_FTP_EPSV, 6, v6, 7, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "|||7|");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port),	cmocka_unit_test(test_pasv_and_epsv),
		cmocka_unit_test(test_eprt),	cmocka_unit_test(test_partial),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
