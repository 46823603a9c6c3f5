/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The one string builder of user space, and the error-message helper of
 * the parsers that report into a caller's buffer.
 *
 * A struct nlc_strbuf is built either in a caller's fixed buffer
 * (nlc_strbuf_fixed) or on the heap (zero-initialized; ->p is malloc'ed,
 * the caller frees it). The text is always NUL-terminated once anything
 * was appended. The first append that does not fit (fixed buffer) or finds
 * no memory (heap) sets ->failed; every later append is then ignored, so a
 * builder checks once, at the end.
 */
#ifndef NLC_STRBUF_H
#define NLC_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct nlc_strbuf {
	char *p;
	size_t size;		/* bytes at p */
	size_t len;		/* text length, without the NUL */
	bool fixed;		/* p is the caller's: never grown or freed */
	bool failed;		/* something did not fit / no memory */
};

/* Build in @buf (@size bytes; 0 means every append fails). */
void nlc_strbuf_fixed(struct nlc_strbuf *b, char *buf, size_t size);
void nlc_strbuf_put(struct nlc_strbuf *b, const char *s, size_t n);
void nlc_strbuf_puts(struct nlc_strbuf *b, const char *s);
void nlc_strbuf_putc(struct nlc_strbuf *b, char c);
void nlc_strbuf_printf(struct nlc_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nlc_strbuf_vprintf(struct nlc_strbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Format a message into @err (@errlen bytes; nothing when @err is NULL or
 * @errlen is 0), truncating as snprintf does. */
void nlc_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* NLC_STRBUF_H */
