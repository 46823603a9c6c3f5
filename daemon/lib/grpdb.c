// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * The files backend's group database as an index. See grpdb.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grpdb.h"
#include "nlc_hash.h"

#define NLC_GRPDB_MAX_GIDS 65536

struct member {
	const char *name;	/* into the index's copy of the text */
	size_t len;
	uint64_t hash;
	gid_t *gids;		/* in file order */
	size_t n, cap;
	size_t last_line;	/* 1 + the line that added gids[n - 1] */
};

struct nlc_grpdb {
	char *text;
	struct member *slots;
	size_t cap, names, lines;
	bool usable;
};

static uint64_t hash_of(const char *s, size_t n)
{
	return nlc_fnv64_bytes(NLC_FNV64_BASIS, s, n);
}

static struct member *slot_of(struct member *slots, size_t cap, const char *name, size_t len,
			      uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	while (slots[i].name &&
	       !(slots[i].hash == h && slots[i].len == len && !memcmp(slots[i].name, name, len)))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct nlc_grpdb *db)
{
	size_t cap = db->cap ? db->cap * 2 : 256, i;
	struct member *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < db->cap; i++)
		if (db->slots[i].name)
			*slot_of(slots, cap, db->slots[i].name, db->slots[i].len,
				 db->slots[i].hash) = db->slots[i];
	free(db->slots);
	db->slots = slots;
	db->cap = cap;
	return 0;
}

static int add_member(struct nlc_grpdb *db, const char *name, size_t len, gid_t gid, size_t line)
{
	uint64_t h = hash_of(name, len);
	struct member *m;

	if ((db->names + 1) * 2 > db->cap && grow(db))
		return -ENOMEM;
	m = slot_of(db->slots, db->cap, name, len, h);
	if (!m->name) {
		m->name = name;
		m->len = len;
		m->hash = h;
		db->names++;
	}
	/* glibc takes a line once, however often it names the user */
	if (m->last_line == line + 1)
		return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		gid_t *g = realloc(m->gids, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		m->gids = g;
		m->cap = cap;
	}
	m->gids[m->n++] = gid;
	m->last_line = line + 1;
	return 0;
}

/* isspace(3) in the C locale */
static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

enum gid_field { GID_OK, GID_SKIP, GID_ODD };

/*
 * The gid field [p, e) as glibc's strtoul-based parser reads it: empty or
 * not starting like a number skips the line; plain decimal digits within
 * 32 bits are the gid; anything else (blanks, signs, trailing junk,
 * overflow) is a case this parser does not mirror.
 */
static enum gid_field parse_gid(const char *p, const char *e, gid_t *gid)
{
	uint64_t v = 0;
	const char *q;

	if (p == e)
		return GID_SKIP;
	if (!(*p >= '0' && *p <= '9') && !blank(*p) && *p != '+' && *p != '-')
		return GID_SKIP;
	for (q = p; q < e; q++) {
		if (*q < '0' || *q > '9')
			return GID_ODD;
		v = v * 10 + (uint64_t)(*q - '0');
		if (v > UINT32_MAX)
			return GID_ODD;
	}
	*gid = (gid_t)v;
	return GID_OK;
}

/* One line [p, e) without its newline; its number is @line. */
static int parse_line(struct nlc_grpdb *db, const char *p, const char *e, size_t line)
{
	const char *c1, *c2, *c3, *nul, *elt;
	gid_t gid;

	nul = memchr(p, '\0', (size_t)(e - p));
	if (nul)
		e = nul;	/* glibc's parser sees a C string */
	if (p < e && (*p == '+' || *p == '-')) {
		/* NIS compat entries: glibc reads them specially */
		db->usable = false;
		return 0;
	}
	c1 = memchr(p, ':', (size_t)(e - p));
	if (!c1)
		return 0;	/* no gid field: skipped */
	c2 = memchr(c1 + 1, ':', (size_t)(e - c1 - 1));
	if (!c2)
		return 0;
	c3 = memchr(c2 + 1, ':', (size_t)(e - c2 - 1));
	switch (parse_gid(c2 + 1, c3 ? c3 : e, &gid)) {
	case GID_SKIP:
		return 0;
	case GID_ODD:
		db->usable = false;
		return 0;
	case GID_OK:
		break;
	}
	db->lines++;
	if (!c3)
		return 0;
	/* members: comma separated, leading blanks skipped, empty ones
	 * dropped, the rest of the line (colons included) is the list */
	p = c3 + 1;
	while (p < e) {
		while (p < e && blank(*p))
			p++;
		elt = p;
		while (p < e && *p != ',')
			p++;
		if (p > elt && add_member(db, elt, (size_t)(p - elt), gid, line))
			return -ENOMEM;
		if (p < e)
			p++;
	}
	return 0;
}

