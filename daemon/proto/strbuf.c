// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void nlc_strbuf_fixed(struct nlc_strbuf *b, char *buf, size_t size)
{
	*b = (struct nlc_strbuf){
		.p = buf, .size = size, .fixed = true, .failed = size == 0,
	};
	if (size)
		buf[0] = '\0';
}

/* Room for @n more bytes and the NUL. */
static bool reserve(struct nlc_strbuf *b, size_t n)
{
	size_t need, ncap;
	char *np;

	if (b->failed)
		return false;
	need = b->len + n + 1;
	if (need <= b->size)
		return true;
	if (b->fixed || need < n) {
		b->failed = true;
		return false;
	}
	for (ncap = b->size ? b->size : 64; ncap < need; ncap *= 2)
		;
	np = realloc(b->p, ncap);
	if (!np) {
		b->failed = true;
		return false;
	}
	b->p = np;
	b->size = ncap;
	return true;
}

void nlc_strbuf_put(struct nlc_strbuf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void nlc_strbuf_puts(struct nlc_strbuf *b, const char *s)
{
	nlc_strbuf_put(b, s, strlen(s));
}

void nlc_strbuf_putc(struct nlc_strbuf *b, char c)
{
	nlc_strbuf_put(b, &c, 1);
}

void nlc_strbuf_vprintf(struct nlc_strbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (b->failed)
		return;
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	b->len += (size_t)n;
}

void nlc_strbuf_printf(struct nlc_strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nlc_strbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

void nlc_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
