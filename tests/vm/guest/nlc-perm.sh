#!/bin/bash
# timeout: 480
# (g) Without CAP_NET_ADMIN every command fails with EPERM, and so does
# joining the exportd group where the kernel can enforce it. Root of a user
# namespace that owns a netns serves that netns.
# The one rule for the commands that touch a cache (REGISTER, GET, SET,
# FLUSH): the registered daemon socket, or a task that may write the
# cache's /proc channel. CAP_NET_ADMIN alone (a non-root uid with it as an
# ambient capability) is refused, with and without a daemon registered; a
# daemon with only the systemd unit's capabilities serves; another root
# process may answer while a daemon is registered, as it may write the
# channel while rpc.mountd runs.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all nlcachectl "$@"
}
EPERM='Operation not permitted'
EACCES_RE='Permission denied'
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

# An unprivileged user's own user and network namespace (unshare -Urnm as
# uid 1000): its root has CAP_NET_ADMIN over the new netns, but the netns's
# /proc/net/rpc channels belong to the host's root, unmapped there. It may
# not write them, so it may not answer, list, flush or register either.
nsenter -t 1 -r /bin/busybox sh -c 'chmod 755 / && chmod 1777 /tmp &&
	mkdir -p /tmp/u && cp /bin/busybox /tmp/u/busybox && chmod 755 /tmp/u /tmp/u/busybox'
as_user_ns() {
	nsenter -t 1 -r -S 1000 -G 1000 /tmp/u/busybox unshare -r -n -m \
		/tmp/u/busybox chroot /newroot "$@"
}
check_match "uid 1000's user namespace: root there, in its own netns" \
	'^uid=0\(root\)' "$(as_user_ns id 2>&1)"
check_match "whose channels belong to the unmapped host root" '^-rw-------[[:space:]]+1[[:space:]]+65534[[:space:]]' \
	"$(as_user_ns ls -ln /proc/self/net/rpc/nfsd.export/channel 2>&1)"
check_fails "it may not write a channel" as_user_ns sh -c 'echo >/proc/self/net/rpc/auth.unix.ip/channel'
check_fails_with "nor answer nfsd.export over netlink" "$EACCES_RE" \
	as_user_ns nlcachectl answer nfsd.export 127.0.0.1 /tmp --negative
check_fails_with "nor auth.unix.ip" "$EACCES_RE" \
	as_user_ns nlcachectl answer auth.unix.ip nfsd 192.0.2.9 evil.example
check_fails_with "nor register" "$EACCES_RE" as_user_ns nlcachectl register --once auth.unix.ip
check_fails_with "nor flush" "$EACCES_RE" as_user_ns nlcachectl flush

# --- CAP_NET_ADMIN without the channel's permission --------------------------
netadmin() {
	setpriv --reuid=1000 --regid=1000 --clear-groups \
		--inh-caps=+net_admin --ambient-caps=+net_admin nlcachectl "$@"
}
EACCES='Permission denied'
check "status needs CAP_NET_ADMIN only" netadmin status
refused_all() { # refused_all WHEN
	check_fails_with "CAP_NET_ADMIN alone may not answer auth.unix.ip ($1)" "$EACCES" \
		netadmin answer auth.unix.ip nfsd 192.0.2.9 evil.example
	check_fails_with "nor nfsd.export ($1)" "$EACCES" \
		netadmin answer nfsd.export 127.0.0.1 / --flags 0x12403 --fsid 0
	check_fails_with "nor list pending requests ($1)" "$EACCES" netadmin pending auth.unix.ip
	check_fails_with "nor flush ($1)" "$EACCES" netadmin flush
	check_fails_with "nor flush one cache ($1)" "$EACCES" netadmin flush nfsd.fh
	check_no_match "no forged entry reached the cache ($1)" 'evil\.example' \
		"$(cat /proc/net/rpc/auth.unix.ip/content)"
}
check_fails_with "CAP_NET_ADMIN alone may not register" "$EACCES" netadmin register --once auth.unix.ip
refused_all "no daemon registered"
nlc_register holder
refused_all "a daemon registered"
check_fails_with "the message says why" 'registered daemon or who may write' \
	netadmin answer auth.unix.ip nfsd 192.0.2.9 evil.example

# Another root process answers while a daemon is registered (as writing
# the channel would), and lists and flushes.
check "another root process answers while a daemon is registered" \
	nlcachectl answer auth.unix.ip nfsd 192.0.2.7 other.example
check_match "its entry is in the cache" '^nfsd[[:space:]]+192\.0\.2\.7[[:space:]]+other\.example$' \
	"$(cache_entries auth.unix.ip)"
check "and lists pending requests" nlcachectl pending
check "and flushes" nlcachectl flush auth.unix.ip
nlc_stop holder

# --- the registered daemon with only the unit's capabilities -----------------
# uid 0 owns the channels, so CAP_NET_ADMIN + CAP_DAC_READ_SEARCH (the
# unit's bounding set) is enough to register and answer.
make_export_dir /export
echo "served by a capability-bound daemon" >/export/readme
echo "/export 127.0.0.1(rw,no_subtree_check,no_root_squash,fsid=1)" >/etc/exports
check "exportfs -ra" exportfs -ra
setpriv --bounding-set=-all,+net_admin,+dac_read_search --inh-caps=-all \
	nlcached -F -d all >"$NLC_LOGDIR/nlcached" 2>&1 &
echo $! >"$NLC_LOGDIR/nlcached.pid"
# $! is setpriv until it execs nlcached: before that its effective set is
# still root's (a check read too early saw 000001ffffffffff)
# shellcheck disable=SC2016 # expanded by the inner shell
check "setpriv has exec'd nlcached" wait_for 20 sh -c \
	'[ "$(cat /proc/$0/comm 2>/dev/null)" = nlcached ]' "$(nlcached_pid)"
check_eq "nlcached runs with only CAP_NET_ADMIN and CAP_DAC_READ_SEARCH" \
	"0000000000001004" "$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/"$(nlcached_pid)"/status)"
nfsd_start
nlcached_wait_attached
mkdir -p /mnt/nfs
check "it serves an NFSv4.2 mount" timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "the client reads" "served by a capability-bound daemon" "$(cat /mnt/nfs/export/readme)"
check "CAP_NET_ADMIN alone is still refused with that daemon registered" \
	sh -c "! setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=+net_admin \
		--ambient-caps=+net_admin nlcachectl answer auth.unix.ip nfsd 192.0.2.9 evil.example 2>/dev/null"
check "umount" umount /mnt/nfs
nlcached_stop
check_eq "nlcached exits 0" 0 "$nlcached_rc"
nfsd_stop