void nlc_grpdb_free(struct nlc_grpdb *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->cap; i++)
		free(db->slots[i].gids);
	free(db->slots);
	free(db->text);
	free(db);
}

struct nlc_grpdb *nlc_grpdb_parse(const char *text, size_t len)
{
	struct nlc_grpdb *db = calloc(1, sizeof(*db));
	const char *p, *e, *nl;
	size_t line = 0;

	if (!db)
		return NULL;
	db->usable = true;
	db->text = malloc(len ? len : 1);
	if (!db->text || grow(db)) {
		nlc_grpdb_free(db);
		return NULL;
	}
	memcpy(db->text, text, len);
	p = db->text;
	e = db->text + len;
	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (parse_line(db, p, nl ? nl : e, line++)) {
			nlc_grpdb_free(db);
			return NULL;
		}
		p = nl ? nl + 1 : e;
	}
	return db;
}

bool nlc_grpdb_usable(const struct nlc_grpdb *db)
{
	return db && db->usable;
}

size_t nlc_grpdb_lines(const struct nlc_grpdb *db)
{
	return db->lines;
}

size_t nlc_grpdb_names(const struct nlc_grpdb *db)
{
	return db->names;
}

ssize_t nlc_grpdb_groups(const struct nlc_grpdb *db, const char *user, gid_t primary,
			 gid_t **gids)
{
	size_t len = strlen(user), i, n = 1;
	const struct member *m = NULL;
	gid_t *v;

	if (!nlc_grpdb_usable(db))
		return -ENOTSUP;
	if (len) {
		m = slot_of(db->slots, db->cap, user, len, hash_of(user, len));
		if (!m->name)
			m = NULL;
	}
	if (m && m->n + 1 > NLC_GRPDB_MAX_GIDS) {
		for (i = 0; i < m->n; i++)
			n += m->gids[i] != primary;
		if (n > NLC_GRPDB_MAX_GIDS)
			return -E2BIG;
	}
	v = malloc(((m ? m->n : 0) + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[0] = primary;
	n = 1;
	for (i = 0; m && i < m->n; i++)
		if (m->gids[i] != primary)
			v[n++] = m->gids[i];
	*gids = v;
	return (ssize_t)n;
}

/* --- nsswitch.conf ------------------------------------------------------------ */

bool nlc_nss_groups_files_only(const char *text, size_t len)
{
	const char *p = text, *e = text + len, *eol, *le, *hash, *name, *tok;
	int group_lines = 0, init_lines = 0;
	bool group_files = false, init_files = false, odd = false;

	while (p < e) {
		size_t nlen, tlen;
		int ntok = 0;
		bool files = false, spaced;

		eol = memchr(p, '\n', (size_t)(e - p));
		if (!eol)
			eol = e;
		hash = memchr(p, '#', (size_t)(eol - p));
		le = hash ? hash : eol;
		while (p < le && blank(*p))
			p++;
		name = p;
		while (p < le && !blank(*p) && *p != ':')
			p++;
		nlen = (size_t)(p - name);
		spaced = p < le && blank(*p);
		while (p < le && blank(*p))
			p++;
		if ((nlen == 5 && !strncasecmp(name, "group", 5)) ||
		    (nlen == 10 && !strncasecmp(name, "initgroups", 10))) {
			/* glibc's reading of these is not mirrored here */
			if (spaced || memcmp(name, nlen == 5 ? "group" : "initgroups", nlen))
				odd = true;
		}
		if (nlen && p < le && *p == ':') {
			p++;
			while (p < le) {
				while (p < le && blank(*p))
					p++;
				tok = p;
				while (p < le && !blank(*p))
					p++;
				tlen = (size_t)(p - tok);
				if (!tlen)
					continue;
				ntok++;
				files = tlen == 5 && !memcmp(tok, "files", 5);
			}
			files = files && ntok == 1;
			if (nlen == 5 && !memcmp(name, "group", 5)) {
				group_lines++;
				group_files = files;
			} else if (nlen == 10 && !memcmp(name, "initgroups", 10)) {
				init_lines++;
				init_files = files;
			}
		}
		p = eol < e ? eol + 1 : e;
	}
	if (odd || group_lines > 1 || init_lines > 1)
		return false;
	if (init_lines)
		return init_files;
	return group_lines == 1 && group_files;
}
