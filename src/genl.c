// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The nfsd_nlcache generic netlink family.
 */
#include <net/genetlink.h>
#include <linux/nfsd_nlcache.h>

#include "nlc.h"

enum nlc_mcgrp {
	NLC_MCGRP_EXPORTD,
};

static const struct genl_multicast_group nlc_mcgrps[] = {
	[NLC_MCGRP_EXPORTD] = {
		.name = NLCACHE_MCGRP_EXPORTD,
		NLC_MCGRP_FLAGS_NET_ADMIN
	},
};

static struct genl_family nlc_genl_family __ro_after_init = {
	.name = NLCACHE_FAMILY_NAME,
	.version = NLCACHE_FAMILY_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.mcgrps = nlc_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nlc_mcgrps),
	NLC_GENL_RESV_START_OP(NLCACHE_CMD_UNSPEC + 1)
};

int __init nlc_genl_init(void)
{
	return genl_register_family(&nlc_genl_family);
}

void nlc_genl_exit(void)
{
	genl_unregister_family(&nlc_genl_family);
}
