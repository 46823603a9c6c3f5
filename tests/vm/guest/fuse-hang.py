#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""fuse-hang.py MOUNTPOINT: mount a FUSE filesystem whose server never
answers (not even FUSE_INIT), then sleep holding /dev/fuse open. Every
lookup below MOUNTPOINT then waits (killably) until this process dies or
the mount is aborted: a hung filesystem, on demand."""
import ctypes
import os
import sys
import time

mnt = sys.argv[1]
fd = os.open("/dev/fuse", os.O_RDWR)
libc = ctypes.CDLL(None, use_errno=True)
opts = "fd=%d,rootmode=40000,user_id=0,group_id=0" % fd
if libc.mount(b"nlc-hang", mnt.encode(), b"fuse", 0, opts.encode()) != 0:
    e = ctypes.get_errno()
    sys.exit("mount %s: %s" % (mnt, os.strerror(e)))
print("hung filesystem mounted on %s" % mnt, flush=True)
while True:
    time.sleep(3600)
