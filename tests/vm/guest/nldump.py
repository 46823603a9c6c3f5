#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""nldump.py HEADER CACHE NEEDLE [FAMILY]: dump CACHE's pending requests (nfsd_nlcache
*_GET_REQS) the way a plain reader with page-sized buffers does: every
recvmsg() offers 4096 bytes first and learns a larger message's size by
peeking. Prints the messages, how many requests contain NEEDLE and the
dump's end status; exits 0 if the dump ended cleanly."""
import re
import socket
import struct
import sys

NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE, GENL_ID_CTRL = 2, 3, 0x10
MSG_PEEK, MSG_TRUNC = socket.MSG_PEEK, socket.MSG_TRUNC

header, cache, needle = sys.argv[1], sys.argv[2], sys.argv[3].encode()
cmds = re.search(r"NLCACHE_CMD_UNSPEC,(.*?)__NLCACHE_CMD_MAX", open(header).read(), re.S)
names = ["NLCACHE_CMD_UNSPEC"] + re.findall(r"(NLCACHE_CMD_\w+),", cmds.group(1))
cmd = names.index("NLCACHE_CMD_%s_GET_REQS" % cache.upper().replace("-", "_"))

NETLINK_GENERIC = 16
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
s.bind((0, 0))
seq = 1


def send(ntype, flags, gcmd, attrs=b""):
    global seq
    seq += 1
    body = struct.pack("BBH", gcmd, 1, 0) + attrs
    s.send(struct.pack("=IHHII", 16 + len(body), ntype, flags, seq, 0) + body)


def recv():
    small = bytearray(4096)
    n = s.recv_into(small, 4096, MSG_PEEK | MSG_TRUNC)
    buf = bytearray(max(n, 1))
    got = s.recv_into(buf, len(buf))
    return bytes(buf[:got]), n


def msgs(data):
    off = 0
    while off + 16 <= len(data):
        ln, typ, flags, sq, pid = struct.unpack_from("=IHHII", data, off)
        yield typ, data[off + 16:off + ln]
        off += (ln + 3) & ~3


# CTRL_CMD_GETFAMILY (3) by CTRL_ATTR_FAMILY_NAME (2)
name = (sys.argv[4] if len(sys.argv) > 4 else "nfsd_nlcache").encode() + b"\0"
attr = struct.pack("HH", 4 + len(name), 2) + name + b"\0" * (-len(name) % 4)
send(GENL_ID_CTRL, NLM_F_REQUEST, 3, attr)
family = None
data, _ = recv()
for typ, payload in msgs(data):
    off = 4
    while off + 4 <= len(payload):
        alen, atype = struct.unpack_from("HH", payload, off)
        if atype == 1:      # CTRL_ATTR_FAMILY_ID
            family = struct.unpack_from("H", payload, off + 4)[0]
        off += (alen + 3) & ~3
if family is None:
    sys.exit("nfsd_nlcache family not found")

send(family, NLM_F_REQUEST | NLM_F_DUMP, cmd)
found = nmsgs = 0
while True:
    data, size = recv()
    for typ, payload in msgs(data):
        if typ == NLMSG_DONE or typ == NLMSG_ERROR:
            err = struct.unpack_from("i", payload)[0]
            print("messages %d, size of the last %d, requests with the needle %d, end %d"
                  % (nmsgs, size, found, err))
            sys.exit(0 if err == 0 else 1)
        nmsgs += 1
        found += payload.count(needle + b"\0")
