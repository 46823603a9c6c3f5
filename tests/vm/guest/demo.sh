#!/bin/bash
# timeout: 150
# make demo: nfsd_nlcache and nlcached on a stock Debian kernel, shown as a
# root session. It loads the module, exports a directory, starts nlcached
# instead of rpc.mountd, starts nfsd, mounts with NFSv4.2 as an allowed
# client (127.0.0.1), shows a refused one (127.0.0.2), and prints what
# nlcached served over netlink and what the kernel caches now hold. Every
# step is verified: a demo that does not work fails like any test.
. "$(dirname "$0")/lib.sh"

# Kernel messages stay in dmesg (the harness still checks them), off the
# console the transcript is read from.
dmesg -n 1

banner() { printf '\n==== %s ====\n' "$*"; }
# run 'COMMAND': show it as typed at a root prompt, run it, fail the demo
# if it fails.
run() {
	local rc=0
	printf 'root@nlc-guest:~# %s\n' "$1"
	eval "$1" 2>&1 || rc=$?
	[ $rc -eq 0 ] || _nlc_fail "$1" "exit status $rc"
}
# run_fails 'COMMAND' ERE: the same for a command that must fail with a
# message matching ERE.
run_fails() {
	local rc=0 out
	printf 'root@nlc-guest:~# %s\n' "$1"
	out=$(eval "$1" 2>&1) || rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	[ $rc -ne 0 ] || _nlc_fail "$1" "succeeded, but it must fail"
	grep -qE -- "$2" <<<"$out" || _nlc_fail "$1" "failed, but not with /$2/"
	echo "(exit status $rc, as expected)"
}
# verify DESCRIPTION CMD...: a check that is silent unless it fails.
verify() {
	local what=$1
	shift
	"$@" >/dev/null 2>&1 || _nlc_fail "$what" "command: $*"
	nlc_checks=$((nlc_checks + 1))
}

banner "nfsd_nlcache demo: stock Debian kernel $(uname -r) under QEMU"
echo "nfs-utils: $(dpkg-query -W -f='${Version}' nfs-kernel-server), nlcached: $(nlcached --version 2>&1 | head -n1)"
verify "rpc.mountd is not running" sh -c '! pgrep -x rpc.mountd'

banner "1. the module: generic-netlink upcalls for the sunrpc caches"
run 'modprobe nfsd_nlcache'
run 'lsmod | grep -E "^(nfsd_nlcache|nfsd) "'
mountpoint -q /proc/fs/nfsd || run 'mount -t nfsd nfsd /proc/fs/nfsd'
run 'nlcachectl family'

banner "2. an export, as for rpc.mountd: /etc/exports and exportfs -ra"
mkdir -p /export
mount -t tmpfs -o mode=755 export /export
echo "hello over netlink" >/export/hello.txt
cat >/etc/exports <<'EXPORTS'
# /etc/exports: the allowed client may mount /export read-write
/export  127.0.0.1(rw,no_subtree_check,no_root_squash,fsid=1)
EXPORTS
run 'cat /etc/exports'
run 'exportfs -ra'
run 'exportfs -v'

banner "3. nlcached instead of rpc.mountd, then nfsd"
run 'nlcached -F -d auth >/tmp/nlcached.log 2>&1 &'
nlcached_pid=$!
verify "nlcached logs its start" wait_for 20 grep -q 'nlcached: nlcached .* starting' /tmp/nlcached.log
# A 10 s grace period, ended at once: the first OPEN does not wait 90 s.
echo 10 >/proc/fs/nfsd/nfsv4gracetime
run 'rpc.nfsd --no-nfs-version 3 --no-udp 4'
echo Y >/proc/fs/nfsd/v4_end_grace 2>/dev/null || true
verify "nlcached attached to the caches" wait_for 20 nlcached_attached
run 'pgrep -a rpc.mountd || echo "rpc.mountd: not running"'

banner "4. an allowed client (127.0.0.1) mounts with NFSv4.2"
mkdir -p /mnt/nfs /mnt/refused
run 'mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs'
run 'grep " /mnt/nfs " /proc/mounts'
run 'ls -l /mnt/nfs/export'
run 'cat /mnt/nfs/export/hello.txt'
verify "the client reads the file" test "$(cat /mnt/nfs/export/hello.txt)" = "hello over netlink"
run 'echo "written by the client" >/mnt/nfs/export/from-client.txt && sync'
run 'ls -l /export'
verify "the server has the client's file" test "$(cat /export/from-client.txt)" = "written by the client"

banner "5. a client not in /etc/exports (127.0.0.2) is refused"
run 'ip addr add 127.0.0.2/32 dev lo'
run_fails 'mount -t nfs4 -o vers=4.2,retry=0 127.0.0.2:/ /mnt/refused' 'access denied by server'

banner "6. what nlcached answered over netlink (nlcachectl status)"
run 'nlcachectl status'
for c in auth.unix.ip nfsd.export nfsd.fh; do
	verify "$c: answered over netlink" test "$(nlc_status_field $c replies)" -gt 0
	verify "$c: no fallback to the /proc channel" test "$(nlc_status_field $c fallbacks)" -eq 0
done

banner "7. what the kernel's caches now hold"
for c in auth.unix.ip nfsd.export nfsd.fh; do
	run "cat /proc/net/rpc/$c/content"
done
verify "auth.unix.ip: 127.0.0.1 is known" grep -qE '^nfsd 127\.0\.0\.1 127\.0\.0\.1$' /proc/net/rpc/auth.unix.ip/content
verify "auth.unix.ip: 127.0.0.2 is refused" grep -qE '^# nfsd 127\.0\.0\.2( |$)' /proc/net/rpc/auth.unix.ip/content
verify "nfsd.export: /export for 127.0.0.1" grep -qE '^/export[[:space:]]+127\.0\.0\.1\(rw,' /proc/net/rpc/nfsd.export/content
verify "nfsd.fh: fsid 1 is /export" grep -qE '^127\.0\.0\.1 1 0x00000001 /export$' /proc/net/rpc/nfsd.fh/content

banner "8. nlcached's log, and a clean stop"
run 'cat /tmp/nlcached.log'
run 'umount /mnt/nfs'
# shellcheck disable=SC2016 # run shows the command, then evaluates it
run 'kill -TERM $(pidof nlcached)'
verify "nlcached exits on SIGTERM" wait_for 20 pid_exited "$nlcached_pid"
rc=0
wait "$nlcached_pid" || rc=$?
echo "(nlcached exited with status $rc)"
verify "nlcached exited 0" test "$rc" -eq 0
run 'tail -n 1 /tmp/nlcached.log'
verify "nlcached logged why it exited" grep -q 'nlcached: exiting on signal 15' /tmp/nlcached.log
verify "no daemon attached any more" nlcached_detached
run 'nlcachectl status | grep "^daemon"'

rpc.nfsd 0
banner "demo complete"
