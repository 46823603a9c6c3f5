// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * nlcachectl - the operator's view of the nfsd_nlcache netlink family.
 *
 * Exit status: 0 success, 1 failure (the kernel's or ours), 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>

#include <linux/nfsd_nlcache.h>

#include "nlc_args.h"
#include "nlc_nl.h"
#include "nlc_proto.h"
#include "nlc_status.h"

#ifndef NLC_VERSION
#define NLC_VERSION "unknown"
#endif

static const char *prog = "nlcachectl";

static struct nl_sock *open_genl(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return NULL;
	}
	err = genl_connect(sk);
	if (err < 0) {
		fprintf(stderr, "%s: cannot open a generic netlink socket: %s\n",
			prog, nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static void family_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s family [--no-load]\n"
		"Show whether the %s generic netlink family is registered in\n"
		"this network namespace, with its id, version and multicast group.\n"
		"Looking the family up by name lets the kernel load the module;\n"
		"--no-load only lists the registered families.\n",
		prog, NLCACHE_FAMILY_NAME);
}

static int family_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-load", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct nl_cache *families = NULL;
	struct genl_family *fam;
	bool load = true;
	struct nl_sock *sk;
	int ret = 1, opt, err, grp;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "nh", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			load = false;
			break;
		case 'h':
			family_usage(stdout);
			return 0;
		default:
			family_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		family_usage(stderr);
		return 2;
	}

	sk = open_genl();
	if (!sk)
		return 1;
	/* A lookup by name makes the kernel request the module's alias. */
	if (load)
		genl_ctrl_resolve(sk, NLCACHE_FAMILY_NAME);

	err = genl_ctrl_alloc_cache(sk, &families);
	if (err < 0) {
		fprintf(stderr, "%s: cannot list generic netlink families: %s\n",
			prog, nl_geterror(err));
		goto out;
	}
	fam = genl_ctrl_search_by_name(families, NLCACHE_FAMILY_NAME);
	if (!fam) {
		fprintf(stderr,
			"%s: the %s family is not registered in this network namespace (is the module loaded? modprobe nfsd_nlcache)\n",
			prog, NLCACHE_FAMILY_NAME);
		goto out;
	}
	printf("family %s: id %d, version %d\n", NLCACHE_FAMILY_NAME,
	       genl_family_get_id(fam), genl_family_get_version(fam));
	grp = genl_ctrl_resolve_grp(sk, NLCACHE_FAMILY_NAME, NLCACHE_MCGRP_EXPORTD);
	if (grp < 0) {
		fprintf(stderr, "%s: multicast group %s: %s\n", prog,
			NLCACHE_MCGRP_EXPORTD, nl_geterror(grp));
		genl_family_put(fam);
		goto out;
	}
	printf("multicast group %s: id %d\n", NLCACHE_MCGRP_EXPORTD, grp);
	genl_family_put(fam);
	ret = 0;
out:
	nl_cache_free(families);
	nl_socket_free(sk);
	return ret;
}

/* --- shared helpers --------------------------------------------------------------- */

static const char cache_names_help[] =
	"CACHE is auth.unix.ip, auth.unix.gid, nfsd.export or nfsd.fh, or an alias:\n"
	"ip-map, unix-gid, svc-export, expkey.\n";

/* Print the kernel's extack message, then what failed and why. */
static void report(const struct nlc_sock *s, const char *what, int err)
{
	if (s && s->extack[0])
		fprintf(stderr, "%s: kernel says: %s\n", prog, s->extack);
	fprintf(stderr, "%s: %s: %s%s\n", prog, what, nlc_strerror(s, err),
		err == -EPERM ? " (CAP_NET_ADMIN is needed)" : "");
}

static int open_family(struct nlc_sock *s)
{
	int err = nlc_sock_open(s);

	if (err == -ENOENT) {
		fprintf(stderr,
			"%s: the %s generic netlink family does not exist in this network namespace (is the nfsd_nlcache module installed? modprobe nfsd_nlcache)\n",
			prog, NLCACHE_FAMILY_NAME);
		return -1;
	}
	if (err) {
		fprintf(stderr, "%s: cannot open the %s netlink family: %s\n", prog,
			NLCACHE_FAMILY_NAME, nlc_strerror(s, err));
		return -1;
	}
	return 0;
}

