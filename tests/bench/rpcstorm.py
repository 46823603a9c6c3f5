#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Concurrent NFSv4 calls to nfsd, each from its own source address.

Each is an empty COMPOUND (procedure 1, no operations): nfsd looks the
caller up in auth.unix.ip first (an upcall when the address is new; the
NULL procedure would skip that). Prints one line: the number of calls, how many got an
accepted reply, and the wall time until the last reply (or the timeout).

usage: rpcstorm.py SERVER PREFIX FIRST COUNT [TIMEOUT]
       (sources PREFIX.FIRST .. PREFIX.FIRST+COUNT-1, e.g. 127.0.1 1 16)
"""
import socket
import struct
import sys
import threading
import time


def null_call(src, server, xid, timeout, out, i):
    # AUTH_SYS: stamp, machine name (empty), uid 0, gid 0, no gids
    cred = struct.pack(">IIIII", 0, 0, 0, 0, 0)
    body = struct.pack(">IIIIII", xid, 0, 2, 100003, 4, 1)
    body += struct.pack(">II", 1, len(cred)) + cred
    body += struct.pack(">II", 0, 0)
    # COMPOUND4args: empty tag, minorversion 0, no operations
    body += struct.pack(">III", 0, 0, 0)
    rec = struct.pack(">I", 0x80000000 | len(body)) + body
    t0 = time.monotonic()
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.bind((src, 0))
        s.connect((server, 2049))
        s.sendall(rec)
        hdr = b""
        while len(hdr) < 4:
            chunk = s.recv(4 - len(hdr))
            if not chunk:
                raise OSError("connection closed")
            hdr += chunk
        n = struct.unpack(">I", hdr)[0] & 0x7FFFFFFF
        data = b""
        while len(data) < n:
            chunk = s.recv(n - len(data))
            if not chunk:
                raise OSError("connection closed")
            data += chunk
        rxid, mtype, stat = struct.unpack(">III", data[:12])
        # a reply, accepted (MSG_ACCEPTED), SUCCESS after the verifier
        vlen = struct.unpack(">I", data[16:20])[0]
        off = 20 + ((vlen + 3) & ~3)
        accept = struct.unpack(">I", data[off:off + 4])[0] if len(data) >= off + 4 else -1
        ok = rxid == xid and mtype == 1 and stat == 0 and accept == 0
        out[i] = (ok, time.monotonic() - t0)
        s.close()
    except OSError as e:
        out[i] = (False, time.monotonic() - t0, str(e))


def main():
    server, prefix, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 120.0
    out = [None] * count
    threads = []
    t0 = time.monotonic()
    for i in range(count):
        src = "%s.%d" % (prefix, first + i)
        t = threading.Thread(target=null_call, args=(src, server, 0x6e6c0000 + i, timeout, out, i))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    ok = sum(1 for r in out if r and r[0])
    lat = sorted(r[1] for r in out if r)
    print("calls=%d ok=%d wall=%.3f max=%.3f median=%.3f" %
          (count, ok, wall, lat[-1], lat[len(lat) // 2]))
    for r in out:
        if r and not r[0] and len(r) > 2:
            print("error:", r[2], file=sys.stderr)
            break
    return 0 if ok == count else 1


if __name__ == "__main__":
    sys.exit(main())
