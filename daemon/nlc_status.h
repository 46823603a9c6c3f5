/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * `nlcachectl status` output: a table for people and JSON for programs.
 */
#ifndef NLC_STATUS_H
#define NLC_STATUS_H

#include <stdio.h>

#include "nlc_proto.h"

/*
 *   version: <module version>
 *   native: yes|no
 *   daemon portid: <portid>|none
 *
 *   CACHE  ATTACHED  PENDING  OLDEST_MS  UPCALLS  NOTIFICATIONS  REPLIES
 *          REJECTED  FALLBACKS  HANDED_BACK  OVERFLOWS  ADOPTED  ANSWERED
 *          AVG_MS  MAX_MS
 *   <one row per cache>
 *
 * Columns are separated by at least two spaces; numbers are right-aligned.
 */
void nlc_status_print_text(FILE *f, const struct nlc_status *st);
/*
 * One line of JSON with a fixed key order:
 *   {"version":"0.1.0","native":false,"daemon_portid":0,"caches":[
 *    {"name":"auth.unix.ip","type":1,"attached":true,"pending":0,
 *     "oldest_pending_ms":0,"upcalls":0,"notifications":0,"replies":0,
 *     "rejected":0,"fallbacks":0,"handed_back":0,"overflows":0,"adopted":0,
 *     "answered":0,"answer_ms_total":0,"answer_ms_max":0},...]}
 * version is null if the kernel sent none.
 */
void nlc_status_print_json(FILE *f, const struct nlc_status *st);
/* s as a JSON string literal, quotes included. */
void nlc_json_string(FILE *f, const char *s);

#endif /* NLC_STATUS_H */