/* The genl command of a reply, or -1. */
static int genl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -1;
	g = (const struct genlmsghdr *)((const char *)nlh + NLMSG_HDRLEN);
	return g->cmd;
}

/*
 * CACHE words to a mask and a list in the order given (duplicates
 * dropped). Returns 0, or -1 after printing which word is wrong.
 */
static int parse_caches(int n, char **words, uint32_t *mask,
			const struct nlc_cache **list, size_t *nlist)
{
	const struct nlc_cache *c;
	int i;

	*mask = 0;
	*nlist = 0;
	for (i = 0; i < n; i++) {
		c = nlc_cache_lookup(words[i]);
		if (!c) {
			fprintf(stderr, "%s: unknown cache '%s'\n%s", prog, words[i],
				cache_names_help);
			return -1;
		}
		if (*mask & c->type)
			continue;
		*mask |= c->type;
		list[(*nlist)++] = c;
	}
	return 0;
}

static void mask_names(uint32_t mask, char *buf, size_t size)
{
	if (!mask)
		snprintf(buf, size, "none");
	else if (nlc_cache_mask_str(mask, buf, size) < 0)
		snprintf(buf, size, "%#" PRIx32, mask);
}

/* A usage error: the message, then where to look. */
static int usage_error(const char *cmd, const char *msg)
{
	if (msg)
		fprintf(stderr, "%s: %s: %s\n", prog, cmd, msg);
	fprintf(stderr, "Try '%s %s --help'.\n", prog, cmd);
	return 2;
}

/* Options shared by the commands that take only --help (and a few more). */
static const struct option help_only[] = {
	{ "help", no_argument, NULL, 'h' },
	{}
};

/* --- status --------------------------------------------------------------------------- */

static void status_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s status [--json]\n"
		"Show the module version, whether the kernel has native netlink\n"
		"upcalls, the registered daemon's netlink port id, and per cache\n"
		"whether it is attached, its pending requests, the age of the\n"
		"oldest one and the counters. --json prints one line of JSON.\n",
		prog);
}

struct status_ctx {
	struct nlc_status st;
	bool got;
};

static int status_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct status_ctx *ctx = arg;

	if (genl_cmd(nlh) != NLCACHE_CMD_STATUS_GET)
		return 0;
	if (nlc_status_parse(nlh, &ctx->st))
		return -EPROTO;
	ctx->got = true;
	return 0;
}

static int status_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct status_ctx ctx = {};
	struct nl_msg *msg;
	struct nlc_sock s;
	bool json = false;
	int opt, err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'h':
			status_usage(stdout);
			return 0;
		default:
			return usage_error("status", NULL);
		}
	}
	if (optind != argc)
		return usage_error("status", "no arguments expected");
	if (open_family(&s))
		return 1;
	msg = nlc_msg_new(&s, NLCACHE_CMD_STATUS_GET, 0, 0);
	if (!msg) {
		fprintf(stderr, "%s: out of memory\n", prog);
		nlc_sock_close(&s);
		return 1;
	}
	err = nlc_request(&s, msg, status_reply, &ctx);
	nlmsg_free(msg);
	if (!err && !ctx.got)
		err = -ENOMSG;
	if (err) {
		report(&s, "status", err);
		nlc_sock_close(&s);
		return 1;
	}
	nlc_sock_close(&s);
	if (json)
		nlc_status_print_json(stdout, &ctx.st);
	else
		nlc_status_print_text(stdout, &ctx.st);
	return fflush(stdout) ? 1 : 0;
}

/* --- pending ----------------------------------------------------------------------------- */

static void pending_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s pending [--after SEQNO] [CACHE...]\n"
		"List the requests pending in each CACHE (all four by default), one\n"
		"line each, fields in the cache channel encoding (\\ooo escapes):\n"
		"  auth.unix.ip <seqno> <class> <addr>\n"
		"  auth.unix.gid <seqno> <uid>\n"
		"  nfsd.export <seqno> <client> <path>\n"
		"  nfsd.fh <seqno> <client> <fsidtype> \\x<fsid hex>\n"
		"A cache with no daemon registered for it lists nothing.\n"
		"--after SEQNO lists only requests with a larger seqno (seqnos are\n"
		"unique and increasing across a netns's caches; not on native upcalls).\n%s",
		prog, cache_names_help);
}

