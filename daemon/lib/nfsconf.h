/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nfs.conf reader: "[section]" or "[section \"sub\"]" headers,
 * "key = value" lines, '#' / ';' comments, "include = [-]path" (a leading
 * '-' makes the file optional; relative paths are taken from the
 * including file's directory), and $NAME / ${NAME} expansion in values
 * from [environment] or the process environment. Section and key names
 * are case-insensitive; a later setting overrides an earlier one, also
 * across files. A bad line is recorded as an error naming file:line and
 * skipped; everything else still loads.
 */
#ifndef NLC_NFSCONF_H
#define NLC_NFSCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "nlc_util.h"

#define NLC_CONF_MAX_INCLUDE_DEPTH 10

struct nlc_conf_ent {
	char *section;		/* lower case */
	char *sub;		/* subsection as written, or NULL */
	char *key;		/* lower case */
	char *value;		/* raw, quotes removed */
	char *expanded;		/* cache for nlc_conf_get() */
	const char *file;
	unsigned int line;
};

struct nlc_conf {
	struct nlc_conf_ent *ent;
	size_t nent, entcap;
	struct nlc_diag *err;
	size_t nerr, errcap;
	char **files;
	size_t nfiles;
	int depth;		/* include nesting while loading */
};

void nlc_conf_init(struct nlc_conf *c);
void nlc_conf_free(struct nlc_conf *c);

/* Load text named name. Returns the number of bad lines, or -1 (ENOMEM). */
int nlc_conf_load_buf(struct nlc_conf *c, const char *name, const char *buf,
		      size_t len);
/* Load a file; -1 with errno if it cannot be read. */
int nlc_conf_load_file(struct nlc_conf *c, const char *path);
/* Every <dir>/<name>.conf not starting with '.', in name order. A missing
 * directory is not an error. */
int nlc_conf_load_dir(struct nlc_conf *c, const char *dir);
/*
 * The nfs-utils search path under root ("" or NULL = /):
 * /usr/etc/nfs.conf, /usr/etc/nfs.conf.d/, /etc/nfs.conf, /etc/nfs.conf.d/,
 * later ones overriding earlier ones. Missing files are fine.
 */
int nlc_conf_load_default(struct nlc_conf *c, const char *root);

/* The value of [section] key (no subsection), expanded; NULL if unset. */
const char *nlc_conf_get(struct nlc_conf *c, const char *section,
			 const char *key);
/* The same for [section "sub"]. */
const char *nlc_conf_get_sub(struct nlc_conf *c, const char *section,
			     const char *sub, const char *key);

/* y/yes/t/true/on/1 and n/no/f/false/off/0, any case. 0 or -1. */
int nlc_conf_parse_bool(const char *s, bool *out);
/* A whole decimal (or 0x hex) int with optional sign and blanks. 0 or -1. */
int nlc_conf_parse_int(const char *s, int *out);

/* 1: set and valid (*out written), 0: unset, -1: set but invalid. */
int nlc_conf_get_bool(struct nlc_conf *c, const char *section,
		      const char *key, bool *out);
int nlc_conf_get_int(struct nlc_conf *c, const char *section,
		     const char *key, int *out);

/*
 * nlcached's keys: [exportd] first, then [mountd] (manage-gids, ttl,
 * cache-use-ipaddr, threads, state-directory-path, debug, no-netlink,
 * ...). *where (if not NULL) gets the section the value came from.
 */
const char *nlc_conf_daemon_get(struct nlc_conf *c, const char *key,
				const char **where);
int nlc_conf_daemon_get_bool(struct nlc_conf *c, const char *key, bool *out);
int nlc_conf_daemon_get_int(struct nlc_conf *c, const char *key, int *out);

#endif /* NLC_NFSCONF_H */
