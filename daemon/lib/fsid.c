// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Filehandle fsids and export uuids; see fsid.h.
 */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>

#include <linux/nfsd_nlcache.h>

#include "fsid.h"
#include "nlc_proto.h"
#include "qword.h"

/* the lengths are the protocol's (nlc_fsid_len) */
int nlc_fsid_type_len(int type)
{
	if (type < 0 || type >= NLC_FSID_NTYPES)
		return -1;
	return nlc_fsid_len((unsigned int)type);
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int nlc_fsid_parse(int type, const void *fsid, size_t len,
		   struct nlc_fsid_parsed *out)
{
	const uint8_t *b = fsid;
	uint32_t dev;
	uint64_t ino64;

	memset(out, 0, sizeof(*out));
	if (nlc_fsid_type_len(type) < 0 || len != (size_t)nlc_fsid_type_len(type))
		return -EINVAL;
	out->type = type;
	switch (type) {
	case NLC_FSID_DEV:
		dev = ntohl(get_u32(b));
		out->major = dev >> 16;
		out->minor = dev & 0xffff;
		out->inode = get_u32(b + 4);
		break;
	case NLC_FSID_NUM:
		out->fsidnum = get_u32(b);
		break;
	case NLC_FSID_MAJOR_MINOR:
		out->major = ntohl(get_u32(b));
		out->minor = ntohl(get_u32(b + 4));
		out->inode = get_u32(b + 8);
		break;
	case NLC_FSID_ENCODE_DEV:
		/* host order: the kernel's new_encode_dev() packing */
		dev = get_u32(b);
		out->major = (dev >> 8) & 0xfff;
		out->minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
		out->inode = get_u32(b + 4);
		break;
	case NLC_FSID_UUID4_INUM:
		out->inode = get_u32(b);
		out->uuid_len = 4;
		memcpy(out->uuid, b + 4, 4);
		break;
	case NLC_FSID_UUID8:
		out->uuid_len = 8;
		memcpy(out->uuid, b, 8);
		break;
	case NLC_FSID_UUID16:
		out->uuid_len = 16;
		memcpy(out->uuid, b, 16);
		break;
	case NLC_FSID_UUID16_INUM:
		memcpy(&ino64, b, sizeof(ino64));
		out->inode = ino64;
		out->uuid_len = 16;
		memcpy(out->uuid, b + 8, 16);
		break;
	}
	return 0;
}

int nlc_uuid_fold_bin(const uint8_t uuid[NLC_UUID_LEN], size_t len,
		      uint8_t *out)
{
	size_t i;

	if (len != 4 && len != 8 && len != 16)
		return -EINVAL;
	memset(out, 0, len);
	for (i = 0; i < NLC_UUID_LEN; i++)
		out[i % len] ^= uuid[i];
	return (int)len;
}

size_t nlc_uuid_fold(const char *str, size_t len, uint8_t *out)
{
	size_t pos = 0, used = 0;
	int v;

	if (len == 0 || len > NLC_UUID_LEN)
		return 0;
	memset(out, 0, len);
	for (; *str; str++) {
		v = nlc_hexval(*str);
		if (v < 0)
			continue;
		/* even positions are high nibbles */
		out[pos / 2] ^= (uint8_t)(pos % 2 ? v : v << 4);
		used++;
		if (++pos == 2 * len)
			pos = 0;
	}
	return used;
}

bool nlc_uuid_fsid_string(uint32_t w0, uint32_t w1,
			  char buf[NLC_FSID_HEXLEN])
{
	static const char hex[] = "0123456789abcdef";
	uint32_t w[2] = { w0, w1 };
	int i, j;

	buf[0] = '\0';
	if (!w0 && !w1)
		return false;
	for (i = 0; i < 2; i++)
		for (j = 0; j < 8; j++)
			buf[i * 8 + j] = hex[(w[i] >> (28 - 4 * j)) & 0xf];
	buf[16] = '\0';
	return true;
}

bool nlc_fstype_uses_blkid(unsigned long f_type)
{
	static const unsigned long no_blkid[] = {
		0x2fc12fc1,	/* ZFS */
		0x9123683e,	/* btrfs */
		0xff534d42,	/* CIFS */
		0x1373,		/* devfs */
		0x73757245,	/* Coda */
		0x564c,		/* NCP */
		0x6969,		/* NFS */
		0x9fa0,		/* proc */
		0x62656572,	/* sysfs */
		0x517b,		/* SMB */
		0x01021994,	/* tmpfs */
	};
	size_t i;

	for (i = 0; i < sizeof(no_blkid) / sizeof(no_blkid[0]); i++)
		if (no_blkid[i] == f_type)
			return false;
	return true;
}

bool nlc_blkid_type_usable(const char *blkid_type)
{
	return !blkid_type || strcmp(blkid_type, "btrfs") != 0;
}

bool nlc_uuid_from_sources(const struct nlc_uuid_sources *src, unsigned int n,
			   size_t len, uint8_t *out)
{
	char fsid_hex[NLC_FSID_HEXLEN];

	if (n != 0 || src->unknown)
		return false;
	if (src->blkid_uuid) {
		nlc_uuid_fold(src->blkid_uuid, len, out);
		return true;
	}
	if (src->have_f_fsid &&
	    nlc_uuid_fsid_string(src->f_fsid[0], src->f_fsid[1], fsid_hex)) {
		nlc_uuid_fold(fsid_hex, len, out);
		return true;
	}
	return false;
}

static bool uuid_matches(const struct nlc_fsid_parsed *req,
			 const struct nlc_export_fsid *exp,
			 const struct nlc_fs_ident *fs)
{
	uint8_t u[NLC_UUID_LEN];

	if (exp->uuid) {
		nlc_uuid_fold(exp->uuid, req->uuid_len, u);
		return memcmp(u, req->uuid, req->uuid_len) == 0;
	}
	return nlc_uuid_from_sources(&fs->uuid, 0, req->uuid_len, u) &&
	       memcmp(u, req->uuid, req->uuid_len) == 0;
}

bool nlc_fsid_match_unknown(const struct nlc_fsid_parsed *req,
			    const struct nlc_export_fsid *exp,
			    const struct nlc_fs_ident *fs)
{
	return req->uuid_len && !exp->uuid && fs->found && fs->uuid.unknown;
}

bool nlc_fsid_match(const struct nlc_fsid_parsed *req,
		    const struct nlc_export_fsid *exp,
		    const struct nlc_fs_ident *fs)
{
	if (!fs->found || !fs->dir_or_reg)
		return false;
	switch (req->type) {
	case NLC_FSID_DEV:
	case NLC_FSID_MAJOR_MINOR:
	case NLC_FSID_ENCODE_DEV:
		/* mountd compares all 64 bits of st_ino with the 32-bit slot */
		return fs->inode == req->inode &&
		       fs->major == req->major && fs->minor == req->minor;
	case NLC_FSID_NUM:
		return (exp->flags & NLCACHE_EXPORT_FLAGS_FSID) &&
		       exp->fsid == req->fsidnum;
	case NLC_FSID_UUID4_INUM:
		if (fs->inode != req->inode)
			return false;
		return uuid_matches(req, exp, fs);
	case NLC_FSID_UUID16_INUM:
		if (fs->inode != req->inode)
			return false;
		return uuid_matches(req, exp, fs);
	case NLC_FSID_UUID8:
	case NLC_FSID_UUID16:
		if (!fs->is_mountpoint)
			return false;
		return uuid_matches(req, exp, fs);
	}
	return false;
}

bool nlc_export_uuid(const char *path, const char *export_path,
		     const char *cfg_uuid, uint32_t eff_flags,
		     const struct nlc_uuid_sources *src,
		     uint8_t out[NLC_UUID_LEN])
{
	if (cfg_uuid && strcmp(path, export_path) == 0) {
		nlc_uuid_fold(cfg_uuid, NLC_UUID_LEN, out);
		return true;
	}
	if (eff_flags & NLCACHE_EXPORT_FLAGS_FSID)
		return false;
	return src && nlc_uuid_from_sources(src, 0, NLC_UUID_LEN, out);
}
