// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 */
#include <inttypes.h>
#include <string.h>

#include "nlc_status.h"

enum {
	COL_PENDING,
	COL_OLDEST,
	COL_UPCALLS,
	COL_NOTIFICATIONS,
	COL_REPLIES,
	COL_REJECTED,
	COL_FALLBACKS,
	COL_HANDED_BACK,
	COL_OVERFLOWS,
	COL_ADOPTED,
	COL_ANSWERED,
	COL_ANSWER_AVG,		/* table only */
	COL_ANSWER_TOTAL,	/* JSON only */
	COL_ANSWER_MAX,
	NCOLS
};

/* A NULL header: not in the table; a NULL key: not in the JSON. */
static const struct {
	const char *header;
	const char *key;
} cols[NCOLS] = {
	[COL_PENDING] = { "PENDING", "pending" },
	[COL_OLDEST] = { "OLDEST_MS", "oldest_pending_ms" },
	[COL_UPCALLS] = { "UPCALLS", "upcalls" },
	[COL_NOTIFICATIONS] = { "NOTIFICATIONS", "notifications" },
	[COL_REPLIES] = { "REPLIES", "replies" },
	[COL_REJECTED] = { "REJECTED", "rejected" },
	[COL_FALLBACKS] = { "FALLBACKS", "fallbacks" },
	[COL_HANDED_BACK] = { "HANDED_BACK", "handed_back" },
	[COL_OVERFLOWS] = { "OVERFLOWS", "overflows" },
	[COL_ADOPTED] = { "ADOPTED", "adopted" },
	[COL_ANSWERED] = { "ANSWERED", "answered" },
	[COL_ANSWER_AVG] = { "AVG_MS", NULL },
	[COL_ANSWER_TOTAL] = { NULL, "answer_ms_total" },
	[COL_ANSWER_MAX] = { "MAX_MS", "answer_ms_max" },
};

static void values(const struct nlc_cache_status *cs, uint64_t v[NCOLS])
{
	v[COL_PENDING] = cs->pending;
	v[COL_OLDEST] = cs->oldest_ms;
	v[COL_UPCALLS] = cs->upcalls;
	v[COL_NOTIFICATIONS] = cs->notifications;
	v[COL_REPLIES] = cs->replies;
	v[COL_REJECTED] = cs->rejected;
	v[COL_FALLBACKS] = cs->fallbacks;
	v[COL_HANDED_BACK] = cs->handed_back;
	v[COL_OVERFLOWS] = cs->overflows;
	v[COL_ADOPTED] = cs->adopted;
	v[COL_ANSWERED] = cs->answered;
	/* rounded to the nearest ms */
	v[COL_ANSWER_AVG] = cs->answered ?
		(cs->answer_ms + cs->answered / 2) / cs->answered : 0;
	v[COL_ANSWER_TOTAL] = cs->answer_ms;
	v[COL_ANSWER_MAX] = cs->answer_ms_max;
}

static int digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

void nlc_status_print_text(FILE *f, const struct nlc_status *st)
{
	int width[NCOLS], namew = (int)strlen("CACHE"), i, n;
	uint64_t v[NCOLS];
	size_t c;

	fprintf(f, "version: %s\n", st->have_version ? st->version : "unknown");
	fprintf(f, "native: %s\n", st->native ? "yes" : "no");
	if (st->daemon_portid)
		fprintf(f, "daemon portid: %" PRIu32 "\n", st->daemon_portid);
	else
		fprintf(f, "daemon portid: none\n");
	fputc('\n', f);

	for (i = 0; i < NCOLS; i++)
		width[i] = cols[i].header ? (int)strlen(cols[i].header) : 0;
	for (c = 0; c < st->ncaches; c++) {
		n = (int)strlen(st->caches[c].name);
		if (n > namew)
			namew = n;
		values(&st->caches[c], v);
		for (i = 0; i < NCOLS; i++)
			if (digits(v[i]) > width[i])
				width[i] = digits(v[i]);
	}
	fprintf(f, "%-*s  ATTACHED", namew, "CACHE");
	for (i = 0; i < NCOLS; i++)
		if (cols[i].header)
			fprintf(f, "  %*s", width[i], cols[i].header);
	fputc('\n', f);
	for (c = 0; c < st->ncaches; c++) {
		fprintf(f, "%-*s  %-8s", namew, st->caches[c].name,
			st->caches[c].attached ? "yes" : "no");
		values(&st->caches[c], v);
		for (i = 0; i < NCOLS; i++)
			if (cols[i].header)
				fprintf(f, "  %*" PRIu64, width[i], v[i]);
		fputc('\n', f);
	}
}

void nlc_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void nlc_status_print_json(FILE *f, const struct nlc_status *st)
{
	uint64_t v[NCOLS];
	size_t c;
	int i;

	fputs("{\"version\":", f);
	if (st->have_version)
		nlc_json_string(f, st->version);
	else
		fputs("null", f);
	fprintf(f, ",\"native\":%s,\"daemon_portid\":%" PRIu32 ",\"caches\":[",
		st->native ? "true" : "false", st->daemon_portid);
	for (c = 0; c < st->ncaches; c++) {
		fputs(c ? ",{\"name\":" : "{\"name\":", f);
		nlc_json_string(f, st->caches[c].name);
		fprintf(f, ",\"type\":%" PRIu32 ",\"attached\":%s", st->caches[c].type,
			st->caches[c].attached ? "true" : "false");
		values(&st->caches[c], v);
		for (i = 0; i < NCOLS; i++)
			if (cols[i].key)
				fprintf(f, ",\"%s\":%" PRIu64, cols[i].key, v[i]);
		fputc('}', f);
	}
	fputs("]}\n", f);
}
