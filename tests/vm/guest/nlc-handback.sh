#!/bin/bash
# (e) The daemon dies (kill -9) with requests pending: nfsd_nlcache hands them
# back to the legacy path, and an rpc.mountd started afterwards completes the
# waiting mount.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
echo "handed back" >/export/readme
echo "/export 127.0.0.1(rw,no_subtree_check,no_root_squash,fsid=1)" >/etc/exports
check "exportfs -ra" exportfs -ra
nlc_register srv
nfsd_start

mkdir -p /mnt/nfs
(timeout 150 mount -t nfs4 -o vers=4.2,timeo=50 127.0.0.1:/ /mnt/nfs; echo $? >/tmp/mount.rc) &
pending_ip() { nlcachectl pending auth.unix.ip | grep -q '127\.0\.0\.1'; }
check "the mount's auth.unix.ip request is pending" wait_for 30 pending_ip
check_fails "the mount is waiting" test -f /tmp/mount.rc
check "kill -9 the registered daemon" kill -9 "$(cat "$NLC_LOGDIR/srv.pid")"
rm -f "$NLC_LOGDIR/srv.pid"
detached() { [ "$(nlc_status_field auth.unix.ip attached)" = False ]; }
check "its socket's release detached the caches" wait_for 10 detached
check "the pending request was handed back" test "$(nlc_status_field auth.unix.ip handed_back)" -gt 0

mountd_start --no-nfs-version 2 --no-nfs-version 3 --no-udp
check "the mount completes once rpc.mountd runs" wait_for 140 test -f /tmp/mount.rc
check_eq "and succeeded" 0 "$(cat /tmp/mount.rc)"
check_eq "the client reads the file" "handed back" "$(cat /mnt/nfs/export/readme)"
check_match "rpc.mountd answered the handed-back request" 'auth_unix_ip: inbuf .nfsd 127\.0\.0\.1' \
	"$(cat "$NLC_LOGDIR/mountd")"
check "umount" umount /mnt/nfs
nfsd_stop
mountd_stop
