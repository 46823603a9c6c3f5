// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlc_util.h"

int nlc_grow(void **v, size_t *cap, size_t n, size_t elem)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	nv = realloc(*v, ncap * elem);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

int nlc_diag_add(struct nlc_diag **v, size_t *n, size_t *cap,
		 const char *file, unsigned int line, bool warning,
		 const char *fmt, va_list ap)
{
	struct nlc_diag *d;
	char text[1024];

	if (nlc_grow((void **)v, cap, *n, sizeof(**v)))
		return -1;
	vsnprintf(text, sizeof(text), fmt, ap);
	d = &(*v)[*n];
	d->line = line;
	d->warning = warning;
	d->file = strdup(file);
	if (!d->file || asprintf(&d->msg, "%s:%u: %s", file, line, text) < 0) {
		free(d->file);
		return -1;
	}
	(*n)++;
	return 0;
}

void nlc_diag_free(struct nlc_diag *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].file);
		free(v[i].msg);
	}
	free(v);
}

int nlc_read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = 0, got;
	char *b = NULL;
	int err = 0;

	*len = 0;
	if (!f)
		return -1;
	do {
		/* Room for a 4 KiB read and the NUL. */
		while (*len + 4097 > cap) {
			if (nlc_grow((void **)&b, &cap, cap, 1)) {
				err = ENOMEM;
				goto out;
			}
		}
		got = fread(b + *len, 1, cap - *len - 1, f);
		*len += got;
	} while (got > 0);
	if (ferror(f))
		err = errno ? errno : EIO;
out:
	fclose(f);
	if (err) {
		free(b);
		errno = err;
		return -1;
	}
	b[*len] = '\0';
	*buf = b;
	return 0;
}

static int byte_order(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static bool dir_entry_wanted(const struct dirent *d, const char *suffix)
{
	size_t l = strlen(d->d_name), sl = strlen(suffix);

	return d->d_name[0] != '.' && l > sl &&
	       !strcmp(d->d_name + l - sl, suffix) &&
	       (d->d_type == DT_REG || d->d_type == DT_LNK ||
		d->d_type == DT_UNKNOWN);
}

int nlc_dir_each(const char *dir, const char *suffix,
		 int (*compar)(const struct dirent **, const struct dirent **),
		 int (*fn)(const char *path, void *arg), void *arg)
{
	struct dirent **names;
	int n, i, rc = 0, total = 0;
	char *p;

	n = scandir(dir, &names, NULL, compar ? compar : byte_order);
	if (n < 0)
		return errno == ENOENT ? 0 : -1;
	for (i = 0; i < n; i++) {
		if (rc >= 0 && dir_entry_wanted(names[i], suffix)) {
			if (asprintf(&p, "%s/%s", dir, names[i]->d_name) < 0) {
				rc = -1;
			} else {
				rc = fn(p, arg);
				if (rc > 0)
					total += rc;
				free(p);
			}
		}
		free(names[i]);
	}
	free(names);
	return rc < 0 ? -1 : total;
}
