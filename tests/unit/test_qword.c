// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The cache-channel text encoding, checked against the kernel's rules
 * (net/sunrpc/cache.c qword_add/qword_addhex/qword_get), and the string
 * builder under it (strbuf.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qword.h"

static void test_plain_fields(void **state)
{
	char buf[64];
	struct nlc_qword_line l;

	(void)state;
	nlc_qword_line_init(&l, buf, sizeof(buf));
	nlc_qword_line_add(&l, "nfsd");
	nlc_qword_line_add(&l, "192.0.2.1");
	nlc_qword_line_adduint(&l, 1795414420);
	assert_int_equal(nlc_qword_line_end(&l), 26);
	assert_string_equal(buf, "nfsd 192.0.2.1 1795414420\n");
}

static void test_escapes_exactly_four_characters(void **state)
{
	char buf[64];
	struct nlc_qword_line l;

	(void)state;
	nlc_qword_line_init(&l, buf, sizeof(buf));
	nlc_qword_line_add(&l, "/srv/a b\tc\nd\\e");
	assert_true(nlc_qword_line_end(&l) > 0);
	assert_string_equal(buf, "/srv/a\\040b\\011c\\012d\\134e\n");

	/* Everything else, including non-ASCII bytes, passes unchanged. */
	nlc_qword_line_init(&l, buf, sizeof(buf));
	nlc_qword_line_add(&l, "caf\xc3\xa9#$\"'");
	assert_true(nlc_qword_line_end(&l) > 0);
	assert_string_equal(buf, "caf\xc3\xa9#$\"'\n");
}

static void test_empty_field_is_kept(void **state)
{
	char buf[16];
	struct nlc_qword_line l;
	const char *p = buf;
	char word[8];

	(void)state;
	nlc_qword_line_init(&l, buf, sizeof(buf));
	nlc_qword_line_add(&l, "a");
	nlc_qword_line_add(&l, "");
	nlc_qword_line_add(&l, "b");
	assert_true(nlc_qword_line_end(&l) > 0);
	assert_string_equal(buf, "a  b\n");

	/* Decoding skips runs of spaces, as the kernel's qword_get does. */
	assert_int_equal(nlc_qword_get(&p, word, sizeof(word)), 1);
	assert_string_equal(word, "a");
	assert_int_equal(nlc_qword_get(&p, word, sizeof(word)), 1);
	assert_string_equal(word, "b");
	assert_int_equal(nlc_qword_get(&p, word, sizeof(word)), 0);
}

static void test_hex_field(void **state)
{
	static const unsigned char fsid[] = { 0x00, 0xde, 0xad, 0xbe, 0xef, 0x7f };
	char buf[32];
	struct nlc_qword_line l;

	(void)state;
	nlc_qword_line_init(&l, buf, sizeof(buf));
	nlc_qword_line_addhex(&l, fsid, sizeof(fsid));
	assert_true(nlc_qword_line_end(&l) > 0);
	assert_string_equal(buf, "\\x00deadbeef7f\n");
}

static void test_overflow_is_reported(void **state)
{
	char buf[8];
	struct nlc_qword_line l;

	(void)state;
	nlc_qword_line_init(&l, buf, sizeof(buf));
	nlc_qword_line_add(&l, "1234");
	nlc_qword_line_add(&l, "5678");
	errno = 0;
	assert_int_equal(nlc_qword_line_end(&l), -1);
	assert_int_equal(errno, ENOSPC);
	assert_true(strlen(buf) < sizeof(buf));

	/* A line that fits exactly, including the terminating NUL. */
	nlc_qword_line_init(&l, buf, sizeof(buf));
	nlc_qword_line_add(&l, "123456");
	assert_int_equal(nlc_qword_line_end(&l), 7);
	assert_string_equal(buf, "123456\n");

	/* An escape that would straddle the end does not fit either. */
	nlc_qword_line_init(&l, buf, sizeof(buf));
	nlc_qword_line_add(&l, "abc d");
	assert_int_equal(nlc_qword_line_end(&l), -1);
	assert_int_equal(errno, ENOSPC);
}

static void test_line_without_fields(void **state)
{
	char buf[8];
	struct nlc_qword_line l;

	(void)state;
	nlc_qword_line_init(&l, buf, sizeof(buf));
	errno = 0;
	assert_int_equal(nlc_qword_line_end(&l), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_round_trip_all_bytes(void **state)
{
	char in[256], buf[2048], out[256];
	struct nlc_qword_line l;
	const char *p = buf;
	int i;

	(void)state;
	for (i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	nlc_qword_line_init(&l, buf, sizeof(buf));
	nlc_qword_line_add(&l, in);
	nlc_qword_line_addhex(&l, "\0\1\377", 3);
	assert_true(nlc_qword_line_end(&l) > 0);

	assert_int_equal(nlc_qword_get(&p, out, sizeof(out)), 255);
	assert_memory_equal(out, in, 256);
	assert_int_equal(nlc_qword_get(&p, out, sizeof(out)), 3);
	assert_memory_equal(out, "\0\1\377", 3);
	/* The line's newline ends the last field and is not consumed. */
	assert_int_equal(*p, '\n');
}

static void test_get_octal_rules(void **state)
{
	const char *p;
	char out[16];

	(void)state;
	/* First digit above 3 or a short escape: the backslash is literal. */
	p = "\\400x \\12 \\0417\n";
	assert_int_equal(nlc_qword_get(&p, out, sizeof(out)), 5);
	assert_string_equal(out, "\\400x");
	assert_int_equal(nlc_qword_get(&p, out, sizeof(out)), 3);
	assert_string_equal(out, "\\12");
	assert_int_equal(nlc_qword_get(&p, out, sizeof(out)), 2);
	assert_string_equal(out, "!7");
	assert_int_equal(*p, '\n');
}

static void test_get_rejects_overlong_and_bad_hex(void **state)
{
	const char *start = "abcdefgh next", *p = start;
	char out[8];

	(void)state;
	/* 8 bytes do not fit in 8 (one is the NUL): error, position kept. */
	assert_int_equal(nlc_qword_get(&p, out, sizeof(out)), -1);
	assert_ptr_equal(p, start);

	/* Hex digits must come in pairs and end at a field boundary. */
	p = "\\xabc next";
	assert_int_equal(nlc_qword_get(&p, out, sizeof(out)), -1);
	p = "\\xzz";
	assert_int_equal(nlc_qword_get(&p, out, sizeof(out)), -1);
	p = "\\xABcd\n";
	assert_int_equal(nlc_qword_get(&p, out, sizeof(out)), 2);
	assert_memory_equal(out, "\xab\xcd", 2);
	p = "\\x next";
	assert_int_equal(nlc_qword_get(&p, out, sizeof(out)), 0);
	assert_string_equal(p, "next");
}

static void test_get_uint(void **state)
{
	const char *p = "42 0x10 010 -1 4294967296 12z";
	unsigned int v = 7;

	(void)state;
	assert_int_equal(nlc_qword_get_uint(&p, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(nlc_qword_get_uint(&p, &v), 0);
	assert_int_equal(v, 16);
	/* A leading 0 is octal: why encoders never zero-pad. */
	assert_int_equal(nlc_qword_get_uint(&p, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(nlc_qword_get_uint(&p, &v), -1);
	assert_string_equal(p, "-1 4294967296 12z");
	p = "4294967296";
	assert_int_equal(nlc_qword_get_uint(&p, &v), -1);
	p = "12z";
	assert_int_equal(nlc_qword_get_uint(&p, &v), -1);
	p = "";
	assert_int_equal(nlc_qword_get_uint(&p, &v), -1);
	assert_int_equal(v, 8);
}

/* A fixed buffer takes what fits and then nothing; the heap one grows. */
static void test_strbuf(void **state)
{
	struct nlc_strbuf b;
	char buf[8];

	(void)state;
	nlc_strbuf_fixed(&b, buf, sizeof(buf));
	nlc_strbuf_printf(&b, "%d-%s", 12, "ab");
	assert_false(b.failed);
	assert_string_equal(buf, "12-ab");
	nlc_strbuf_puts(&b, "cde");		/* 8 bytes with the NUL */
	assert_true(b.failed);
	nlc_strbuf_putc(&b, 'x');
	assert_string_equal(buf, "12-ab");
	assert_int_equal(b.len, 5);

	nlc_strbuf_fixed(&b, buf, 0);
	assert_true(b.failed);

	b = (struct nlc_strbuf){ 0 };
	for (int i = 0; i < 100; i++)
		nlc_strbuf_printf(&b, "%02d", i);
	nlc_strbuf_putc(&b, '!');
	assert_false(b.failed);
	assert_int_equal(b.len, 201);
	assert_int_equal(strncmp(b.p, "000102", 6), 0);
	assert_string_equal(b.p + 196, "9899!");
	free(b.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_fields),
		cmocka_unit_test(test_escapes_exactly_four_characters),
		cmocka_unit_test(test_empty_field_is_kept),
		cmocka_unit_test(test_hex_field),
		cmocka_unit_test(test_overflow_is_reported),
		cmocka_unit_test(test_line_without_fields),
		cmocka_unit_test(test_round_trip_all_bytes),
		cmocka_unit_test(test_get_octal_rules),
		cmocka_unit_test(test_get_rejects_overlong_and_bad_hex),
		cmocka_unit_test(test_get_uint),
		cmocka_unit_test(test_strbuf),
	};

	return cmocka_run_group_tests_name("qword", tests, NULL, NULL);
}
