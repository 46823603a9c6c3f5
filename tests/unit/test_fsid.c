// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Filehandle fsid layouts, mountd's uuid folding, fsid matching and the
 * nfsd.export uuid rules. The expected bytes are written out by hand from
 * the documented layouts (fs/nfsd/nfsfh.h mk_fsid), not computed by the
 * code under test.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/nfsd_nlcache.h>

#include "fsid.h"
#include "nlc_proto.h"
#include "qword.h"
#include "encoders.h"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LE 1
#else
#define LE 0
#endif

static const char uuid_str[] = "12345678-9abc-def0-1122-334455667788";
static const uint8_t uuid_bin[16] = {
	0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
};
/* bytes 0..7 ^ 8..15 and the four 32-bit words XOR-ed */
static const uint8_t uuid_fold8[8] = {
	0x03, 0x16, 0x65, 0x3c, 0xcf, 0xda, 0xa9, 0x78,
};
static const uint8_t uuid_fold4[4] = { 0xcc, 0xcc, 0xcc, 0x44 };

static void test_key_lengths(void **state)
{
	static const int want[8] = { 8, 4, 12, 8, 8, 8, 16, 24 };
	int t;

	(void)state;
	for (t = 0; t < 8; t++) {
		assert_int_equal(nlc_fsid_type_len(t), want[t]);
		/* agrees with the netlink layer's table */
		assert_int_equal(nlc_fsid_len((unsigned int)t), want[t]);
	}
	assert_int_equal(nlc_fsid_type_len(-1), -1);
	assert_int_equal(nlc_fsid_type_len(8), -1);
}

static void test_num_from_kernel_text(void **state)
{
	/* the kernel's request for fsid=1: "nfsd 1 \x01000000" */
	const char *line = "nfsd 1 \\x01000000\n";
	char dom[16], fsid[32];
	unsigned int type;
	ssize_t n;
	struct nlc_fsid_parsed p;
	struct nlc_fsid_src src = { .fsidnum = 1 };
	uint8_t out[NLC_FSID_MAX];

	(void)state;
	assert_int_equal(nlc_qword_get(&line, dom, sizeof(dom)), 4);
	assert_int_equal(nlc_qword_get_uint(&line, &type), 0);
	assert_int_equal(type, NLC_FSID_NUM);
	n = nlc_qword_get(&line, fsid, sizeof(fsid));
	assert_int_equal(n, 4);
	assert_int_equal(nlc_fsid_parse((int)type, fsid, (size_t)n, &p), 0);
	assert_int_equal(p.type, NLC_FSID_NUM);
	if (LE)
		assert_int_equal(p.fsidnum, 1);
	else
		assert_int_equal(p.fsidnum, 0x01000000);

	assert_int_equal(nlc_fsid_encode(NLC_FSID_NUM, &src, out), 4);
	if (LE)
		assert_memory_equal(out, "\x01\x00\x00\x00", 4);
	else
		assert_memory_equal(out, "\x00\x00\x00\x01", 4);
}

static void test_dev_layout(void **state)
{
	struct nlc_fsid_src src = { .major = 8, .minor = 1, .inode = 2 };
	uint8_t out[NLC_FSID_MAX];
	struct nlc_fsid_parsed p;

	(void)state;
	assert_int_equal(nlc_fsid_encode(NLC_FSID_DEV, &src, out), 8);
	/* big-endian major<<16|minor, then the inode in host order */
	assert_memory_equal(out, "\x00\x08\x00\x01", 4);
	if (LE)
		assert_memory_equal(out + 4, "\x02\x00\x00\x00", 4);
	assert_int_equal(nlc_fsid_parse(NLC_FSID_DEV, out, 8, &p), 0);
	assert_int_equal(p.major, 8);
	assert_int_equal(p.minor, 1);
	assert_int_equal(p.inode, 2);
	assert_int_equal(p.uuid_len, 0);

	/* 16-bit fields only */
	src.major = 0x10000;
	assert_int_equal(nlc_fsid_encode(NLC_FSID_DEV, &src, out), -EINVAL);
	/* inode slot takes the low 32 bits */
	src.major = 0x1234;
	src.minor = 0xabcd;
	src.inode = 0x500000007ull;
	assert_int_equal(nlc_fsid_encode(NLC_FSID_DEV, &src, out), 8);
	assert_memory_equal(out, "\x12\x34\xab\xcd", 4);
	assert_int_equal(nlc_fsid_parse(NLC_FSID_DEV, out, 8, &p), 0);
	assert_int_equal(p.major, 0x1234);
	assert_int_equal(p.minor, 0xabcd);
	assert_int_equal(p.inode, 7);
}