struct pending_ctx {
	const struct nlc_cache *cache;
	char *line;
	bool bad;
};

static int pending_print(const struct nlc_pending *r, void *arg)
{
	struct pending_ctx *ctx = arg;
	ssize_t n = nlc_pending_format(r, ctx->line, NLC_PENDING_LINE_MAX);

	if (n < 0) {
		fprintf(stderr, "%s: %s: request %" PRIu64 " is too long to print\n",
			prog, r->cache->name, r->seqno);
		ctx->bad = true;
		return 0;
	}
	fwrite(ctx->line, 1, (size_t)n, stdout);
	return 0;
}

static void pending_bad(const struct nlc_cache *c, void *arg)
{
	struct pending_ctx *ctx = arg;

	fprintf(stderr, "%s: %s: skipped a malformed request from the kernel\n",
		prog, c->name);
	ctx->bad = true;
}

static int pending_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct pending_ctx *ctx = arg;

	if (genl_cmd(nlh) != ctx->cache->get_cmd)
		return 0;
	return nlc_pending_walk(ctx->cache, nlh, pending_print, pending_bad, ctx);
}

static int pending_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "after", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const struct nlc_cache *list[NLC_NCACHES];
	struct pending_ctx ctx = {};
	struct nl_msg *msg;
	struct nlc_sock s;
	int opt, err, ret = 0;
	uint64_t after = 0;
	size_t n, i;
	uint32_t mask;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			if (nlc_parse_u64(optarg, &after))
				return usage_error("pending", "--after takes a seqno");
			break;
		case 'h':
			pending_usage(stdout);
			return 0;
		default:
			return usage_error("pending", NULL);
		}
	}
	if (parse_caches(argc - optind, argv + optind, &mask, list, &n))
		return 2;
	if (!n)
		for (i = 0; i < NLC_NCACHES; i++)
			list[n++] = &nlc_caches[i];
	ctx.line = malloc(NLC_PENDING_LINE_MAX);
	if (!ctx.line) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	if (open_family(&s)) {
		free(ctx.line);
		return 1;
	}
	for (i = 0; i < n; i++) {
		ctx.cache = list[i];
		msg = nlc_dump_msg_new(&s, list[i], after);
		if (!msg) {
			fprintf(stderr, "%s: out of memory\n", prog);
			ret = 1;
			break;
		}
		err = nlc_request(&s, msg, pending_reply, &ctx);
		nlmsg_free(msg);
		if (err) {
			char what[64];

			snprintf(what, sizeof(what), "pending %s", list[i]->name);
			report(&s, what, err);
			ret = 1;
		}
	}
	nlc_sock_close(&s);
	free(ctx.line);
	if (fflush(stdout) || ctx.bad)
		ret = 1;
	return ret;
}

/* --- answer -------------------------------------------------------------------------------- */

/* A synopsis: nlcachectl(8), ANSWER SYNTAX, is the reference for the
 * options and the words. */
static void answer_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s answer CACHE KEY... [options] [VALUE...]\n"
		"       %s answer CACHE --stdin [options]\n"
		"Send answers to pending (or not yet pending) requests in one SET_REQS\n"
		"message and report the entries the kernel rejected.\n"
		"\n"
		"  auth.unix.ip CLASS ADDR DOMAIN     or  CLASS ADDR --negative\n"
		"  auth.unix.gid UID [GID...]         (--negative: an empty list)\n"
		"  nfsd.export CLIENT PATH [export options]  or  CLIENT PATH --negative\n"
		"  nfsd.fh CLIENT FSIDTYPE FSIDHEX PATH      or  ... FSIDHEX --negative\n"
		"\n"
		"The options, the words and the exit statuses: man 8 nlcachectl\n"
		"(ANSWER SYNTAX).\n%s",
		prog, prog, cache_names_help);
}

struct answers {
	const struct nlc_cache *cache;
	struct nlc_answer *a;
	unsigned int *lineno;	/* NULL: from the command line */
	size_t n;
	size_t cap;
	char **lines;		/* the input lines answers point into */
	size_t nlines;
};

static void answers_free(struct answers *as)
{
	size_t i;

	for (i = 0; i < as->n; i++)
		nlc_answer_free(&as->a[i]);
	for (i = 0; i < as->nlines; i++)
		free(as->lines[i]);
	free(as->a);
	free(as->lineno);
	free(as->lines);
}

