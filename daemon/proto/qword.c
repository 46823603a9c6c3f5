// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qword.h"

void nlc_qword_line_init(struct nlc_qword_line *l, char *buf, size_t size)
{
	nlc_strbuf_fixed(&l->b, buf, size);
}

static void put(struct nlc_qword_line *l, const char *s, size_t n)
{
	nlc_strbuf_put(&l->b, s, n);
}

static bool needs_escape(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\\';
}

void nlc_qword_line_add(struct nlc_qword_line *l, const char *s)
{
	const char *run = s;
	char esc[5];

	for (; *s; s++) {
		if (!needs_escape((unsigned char)*s))
			continue;
		put(l, run, (size_t)(s - run));
		snprintf(esc, sizeof(esc), "\\%03o", (unsigned char)*s);
		put(l, esc, 4);
		run = s + 1;
	}
	put(l, run, (size_t)(s - run));
	put(l, " ", 1);
}

void nlc_qword_line_addhex(struct nlc_qword_line *l, const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = p;
	char pair[2];
	size_t i;

	put(l, "\\x", 2);
	for (i = 0; i < n; i++) {
		pair[0] = digits[b[i] >> 4];
		pair[1] = digits[b[i] & 0xf];
		put(l, pair, 2);
	}
	put(l, " ", 1);
}

void nlc_qword_line_adduint(struct nlc_qword_line *l, unsigned long long v)
{
	nlc_strbuf_printf(&l->b, "%llu ", v);
}

ssize_t nlc_qword_line_end(struct nlc_qword_line *l)
{
	struct nlc_strbuf *b = &l->b;

	if (b->failed) {
		errno = ENOSPC;
		return -1;
	}
	if (b->len == 0 || b->p[b->len - 1] != ' ') {
		errno = EINVAL;
		return -1;
	}
	b->p[b->len - 1] = '\n';
	return (ssize_t)b->len;
}

int nlc_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

static bool ends_field(char c)
{
	return c == ' ' || c == '\n' || c == '\0';
}

ssize_t nlc_qword_get(const char **pos, char *dst, size_t size)
{
	const char *p = *pos;
	size_t len = 0;

	if (size == 0)
		return -1;
	while (*p == ' ')
		p++;
	if (p[0] == '\\' && p[1] == 'x') {
		p += 2;
		while (len < size - 1) {
			int hi = nlc_hexval(p[0]), lo;

			if (hi < 0)
				break;
			lo = nlc_hexval(p[1]);
			if (lo < 0)
				break;
			dst[len++] = (char)(hi << 4 | lo);
			p += 2;
		}
	} else {
		while (!ends_field(*p) && len < size - 1) {
			/* \ooo with a first digit of 0-3 is one byte; any
			 * other backslash is taken literally. */
			if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' &&
			    is_octal(p[2]) && is_octal(p[3])) {
				dst[len++] = (char)((p[1] - '0') << 6 |
						    (p[2] - '0') << 3 | (p[3] - '0'));
				p += 4;
			} else {
				dst[len++] = *p++;
			}
		}
	}
	if (!ends_field(*p))
		return -1;
	while (*p == ' ')
		p++;
	dst[len] = '\0';
	*pos = p;
	return (ssize_t)len;
}

int nlc_qword_get_uint(const char **pos, unsigned int *v)
{
	const char *p = *pos;
	char word[32], *end;
	unsigned long n;

	if (nlc_qword_get(&p, word, sizeof(word)) <= 0 || word[0] == '-')
		return -1;
	errno = 0;
	n = strtoul(word, &end, 0);
	if (errno || *end || n > UINT_MAX)
		return -1;
	*v = (unsigned int)n;
	*pos = p;
	return 0;
}