static void test_major_minor_layout(void **state)
{
	struct nlc_fsid_src src = { .major = 8, .minor = 0x10001, .inode = 2 };
	uint8_t out[NLC_FSID_MAX];
	struct nlc_fsid_parsed p;

	(void)state;
	assert_int_equal(nlc_fsid_encode(NLC_FSID_MAJOR_MINOR, &src, out), 12);
	assert_memory_equal(out, "\x00\x00\x00\x08\x00\x01\x00\x01", 8);
	if (LE)
		assert_memory_equal(out + 8, "\x02\x00\x00\x00", 4);
	assert_int_equal(nlc_fsid_parse(NLC_FSID_MAJOR_MINOR, out, 12, &p), 0);
	assert_int_equal(p.major, 8);
	assert_int_equal(p.minor, 0x10001);
	assert_int_equal(p.inode, 2);
}

static void test_encode_dev_layout(void **state)
{
	/* new_encode_dev(259:0x12345) = 0x45 | 259<<8 | 0x12300<<12 */
	struct nlc_fsid_src src = { .major = 259, .minor = 0x12345,
				    .inode = 0x80 };
	uint8_t out[NLC_FSID_MAX];
	struct nlc_fsid_parsed p;

	(void)state;
	assert_int_equal(nlc_fsid_encode(NLC_FSID_ENCODE_DEV, &src, out), 8);
	if (LE) {
		assert_memory_equal(out, "\x45\x03\x31\x12", 4);
		assert_memory_equal(out + 4, "\x80\x00\x00\x00", 4);
	}
	assert_int_equal(nlc_fsid_parse(NLC_FSID_ENCODE_DEV, out, 8, &p), 0);
	assert_int_equal(p.major, 259);
	assert_int_equal(p.minor, 0x12345);
	assert_int_equal(p.inode, 0x80);

	src.major = 0x1000;
	assert_int_equal(nlc_fsid_encode(NLC_FSID_ENCODE_DEV, &src, out),
			 -EINVAL);
	src.major = 1;
	src.minor = 0x100000;
	assert_int_equal(nlc_fsid_encode(NLC_FSID_ENCODE_DEV, &src, out),
			 -EINVAL);
}