static int answers_grow(struct answers *as)
{
	size_t cap = as->cap ? as->cap * 2 : 64;
	struct nlc_answer *a;
	unsigned int *ln;
	char **lines;

	a = realloc(as->a, cap * sizeof(*a));
	if (!a)
		return -1;
	as->a = a;
	ln = realloc(as->lineno, cap * sizeof(*ln));
	if (!ln)
		return -1;
	as->lineno = ln;
	lines = realloc(as->lines, cap * sizeof(*lines));
	if (!lines)
		return -1;
	as->lines = lines;
	as->cap = cap;
	return 0;
}

/* Read and parse every line of stdin. Returns 0, 1 (I/O) or 2 (usage). */
static int answers_read(struct answers *as, const struct nlc_answer *defaults)
{
	char err[256], **words = NULL, *line = NULL;
	unsigned int lineno = 0;
	int nw, ret = 0, max;
	size_t size = 0;
	ssize_t len;
	time_t now = time(NULL);

	while ((len = getline(&line, &size, stdin)) >= 0) {
		lineno++;
		if (as->n == as->cap && answers_grow(as))
			goto oom;
		max = (int)(len / 2 + 2);
		free(words);
		words = calloc((size_t)max + 1, sizeof(*words));
		if (!words)
			goto oom;
		nw = nlc_split_words(line, words + 1, max);
		if (nw < 0) {
			fprintf(stderr, "%s: line %u: %s\n", prog, lineno,
				errno == EINVAL ? "an escaped NUL byte" : "too many words");
			ret = 2;
			continue;
		}
		if (nw == 0)
			continue;
		words[0] = (char *)"stdin";
		if (nlc_answer_parse(&as->a[as->n], as->cache, nw + 1, words, defaults,
				     now, err, sizeof(err))) {
			nlc_answer_free(&as->a[as->n]);
			fprintf(stderr, "%s: line %u: %s\n", prog, lineno, err);
			ret = 2;
			continue;
		}
		/* The answer points into line: keep it, read into a new one. */
		as->lines[as->nlines++] = line;
		line = NULL;
		size = 0;
		as->lineno[as->n++] = lineno;
	}
	if (ferror(stdin)) {
		fprintf(stderr, "%s: reading standard input: %s\n", prog, strerror(errno));
		ret = 1;
	}
	free(words);
	free(line);
	return ret;
oom:
	fprintf(stderr, "%s: out of memory\n", prog);
	free(words);
	free(line);
	return 1;
}

static void entry_name(const struct answers *as, size_t i, char *buf, size_t size)
{
	if (i == SIZE_MAX)
		snprintf(buf, size, "entry ?");
	else if (as->lineno)
		snprintf(buf, size, "entry %zu (line %u)", i, as->lineno[i]);
	else
		snprintf(buf, size, "entry %zu", i);
}

static int answer_put(struct nl_msg *msg, size_t i, void *arg)
{
	const struct answers *as = arg;

	return nlc_answer_put(msg, &as->a[i]);
}

static void answer_rejected(size_t i, int err, const char *msg, bool local, void *arg)
{
	const struct answers *as = arg;
	char name[64];

	entry_name(as, i, name, sizeof(name));
	if (local)
		fprintf(stderr, "%s: %s not sent: it takes %zu bytes, more than %s\n", prog,
			name, nlc_answer_size(&as->a[i]),
			err == E2BIG ? "a netlink attribute can hold (65535)" :
			"fits in a netlink message");
	else if (msg && *msg)
		fprintf(stderr, "%s: %s rejected: %s (%s)\n", prog, name, msg, strerror(err));
	else
		fprintf(stderr, "%s: %s rejected: %s\n", prog, name, strerror(err));
}

