/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Export client specs (the host part of an exports/etab entry) and the
 * auth.unix.ip answer built from them: which specs an IP matches, and
 * the "domain" string the kernel gets back (all matching client names,
 * sorted byte-wise and joined with ',', "DEFAULT" when that is empty,
 * "$<addr>" in use_ipaddr mode, a negative answer when nothing matches).
 *
 * Every name-service call goes through struct nlc_resolver so that the
 * matching itself is pure; nlc_resolver_libc is the real one.
 */
#ifndef NLC_CLIENT_H
#define NLC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* Type order is also the precedence order of exports(5). */
enum nlc_client_type {
	NLC_CLIENT_FQDN = 0,	/* host name, or a bare IPv4/IPv6 literal */
	NLC_CLIENT_SUBNET,	/* addr/len, addr/mask (dotted or colon form) */
	NLC_CLIENT_WILDCARD,	/* contains * ? or [ (\ escapes) */
	NLC_CLIENT_NETGROUP,	/* @group */
	NLC_CLIENT_ANONYMOUS,	/* "*" or "" */
	NLC_CLIENT_GSS,		/* gss/krb5, gss/krb5i, gss/krb5p: never by IP */
	NLC_CLIENT_NTYPES
};

/* Addresses an FQDN client keeps (mountd's NFSCLNT_ADDRMAX). */
#define NLC_CLIENT_ADDRMAX 16
/* Auto use_ipaddr switches on above this many netgroup name bytes. */
#define NLC_CLIENT_IPADDR_THRESHOLD 512
#define NLC_HOST_NAMEMAX 256
#define NLC_HOST_ALIASMAX 8
/* Longest text nlc_addr_ntop writes, with its NUL. */
#define NLC_ADDR_STRLEN INET6_ADDRSTRLEN

/*
 * An IP address. Families are kept as written: like rpc.mountd, a
 * v4-mapped IPv6 address is IPv6 and never equals an IPv4 address (the
 * kernel sends v4-mapped callers as dotted quads).
 */
struct nlc_addr {
	sa_family_t family;	/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/*
 * Parse address text: a strict dotted quad, or any inet_pton IPv6 form
 * (including the uncompressed %pI6 text the kernel sends). No scope ids,
 * no host names. Returns 0 or -EINVAL.
 */
int nlc_addr_parse(const char *text, struct nlc_addr *a);
int nlc_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len,
			   struct nlc_addr *a);
bool nlc_addr_equal(const struct nlc_addr *x, const struct nlc_addr *y);
/* Numeric text (compressed IPv6); buf should hold NLC_ADDR_STRLEN. */
const char *nlc_addr_ntop(const struct nlc_addr *a, char *buf, size_t size);

/* Result of a forward lookup (like a struct hostent). */
struct nlc_hostent {
	char name[NLC_HOST_NAMEMAX];	/* canonical name, may be "" */
	char aliases[NLC_HOST_ALIASMAX][NLC_HOST_NAMEMAX];
	unsigned int naliases;
	struct nlc_addr addrs[NLC_CLIENT_ADDRMAX];
	unsigned int naddrs;
};

/*
 * Name services. reverse, forward and aliases return 0 on success,
 * -ENOENT when the name or address is unknown, another negative errno
 * (-EAGAIN...) on a transient failure; innetgr returns 1 when host is in
 * netgroup. forward is getaddrinfo(AI_CANONNAME) (names and addresses);
 * aliases is gethostbyname (only h->aliases is used). Any member may be
 * NULL, which behaves as "not found".
 */
struct nlc_resolver {
	int (*reverse)(void *cookie, const struct nlc_addr *a,
		       char *name, size_t size);
	int (*forward)(void *cookie, const char *name, struct nlc_hostent *h);
	int (*aliases)(void *cookie, const char *name, struct nlc_hostent *h);
	int (*innetgr)(void *cookie, const char *netgroup, const char *host);
	/* optional: forward(name) will follow soon, start asking now */
	void (*prefetch)(void *cookie, const char *name);
	void *cookie;
};

