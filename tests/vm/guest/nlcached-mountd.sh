#!/bin/bash
# timeout: 600
# rpc.mountd beside nlcached: a request pending on the /proc channel
# (rpc.mountd stopped, holding the channels) is adopted by nlcached when it
# registers (the adopted counter) and answered; while nlcached runs,
# rpc.mountd gets no upcall and reads no channel; when nlcached stops,
# rpc.mountd answers the next client. Clients are 127.0.0.x (loopback).
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
for n in 6 7 8; do
	check "add 127.0.0.$n to lo" ip addr add "127.0.0.$n/32" dev lo
done
mkdir -p /mnt/n
# mount_ok ADDR PATH: ADDR mounts ADDR:PATH on /mnt/n (no other mount is
# active, so the client uses ADDR's own connection) and unmounts.
mount_ok() {
	check "$1 mounts $2" timeout 120 mount -t nfs4 -o vers=4.2,retry=0 "$1:$2" /mnt/n
	check_eq "the mount's source address is $1" "$1" "$(nfs_clientaddr "$1")"
	check "$1 unmounts" umount /mnt/n
}

cat >/etc/exports <<'EOT'
/export 127.0.0.0/24(rw,no_root_squash,no_subtree_check,fsid=1)
EOT
check "exportfs -ra" exportfs -ra
nfsd_start
chanwatch_start
mountd_start --no-nfs-version 2 --no-nfs-version 3 --no-udp
mountd=$(pgrep -x rpc.mountd)
check "SIGSTOP rpc.mountd: it holds the channels but answers nothing" kill -STOP "$mountd"
(timeout 150 mount -t nfs4 -o vers=4.2 127.0.0.6:/export /mnt/n >/tmp/bg.out 2>&1; echo $? >/tmp/bg.rc) &
bg=$!
legacy_pending() { grep -q '127\.0\.0\.6' /proc/net/rpc/auth.unix.ip/content; }
check "127.0.0.6's request waits on the /proc channel" wait_for 30 legacy_pending
sleep 2
check_fails "the mount is still waiting" test -f /tmp/bg.rc
adopted_before=$(nlc_status_field auth.unix.ip adopted)
nlcached_start
nlcached_wait_attached
check "the waiting mount completes, answered by nlcached" wait_for 120 test -f /tmp/bg.rc
wait "$bg"
check_eq "successfully" 0 "$(cat /tmp/bg.rc)"
check "nlcached adopted the pending request ($adopted_before -> $(nlc_status_field auth.unix.ip adopted))" \
	test "$(nlc_status_field auth.unix.ip adopted)" -gt "$adopted_before"
check "umount" umount /mnt/n
check "SIGCONT rpc.mountd: both run now" kill -CONT "$mountd"
sleep 2
reads=$(chanwatch_reads)
upcalls=$(nlc_status_field auth.unix.ip upcalls)
mount_ok 127.0.0.7 /export
check "127.0.0.7's upcall went to nlcached" test "$(nlc_status_field auth.unix.ip upcalls)" -gt "$upcalls"
check_eq "rpc.mountd read nothing from the channels meanwhile" "$reads" "$(chanwatch_reads)"
# (rpc.mountd 2.6 also logs NFSv4 clients attaching and detaching, which
# it learns from /proc/fs/nfsd/clients, not from an upcall)
check_no_match "rpc.mountd never got a request for 127.0.0.7" '127\.0\.0\.7' \
	"$(grep -v -E 'v4\.[0-9] client (at|de)tached' "$NLC_LOGDIR/mountd")"
check "rpc.mountd is still running" kill -0 "$mountd"
nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
check "the module saw it go" wait_for 10 nlcached_detached
mount_ok 127.0.0.8 /export
check_match "rpc.mountd answered 127.0.0.8 once nlcached was gone" 'auth_unix_ip: inbuf .nfsd 127\.0\.0\.8' "$(cat "$NLC_LOGDIR/mountd")"
check "rpc.mountd read the channel for it" test "$(chanwatch_reads)" -gt "$reads"
mountd_stop
nfsd_stop
