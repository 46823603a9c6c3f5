/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The text encoding of the sunrpc cache channels (/proc/net/rpc/<cache>/
 * channel and content): a line of space-separated fields ending in '\n'.
 * Text fields escape space, tab, newline and backslash as \ooo; binary
 * fields are written as \x followed by lowercase hex pairs. Decoding
 * accepts both, with the kernel's rules.
 */
#ifndef NLC_QWORD_H
#define NLC_QWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

/* A line being built in a caller's buffer. */
struct nlc_qword_line {
	struct nlc_strbuf b;
};

/* Start an empty line in buf (size bytes, at least 1). */
void nlc_qword_line_init(struct nlc_qword_line *l, char *buf, size_t size);
/* Append a text field and its separating space. */
void nlc_qword_line_add(struct nlc_qword_line *l, const char *s);
/* Append n bytes as a \x hex field and its separating space. */
void nlc_qword_line_addhex(struct nlc_qword_line *l, const void *p, size_t n);
/* Append an unsigned decimal field (never zero-padded: the kernel reads a
 * leading 0 as octal). */
void nlc_qword_line_adduint(struct nlc_qword_line *l, unsigned long long v);
/*
 * Turn the last separator into the line's '\n'. Returns the line's length,
 * or -1 with errno ENOSPC if anything did not fit (the buffer then holds a
 * truncated, NUL-terminated prefix that must not be sent), or EINVAL for a
 * line without fields.
 */
ssize_t nlc_qword_line_end(struct nlc_qword_line *l);

/*
 * Decode the next field at *pos into dst (size bytes, NUL-terminated).
 * Leading spaces are skipped; the field ends at a space, '\n' or NUL. On
 * success *pos moves past the field and its trailing spaces and the decoded
 * length is returned (0 for an empty field). Returns -1, leaving *pos alone,
 * when the field does not fit in size - 1 bytes or is malformed.
 */
ssize_t nlc_qword_get(const char **pos, char *dst, size_t size);
/* Decode an unsigned integer field (base auto-detected like the kernel's
 * kstrtouint: 0x hex, leading 0 octal). Returns 0 or -1. */
int nlc_qword_get_uint(const char **pos, unsigned int *v);
/* The value of one hex digit (either case), or -1. */
int nlc_hexval(char c);

#endif /* NLC_QWORD_H */
