// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#include <stdlib.h>

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
