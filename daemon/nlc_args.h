/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Parsers for the words an operator (or a test) types: numbers, export
 * flags, security flavors, xprtsec modes, hex fsids and uuids, fs
 * locations, and the whole `nlcachectl answer` word syntax. Errors are
 * returned as text in a caller's buffer; nothing here prints.
 */
#ifndef NLC_ARGS_H
#define NLC_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "nlc_proto.h"

/* Largest hex field --raw lets through (fsid, uuid). */
#define NLC_HEX_MAX		64

/*
 * Unsigned numbers are decimal, or hex with 0x; no sign, no leading or
 * trailing junk. Signed ones may start with '-'. Return 0 or -1.
 */
int nlc_parse_u32(const char *s, uint32_t *v);
int nlc_parse_u64(const char *s, uint64_t *v);
int nlc_parse_s32(const char *s, int32_t *v);

/*
 * Export flags: a comma-separated list, applied left to right starting
 * from 0. A number sets the whole value. A name sets its bit: the enum
 * names (readonly, insecure_port, rootsquash, ..., pnfs, case-insensitive,
 * '-' or '_') and the exports(5) options (ro, insecure, root_squash,
 * all_squash, async, wdelay, nordirplus, nohide, no_subtree_check,
 * insecure_locks, crossmnt, no_acl, ...); the negated exports(5) options
 * clear it (rw, secure, no_root_squash, no_all_squash, sync, no_wdelay,
 * hide, subtree_check, secure_locks, acl, no_pnfs). Returns 0, or -1 with
 * the offending word in err.
 */
int nlc_parse_export_flags(const char *s, uint32_t *flags, char *err, size_t errlen);
/* A security flavor: a number or none/null, sys/unix, krb5, krb5i, krb5p. */
int nlc_parse_flavor(const char *s, uint32_t *flavor);
/* An xprtsec mode: none, tls, mtls, or a number. */
int nlc_parse_xprtsec(const char *s, uint32_t *mode);
/*
 * Hex bytes, optionally after "\x" or "0x"; with sep, '-' and ':' between
 * digit pairs are ignored (uuid spelling). Returns the byte count, or -1
 * if malformed or longer than size.
 */
int nlc_parse_hex(const char *s, bool sep, unsigned char *buf, size_t size);
/*
 * An fsid of type fsidtype in hex (see nlc_parse_hex). Unless raw, the
 * type must be known (0-7) and the length match it. Returns the length,
 * or -1 with a reason in err.
 */
int nlc_parse_fsid(uint32_t fsidtype, const char *hex, bool raw,
		   unsigned char *buf, size_t size, char *err, size_t errlen);
/*
 * HOST:PATH; the path starts at the first ":/" (hosts may hold ':' as in
 * a host list or an IPv6 address). *host is malloc'd, *path points into
 * s. Returns 0 or -1.
 */
int nlc_parse_fsloc(const char *s, char **host, const char **path);

/*
 * Decode a word in place with the cache channel's text rules, as `pending`
 * writes it: \ooo with a first digit 0-3 is one byte (\040 a space, \134
 * a backslash), any other backslash is literal. A word starting with "\x"
 * (a binary field) is left alone. Returns 0, or -1 for an escaped NUL.
 */
int nlc_unescape_word(char *s);
/*
 * Split line in place into words separated by blanks, skipping a line
 * whose first word starts with '#', and decode each (nlc_unescape_word).
 * Returns the number of words stored in words[max], or -1 (errno E2BIG if
 * there are more than max, EINVAL for an escaped NUL).
 */
int nlc_split_words(char *line, char **words, int max);

/* One parsed `answer`. */
struct nlc_answer {
	const struct nlc_cache *cache;
	/* command-line only */
	bool verbose;
	bool use_stdin;
	bool help;
	/* common */
	bool negative;
	bool raw;
	bool have_ttl;
	bool have_expiry;
	uint64_t ttl;
	uint64_t expiry_arg;
	uint64_t expiry;	/* the one sent */
	union {
		struct nlc_ip_map_reply ip_map;
		struct nlc_unix_gid_reply unix_gid;
		struct nlc_svc_export_reply svc_export;
		struct nlc_expkey_reply expkey;
	} r;
	/* heap storage the reply points into (never into this struct, so
	 * that it may be copied or moved by realloc) */
	uint32_t *gids;
	struct nlc_secinfo *secinfo;
	struct nlc_fsloc *fslocs;
	unsigned char *uuid;	/* NLC_HEX_MAX bytes */
	unsigned char *fsid;	/* NLC_HEX_MAX bytes */
};

/*
 * Parse the words after the cache name: argv[1..argc-1] (argv[0] is a
 * name for messages; argv is permuted by getopt). With defaults == NULL
 * this is the command line: -v, --stdin and --help are accepted, and with
 * --stdin no key words and only --negative, --raw, --ttl and --expiry
 * (which become every line's defaults). Otherwise it is one --stdin line
 * starting from defaults' --negative, --raw, --ttl and --expiry. Strings
 * in the result point into argv. now is the time ttl counts from.
 * Returns 0, or -1 with a usage message in err. Always nlc_answer_free.
 */
int nlc_answer_parse(struct nlc_answer *a, const struct nlc_cache *c, int argc,
		     char **argv, const struct nlc_answer *defaults, time_t now,
		     char *err, size_t errlen);
void nlc_answer_free(struct nlc_answer *a);
/* Append the answer to a SET_REQS message of its cache: nlc_put_*. */
int nlc_answer_put(struct nl_msg *msg, const struct nlc_answer *a);
/* Bytes nlc_answer_put adds. */
size_t nlc_answer_size(const struct nlc_answer *a);

#endif /* NLC_ARGS_H */
