// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlcached's options: the defaults, then nfs.conf's [mountd] section (and
 * [nlcached]), then the command line. nlcached(8) is the reference for
 * what each means.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "nfsconf.h"
#include "nlcached.h"

/* Where to look: nlcached(8) is the one list of the options. */
static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [OPTION]...\n"
		"       " PROG " -h | -V\n"
		"Answer the NFS server's cache upcalls over generic netlink.\n"
		"The options and their nfs.conf keys: man 8 nlcached.\n");
}

int conf_parse_debug(const char *s, unsigned int *out)
{
	static const struct { const char *name; unsigned int bits; } cls[] = {
		{ "general", D_GENERAL }, { "call", D_CALL }, { "auth", D_AUTH },
		{ "parse", D_PARSE }, { "netlink", D_NETLINK }, { "all", D_ALL },
		{ "1", D_ALL }, { "0", 0 },
	};
	char *dup = strdup(s), *tok, *save = NULL;
	size_t i;
	int ret = 0;

	if (!dup)
		return -1;
	for (tok = strtok_r(dup, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		for (i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
			if (!strcasecmp(tok, cls[i].name))
				break;
		if (i == sizeof(cls) / sizeof(cls[0])) {
			ret = -1;
			break;
		}
		*out |= cls[i].bits;
	}
	free(dup);
	return ret;
}

static int parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* nfs.conf first; the command line overrides it (parsed afterwards). */
static int load_config(struct nlcached_config *cfg)
{
	struct nlc_conf conf;
	const char *v;
	bool b;
	int n, rc;
	size_t i;

	nlc_conf_init(&conf);
	rc = cfg->config ? nlc_conf_load_file(&conf, cfg->config) :
			   nlc_conf_load_default(&conf, NULL);
	if (rc < 0 && cfg->config) {
		fprintf(stderr, PROG ": %s: %s\n", cfg->config, strerror(errno));
		nlc_conf_free(&conf);
		return -1;
	}
	for (i = 0; i < conf.nerr; i++)
		xlog(LOG_WARNING, "%s", conf.err[i].msg);
	if (nlc_conf_daemon_get_bool(&conf, "manage-gids", &b) > 0)
		cfg->manage_gids = b;
	if (nlc_conf_daemon_get_bool(&conf, "cache-use-ipaddr", &b) > 0)
		cfg->use_ipaddr = b;
	if (nlc_conf_daemon_get_int(&conf, "ttl", &n) > 0 && n > 0)
		cfg->ttl = (unsigned int)n;
	if (nlc_conf_daemon_get_int(&conf, "threads", &n) > 0 && n >= 1 && n <= MAX_THREADS)
		cfg->threads = (unsigned int)n;
	v = nlc_conf_daemon_get(&conf, "state-directory-path", NULL);
	if (v && *v)
		snprintf(cfg->statedir, sizeof(cfg->statedir), "%s", v);
	v = nlc_conf_daemon_get(&conf, "debug", NULL);
	if (v && conf_parse_debug(v, &cfg->debug))
		xlog(LOG_WARNING, "nfs.conf: unknown debug class in \"%s\"", v);
	nlc_conf_free(&conf);
	return 0;
}

int conf_parse(struct nlcached_config *cfg, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "debug", required_argument, NULL, 'd' },
		{ "manage-gids", no_argument, NULL, 'g' },
		{ "ttl", required_argument, NULL, 'T' },
		{ "cache-use-ipaddr", no_argument, NULL, 'i' },
		{ "threads", required_argument, NULL, 't' },
		{ "num-threads", required_argument, NULL, 't' },
		{ "state-directory-path", required_argument, NULL, 's' },
		{ "backend", required_argument, NULL, 'B' },
		{ "exports", required_argument, NULL, 'E' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c, i;

	*cfg = (struct nlcached_config){
		.ttl = NLC_TTL_DEFAULT,
		.threads = DEFAULT_THREADS,
		.statedir = "/var/lib/nfs",
	};
	/* --config must be known before the other options override nfs.conf */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			cfg->config = argv[i + 1];
		else if (!strncmp(argv[i], "--config=", 9))
			cfg->config = argv[i] + 9;
		else if (!strcmp(argv[i], "-F") || !strcmp(argv[i], "--foreground"))
			cfg->foreground = true;
	}
	log_setup(cfg->foreground, 0);
	if (load_config(cfg))
		return -1;
	while ((c = getopt_long(argc, argv, "Fd:gT:it:s:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			cfg->foreground = true;
			break;
		case 'd':
			if (conf_parse_debug(optarg, &cfg->debug)) {
				fprintf(stderr, PROG ": unknown debug class \"%s\" (general, call, auth, parse, netlink, all)\n",
					optarg);
				return -1;
			}
			break;
		case 'g':
			cfg->manage_gids = true;
			break;
		case 'T':
			if (parse_uint(optarg, 1, 0x7fffffff, &cfg->ttl)) {
				fprintf(stderr, PROG ": bad --ttl \"%s\"\n", optarg);
				return -1;
			}
			break;
		case 'i':
			cfg->use_ipaddr = true;
			break;
		case 't':
			if (parse_uint(optarg, 1, MAX_THREADS, &cfg->threads)) {
				fprintf(stderr, PROG ": --threads must be 1-%d\n", MAX_THREADS);
				return -1;
			}
			break;
		case 's':
			snprintf(cfg->statedir, sizeof(cfg->statedir), "%s", optarg);
			break;
		case 'B':
			if (!strcmp(optarg, "auto"))
				cfg->backend = BACKEND_AUTO;
			else if (!strcmp(optarg, "nlcache") || !strcmp(optarg, "nfsd_nlcache"))
				cfg->backend = BACKEND_NLCACHE;
			else if (!strcmp(optarg, "native"))
				cfg->backend = BACKEND_NATIVE;
			else {
				fprintf(stderr, PROG ": --backend is auto, nlcache or native\n");
				return -1;
			}
			break;
		case 'E':
			cfg->exports_file = optarg;
			break;
		case 'C':
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf(PROG " " NLC_VERSION "\n");
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	snprintf(cfg->etab, sizeof(cfg->etab), "%s/etab", cfg->statedir);
	return 0;
}