static int answer_main(int argc, char **argv)
{
	static const struct nlc_batch_ops ops = {
		.put = answer_put,
		.rejected = answer_rejected,
	};
	struct nlc_batch_result res;
	struct answers as = {};
	struct nlc_answer cmd;
	const struct nlc_cache *c;
	char errbuf[256];
	struct nlc_sock s;
	bool failed = false;
	int ret, err;

	if (argc < 2)
		return usage_error("answer", "missing CACHE");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		answer_usage(stdout);
		return 0;
	}
	c = nlc_cache_lookup(argv[1]);
	if (!c) {
		fprintf(stderr, "%s: answer: unknown cache '%s'\n%s", prog, argv[1],
			cache_names_help);
		return 2;
	}
	as.cache = c;
	/* The words are in the cache channel encoding, as pending prints. */
	for (ret = 2; ret < argc; ret++) {
		if (nlc_unescape_word(argv[ret])) {
			snprintf(errbuf, sizeof(errbuf), "an escaped NUL byte in '%s'",
				 argv[ret]);
			return usage_error("answer", errbuf);
		}
	}
	if (nlc_answer_parse(&cmd, c, argc - 1, argv + 1, NULL, time(NULL), errbuf,
			     sizeof(errbuf))) {
		nlc_answer_free(&cmd);
		return usage_error("answer", errbuf);
	}
	if (cmd.help) {
		nlc_answer_free(&cmd);
		answer_usage(stdout);
		return 0;
	}
	if (cmd.use_stdin) {
		nlc_answer_free(&cmd);
		ret = answers_read(&as, &cmd);
		if (ret) {
			answers_free(&as);
			return ret;
		}
	} else {
		as.a = malloc(sizeof(*as.a));
		if (!as.a) {
			nlc_answer_free(&cmd);
			fprintf(stderr, "%s: out of memory\n", prog);
			return 1;
		}
		as.a[0] = cmd;
		as.n = as.cap = 1;
	}
	if (open_family(&s)) {
		answers_free(&as);
		return 1;
	}
	err = nlc_send_batch(&s, c, as.n, 0, &ops, &as, &res);
	if (err)
		report(&s, "answer", err);
	nlc_sock_close(&s);
	if (err || res.rejected || res.unsent)
		failed = true;
	if (cmd.verbose)
		printf("applied %zu\n", res.applied);
	answers_free(&as);
	if (fflush(stdout))
		failed = true;
	return failed ? 1 : 0;
}

/* --- flush ------------------------------------------------------------------------------- */

static void flush_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s flush [CACHE...]\n"
		"Flush the named caches (all when none is named), as writing\n"
		"/proc/net/rpc/<cache>/flush does.\n%s",
		prog, cache_names_help);
}

static int flush_main(int argc, char **argv)
{
	const struct nlc_cache *list[NLC_NCACHES];
	struct nl_msg *msg;
	struct nlc_sock s;
	uint32_t mask;
	int opt, err;
	size_t n;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", help_only, NULL)) != -1) {
		if (opt != 'h')
			return usage_error("flush", NULL);
		flush_usage(stdout);
		return 0;
	}
	if (parse_caches(argc - optind, argv + optind, &mask, list, &n))
		return 2;
	if (open_family(&s))
		return 1;
	msg = nlc_msg_new(&s, NLCACHE_CMD_CACHE_FLUSH, 0, 0);
	if (!msg || (n && nla_put_u32(msg, NLCACHE_A_CACHE_FLUSH_MASK, mask) < 0)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		nlmsg_free(msg);
		nlc_sock_close(&s);
		return 1;
	}
	err = nlc_request(&s, msg, NULL, NULL);
	nlmsg_free(msg);
	if (err)
		report(&s, "flush", err);
	nlc_sock_close(&s);
	return err ? 1 : 0;
}

/* --- register ----------------------------------------------------------------------------- */

static void register_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s register [--manage-gids] [--once] [CACHE...]\n"
		"Become the daemon of this network namespace for the named caches\n"
		"(default auth.unix.ip, nfsd.export and nfsd.fh; auth.unix.gid only\n"
		"when named or with --manage-gids): their upcalls queue for netlink\n"
		"instead of /proc/net/rpc/<cache>/channel. Prints\n"
		"  registered: <caches>\n"
		"  missing: <caches> (nfsd not loaded?)   (only if some do not exist)\n"
		"then holds the registration until SIGTERM, SIGINT or SIGHUP, and\n"
		"unregisters. Answer the requests meanwhile with '%s answer'.\n"
		"With --once it exits at once, and the kernel hands every pending\n"
		"request back to the /proc channel.\n%s",
		prog, prog, cache_names_help);
}

struct register_ctx {
	uint32_t caches;
	uint32_t missing;
	bool got;
};

