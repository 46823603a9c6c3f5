#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""rpccall.py: send NFSv4 COMPOUND calls with no operations to the guest's
own nfsd (127.0.0.1:2049), one TCP connection per call, from a chosen
source address in 127/8 and with chosen AUTH_SYS uids. Each call makes nfsd
look up the client's auth.unix.ip entry (and the uid's auth.unix.gid entry
once the client is known), so tests can create upcalls for exact keys.

  rpccall.py --src 127.0.0.5 [--uid U[,U...]] [--timeout S]

Prints one line per call, "uid U: status N" for a reply or "uid U: no
reply" if none came within the timeout; exits 0 if every call got a reply.
"""
import argparse
import select
import socket
import struct
import sys
import time


def xdr_opaque(b):
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


def call(xid, uid):
    cred = struct.pack(">I", 0) + xdr_opaque(b"nlc-test") + \
        struct.pack(">III", uid, uid, 0)
    body = struct.pack(">IIIIII", xid, 0, 2, 100003, 4, 1)
    body += struct.pack(">I", 1) + xdr_opaque(cred)     # AUTH_SYS
    body += struct.pack(">II", 0, 0)                    # AUTH_NONE verifier
    body += xdr_opaque(b"") + struct.pack(">II", 0, 0)  # tag, minor 0, no ops
    return struct.pack(">I", 0x80000000 | len(body)) + body


def status(reply):
    # xid, REPLY, MSG_ACCEPTED, verifier, accept_stat, COMPOUND status
    _, mtype, stat, _, vlen = struct.unpack(">IIIII", reply[:20])
    off = 20 + vlen + (-vlen % 4)
    accept, = struct.unpack(">I", reply[off:off + 4])
    if mtype != 1 or stat != 0 or accept != 0:
        return "rpc error %d/%d" % (stat, accept)
    nfs, = struct.unpack(">I", reply[off + 4:off + 8])
    return "status %d" % nfs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--uid", default="0")
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--server", default="127.0.0.1")
    a = ap.parse_args()
    uids = [int(u) for u in a.uid.split(",")]
    socks = {}
    for i, uid in enumerate(uids):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((a.src, 0))
        s.connect((a.server, 2049))
        s.sendall(call(0x4e4c0000 + i, uid))
        socks[s] = (uid, b"")
    got = {}
    deadline = time.monotonic() + a.timeout
    while socks and time.monotonic() < deadline:
        r, _, _ = select.select(list(socks), [], [], deadline - time.monotonic())
        for s in r:
            uid, buf = socks[s]
            data = s.recv(65536)
            buf += data
            if len(buf) >= 4:
                n = struct.unpack(">I", buf[:4])[0] & 0x7fffffff
                if len(buf) >= 4 + n:
                    got[uid] = status(buf[4:4 + n])
            if not data or uid in got:
                s.close()
                del socks[s]
            else:
                socks[s] = (uid, buf)
    for uid in uids:
        print("uid %d: %s" % (uid, got.get(uid, "no reply")))
    sys.exit(0 if len(got) == len(uids) else 1)


main()