static void test_uuid_layouts(void **state)
{
	struct nlc_fsid_src src = { .inode = 0x1122334455667788ull };
	uint8_t out[NLC_FSID_MAX];
	struct nlc_fsid_parsed p;

	(void)state;
	memcpy(src.uuid, uuid_bin, 16);

	assert_int_equal(nlc_fsid_encode(NLC_FSID_UUID4_INUM, &src, out), 8);
	if (LE)
		assert_memory_equal(out, "\x88\x77\x66\x55", 4);
	assert_memory_equal(out + 4, uuid_fold4, 4);
	assert_int_equal(nlc_fsid_parse(NLC_FSID_UUID4_INUM, out, 8, &p), 0);
	assert_int_equal(p.inode, 0x55667788);
	assert_int_equal(p.uuid_len, 4);
	assert_memory_equal(p.uuid, uuid_fold4, 4);

	assert_int_equal(nlc_fsid_encode(NLC_FSID_UUID8, &src, out), 8);
	assert_memory_equal(out, uuid_fold8, 8);
	assert_int_equal(nlc_fsid_parse(NLC_FSID_UUID8, out, 8, &p), 0);
	assert_int_equal(p.uuid_len, 8);
	assert_memory_equal(p.uuid, uuid_fold8, 8);
	assert_int_equal(p.inode, 0);

	assert_int_equal(nlc_fsid_encode(NLC_FSID_UUID16, &src, out), 16);
	assert_memory_equal(out, uuid_bin, 16);
	assert_int_equal(nlc_fsid_parse(NLC_FSID_UUID16, out, 16, &p), 0);
	assert_int_equal(p.uuid_len, 16);
	assert_memory_equal(p.uuid, uuid_bin, 16);

	assert_int_equal(nlc_fsid_encode(NLC_FSID_UUID16_INUM, &src, out), 24);
	if (LE)
		assert_memory_equal(out,
				    "\x88\x77\x66\x55\x44\x33\x22\x11", 8);
	assert_memory_equal(out + 8, uuid_bin, 16);
	assert_int_equal(nlc_fsid_parse(NLC_FSID_UUID16_INUM, out, 24, &p), 0);
	assert_true(p.inode == 0x1122334455667788ull);
	assert_int_equal(p.uuid_len, 16);
	assert_memory_equal(p.uuid, uuid_bin, 16);
}

static void test_parse_rejects_bad_lengths(void **state)
{
	uint8_t buf[32] = { 0 };
	struct nlc_fsid_parsed p;
	int t, len;

	(void)state;
	for (t = 0; t < NLC_FSID_NTYPES; t++)
		for (len = 0; len <= 32; len++)
			assert_int_equal(nlc_fsid_parse(t, buf, (size_t)len, &p),
					 len == nlc_fsid_type_len(t) ? 0 : -EINVAL);
	assert_int_equal(nlc_fsid_parse(8, buf, 8, &p), -EINVAL);
	assert_int_equal(nlc_fsid_parse(-1, buf, 8, &p), -EINVAL);
	assert_int_equal(nlc_fsid_encode(8, &(struct nlc_fsid_src){ 0 }, buf),
			 -EINVAL);
}

static void test_uuid_fold_text(void **state)
{
	uint8_t u[16];
	static const char upper[] = "12345678-9ABC-DEF0-1122-334455667788";
	static const char nodash[] = "123456789abcdef01122334455667788";

	(void)state;
	assert_int_equal(nlc_uuid_fold(uuid_str, 16, u), 32);
	assert_memory_equal(u, uuid_bin, 16);
	assert_int_equal(nlc_uuid_fold(upper, 16, u), 32);
	assert_memory_equal(u, uuid_bin, 16);
	assert_int_equal(nlc_uuid_fold(nodash, 16, u), 32);
	assert_memory_equal(u, uuid_bin, 16);
	assert_int_equal(nlc_uuid_fold(uuid_str, 8, u), 32);
	assert_memory_equal(u, uuid_fold8, 8);
	assert_int_equal(nlc_uuid_fold(uuid_str, 4, u), 32);
	assert_memory_equal(u, uuid_fold4, 4);

	/* the binary fold agrees with the text fold */
	assert_int_equal(nlc_uuid_fold_bin(uuid_bin, 8, u), 8);
	assert_memory_equal(u, uuid_fold8, 8);
	assert_int_equal(nlc_uuid_fold_bin(uuid_bin, 4, u), 4);
	assert_memory_equal(u, uuid_fold4, 4);
	assert_int_equal(nlc_uuid_fold_bin(uuid_bin, 5, u), -EINVAL);
}