static int register_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct register_ctx *ctx = arg;

	if (genl_cmd(nlh) != NLCACHE_CMD_REGISTER)
		return 0;
	if (nlc_register_reply_parse(nlh, &ctx->caches, &ctx->missing))
		return -EPROTO;
	ctx->got = true;
	return 0;
}

/* Wait for a signal in sigs; drain anything the socket gets meanwhile. */
static int hold(struct nlc_sock *s, const sigset_t *sigs)
{
	struct signalfd_siginfo si;
	struct pollfd pfd[2];
	char buf[8192];
	int sfd;

	sfd = signalfd(-1, sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "%s: signalfd: %s\n", prog, strerror(errno));
		return -1;
	}
	pfd[0].fd = sfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = nlc_sock_fd(s);
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			close(sfd);
			return -1;
		}
		if (pfd[0].revents & POLLIN) {
			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				break;
		}
		if (pfd[1].revents & POLLNVAL) {
			fprintf(stderr, "%s: the netlink socket went away\n", prog);
			close(sfd);
			return -1;
		}
		if (pfd[1].revents) {
			/* Nothing is expected here; keep the queue empty. */
			while (recv(pfd[1].fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0 ||
			       errno == ENOBUFS)
				;
		}
	}
	close(sfd);
	return 0;
}

static int register_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "manage-gids", no_argument, NULL, 'g' },
		{ "once", no_argument, NULL, '1' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const struct nlc_cache *list[NLC_NCACHES];
	bool gids = false, once = false;
	struct register_ctx ctx = {};
	char names[128];
	struct nl_msg *msg;
	struct nlc_sock s;
	sigset_t sigs, old;
	uint32_t mask;
	int opt, err, ret = 1;
	size_t n;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "gh", opts, NULL)) != -1) {
		switch (opt) {
		case 'g':
			gids = true;
			break;
		case '1':
			once = true;
			break;
		case 'h':
			register_usage(stdout);
			return 0;
		default:
			return usage_error("register", NULL);
		}
	}
	if (parse_caches(argc - optind, argv + optind, &mask, list, &n))
		return 2;
	if (!n)
		mask = NLCACHE_CACHE_TYPE_IP_MAP | NLCACHE_CACHE_TYPE_SVC_EXPORT |
		       NLCACHE_CACHE_TYPE_EXPKEY;
	if (gids)
		mask |= NLCACHE_CACHE_TYPE_UNIX_GID;

	/* Block the signals first: one that arrives before the wait stays
	 * pending for the signalfd instead of killing us registered. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	if (!once && sigprocmask(SIG_BLOCK, &sigs, &old) < 0) {
		fprintf(stderr, "%s: sigprocmask: %s\n", prog, strerror(errno));
		return 1;
	}
	if (open_family(&s))
		return 1;
	msg = nlc_msg_new(&s, NLCACHE_CMD_REGISTER, 0, 0);
	if (!msg || nla_put_u32(msg, NLCACHE_A_REGISTER_CACHES, mask) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		nlmsg_free(msg);
		goto out;
	}
	err = nlc_request(&s, msg, register_reply, &ctx);
	nlmsg_free(msg);
	if (err) {
		report(&s, "register", err);
		goto out;
	}
	mask_names(ctx.got ? ctx.caches : mask, names, sizeof(names));
	printf("registered: %s\n", names);
	if (ctx.missing) {
		mask_names(ctx.missing, names, sizeof(names));
		printf("missing: %s (nfsd not loaded?)\n", names);
	}
	if (fflush(stdout))
		goto out;
	if (once) {
		ret = 0;
		goto out;
	}
	if (hold(&s, &sigs))
		goto out;
	msg = nlc_msg_new(&s, NLCACHE_CMD_UNREGISTER, 0, 0);
	if (!msg) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	err = nlc_request(&s, msg, NULL, NULL);
	nlmsg_free(msg);
	if (err) {
		report(&s, "unregister", err);
		goto out;
	}
	ret = 0;
out:
	nlc_sock_close(&s);
	return ret;
}

/* --- monitor --------------------------------------------------------------------------------- */

static void monitor_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s monitor [--count N] [--timeout SECONDS]\n"
		"Join the '%s' multicast group and print one line per\n"
		"notification that requests are pending:\n"
		"  notify <comma-separated cache names>\n"
		"Stop after N notifications (exit 0) or SECONDS seconds (exit 0 if\n"
		"any came, else 1). Lost notifications are reported on stderr.\n",
		prog, NLCACHE_MCGRP_EXPORTD);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Print the notifications in one datagram; returns how many. */
