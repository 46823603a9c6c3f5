/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Test-only encoders (encoders.c), linked only into the unit tests.
 */
#ifndef NLC_TEST_ENCODERS_H
#define NLC_TEST_ENCODERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "exports.h"
#include "fsid.h"

/*
 * Render o as etab option text (no parentheses), in exportfs's order.
 * Returns the length, or -1 with errno ENOSPC (buf then holds a
 * truncated string).
 */
ssize_t nlc_export_opts_format(const struct nlc_export_opts *o,
			       uint32_t secinfo_mask, char *buf, size_t size);
/* "escaped-path\tclient(opts)\n", as exportfs writes an etab line. */
ssize_t nlc_export_format_etab(const struct nlc_export_entry *e,
			       uint32_t secinfo_mask, char *buf, size_t size);


/*
 * Build the fsid nfsd would put in a filehandle, into @out (at least
 * nlc_fsid_type_len(type) bytes). Returns the length, or -EINVAL for an
 * unknown type or device numbers the type cannot carry (DEV: 16-bit
 * major/minor; ENCODE_DEV: 12-bit major, 20-bit minor). 32-bit inode
 * slots take the low 32 bits, as the kernel does.
 */
int nlc_fsid_encode(int type, const struct nlc_fsid_src *src, uint8_t *out);

#endif /* NLC_TEST_ENCODERS_H */
