/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Small helpers shared by the user-space parsers.
 */
#ifndef NLC_UTIL_H
#define NLC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct dirent;

/*
 * Make room for element @n in the array *@v of *@cap elements of @elem
 * bytes, doubling it (from 16) when full. Returns 0, or -1 (errno ENOMEM)
 * with the array untouched.
 */
int nlc_grow(void **v, size_t *cap, size_t n, size_t elem);

/*
 * Read all of @path into a malloc'ed, NUL-terminated buffer. Returns 0 with
 * *@buf and *@len set, or -1 with errno (the file's own, ENOMEM or EIO).
 */
int nlc_read_file(const char *path, char **buf, size_t *len);

/* A problem found in a configuration file, reported with its place. */
struct nlc_diag {
	char *file;
	unsigned int line;
	bool warning;		/* true: the entry was kept (or a duplicate dropped) */
	char *msg;		/* "file:line: text" */
};

/* Append a diagnostic to *@v (*@n used of *@cap). Returns 0 or -1. */
int nlc_diag_add(struct nlc_diag **v, size_t *n, size_t *cap,
		 const char *file, unsigned int line, bool warning,
		 const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));
void nlc_diag_free(struct nlc_diag *v, size_t n);

/*
 * The conf.d rule shared by /etc/exports.d and /etc/nfs.conf.d: call
 * @fn(path, @arg) for every entry of @dir named *@suffix, not starting
 * with '.', that is a regular file, a symlink or of unknown type, in the
 * order of @compar (scandir(3) comparison: versionsort, or NULL for plain
 * byte order). @fn returns the problems found in that file (>= 0) or -1 to
 * stop (errno set). A missing directory is not an error. Returns the sum
 * of the problems, or -1 with errno.
 */
int nlc_dir_each(const char *dir, const char *suffix,
		 int (*compar)(const struct dirent **, const struct dirent **),
		 int (*fn)(const char *path, void *arg), void *arg);

#endif /* NLC_UTIL_H */
