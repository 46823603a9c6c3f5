// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Module entry points.
 */
#include <linux/module.h>
#include <linux/nfsd_nlcache.h>

#include "nlc.h"

static int __init nlc_mod_init(void)
{
	int ret;

	ret = nlc_attach_init();
	if (ret)
		goto err_attach;
	ret = nlc_genl_init();
	if (ret)
		goto err_genl;

	pr_info("version %s loaded%s\n", NLC_VERSION,
		NLC_NATIVE_UPCALLS ?
		", kernel has native netlink cache upcalls" : "");
	return 0;

err_genl:
	nlc_attach_exit();
err_attach:
	return ret;
}

static void __exit nlc_mod_exit(void)
{
	nlc_genl_exit();
	nlc_attach_exit();
}

module_init(nlc_mod_init);
module_exit(nlc_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Generic netlink upcalls for the NFS server's sunrpc caches");
MODULE_AUTHOR("The nfsd_nlcache authors");
MODULE_VERSION(NLC_VERSION);
MODULE_ALIAS_GENL_FAMILY(NLCACHE_FAMILY_NAME);
MODULE_SOFTDEP("pre: nfsd");
