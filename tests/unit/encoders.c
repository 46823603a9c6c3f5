// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Encoders the tests need and nlcached does not: exports entries rendered
 * as exportfs writes etab (to compare parses of etab and of exports), and
 * fsids built as nfsd puts them in filehandles (nfsd.fh request keys).
 * Linked only into the unit tests (libnlctest.a).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>

#include <linux/nfsd_nlcache.h>

#include "encoders.h"
#include "strbuf.h"

/* ---- etab text --------------------------------------------------------- */

static const char *onoff(uint32_t flags, uint32_t mask, const char *set,
			 const char *clear)
{
	return (flags & mask) ? set : clear;
}

/* The per-flavour flags, in exportfs's order, where @mask has them. */
static void sec_flags_out(struct nlc_strbuf *w, uint32_t f, uint32_t mask)
{
	static const struct {
		uint32_t bit;
		const char *set, *clear;
	} sec[] = {
		{ NLCACHE_EXPORT_FLAGS_READONLY, "ro", "rw" },
		{ NLCACHE_EXPORT_FLAGS_INSECURE_PORT, "insecure", "secure" },
		{ NLCACHE_EXPORT_FLAGS_ROOTSQUASH, "root_squash", "no_root_squash" },
		{ NLCACHE_EXPORT_FLAGS_ALLSQUASH, "all_squash", "no_all_squash" },
	};

	for (size_t i = 0; i < sizeof(sec) / sizeof(sec[0]); i++)
		if (mask & sec[i].bit)
			nlc_strbuf_printf(w, ",%s", onoff(f, sec[i].bit, sec[i].set,
							  sec[i].clear));
}

static void opts_out(struct nlc_strbuf *w, const struct nlc_export_opts *o,
		     uint32_t mask)
{
	uint32_t f = o->flags;
	static const char *const xs[] = { NULL, "none", "tls", NULL, "mtls" };

	nlc_strbuf_printf(w, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s",
		onoff(f, NLCACHE_EXPORT_FLAGS_READONLY, "ro", "rw"),
		onoff(f, NLCACHE_EXPORT_FLAGS_ASYNC, "async", "sync"),
		onoff(f, NLCACHE_EXPORT_FLAGS_GATHERED_WRITES, "wdelay", "no_wdelay"),
		onoff(f, NLCACHE_EXPORT_FLAGS_NOHIDE, "nohide", "hide"),
		onoff(f, NLCACHE_EXPORT_FLAGS_CROSSMOUNT, "crossmnt", "nocrossmnt"),
		onoff(f, NLCACHE_EXPORT_FLAGS_INSECURE_PORT, "insecure", "secure"),
		onoff(f, NLCACHE_EXPORT_FLAGS_ROOTSQUASH, "root_squash", "no_root_squash"),
		onoff(f, NLCACHE_EXPORT_FLAGS_ALLSQUASH, "all_squash", "no_all_squash"),
		onoff(f, NLCACHE_EXPORT_FLAGS_NOSUBTREECHECK, "no_subtree_check", "subtree_check"),
		onoff(f, NLCACHE_EXPORT_FLAGS_NOAUTHNLM, "insecure_locks", "secure_locks"),
		onoff(f, NLCACHE_EXPORT_FLAGS_NOACL, "no_acl", "acl"));
	if (f & NLCACHE_EXPORT_FLAGS_NOREADDIRPLUS)
		nlc_strbuf_printf(w, ",nordirplus");
	if (f & NLCACHE_EXPORT_FLAGS_SECURITY_LABEL)
		nlc_strbuf_printf(w, ",security_label");
	if (f & NLCACHE_EXPORT_FLAGS_SIGN_FH)
		nlc_strbuf_printf(w, ",sign_fh");
	nlc_strbuf_printf(w, ",%s", onoff(f, NLCACHE_EXPORT_FLAGS_PNFS, "pnfs", "no_pnfs"));
	if (f & NLCACHE_EXPORT_FLAGS_FSID)
		nlc_strbuf_printf(w, ",fsid=%u", o->fsid);
	if (o->has_uuid && o->uuid_text)
		nlc_strbuf_printf(w, ",fsid=%s", o->uuid_text);
	if (o->reexport == NLC_REEXPORT_AUTO_FSIDNUM)
		nlc_strbuf_printf(w, ",reexport=auto-fsidnum");
	else if (o->reexport == NLC_REEXPORT_PREDEFINED_FSIDNUM)
		nlc_strbuf_printf(w, ",reexport=predefined-fsidnum");
	if (o->mountpoint)
		nlc_strbuf_printf(w, ",mountpoint%s%s", o->mountpoint[0] ? "=" : "",
			   o->mountpoint);
	if (o->fsloc != NLC_FSLOC_NONE && o->fsloc_data)
		nlc_strbuf_printf(w, ",%s=%s",
			   o->fsloc == NLC_FSLOC_REFER ? "refer" : "replicas",
			   o->fsloc_data);
	if (o->squash_uids)
		nlc_strbuf_printf(w, ",squash_uids=%s", o->squash_uids);
	if (o->squash_gids)
		nlc_strbuf_printf(w, ",squash_gids=%s", o->squash_gids);
	nlc_strbuf_printf(w, ",anonuid=%d,anongid=%d", (int32_t)o->anonuid,
		   (int32_t)o->anongid);
	if (!o->nsec) {
		nlc_strbuf_printf(w, ",sec=sys");
		sec_flags_out(w, f, mask);
	}
	for (unsigned int i = 0; i < o->nsec;) {
		unsigned int j = i + 1;

		nlc_strbuf_printf(w, ",sec=%s", o->sec[i].name);
		while (j < o->nsec && o->sec[j].flags == o->sec[i].flags)
			nlc_strbuf_printf(w, ":%s", o->sec[j++].name);
		sec_flags_out(w, o->sec[i].flags, mask);
		i = j;
	}
	for (unsigned int i = 0; i < o->nxprtsec; i++)
		nlc_strbuf_printf(w, "%s%s", i ? ":" : ",xprtsec=",
			   o->xprtsec[i] < 5 && xs[o->xprtsec[i]]
				   ? xs[o->xprtsec[i]] : "?");
}