/*
 * getnameinfo(NI_NAMEREQD), getaddrinfo(AI_CANONNAME), gethostbyname_r
 * and innetgr(3) (serialised: glibc's netgroup iteration is not
 * thread-safe).
 */
extern const struct nlc_resolver nlc_resolver_libc;

struct nlc_client {
	enum nlc_client_type type;
	char *spec;		/* as written */
	/*
	 * The name that goes into the domain string: the spec, except for
	 * FQDN clients, where it is the canonical name once resolved.
	 */
	char *name;
	/* NLC_CLIENT_SUBNET */
	struct nlc_addr net;
	struct nlc_addr mask;
	/* NLC_CLIENT_FQDN */
	struct nlc_addr addrs[NLC_CLIENT_ADDRMAX];
	unsigned int naddrs;
	bool literal;		/* an IP literal: no DNS, ever */
	/*
	 * Where rpc.mountd's rule is a bug nlcached copies (so it never
	 * grants what mountd refuses), the text of a load-time warning.
	 */
	const char *quirk;
	bool quirk_told;	/* the warning was logged for this load */
	/*
	 * The lookup failed for now (not "no such name"): the last good
	 * addresses. They match nothing (as in rpc.mountd, the client has no
	 * address), but a request from one of them waits for the name.
	 */
	struct nlc_addr held[NLC_CLIENT_ADDRMAX];
	unsigned int nheld;
	/*
	 * NLC_CLIENT_FQDN: the earlier FQDN client this one shares an
	 * address with, or NULL. rpc.mountd's client_lookup files an FQDN
	 * spec under the first client already holding one of its
	 * addresses: the spec's exports belong to that client (its name is
	 * what domains carry, its addresses are the ones that match), and
	 * the spec is never a client of its own.
	 */
	struct nlc_client *merged;
	/* merged, and some of its addresses are not the target's (those
	 * addresses match nothing, as in rpc.mountd) */
	bool merged_lossy;
	bool merge_told;	/* the load warning about it was logged */
};

/* The client an export of @c belongs to: @c, or the one it merged into. */
static inline const struct nlc_client *
nlc_client_owner(const struct nlc_client *c)
{
	return c->merged ? c->merged : c;
}

/* Classify a spec without parsing it any further. */
enum nlc_client_type nlc_client_gettype(const char *spec);
/*
 * Parse one spec into a new client (free with nlc_client_free). FQDN
 * names are left unresolved (naddrs 0, never match) unless they are IP
 * literals. Returns NULL with errno EINVAL (bad subnet) or ENOMEM.
 */
struct nlc_client *nlc_client_parse(const char *spec);
void nlc_client_free(struct nlc_client *c);

/* The distinct clients of a set of exports, in the order first seen. */
struct nlc_client_list {
	struct nlc_client **v;
	size_t n, cap;
	/* (type, spec ignoring case) -> 1 + index into v */
	size_t *hash;
	size_t hashcap;		/* a power of two, or 0 */
};

void nlc_client_list_init(struct nlc_client_list *l);
void nlc_client_list_free(struct nlc_client_list *l);
/*
 * Add spec unless a client of the same type and spec (ignoring case)
 * is already there. *out (may be NULL) gets the list's client either
 * way. Returns 0 or a negative errno.
 */
int nlc_client_list_add(struct nlc_client_list *l, const char *spec,
			struct nlc_client **out);
bool nlc_client_list_has(const struct nlc_client_list *l,
			 enum nlc_client_type type);

/*
 * Forward-resolve every non-literal FQDN client of l (at export load),
 * all asked at once first when the resolver can (prefetch). On success
 * the addresses (up to NLC_CLIENT_ADDRMAX) and canonical name replace the
 * old ones. On failure the client matches nothing, as in rpc.mountd; if
 * the failure may pass (any error but -ENOENT), it holds its last good
 * addresses and name (its own, or those of the same spec in prev, the
 * previous generation; may be NULL or l itself): see
 * nlc_client_list_held. Then the FQDN clients are merged as rpc.mountd
 * merges them (nlc_client_list_merge). Returns how many lookups failed.
 */
unsigned int nlc_client_list_resolve(struct nlc_client_list *l,
				     const struct nlc_resolver *r,
				     const struct nlc_client_list *prev);

