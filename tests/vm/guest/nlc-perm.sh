#!/bin/bash
# (g) Without CAP_NET_ADMIN every command fails with EPERM, and so does
# joining the exportd group where the kernel can enforce it. Root of a user
# namespace that owns a netns serves that netns.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all nlcachectl "$@"
}
EPERM='Operation not permitted'
check_fails_with "status: EPERM" "$EPERM" nobody status
check_fails_with "pending: EPERM" "$EPERM" nobody pending auth.unix.ip
check_fails_with "pending nfsd.export: EPERM" "$EPERM" nobody pending nfsd.export
check_fails_with "answer: EPERM" "$EPERM" nobody answer auth.unix.ip nfsd 192.0.2.1 evil
check_fails_with "answer nfsd.fh: EPERM" "$EPERM" nobody answer nfsd.fh evil 1 00000000 /
check_fails_with "flush: EPERM" "$EPERM" nobody flush
check_fails_with "register: EPERM" "$EPERM" nobody register --once
if grep -q 'NLC_HAVE_GENL_MCAST_CAP_NET_ADMIN' "$NLC_BUILD/vm/$NLC_ABI/module.log"; then
	check_fails_with "joining exportd: EPERM" "$EPERM" nobody monitor --timeout 1
else
	say "this kernel has no GENL_MCAST_CAP_NET_ADMIN: exportd joins cannot be restricted"
	check_fails_with "joining exportd is possible but yields only the timeout" \
		'timeout|no event' nobody monitor --timeout 1
fi
check "root may" nlcachectl status

# unshare(CLONE_NEWUSER) is refused to chrooted callers, and guest tests run
# chrooted: hop to pid 1's root (the initramfs) for busybox's unshare, then
# chroot back into the test root inside the new namespaces.
in_userns() {
	nsenter -t 1 -r /bin/busybox unshare -r -n /bin/busybox chroot /newroot "$@"
}
check_match "root of a new user namespace gets status for its own netns" \
	'"daemon_portid": *0' "$(in_userns nlcachectl status --json 2>&1)"
check_match "and can register for its netns's caches" '^registered: ' \
	"$(in_userns nlcachectl register --once auth.unix.ip 2>&1)"
