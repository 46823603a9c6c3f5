/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Filesystem identifiers as nfsd puts them in filehandles (the nfsd.fh
 * cache key) and the 16-byte "export uuid" an nfsd.export reply carries.
 *
 * Everything here is pure: the callers collect stat(), statfs() and
 * libblkid results and hand them in, so the byte-exact rules can be
 * tested without touching the system.
 */
#ifndef NLC_FSID_H
#define NLC_FSID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* fsid types, numbered as the kernel numbers them (fs/nfsd/nfsfh.h). */
enum nlc_fsid_type {
	NLC_FSID_DEV = 0,		/* 8: be32 major<<16|minor, u32 ino */
	NLC_FSID_NUM = 1,		/* 4: u32 fsid= number */
	NLC_FSID_MAJOR_MINOR = 2,	/* 12: be32 major, be32 minor, u32 ino */
	NLC_FSID_ENCODE_DEV = 3,	/* 8: u32 new_encode_dev, u32 ino */
	NLC_FSID_UUID4_INUM = 4,	/* 8: u32 ino, uuid folded to 4 */
	NLC_FSID_UUID8 = 5,		/* 8: uuid folded to 8 */
	NLC_FSID_UUID16 = 6,		/* 16: uuid */
	NLC_FSID_UUID16_INUM = 7,	/* 24: u64 ino, uuid */
	NLC_FSID_NTYPES = 8,
};

#define NLC_UUID_LEN 16
/* "%08x%08x" of statfs f_fsid plus NUL */
#define NLC_FSID_HEXLEN 17

/* Key length in bytes of @type, or -1 when @type is not 0..7. */
int nlc_fsid_type_len(int type);

/* What a filehandle's fsid says, decoded. u32 fields are in host order. */
struct nlc_fsid_parsed {
	int type;
	uint32_t major;		/* DEV, MAJOR_MINOR, ENCODE_DEV */
	uint32_t minor;
	uint64_t inode;		/* DEV, MAJOR_MINOR, ENCODE_DEV, UUID*_INUM */
	uint32_t fsidnum;	/* NUM */
	size_t uuid_len;	/* 4, 8 or 16 for the UUID types, else 0 */
	uint8_t uuid[NLC_UUID_LEN];	/* the folded uuid as sent */
};

/*
 * Decode the fsid bytes of an nfsd.fh request. Returns 0, or -EINVAL for
 * an unknown type or a length that is not the type's key length (the
 * request must then be dropped / answered negative, never matched).
 */
int nlc_fsid_parse(int type, const void *fsid, size_t len,
		   struct nlc_fsid_parsed *out);

/* Inputs from which nfsd builds each fsid type. */
struct nlc_fsid_src {
	uint32_t major;
	uint32_t minor;
	uint64_t inode;
	uint32_t fsidnum;
	uint8_t uuid[NLC_UUID_LEN];	/* the export's 16-byte uuid */
};

/*
 * mountd's uuid text folding: take the hex digits of @str in order
 * (anything else, e.g. '-', is skipped; either case), two per byte,
 * into @len bytes (1..16), XOR-ing digit i into digit position
 * i mod 2*len. So a 32-digit uuid folded to 8 bytes is bytes 0..7 XOR
 * bytes 8..15, a 16-digit f_fsid gives 8 bytes followed by zeros, an
 * 8-digit vfat serial gives 4 bytes followed by zeros. Returns the
 * number of hex digits used.
 */
size_t nlc_uuid_fold(const char *str, size_t len, uint8_t *out);

/* Fold 16 binary uuid bytes to 4, 8 or 16 bytes (word-wise XOR). */
int nlc_uuid_fold_bin(const uint8_t uuid[NLC_UUID_LEN], size_t len,
		      uint8_t *out);

/*
 * statfs f_fsid as mountd prints it ("%08x%08x" of the two words), into
 * @buf. Returns false (and an empty string) when both words are zero:
 * then the filesystem has no f_fsid uuid source.
 */
bool nlc_uuid_fsid_string(uint32_t w0, uint32_t w1,
			  char buf[NLC_FSID_HEXLEN]);

/*
 * False for the filesystems (by statfs f_type) whose libblkid UUID must
 * not be used: ZFS, btrfs, CIFS, devfs, Coda, NCP, NFS, proc, sysfs,
 * SMB, tmpfs. Their identity comes from f_fsid.
 */
