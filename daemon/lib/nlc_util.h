/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Small helpers shared by the user-space parsers.
 */
#ifndef NLC_UTIL_H
#define NLC_UTIL_H

#include <stddef.h>

/*
 * Make room for element @n in the array *@v of *@cap elements of @elem
 * bytes, doubling it (from 16) when full. Returns 0, or -1 (errno ENOMEM)
 * with the array untouched.
 */
int nlc_grow(void **v, size_t *cap, size_t n, size_t elem);

#endif /* NLC_UTIL_H */
