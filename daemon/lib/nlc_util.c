// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlc_util.h"

int nlc_grow(void **v, size_t *cap, size_t n, size_t elem)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	nv = realloc(*v, ncap * elem);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

int nlc_diag_add(struct nlc_diag **v, size_t *n, size_t *cap,
		 const char *file, unsigned int line, bool warning,
		 const char *fmt, va_list ap)
{
	struct nlc_diag *d;
	char text[1024];

	if (nlc_grow((void **)v, cap, *n, sizeof(**v)))
		return -1;
	vsnprintf(text, sizeof(text), fmt, ap);
	d = &(*v)[*n];
	d->line = line;
	d->warning = warning;
	d->file = strdup(file);
	if (!d->file || asprintf(&d->msg, "%s:%u: %s", file, line, text) < 0) {
		free(d->file);
		return -1;
	}
	(*n)++;
	return 0;
}

void nlc_diag_free(struct nlc_diag *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].file);
		free(v[i].msg);
	}
	free(v);
}
