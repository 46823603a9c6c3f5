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
static int parse_line(void *arg, const char *p, const char *e, size_t line)
{
	struct nlc_grpdb *db = arg;
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

/*
 * Copy [text, text + len) into *@copy (the index keeps pointers into it;
 * the caller frees it), then call @fn on every line of the copy (without
 * its newline; the last line may have none) with its number. Returns 0,
 * -ENOMEM, or @fn's first error.
 */
static int read_lines(const char *text, size_t len, char **copy,
		      int (*fn)(void *db, const char *p, const char *e, size_t line), void *db)
{
	const char *p, *e, *nl;
	size_t line = 0;
	int err;

	*copy = malloc(len ? len : 1);
	if (!*copy)
		return -ENOMEM;
	memcpy(*copy, text, len);
	p = *copy;
	e = p + len;
	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		err = fn(db, p, nl ? nl : e, line++);
		if (err)
			return err;
		p = nl ? nl + 1 : e;
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

	if (!db)
		return NULL;
	db->usable = true;
	if (grow(db) || read_lines(text, len, &db->text, parse_line, db)) {
		nlc_grpdb_free(db);
		return NULL;
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

/* --- the user database --------------------------------------------------------- */

struct user {
	const char *name;	/* into the index's copy of the text; NULL: free slot */
	size_t len;
	uid_t uid;
	gid_t gid;
};

struct nlc_pwdb {
	char *text;
	struct user *slots;
	size_t cap, users;
	bool usable;
};

static struct user *user_slot(struct user *slots, size_t cap, uid_t uid)
{
	size_t i = (size_t)hash_of((const char *)&uid, sizeof(uid)) & (cap - 1);

	while (slots[i].name && slots[i].uid != uid)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int pw_grow(struct nlc_pwdb *db)
{
	size_t cap = db->cap ? db->cap * 2 : 256, i;
	struct user *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < db->cap; i++)
		if (db->slots[i].name)
			*user_slot(slots, cap, db->slots[i].uid) = db->slots[i];
	free(db->slots);
	db->slots = slots;
	db->cap = cap;
	return 0;
}

/*
 * A uid or gid field [p, e): empty skips the line (glibc's strtoul reads
 * nothing there); plain decimal digits within 32 bits are the value;
 * anything else is a case this parser does not mirror.
 */
static enum gid_field pw_number(const char *p, const char *e, uint32_t *v)
{
	gid_t n;

	if (p == e)
		return GID_SKIP;
	if (!(*p >= '0' && *p <= '9'))
		return GID_ODD;
	if (parse_gid(p, e, &n) != GID_OK)
		return GID_ODD;
	*v = (uint32_t)n;
	return GID_OK;
}

/* The end of the field that starts at @p in [p, e): its colon, or @e. */
static const char *field_end(const char *p, const char *e)
{
	const char *c = memchr(p, ':', (size_t)(e - p));

	return c ? c : e;
}

/* One line [p, e) without its newline. */
static int pw_line(void *arg, const char *p, const char *e, size_t line)
{
	struct nlc_pwdb *db = arg;
	const char *name = p, *ne, *f, *fe;
	uint32_t uid, gid;
	struct user *u;

	(void)line;
	if (!db->usable)
		return 0;
	if (memchr(p, '\0', (size_t)(e - p)))
		goto odd;	/* glibc's parser sees a C string */
	while (p < e && blank(*p))
		p++;
	if (p == e || *p == '#')
		return 0;	/* skipped by glibc */
	if (p != name || *p == '+' || *p == '-')
		goto odd;	/* leading blanks, NIS compat entries */
	ne = field_end(p, e);
	if (ne == name)
		goto odd;	/* an empty name */
	/* the password field, then uid and gid; a missing field is empty */
	f = ne < e ? field_end(ne + 1, e) : e;
	f = f < e ? f + 1 : e;
	fe = field_end(f, e);
	switch (pw_number(f, fe, &uid)) {
	case GID_SKIP:
		return 0;
	case GID_ODD:
		goto odd;
	case GID_OK:
		break;
	}
	f = fe < e ? fe + 1 : e;
	fe = field_end(f, e);
	switch (pw_number(f, fe, &gid)) {
	case GID_SKIP:
		return 0;
	case GID_ODD:
		goto odd;
	case GID_OK:
		break;
	}
	if ((db->users + 1) * 2 > db->cap && pw_grow(db))
		return -ENOMEM;
	u = user_slot(db->slots, db->cap, (uid_t)uid);
	if (u->name)
		return 0;	/* getpwuid_r finds the first line */
	u->name = name;
	u->len = (size_t)(ne - name);
	u->uid = (uid_t)uid;
	u->gid = (gid_t)gid;
	db->users++;
	return 0;
odd:
	db->usable = false;
	return 0;
}

void nlc_pwdb_free(struct nlc_pwdb *db)
{
	if (!db)
		return;
	free(db->slots);
	free(db->text);
	free(db);
}

struct nlc_pwdb *nlc_pwdb_parse(const char *text, size_t len)
{
	struct nlc_pwdb *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->usable = true;
	if (pw_grow(db) || read_lines(text, len, &db->text, pw_line, db)) {
		nlc_pwdb_free(db);
		return NULL;
	}
	return db;
}

bool nlc_pwdb_usable(const struct nlc_pwdb *db)
{
	return db && db->usable;
}

size_t nlc_pwdb_users(const struct nlc_pwdb *db)
{
	return db->users;
}

int nlc_pwdb_user(const struct nlc_pwdb *db, uid_t uid, char **name, gid_t *gid)
{
	const struct user *u;

	if (!nlc_pwdb_usable(db))
		return -ENOTSUP;
	u = user_slot(db->slots, db->cap, uid);
	if (!u->name)
		return -ENOENT;
	*name = strndup(u->name, u->len);
	if (!*name)
		return -ENOMEM;
	*gid = u->gid;
	return 0;
}

/* --- nsswitch.conf ------------------------------------------------------------ */

/*
 * The lines of database @db (e.g. "group") in nsswitch.conf text: how many
 * there are, and in *@files whether the last one names exactly one
 * service, `files`, with no action; -1 when a line names @db in a way
 * whose reading by glibc is not mirrored here (other case, blanks before
 * the colon).
 */
static int nss_db_lines(const char *text, size_t len, const char *db, bool *files_only)
{
	const char *p = text, *e = text + len, *eol, *le, *hash, *name, *tok;
	size_t dlen = strlen(db);
	int lines = 0;
	bool odd = false;

	*files_only = false;
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
		if (nlen == dlen && !strncasecmp(name, db, dlen) &&
		    (spaced || memcmp(name, db, dlen)))
			odd = true;	/* glibc's reading of these is not mirrored here */
		if (nlen == dlen && !memcmp(name, db, dlen) && p < le && *p == ':') {
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
			lines++;
			*files_only = files && ntok == 1;
		}
		p = eol < e ? eol + 1 : e;
	}
	return odd ? -1 : lines;
}

bool nlc_nss_groups_files_only(const char *text, size_t len)
{
	bool group_files, init_files;
	int group_lines = nss_db_lines(text, len, "group", &group_files);
	int init_lines = nss_db_lines(text, len, "initgroups", &init_files);

	if (group_lines < 0 || init_lines < 0 || group_lines > 1 || init_lines > 1)
		return false;
	if (init_lines)
		return init_files;
	return group_lines == 1 && group_files;
}

bool nlc_nss_passwd_files_only(const char *text, size_t len)
{
	bool files;

	return nss_db_lines(text, len, "passwd", &files) == 1 && files;
}