static unsigned long monitor_datagram(const struct nlc_sock *s, const void *buf,
				      size_t len, unsigned long limit)
{
	const struct nlmsghdr *nlh;
	unsigned long n = 0;
	char names[128];
	size_t off = 0;
	uint32_t mask;

	for (; off + NLMSG_HDRLEN <= len && n < limit; off += NLMSG_ALIGN(nlh->nlmsg_len)) {
		nlh = (const struct nlmsghdr *)((const char *)buf + off);
		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len - off)
			break;
		if (nlh->nlmsg_type != s->family ||
		    genl_cmd(nlh) != NLCACHE_CMD_CACHE_NOTIFY)
			continue;
		if (nlc_notify_parse(nlh, &mask)) {
			fprintf(stderr, "%s: monitor: a malformed notification\n", prog);
			continue;
		}
		mask_names(mask, names, sizeof(names));
		printf("notify %s\n", names);
		fflush(stdout);
		n++;
	}
	return n;
}

static int monitor_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned long count = 0, seen = 0;
	int64_t deadline = -1, left;
	double timeout;
	struct nlc_sock s;
	struct pollfd pfd;
	const char *timeout_arg = NULL;
	uint32_t c32;
	char *end, *buf;
	int opt, err, ret = 1, r;
	ssize_t len;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (nlc_parse_u32(optarg, &c32) || !c32)
				return usage_error("monitor", "--count takes a positive number");
			count = c32;
			break;
		case 't':
			errno = 0;
			timeout = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(timeout) ||
			    timeout < 0 || timeout > 1e9)
				return usage_error("monitor", "--timeout takes seconds");
			deadline = (int64_t)(timeout * 1000);
			timeout_arg = optarg;
			break;
		case 'h':
			monitor_usage(stdout);
			return 0;
		default:
			return usage_error("monitor", NULL);
		}
	}
	if (optind != argc)
		return usage_error("monitor", "no arguments expected");
	if (deadline >= 0)
		deadline += now_ms();
	buf = malloc(65536);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	if (open_family(&s)) {
		free(buf);
		return 1;
	}
	err = nlc_sock_join_exportd(&s);
	if (err) {
		report(&s, "joining the exportd multicast group", err);
		goto out;
	}
	pfd.fd = nlc_sock_fd(&s);
	pfd.events = POLLIN;
	for (;;) {
		left = -1;
		if (deadline >= 0) {
			left = deadline - now_ms();
			if (left < 0)
				left = 0;
		}
		r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			goto out;
		}
		if (r == 0) {
			if (deadline >= 0 && now_ms() < deadline)
				continue;
			if (!seen)
				fprintf(stderr, "%s: monitor: timeout: no event in %s seconds\n",
					prog, timeout_arg);
			ret = seen ? 0 : 1;
			goto out;
		}
		len = recv(pfd.fd, buf, 65536, 0);
		if (len < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS) {
				fprintf(stderr, "%s: monitor: notifications were lost (ENOBUFS)\n",
					prog);
				continue;
			}
			fprintf(stderr, "%s: monitor: %s\n", prog, strerror(errno));
			goto out;
		}
		seen += monitor_datagram(&s, buf, (size_t)len, count ? count - seen : ~0UL);
		if (count && seen >= count) {
			ret = 0;
			goto out;
		}
	}
out:
	nlc_sock_close(&s);
	free(buf);
	return ret;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} subcommands[] = {
	{ "family", family_main, "show the nfsd_nlcache netlink family" },
	{ "status", status_main, "module, daemon and per-cache state and counters" },
	{ "pending", pending_main, "list the pending requests of each cache" },
	{ "answer", answer_main, "answer requests (one, or many from stdin)" },
	{ "flush", flush_main, "flush caches" },
	{ "register", register_main, "serve caches from this process until signalled" },
	{ "monitor", monitor_main, "print pending-request notifications" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s [--version] [--help] <command> [<args>]\n\nCommands:\n", prog);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].what);
	fprintf(f, "\n'%s <command> --help' describes a command.\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n", prog);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("%s %s\n", prog, NLC_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(stderr);
	return 2;
}
