/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FNV-1a: the one string hash of user space's tables (exports, clients,
 * the v4 pseudo root, mounts, jobs, the group index, the bench responder).
 * Header-only: a few multiplications, inlined where they are used.
 */
#ifndef NLC_HASH_H
#define NLC_HASH_H

#include <stddef.h>
#include <stdint.h>

#define NLC_FNV64_BASIS 1469598103934665603ull
#define NLC_FNV64_PRIME 1099511628211ull
#define NLC_FNV32_BASIS 2166136261u
#define NLC_FNV32_PRIME 16777619u

static inline uint64_t nlc_fnv64_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * NLC_FNV64_PRIME;
}

static inline uint64_t nlc_fnv64_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = nlc_fnv64_byte(h, *c++);
	return h;
}

static inline uint64_t nlc_fnv64_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = nlc_fnv64_byte(h, (unsigned char)*s);
	return h;
}

/* Two strings as one key: a 0xff byte (never in a path or a name) between. */
static inline uint64_t nlc_fnv64_pair(const char *a, const char *b)
{
	return nlc_fnv64_str(nlc_fnv64_byte(nlc_fnv64_str(NLC_FNV64_BASIS, a), 0xffu), b);
}

static inline uint32_t nlc_fnv32_str(const char *s)
{
	uint32_t h = NLC_FNV32_BASIS;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * NLC_FNV32_PRIME;
	return h;
}

#endif
