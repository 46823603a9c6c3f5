// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlcached's log: syslog, and stderr too in the foreground.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

#include "nlcached.h"

static bool log_foreground;
static bool log_to_journal;
static unsigned int log_debug;

void log_setup(bool foreground, unsigned int debug)
{
	log_foreground = foreground;
	log_debug = debug;
	log_to_journal = getenv("JOURNAL_STREAM") != NULL;
}

bool log_debugging(unsigned int cls)
{
	return log_debug & cls;
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	va_list aq;

	/* under systemd, stderr is the journal too: say it once */
	if (log_foreground && !log_to_journal) {
		va_copy(aq, ap);
		fprintf(stderr, PROG ": ");
		vfprintf(stderr, fmt, aq);
		fputc('\n', stderr);
		va_end(aq);
	}
	vsyslog(prio, fmt, ap);
}

void xlog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

void dlog(unsigned int cls, const char *fmt, ...)
{
	va_list ap;

	if (!(log_debug & cls))
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

uint64_t now_real(void)
{
	return (uint64_t)time(NULL);
}

time_t now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}