static void test_uuid_fold_short_and_long(void **state)
{
	uint8_t u[16];

	(void)state;
	/* vfat serial: 4 bytes then zeros */
	memset(u, 0x5a, sizeof(u));
	assert_int_equal(nlc_uuid_fold("ABCD-1234", 16, u), 8);
	assert_memory_equal(u, "\xab\xcd\x12\x34\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_int_equal(nlc_uuid_fold("ABCD-1234", 4, u), 8);
	assert_memory_equal(u, "\xab\xcd\x12\x34", 4);
	/* NTFS-style 16 digits folded to 4: halves XOR-ed */
	assert_int_equal(nlc_uuid_fold("0123456789ABCDEF", 4, u), 16);
	assert_memory_equal(u, "\x88\x88\x88\x88", 4);
	/* odd digit count: the last digit lands in a high nibble */
	assert_int_equal(nlc_uuid_fold("abc", 1, u), 3);
	assert_int_equal(u[0], 0xab ^ 0xc0);
	/* 40 digits into 16 bytes: digits 32.. wrap onto byte 0.. */
	assert_int_equal(nlc_uuid_fold("00000000000000000000000000000000ff01",
				       16, u), 36);
	assert_int_equal(u[0], 0xff);
	assert_int_equal(u[1], 0x01);
	assert_int_equal(u[2], 0);
	/* no hex digits at all: zeros */
	memset(u, 0x5a, sizeof(u));
	assert_int_equal(nlc_uuid_fold("--xyz--", 8, u), 0);
	assert_memory_equal(u, "\0\0\0\0\0\0\0\0", 8);
	/* bad lengths */
	assert_int_equal(nlc_uuid_fold(uuid_str, 0, u), 0);
	assert_int_equal(nlc_uuid_fold(uuid_str, 17, u), 0);
}

static void test_f_fsid_string(void **state)
{
	char buf[NLC_FSID_HEXLEN];
	uint8_t u[16];

	(void)state;
	assert_true(nlc_uuid_fsid_string(0x1234abcd, 1, buf));
	assert_string_equal(buf, "1234abcd00000001");
	assert_true(nlc_uuid_fsid_string(0, 0xffffffff, buf));
	assert_string_equal(buf, "00000000ffffffff");
	assert_false(nlc_uuid_fsid_string(0, 0, buf));
	assert_string_equal(buf, "");

	nlc_uuid_fold("1234abcd00000001", 16, u);
	assert_memory_equal(u, "\x12\x34\xab\xcd\0\0\0\x01\0\0\0\0\0\0\0\0",
			    16);
	nlc_uuid_fold("1234abcd00000001", 4, u);
	assert_memory_equal(u, "\x12\x34\xab\xcc", 4);
}

static void test_blkid_exclusions(void **state)
{
	(void)state;
	assert_true(nlc_fstype_uses_blkid(0xef53));	/* ext4 */
	assert_true(nlc_fstype_uses_blkid(0x58465342));	/* xfs */
	assert_false(nlc_fstype_uses_blkid(0x9123683e));	/* btrfs */
	assert_false(nlc_fstype_uses_blkid(0x2fc12fc1));	/* zfs */
	assert_false(nlc_fstype_uses_blkid(0x6969));	/* nfs */
	assert_false(nlc_fstype_uses_blkid(0x01021994));	/* tmpfs */
	assert_false(nlc_fstype_uses_blkid(0xff534d42));	/* cifs */
	assert_false(nlc_fstype_uses_blkid(0x9fa0));	/* proc */
	assert_true(nlc_blkid_type_usable("ext4"));
	assert_true(nlc_blkid_type_usable(NULL));
	assert_false(nlc_blkid_type_usable("btrfs"));
}

static void test_uuid_sources_order(void **state)
{
	struct nlc_uuid_sources s = {
		.blkid_uuid = uuid_str,
		.have_f_fsid = true,
		.f_fsid = { 0x1234abcd, 1 },
	};
	uint8_t u[16];

	(void)state;
	assert_true(nlc_uuid_from_sources(&s, 0, 16, u));
	assert_memory_equal(u, uuid_bin, 16);
	/* mountd never offers f_fsid as a second source (2.6.2, upstream) */
	assert_false(nlc_uuid_from_sources(&s, 1, 16, u));
	assert_false(nlc_uuid_from_sources(&s, 2, 16, u));
	/* unknown sources (a failed blkid probe): nothing, no f_fsid */
	s.unknown = true;
	assert_false(nlc_uuid_from_sources(&s, 0, 16, u));
	s.blkid_uuid = NULL;
	assert_false(nlc_uuid_from_sources(&s, 0, 16, u));
	s.unknown = false;
	s.blkid_uuid = uuid_str;

	/* no blkid: f_fsid is the preferred source */
	s.blkid_uuid = NULL;
	assert_true(nlc_uuid_from_sources(&s, 0, 8, u));
	assert_memory_equal(u, "\x12\x34\xab\xcd\0\0\0\x01", 8);
	assert_false(nlc_uuid_from_sources(&s, 1, 8, u));

	/* a zero f_fsid is no source */
	s.f_fsid[0] = s.f_fsid[1] = 0;
	assert_false(nlc_uuid_from_sources(&s, 0, 16, u));
	s.f_fsid[1] = 7;
	s.have_f_fsid = false;
	assert_false(nlc_uuid_from_sources(&s, 0, 16, u));
}

static struct nlc_fs_ident ident(void)
{
	struct nlc_fs_ident fs = {
		.found = true, .dir_or_reg = true,
		.major = 8, .minor = 1, .inode = 2,
		.is_mountpoint = true,
		.uuid = { .blkid_uuid = uuid_str, .have_f_fsid = true,
			  .f_fsid = { 0x1234abcd, 1 } },
	};
	return fs;
}

static struct nlc_fsid_parsed req_of(int type, const struct nlc_fsid_src *src)
{
	uint8_t b[NLC_FSID_MAX];
	struct nlc_fsid_parsed p;
	int n = nlc_fsid_encode(type, src, b);

	assert_true(n > 0);
	assert_int_equal(nlc_fsid_parse(type, b, (size_t)n, &p), 0);
	return p;
}

static void test_match_dev_types(void **state)
{
	struct nlc_fs_ident fs = ident();
	struct nlc_export_fsid exp = { 0 };
	struct nlc_fsid_src src = { .major = 8, .minor = 1, .inode = 2 };
	struct nlc_fsid_parsed r;
	int types[] = { NLC_FSID_DEV, NLC_FSID_MAJOR_MINOR,
			NLC_FSID_ENCODE_DEV };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		r = req_of(types[i], &src);
		fs = ident();
		assert_true(nlc_fsid_match(&r, &exp, &fs));
		fs.inode = 3;
		assert_false(nlc_fsid_match(&r, &exp, &fs));
		fs = ident();
		fs.minor = 2;
		assert_false(nlc_fsid_match(&r, &exp, &fs));
		fs = ident();
		fs.major = 9;
		assert_false(nlc_fsid_match(&r, &exp, &fs));
		fs = ident();
		fs.dir_or_reg = false;
		assert_false(nlc_fsid_match(&r, &exp, &fs));
		fs = ident();
		fs.found = false;
		assert_false(nlc_fsid_match(&r, &exp, &fs));
		/*
		 * the kernel keeps the low 32 bits of a big inode, and
		 * mountd compares all 64: no match
		 */
		fs = ident();
		fs.inode = 0x100000002ull;
		assert_false(nlc_fsid_match(&r, &exp, &fs));
	}
}

