#!/bin/bash
# Harness positive control: a guest script that passes must give PASS, and
# the taint gate ignores O (out-of-tree) and E (unsigned module), which
# loading our own module always sets.
. "$(dirname "$0")/lib.sh"

check "the guest runs the stock kernel under test" test "$(uname -r)" = "$NLC_ABI"
check "the root is writable (overlays over the host root)" touch /etc/nlc-selftest /usr/nlc-selftest /nlc-selftest
check "the root is a tmpfs, exportable as the NFSv4 pseudo root" test "$(stat -f -c %T /)" = tmpfs
check "exports can live on a real tmpfs" test "$(stat -f -c %T /srv)" = tmpfs
check "taint the kernel with O and E (12288)" sh -c 'echo 12288 >/proc/sys/kernel/tainted'
check_eq "only O and E are set" 12288 "$(cat /proc/sys/kernel/tainted)"
