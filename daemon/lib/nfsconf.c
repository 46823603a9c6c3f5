// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nfs.conf reader. See nfsconf.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nfsconf.h"
#include "nlc_util.h"
#include "strbuf.h"

void nlc_conf_init(struct nlc_conf *c)
{
	memset(c, 0, sizeof(*c));
}

void nlc_conf_free(struct nlc_conf *c)
{
	for (size_t i = 0; i < c->nent; i++) {
		free(c->ent[i].section);
		free(c->ent[i].sub);
		free(c->ent[i].key);
		free(c->ent[i].value);
		free(c->ent[i].expanded);
	}
	nlc_diag_free(c->err, c->nerr);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->ent);
	free(c->files);
	nlc_conf_init(c);
}

static int add_err(struct nlc_conf *c, const char *file, unsigned int line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int add_err(struct nlc_conf *c, const char *file, unsigned int line,
		   const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = nlc_diag_add(&c->err, &c->nerr, &c->errcap, file, line, false,
			   fmt, ap);
	va_end(ap);
	return ret;
}

static const char *intern(struct nlc_conf *c, const char *name)
{
	char **nf = realloc(c->files, (c->nfiles + 1) * sizeof(*nf));

	if (!nf)
		return NULL;
	c->files = nf;
	nf[c->nfiles] = strdup(name);
	return nf[c->nfiles] ? c->files[c->nfiles++] : NULL;
}

static char *lower_dup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (d)
		for (char *p = d; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return d;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int add_ent(struct nlc_conf *c, const char *section, const char *sub,
		   const char *key, const char *value, const char *file,
		   unsigned int line)
{
	struct nlc_conf_ent *e;

	if (nlc_grow((void **)&c->ent, &c->entcap, c->nent, sizeof(*c->ent)))
		return -1;
	e = &c->ent[c->nent];
	memset(e, 0, sizeof(*e));
	e->section = strdup(section);
	e->sub = sub ? strdup(sub) : NULL;
	e->key = lower_dup(key, strlen(key));
	e->value = strdup(value);
	e->file = file;
	e->line = line;
	if (!e->section || (sub && !e->sub) || !e->key || !e->value) {
		free(e->section);
		free(e->sub);
		free(e->key);
		free(e->value);
		return -1;
	}
	c->nent++;
	return 0;
}

static int load_include(struct nlc_conf *c, const char *file,
			unsigned int line, const char *val)
{
	bool optional = val[0] == '-';
	char *path;
	int rc;

	if (optional)
		val++;
	while (isspace((unsigned char)*val))
		val++;
	if (!*val)
		return add_err(c, file, line, "empty include") ? -1 : 1;
	if (val[0] == '/') {
		path = strdup(val);
	} else {
		const char *slash = strrchr(file, '/');

		if (slash) {
			if (asprintf(&path, "%.*s/%s", (int)(slash - file),
				     file, val) < 0)
				path = NULL;
		} else {
			path = strdup(val);
		}
	}
	if (!path)
		return -1;
	if (c->depth >= NLC_CONF_MAX_INCLUDE_DEPTH) {
		rc = add_err(c, file, line, "include \"%s\" nested too deeply",
			     path) ? -1 : 1;
		free(path);
		return rc;
	}
	c->depth++;
	rc = nlc_conf_load_file(c, path);
	c->depth--;
	if (rc < 0 && errno != ENOMEM) {
		if (optional && errno == ENOENT)
			rc = 0;
		else
			rc = add_err(c, file, line, "cannot include \"%s\": %s",
				     path, strerror(errno)) ? -1 : 1;
	}
	free(path);
	return rc;
}

/* Strip a comment that starts with whitespace + '#' or ';' outside quotes. */
static void strip_comment(char *s)
{
	bool q = false;

	for (char *p = s; *p; p++) {
		if (*p == '"')
			q = !q;
		else if (!q && (*p == '#' || *p == ';') && p > s &&
			 isspace((unsigned char)p[-1])) {
			*p = '\0';
			return;
		}
	}
}

int nlc_conf_load_buf(struct nlc_conf *c, const char *name, const char *buf,
		      size_t len)
{
	const char *file = intern(c, name);
	char *section = NULL, *sub = NULL;
	int errors = 0, rc = 0;
	unsigned int lineno = 0;
	size_t pos = 0;

	if (!file)
		goto oom;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		char *raw = strndup(buf + pos, l), *s, *eq, *key, *val;

		pos += l + (nl ? 1 : 0);
		lineno++;
		if (!raw)
			goto oom;
		s = trim(raw);
		if (!*s || *s == '#' || *s == ';') {
			free(raw);
			continue;
		}
		if (*s == '[') {
			char *end = strchr(s, ']'), *q;

			free(section);
			free(sub);
			section = sub = NULL;
			if (!end || *trim(end + 1)) {
				rc = add_err(c, file, lineno,
					     "malformed section header \"%s\"",
					     s);
				errors++;
				free(raw);
				if (rc)
					goto oom;
				continue;
			}
			*end = '\0';
			q = strchr(s + 1, '"');
			if (q) {
				char *qe = strchr(q + 1, '"');

				if (!qe || *trim(qe + 1)) {
					rc = add_err(c, file, lineno,
						     "malformed subsection in \"%s]\"",
						     s);
					errors++;
					free(raw);
					if (rc)
						goto oom;
					continue;
				}
				*qe = '\0';
				sub = strdup(q + 1);
				*q = '\0';
				if (!sub) {
					free(raw);
					goto oom;
				}
			}
			key = trim(s + 1);
			if (!*key) {
				rc = add_err(c, file, lineno,
					     "empty section name");
				errors++;
				free(raw);
				free(sub);
				sub = NULL;
				if (rc)
					goto oom;
				continue;
			}
			section = lower_dup(key, strlen(key));
			free(raw);
			if (!section)
				goto oom;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			rc = add_err(c, file, lineno,
				     "expected \"key = value\", got \"%s\"", s);
			errors++;
			free(raw);
			if (rc)
				goto oom;
			continue;
		}
		*eq = '\0';
		key = trim(s);
		val = eq + 1;
		strip_comment(val);
		val = trim(val);
		if (!*key) {
			rc = add_err(c, file, lineno, "missing key before '='");
			errors++;
			free(raw);
			if (rc)
				goto oom;
			continue;
		}
		if (val[0] == '"') {
			size_t vl = strlen(val);

			if (vl < 2 || val[vl - 1] != '"') {
				rc = add_err(c, file, lineno,
					     "unterminated quote in value of \"%s\"",
					     key);
				errors++;
				free(raw);
				if (rc)
					goto oom;
				continue;
			}
			val[vl - 1] = '\0';
			val++;
		}
		if (!strcasecmp(key, "include")) {
			rc = load_include(c, file, lineno, val);
			free(raw);
			if (rc < 0)
				goto oom;
			errors += rc;
			continue;
		}
		if (!section) {
			rc = add_err(c, file, lineno,
				     "\"%s\" outside any section", key);
			errors++;
			free(raw);
			if (rc)
				goto oom;
			continue;
		}
		rc = add_ent(c, section, sub, key, val, file, lineno);
		free(raw);
		if (rc)
			goto oom;
	}
	free(section);
	free(sub);
	return errors;
oom:
	free(section);
	free(sub);
	errno = ENOMEM;
	return -1;
}

int nlc_conf_load_file(struct nlc_conf *c, const char *path)
{
	char *buf;
	size_t len;
	int rc;

	if (nlc_read_file(path, &buf, &len))
		return -1;
	rc = nlc_conf_load_buf(c, path, buf, len);
	free(buf);
	return rc;
}

/* One nfs.conf.d member; an unreadable one is reported and skipped. */
static int load_d_member(const char *path, void *arg)
{
	struct nlc_conf *c = arg;
	int rc = nlc_conf_load_file(c, path);

	if (rc < 0 && errno != ENOMEM)
		return add_err(c, path, 0, "cannot read: %s", strerror(errno)) ? -1 : 1;
	return rc;
}

int nlc_conf_load_dir(struct nlc_conf *c, const char *dir)
{
	return nlc_dir_each(dir, ".conf", NULL, load_d_member, c);
}

int nlc_conf_load_default(struct nlc_conf *c, const char *root)
{
	static const char *const files[] = {
		"/usr/etc/nfs.conf", "/usr/etc/nfs.conf.d",
		"/etc/nfs.conf", "/etc/nfs.conf.d",
	};
	int errors = 0;

	if (!root)
		root = "";
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p;
		int rc;

		if (asprintf(&p, "%s%s", root, files[i]) < 0)
			return -1;
		if (i % 2) {
			rc = nlc_conf_load_dir(c, p);
		} else {
			rc = nlc_conf_load_file(c, p);
			if (rc < 0 && errno == ENOENT)
				rc = 0;
			else if (rc < 0 && errno != ENOMEM)
				rc = add_err(c, p, 0, "cannot read: %s",
					     strerror(errno)) ? -1 : 1;
		}
		free(p);
		if (rc < 0)
			return -1;
		errors += rc;
	}
	return errors;
}