/*
 * Is @a one of the held addresses of a client whose lookup failed for now?
 * Then a request from it waits (it may be that host). *name (may be NULL)
 * gets the client's spec.
 */
bool nlc_client_list_held(const struct nlc_client_list *l, const struct nlc_addr *a,
			  const char **name);

/*
 * Set ->merged of every FQDN client of l, in list order: the first
 * earlier FQDN client that is not merged itself and has an address in
 * common. Clients without addresses take no part. Returns how many
 * clients were merged.
 */
unsigned int nlc_client_list_merge(struct nlc_client_list *l);

/* Who is asking: an address and the name it is known by. */
struct nlc_caller {
	struct nlc_addr addr;
	char ip[NLC_ADDR_STRLEN];	/* numeric text of addr */
	/* Reverse (PTR) name, not forward-confirmed, as rpc.mountd uses it. */
	char name[NLC_HOST_NAMEMAX];
	bool named;			/* name is set */
};

/*
 * Resolve the caller. DNS is used only when l has a wildcard or
 * netgroup client: one reverse lookup. Wildcards and netgroups match
 * nothing for a caller without a reverse name (as in rpc.mountd: the
 * address text is never matched against a wildcard, and a netgroup's
 * address entries are only tried for callers with a name).
 */
void nlc_caller_resolve(struct nlc_caller *c, const struct nlc_addr *addr,
			const struct nlc_client_list *l,
			const struct nlc_resolver *r);

/* Whether client c matches the caller. */
bool nlc_client_check(const struct nlc_client *c, const struct nlc_caller *who,
		      const struct nlc_resolver *r);

/*
 * The sorted, comma-joined, de-duplicated names of every client in l
 * that matches (merged clients are not clients of their own). Returns the number of matching clients (0: none, buf is
 * ""), or -ENOSPC if buf is too small.
 */
int nlc_client_compose(const struct nlc_client_list *l,
		       const struct nlc_caller *who,
		       const struct nlc_resolver *r, char *buf, size_t size);

/* Whether name is one element of a comma-separated domain (exact case). */
bool nlc_client_member(const char *domain, const char *name);

/* use_ipaddr setting: auto, or forced on (-i / cache-use-ipaddr=y). */
enum nlc_ipaddr_mode {
	NLC_IPADDR_AUTO = 0,
	NLC_IPADDR_FORCED,
};

/* Whether use_ipaddr is in effect for this client list. */
bool nlc_client_use_ipaddr(const struct nlc_client_list *l,
			   enum nlc_ipaddr_mode mode);

/*
 * The auth.unix.ip answer for the address text of a request. Returns 1
 * with the domain in buf, 0 for a negative answer (no client matches;
 * also in use_ipaddr mode), -EINVAL when the text is not an address,
 * -ENOSPC when buf is too small.
 */
int nlc_auth_unix_ip(const struct nlc_client_list *l,
		     const struct nlc_resolver *r, const char *addrtext,
		     bool use_ipaddr, char *buf, size_t size);

/*
 * Choosing among several exports of one path that all match the caller
 * (mountd's lookup_export). The caller supplies the candidates in export
 * list order, each with the type of the client that matched.
 */
struct nlc_export_cand {
	enum nlc_client_type type;
	bool v4root;		/* NFSEXP_V4ROOT */
	bool crossmnt;		/* NFSEXP_CROSSMOUNT */
	size_t pathlen;		/* strlen of the export's path */
};

/*
 * Visit the candidates by type, then list order; the first is the
 * choice, and a later one replaces it only if the choice is V4ROOT and
 * the candidate is not, or, neither being V4ROOT, either is crossmnt and
 * the candidate's path is longer. Returns the winner's index, or -1 when
 * n is 0. *arbitrary (may be NULL) is set when two candidates of the
 * winner's type tied and the earlier was kept (mountd warns "exported to
 * both ... arbitrarily choosing options from first").
 */
int nlc_export_choose(const struct nlc_export_cand *c, size_t n,
		      bool *arbitrary);

#endif /* NLC_CLIENT_H */