bool nlc_fstype_uses_blkid(unsigned long f_type);

/* False when libblkid reports TYPE=btrfs (its UUID is then ignored). */
bool nlc_blkid_type_usable(const char *blkid_type);

/* The uuid sources of one filesystem, in mountd's order of preference. */
struct nlc_uuid_sources {
	const char *blkid_uuid;	/* usable blkid UUID string, or NULL */
	bool have_f_fsid;	/* statfs() succeeded */
	uint32_t f_fsid[2];
	/*
	 * The sources could not be read now (statfs failed, or libblkid
	 * could not examine the block device): which uuid the filesystem
	 * has is unknown, and f_fsid must not stand in for it.
	 */
	bool unknown;
};

/*
 * The filesystem's uuid as rpc.mountd (uuid_by_path type 0) derives it:
 * the blkid UUID if there is one, else f_fsid if non-zero, folded to
 * @len bytes into @out. Returns false when there is none, or when the
 * sources are unknown. Only @n 0 exists: nfs-utils 2.6.2 (and upstream)
 * look for blkid only when asked for source 0, so an f_fsid uuid of a
 * filesystem that has a blkid UUID never matches there; @n > 0 always
 * returns false.
 */
bool nlc_uuid_from_sources(const struct nlc_uuid_sources *src, unsigned int n,
			   size_t len, uint8_t *out);

/* The identity of one candidate path, gathered by the caller. */
struct nlc_fs_ident {
	bool found;		/* stat() succeeded */
	bool dir_or_reg;	/* S_ISDIR || S_ISREG */
	uint32_t major;		/* major(st_dev) */
	uint32_t minor;		/* minor(st_dev) */
	uint64_t inode;		/* st_ino */
	bool is_mountpoint;	/* needed by UUID8 / UUID16 only */
	struct nlc_uuid_sources uuid;
};

/* The fsid-relevant part of an export. */
struct nlc_export_fsid {
	uint32_t flags;		/* export flags; NFSEXP_FSID matters */
	uint32_t fsid;		/* fsid=N */
	const char *uuid;	/* fsid=<uuid> text, or NULL */
};

/*
 * Does the filehandle fsid @req name the filesystem @fs seen through
 * export @exp (section 3.2)? DEV-style types compare inode and device;
 * NUM compares the export's fsid= (FSID flag required); UUID4_INUM and
 * UUID16_INUM need the inode, UUID8 and UUID16 need a mountpoint; the
 * uuid is the export's fsid=<uuid> folded, else the filesystem's uuid
 * (nlc_uuid_from_sources source 0; never f_fsid when blkid has one).
 * Callers check nlc_fsid_match_unknown() first: with unknown sources
 * this returns false for the uuid types.
 *
 * The whole 64-bit st_ino is compared with the filehandle's inode, also
 * for the types with a 32-bit slot, as rpc.mountd does: a file whose
 * inode number needs more than 32 bits never matches those (the kernel
 * truncated it when it built the filehandle; mountd refuses it).
 */
bool nlc_fsid_match(const struct nlc_fsid_parsed *req,
		    const struct nlc_export_fsid *exp,
		    const struct nlc_fs_ident *fs);

/*
 * Whether @req cannot be decided for @fs now: a uuid type, no fsid=<uuid>
 * on the export, and the filesystem's uuid sources unknown. The request
 * then gets no answer yet (never one built from f_fsid).
 */
bool nlc_fsid_match_unknown(const struct nlc_fsid_parsed *req,
			    const struct nlc_export_fsid *exp,
			    const struct nlc_fs_ident *fs);

/*
 * The "uuid" field of a positive nfsd.export reply for @path served by
 * an export of @export_path. @eff_flags are the flags as sent (FSID
 * already masked off for a different filesystem unless reexport kept
 * it). Returns true and fills @out when a uuid is to be sent:
 *  - the export's fsid=<uuid>, when @path is the export path;
 *  - else uuid source 0 of @path's filesystem, unless FSID is set;
 *  - else none.
 */
bool nlc_export_uuid(const char *path, const char *export_path,
		     const char *cfg_uuid, uint32_t eff_flags,
		     const struct nlc_uuid_sources *src,
		     uint8_t out[NLC_UUID_LEN]);

#endif /* NLC_FSID_H */
