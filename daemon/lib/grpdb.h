/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * An index of the files backend's group database for auth.unix.gid: the
 * text of /etc/group parsed once into "member name -> gids in file order",
 * so that a user's group list costs a hash lookup instead of glibc's parse
 * of the whole file for every uid (getgrouplist with `group: files`).
 *
 * The answer must be what getgrouplist(3) gives with the files backend
 * (glibc 2.36's files initgroups): the primary gid first, then, in file
 * order, the gid of every line that lists the user among its members and
 * whose gid is not the primary gid; a line that lists the user twice counts
 * once, two lines with the same gid count twice. Lines whose gid field is
 * empty or does not start like a number are skipped, as glibc skips them.
 * Anything this parser would not read exactly as glibc does (NIS "+"/"-"
 * entries, gid fields with signs, blanks, trailing junk or values beyond
 * 32 bits) makes the whole index unusable, and the caller asks
 * getgrouplist instead.
 *
 * Whether the files backend is the only source is read from nsswitch.conf
 * (nlc_nss_groups_files_only). Everything here is pure: no file access.
 */
#ifndef NLC_GRPDB_H
#define NLC_GRPDB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct nlc_grpdb;

/*
 * Parse @len bytes of group file text. Returns the index (free it with
 * nlc_grpdb_free), or NULL when out of memory. An index whose text had
 * lines this parser does not read exactly as glibc is returned too, marked
 * unusable (nlc_grpdb_usable).
 */
struct nlc_grpdb *nlc_grpdb_parse(const char *text, size_t len);
void nlc_grpdb_free(struct nlc_grpdb *db);
bool nlc_grpdb_usable(const struct nlc_grpdb *db);

/*
 * The groups of @user whose primary gid is @primary, malloc'ed into
 * *@gids in getgrouplist's order. Returns the count (>= 1), -ENOMEM,
 * -E2BIG beyond 65536 groups, or -ENOTSUP when @db is unusable.
 */
ssize_t nlc_grpdb_groups(const struct nlc_grpdb *db, const char *user, gid_t primary,
			 gid_t **gids);

/* Lines and distinct member names indexed (for tests and logs). */
size_t nlc_grpdb_lines(const struct nlc_grpdb *db);
size_t nlc_grpdb_names(const struct nlc_grpdb *db);

/*
 * Whether @len bytes of nsswitch.conf text make glibc's group membership
 * lookups (getgrouplist, initgroups) use the files backend and nothing
 * else: the `initgroups:` line when there is one, else the `group:` line,
 * must name exactly one service, `files`, with no action. Anything else
 * (no such line, several, other services, actions) is false.
 */
bool nlc_nss_groups_files_only(const char *text, size_t len);

/*
 * The files backend's user database (/etc/passwd) as an index from uid to
 * the first line with that uid, in file order, as getpwuid_r(3) with
 * `passwd: files` finds it (glibc 2.36): blank lines and lines starting
 * with "#" (after leading blanks) are skipped; so are lines whose uid or
 * gid field is empty, as glibc skips them. Anything else this parser does
 * not read exactly as glibc does (NIS "+"/"-" entries, leading blanks
 * before a name, NUL bytes, an empty name, uid or gid fields that are not
 * plain decimal numbers within 32 bits) makes the whole index unusable,
 * and the caller asks getpwuid_r instead.
 */
struct nlc_pwdb;

/* Parse @len bytes of passwd text: the index, NULL when out of memory
 * (an index the parser could not read exactly is marked unusable). */
struct nlc_pwdb *nlc_pwdb_parse(const char *text, size_t len);
void nlc_pwdb_free(struct nlc_pwdb *db);
bool nlc_pwdb_usable(const struct nlc_pwdb *db);

/*
 * The name and primary gid of @uid: 0 with the name malloc'ed into *@name,
 * -ENOENT when no line has that uid, -ENOMEM, or -ENOTSUP when @db is
 * unusable.
 */
int nlc_pwdb_user(const struct nlc_pwdb *db, uid_t uid, char **name, gid_t *gid);

/* Users indexed (distinct uids; for tests and logs). */
size_t nlc_pwdb_users(const struct nlc_pwdb *db);

/*
 * Whether @len bytes of nsswitch.conf text make getpwuid_r use the files
 * backend and nothing else: exactly one `passwd:` line, naming exactly one
 * service, `files`, with no action.
 */
bool nlc_nss_passwd_files_only(const char *text, size_t len);

#endif /* NLC_GRPDB_H */
