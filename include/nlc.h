/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#ifndef _NLC_H
#define _NLC_H

#include <linux/types.h>

int nlc_genl_init(void);
void nlc_genl_exit(void);

#endif /* _NLC_H */
