// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlcachectl - the operator's view of the nfsd_nlcache netlink family.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>

#include <linux/nfsd_nlcache.h>

#ifndef NLC_VERSION
#define NLC_VERSION "unknown"
#endif

static const char *prog = "nlcachectl";

static struct nl_sock *open_genl(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return NULL;
	}
	err = genl_connect(sk);
	if (err < 0) {
		fprintf(stderr, "%s: cannot open a generic netlink socket: %s\n",
			prog, nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static void family_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s family [--no-load]\n"
		"Show whether the %s generic netlink family is registered in\n"
		"this network namespace, with its id, version and multicast group.\n"
		"Looking the family up by name lets the kernel load the module;\n"
		"--no-load only lists the registered families.\n",
		prog, NLCACHE_FAMILY_NAME);
}

static int family_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-load", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct nl_cache *families = NULL;
	struct genl_family *fam;
	bool load = true;
	struct nl_sock *sk;
	int ret = 1, opt, err, grp;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "nh", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			load = false;
			break;
		case 'h':
			family_usage(stdout);
			return 0;
		default:
			family_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		family_usage(stderr);
		return 2;
	}

	sk = open_genl();
	if (!sk)
		return 1;
	/* A lookup by name makes the kernel request the module's alias. */
	if (load)
		genl_ctrl_resolve(sk, NLCACHE_FAMILY_NAME);

	err = genl_ctrl_alloc_cache(sk, &families);
	if (err < 0) {
		fprintf(stderr, "%s: cannot list generic netlink families: %s\n",
			prog, nl_geterror(err));
		goto out;
	}
	fam = genl_ctrl_search_by_name(families, NLCACHE_FAMILY_NAME);
	if (!fam) {
		fprintf(stderr,
			"%s: the %s family is not registered in this network namespace (is the module loaded? modprobe nfsd_nlcache)\n",
			prog, NLCACHE_FAMILY_NAME);
		goto out;
	}
	printf("family %s: id %d, version %d\n", NLCACHE_FAMILY_NAME,
	       genl_family_get_id(fam), genl_family_get_version(fam));
	grp = genl_ctrl_resolve_grp(sk, NLCACHE_FAMILY_NAME, NLCACHE_MCGRP_EXPORTD);
	if (grp < 0) {
		fprintf(stderr, "%s: multicast group %s: %s\n", prog,
			NLCACHE_MCGRP_EXPORTD, nl_geterror(grp));
		genl_family_put(fam);
		goto out;
	}
	printf("multicast group %s: id %d\n", NLCACHE_MCGRP_EXPORTD, grp);
	genl_family_put(fam);
	ret = 0;
out:
	nl_cache_free(families);
	nl_socket_free(sk);
	return ret;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} subcommands[] = {
	{ "family", family_main, "show the nfsd_nlcache netlink family" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s [--version] [--help] <command> [<args>]\n\nCommands:\n", prog);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-8s %s\n", subcommands[i].name, subcommands[i].what);
	fprintf(f, "\n'%s <command> --help' describes a command.\n", prog);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("%s %s\n", prog, NLC_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(stderr);
	return 2;
}