static void test_match_num(void **state)
{
	struct nlc_fs_ident fs = ident();
	struct nlc_export_fsid exp = { .flags = NLCACHE_EXPORT_FLAGS_FSID,
				       .fsid = 42 };
	struct nlc_fsid_src src = { .fsidnum = 42 };
	struct nlc_fsid_parsed r = req_of(NLC_FSID_NUM, &src);

	(void)state;
	assert_true(nlc_fsid_match(&r, &exp, &fs));
	exp.fsid = 43;
	assert_false(nlc_fsid_match(&r, &exp, &fs));
	/* fsid 42 without the FSID flag does not count */
	exp.fsid = 42;
	exp.flags = 0;
	assert_false(nlc_fsid_match(&r, &exp, &fs));
	/* fsid=0 is a number like any other */
	src.fsidnum = 0;
	r = req_of(NLC_FSID_NUM, &src);
	exp.flags = NLCACHE_EXPORT_FLAGS_FSID;
	exp.fsid = 0;
	assert_true(nlc_fsid_match(&r, &exp, &fs));
	fs.found = false;
	assert_false(nlc_fsid_match(&r, &exp, &fs));
}

static void test_match_uuid_types(void **state)
{
	struct nlc_fs_ident fs;
	struct nlc_export_fsid exp = { 0 };
	struct nlc_fsid_src src = { .inode = 2 };
	struct nlc_fsid_parsed r;
	int t;

	(void)state;
	memcpy(src.uuid, uuid_bin, 16);
	for (t = NLC_FSID_UUID4_INUM; t <= NLC_FSID_UUID16_INUM; t++) {
		r = req_of(t, &src);
		fs = ident();
		assert_true(nlc_fsid_match(&r, &exp, &fs));
		/* another filesystem's uuid */
		fs.uuid.blkid_uuid = "12345678-9abc-def0-1122-334455667789";
		assert_false(nlc_fsid_match(&r, &exp, &fs));
		fs = ident();
		if (t == NLC_FSID_UUID4_INUM || t == NLC_FSID_UUID16_INUM) {
			/* inode types ignore mountpoint-ness */
			fs.is_mountpoint = false;
			assert_true(nlc_fsid_match(&r, &exp, &fs));
			fs.inode = 3;
			assert_false(nlc_fsid_match(&r, &exp, &fs));
		} else {
			/* whole-fs types need a mountpoint, not the inode */
			fs.inode = 99;
			assert_true(nlc_fsid_match(&r, &exp, &fs));
			fs.is_mountpoint = false;
			assert_false(nlc_fsid_match(&r, &exp, &fs));
		}
	}
}