static struct nlc_conf_ent *find(struct nlc_conf *c, const char *section,
				 const char *sub, const char *key)
{
	for (size_t i = c->nent; i-- > 0;) {
		struct nlc_conf_ent *e = &c->ent[i];

		if (strcasecmp(e->section, section) ||
		    strcasecmp(e->key, key))
			continue;
		if (!sub != !e->sub || (sub && strcmp(sub, e->sub)))
			continue;
		return e;
	}
	return NULL;
}

static bool is_name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-';
}

/* Expand $NAME and ${NAME}; unknown names expand to "". */
static char *expand(struct nlc_conf *c, const char *v)
{
	struct nlc_strbuf m = { 0 };

	for (const char *p = v; *p;) {
		const char *s, *e;
		char *name;

		if (*p != '$') {
			nlc_strbuf_putc(&m, *p++);
			continue;
		}
		if (p[1] == '{') {
			s = p + 2;
			e = strchr(s, '}');
			if (!e) {
				nlc_strbuf_puts(&m, p);
				break;
			}
			p = e + 1;
		} else {
			s = p + 1;
			for (e = s; is_name_char(*e); e++)
				;
			if (e == s) {
				nlc_strbuf_putc(&m, *p++);
				continue;
			}
			p = e;
		}
		name = strndup(s, (size_t)(e - s));
		if (name) {
			struct nlc_conf_ent *env = find(c, "environment", NULL,
							name);
			const char *val = env ? env->value : getenv(name);

			if (val)
				nlc_strbuf_puts(&m, val);
			free(name);
		}
	}
	if (m.failed) {
		free(m.p);
		return NULL;
	}
	return m.p ? m.p : strdup("");
}

