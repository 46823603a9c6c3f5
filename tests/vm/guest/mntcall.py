#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""mntcall.py: an NFSv3 client in a few calls, without the kernel's nfsv3
module: MOUNT v3 MNT to rpc.mountd, and NFSv3 GETATTR / CREATE to nfsd,
over TCP from a chosen 127/8 source address and a reserved port, as root
(AUTH_SYS uid 0).

  mntcall.py --src A --port P mnt PATH       prints the root filehandle (hex)
  mntcall.py --src A getattr FH              prints "status N"
  mntcall.py --src A create FH NAME          prints "status N"

Exits 0 when the call succeeded (MNT3_OK / NFS3_OK), 1 otherwise.
"""
import argparse
import socket
import struct
import sys


def opaque(b):
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


def connect(src, port):
    for p in range(1023, 600, -1):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((src, p))
        except OSError:
            s.close()
            continue
        s.settimeout(120)
        s.connect(("127.0.0.1", port))
        return s
    raise OSError("no reserved port free")


def recv_all(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise OSError("connection closed")
        b += c
    return b


def call(src, port, prog, vers, proc, args):
    cred = struct.pack(">I", 0) + opaque(b"nlc-test") + \
        struct.pack(">III", 0, 0, 0)
    body = struct.pack(">IIIIII", 0x4e4c4301, 0, 2, prog, vers, proc)
    body += struct.pack(">I", 1) + opaque(cred) + struct.pack(">II", 0, 0)
    body += args
    s = connect(src, port)
    try:
        s.sendall(struct.pack(">I", 0x80000000 | len(body)) + body)
        reply = b""
        while True:
            hdr, = struct.unpack(">I", recv_all(s, 4))
            reply += recv_all(s, hdr & 0x7fffffff)
            if hdr & 0x80000000:
                break
    finally:
        s.close()
    _, mtype, stat, _, vlen = struct.unpack(">IIIII", reply[:20])
    off = 20 + vlen + (-vlen % 4)
    accept, = struct.unpack(">I", reply[off:off + 4])
    if mtype != 1 or stat != 0 or accept != 0:
        raise OSError("RPC refused (reply %d, accept %d)" % (stat, accept))
    return reply[off + 4:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--port", type=int, default=2049)
    ap.add_argument("op", choices=["mnt", "getattr", "create"])
    ap.add_argument("arg", nargs="+")
    a = ap.parse_args()
    if a.op == "mnt":
        r = call(a.src, a.port, 100005, 3, 1, opaque(a.arg[0].encode()))
        st, = struct.unpack(">I", r[:4])
        if st != 0:
            print("status %d" % st)
            return 1
        n, = struct.unpack(">I", r[4:8])
        print(r[8:8 + n].hex())
        return 0
    fh = opaque(bytes.fromhex(a.arg[0]))
    if a.op == "getattr":
        r = call(a.src, a.port, 100003, 3, 1, fh)
    else:
        # CREATE: dir fh, name, UNCHECKED with no attributes set
        args = fh + opaque(a.arg[1].encode()) + struct.pack(">I", 0)
        args += struct.pack(">IIIIII", 0, 0, 0, 0, 0, 0)
        r = call(a.src, a.port, 100003, 3, 8, args)
    st, = struct.unpack(">I", r[:4])
    print("status %d" % st)
    return 0 if st == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