static void test_match_uuid_second_source(void **state)
{
	/* a filehandle built from f_fsid does not match a filesystem that
	 * has a blkid UUID: rpc.mountd only ever tries its first source */
	struct nlc_fs_ident fs = ident();
	struct nlc_export_fsid exp = { 0 };
	struct nlc_fsid_parsed r;
	uint8_t b[8] = { 0x12, 0x34, 0xab, 0xcd, 0, 0, 0, 1 };

	(void)state;
	assert_int_equal(nlc_fsid_parse(NLC_FSID_UUID8, b, 8, &r), 0);
	assert_false(nlc_fsid_match(&r, &exp, &fs));
	assert_false(nlc_fsid_match_unknown(&r, &exp, &fs));
	/* without a blkid UUID, f_fsid is the uuid */
	fs.uuid.blkid_uuid = NULL;
	assert_true(nlc_fsid_match(&r, &exp, &fs));
	fs.uuid.have_f_fsid = false;
	assert_false(nlc_fsid_match(&r, &exp, &fs));
	/* blkid could not be read: undecidable, and never an f_fsid match */
	fs.uuid.have_f_fsid = true;
	fs.uuid.unknown = true;
	assert_false(nlc_fsid_match(&r, &exp, &fs));
	assert_true(nlc_fsid_match_unknown(&r, &exp, &fs));
	/* ... unless fsid=<uuid> decides, or the type has no uuid */
	exp.uuid = "12345678-9abc-def0-1122-334455667789";
	assert_false(nlc_fsid_match_unknown(&r, &exp, &fs));
	exp.uuid = NULL;
	b[0] = 0;
	assert_int_equal(nlc_fsid_parse(NLC_FSID_DEV, b, 8, &r), 0);
	assert_false(nlc_fsid_match_unknown(&r, &exp, &fs));
}