const char *nlc_conf_get_sub(struct nlc_conf *c, const char *section,
			     const char *sub, const char *key)
{
	struct nlc_conf_ent *e = find(c, section, sub, key);

	if (!e)
		return NULL;
	if (!strchr(e->value, '$'))
		return e->value;
	if (!e->expanded)
		e->expanded = expand(c, e->value);
	return e->expanded ? e->expanded : e->value;
}

const char *nlc_conf_get(struct nlc_conf *c, const char *section,
			 const char *key)
{
	return nlc_conf_get_sub(c, section, NULL, key);
}

int nlc_conf_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "y", "yes", "t", "true", "on", "1" };
	static const char *const no[] = { "n", "no", "f", "false", "off", "0" };

	for (size_t i = 0; i < 6; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int nlc_conf_parse_int(const char *s, int *out)
{
	char *end;
	long v;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 0);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || *end || v < INT_MIN || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

int nlc_conf_get_bool(struct nlc_conf *c, const char *section,
		      const char *key, bool *out)
{
	const char *v = nlc_conf_get(c, section, key);

	if (!v)
		return 0;
	return nlc_conf_parse_bool(v, out) ? -1 : 1;
}

int nlc_conf_get_int(struct nlc_conf *c, const char *section,
		     const char *key, int *out)
{
	const char *v = nlc_conf_get(c, section, key);

	if (!v)
		return 0;
	return nlc_conf_parse_int(v, out) ? -1 : 1;
}

const char *nlc_conf_daemon_get(struct nlc_conf *c, const char *key,
				const char **where)
{
	static const char *const order[] = { "exportd", "mountd" };

	for (size_t i = 0; i < 2; i++) {
		const char *v = nlc_conf_get(c, order[i], key);

		if (v) {
			if (where)
				*where = order[i];
			return v;
		}
	}
	if (where)
		*where = NULL;
	return NULL;
}

int nlc_conf_daemon_get_bool(struct nlc_conf *c, const char *key, bool *out)
{
	const char *v = nlc_conf_daemon_get(c, key, NULL);

	if (!v)
		return 0;
	return nlc_conf_parse_bool(v, out) ? -1 : 1;
}

int nlc_conf_daemon_get_int(struct nlc_conf *c, const char *key, int *out)
{
	const char *v = nlc_conf_daemon_get(c, key, NULL);

	if (!v)
		return 0;
	return nlc_conf_parse_int(v, out) ? -1 : 1;
}