static ssize_t out_end(struct nlc_strbuf *w)
{
	if (w->failed) {
		errno = ENOSPC;
		return -1;
	}
	return (ssize_t)w->len;
}

ssize_t nlc_export_opts_format(const struct nlc_export_opts *o,
			       uint32_t secinfo_mask, char *buf, size_t size)
{
	struct nlc_strbuf w;

	nlc_strbuf_fixed(&w, buf, size);
	opts_out(&w, o, secinfo_mask);
	return out_end(&w);
}

static bool path_needs_escape(unsigned char c)
{
	return iscntrl(c) || isspace(c) || c == '"' || c == '\\' || c == '#';
}

ssize_t nlc_export_format_etab(const struct nlc_export_entry *e,
			       uint32_t secinfo_mask, char *buf, size_t size)
{
	struct nlc_strbuf w;

	nlc_strbuf_fixed(&w, buf, size);
	for (const unsigned char *p = (const unsigned char *)e->path; *p; p++)
		if (path_needs_escape(*p))
			nlc_strbuf_printf(&w, "\\%03o", *p);
		else
			nlc_strbuf_printf(&w, "%c", *p);
	nlc_strbuf_printf(&w, "\t%s(", e->client);
	opts_out(&w, &e->opts, secinfo_mask);
	nlc_strbuf_printf(&w, ")\n");
	return out_end(&w);
}

/* ---- fsids ------------------------------------------------------------ */

static void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

int nlc_fsid_encode(int type, const struct nlc_fsid_src *src, uint8_t *out)
{
	uint32_t ino32 = (uint32_t)src->inode;
	uint64_t ino64 = src->inode;

	switch (type) {
	case NLC_FSID_DEV:
		if (src->major > 0xffff || src->minor > 0xffff)
			return -EINVAL;
		put_u32(out, htonl(src->major << 16 | src->minor));
		put_u32(out + 4, ino32);
		break;
	case NLC_FSID_NUM:
		put_u32(out, src->fsidnum);
		break;
	case NLC_FSID_MAJOR_MINOR:
		put_u32(out, htonl(src->major));
		put_u32(out + 4, htonl(src->minor));
		put_u32(out + 8, ino32);
		break;
	case NLC_FSID_ENCODE_DEV:
		if (src->major > 0xfff || src->minor > 0xfffff)
			return -EINVAL;
		put_u32(out, (src->minor & 0xff) | src->major << 8 |
			     (src->minor & ~0xffu) << 12);
		put_u32(out + 4, ino32);
		break;
	case NLC_FSID_UUID4_INUM:
		put_u32(out, ino32);
		nlc_uuid_fold_bin(src->uuid, 4, out + 4);
		break;
	case NLC_FSID_UUID8:
		nlc_uuid_fold_bin(src->uuid, 8, out);
		break;
	case NLC_FSID_UUID16:
		memcpy(out, src->uuid, 16);
		break;
	case NLC_FSID_UUID16_INUM:
		memcpy(out, &ino64, sizeof(ino64));
		memcpy(out + 8, src->uuid, 16);
		break;
	default:
		return -EINVAL;
	}
	return nlc_fsid_type_len(type);
}