static void test_match_configured_uuid(void **state)
{
	/* fsid=<uuid> replaces the filesystem's own sources */
	struct nlc_fs_ident fs = ident();
	struct nlc_export_fsid exp = {
		.uuid = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" };
	struct nlc_fsid_src src = { .inode = 2 };
	struct nlc_fsid_parsed r;

	(void)state;
	memcpy(src.uuid, uuid_bin, 16);
	r = req_of(NLC_FSID_UUID16, &src);
	assert_false(nlc_fsid_match(&r, &exp, &fs));

	nlc_uuid_fold(exp.uuid, 16, src.uuid);
	r = req_of(NLC_FSID_UUID16, &src);
	assert_true(nlc_fsid_match(&r, &exp, &fs));
	r = req_of(NLC_FSID_UUID4_INUM, &src);
	assert_true(nlc_fsid_match(&r, &exp, &fs));
	/* a 32-bit inode slot never names a file with a bigger inode */
	fs.inode += 0x100000000ull;
	assert_false(nlc_fsid_match(&r, &exp, &fs));
	fs.inode -= 0x100000000ull;
	r = req_of(NLC_FSID_UUID8, &src);
	assert_true(nlc_fsid_match(&r, &exp, &fs));
}

static void test_export_uuid_rules(void **state)
{
	struct nlc_uuid_sources s = { .blkid_uuid = uuid_str };
	const char *cfg = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
	uint8_t u[16];

	(void)state;
	/* fsid=<uuid> at the export path: that uuid */
	assert_true(nlc_export_uuid("/srv", "/srv", cfg,
				    NLCACHE_EXPORT_FLAGS_FSID, &s, u));
	assert_memory_equal(u, "\xaa\xaa\xaa\xaa\xbb\xbb\xcc\xcc"
			       "\xdd\xdd\xee\xee\xee\xee\xee\xee", 16);
	/* a crossmnt submount: its own uuid, not the configured one */
	assert_true(nlc_export_uuid("/srv/sub", "/srv", cfg, 0, &s, u));
	assert_memory_equal(u, uuid_bin, 16);
	/* no fsid=: the filesystem's preferred source */
	assert_true(nlc_export_uuid("/srv", "/srv", NULL, 0, &s, u));
	assert_memory_equal(u, uuid_bin, 16);
	/* fsid=N: no uuid */
	assert_false(nlc_export_uuid("/srv", "/srv", NULL,
				     NLCACHE_EXPORT_FLAGS_FSID, &s, u));
	/* reexport kept FSID on the submount: no uuid either */
	assert_false(nlc_export_uuid("/srv/sub", "/srv", cfg,
				     NLCACHE_EXPORT_FLAGS_FSID, &s, u));
	/* no source at all */
	s.blkid_uuid = NULL;
	assert_false(nlc_export_uuid("/srv", "/srv", NULL, 0, &s, u));
	assert_false(nlc_export_uuid("/srv", "/srv", NULL, 0, NULL, u));
	/* f_fsid only: 8 bytes then zeros */
	s.have_f_fsid = true;
	s.f_fsid[0] = 0xdeadbeef;
	assert_true(nlc_export_uuid("/srv", "/srv", NULL, 0, &s, u));
	assert_memory_equal(u, "\xde\xad\xbe\xef\0\0\0\0\0\0\0\0\0\0\0\0", 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_lengths),
		cmocka_unit_test(test_num_from_kernel_text),
		cmocka_unit_test(test_dev_layout),
		cmocka_unit_test(test_major_minor_layout),
		cmocka_unit_test(test_encode_dev_layout),
		cmocka_unit_test(test_uuid_layouts),
		cmocka_unit_test(test_parse_rejects_bad_lengths),
		cmocka_unit_test(test_uuid_fold_text),
		cmocka_unit_test(test_uuid_fold_short_and_long),
		cmocka_unit_test(test_f_fsid_string),
		cmocka_unit_test(test_blkid_exclusions),
		cmocka_unit_test(test_uuid_sources_order),
		cmocka_unit_test(test_match_dev_types),
		cmocka_unit_test(test_match_num),
		cmocka_unit_test(test_match_uuid_types),
		cmocka_unit_test(test_match_uuid_second_source),
		cmocka_unit_test(test_match_configured_uuid),
		cmocka_unit_test(test_export_uuid_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
