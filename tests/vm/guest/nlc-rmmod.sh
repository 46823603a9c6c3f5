#!/bin/bash
# (f) rmmod nfsd_nlcache while it is attached and NFS traffic is in flight
# (with cache flushes forcing fresh upcalls): no oops, the original upcalls
# are back (rpc.mountd answers from then on) and the traffic completes.
# timeout: 480
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
echo "/export 127.0.0.1(rw,no_subtree_check,no_root_squash,fsid=1)" >/etc/exports
check "exportfs -ra" exportfs -ra
mountd_start --no-nfs-version 2 --no-nfs-version 3 --no-udp
nlc_rules_v4 127.0.0.1 /export 1 >/tmp/rules
nlc_register srv
nlc_responder_start srv /tmp/rules
nfsd_start
mkdir -p /mnt/nfs /mnt/nfs2
check "mount" timeout 120 mount -t nfs4 -o vers=4.2,timeo=50 127.0.0.1:/ /mnt/nfs
check "the mount was served over netlink" test "$(nlc_status_field nfsd.export replies)" -gt 0

# Traffic: write and read back files, flushing the caches as it goes so
# that upcalls keep happening while the module goes away.
(
	for i in $(seq 1 150); do
		echo "$i" >"/mnt/nfs/export/f$i" || exit 1
		[ "$(cat "/mnt/nfs/export/f$i")" = "$i" ] || exit 2
		[ $((i % 10)) -ne 0 ] || exportfs -f || exit 3
	done
	sync
) >"$NLC_LOGDIR/traffic" 2>&1 &
traffic=$!
sleep 2
check "traffic is running" kill -0 $traffic
# Stop answering, but stay registered: every new nlcachectl would look the
# family up by name and so load the module again. What queues from now on
# is handed back by the unload.
kill "$(cat "$NLC_LOGDIR/srv.responder.pid")"
rm -f "$NLC_LOGDIR/srv.responder.pid"
rmmod_retry() {
	local i
	for i in $(seq 1 50); do
		rmmod nfsd_nlcache 2>/dev/null && return 0
		sleep 0.2	# a dump in progress holds a module reference
	done
	return 1
}
check "rmmod nfsd_nlcache while attached and busy" rmmod_retry
check_fails "the module is gone" grep -q '^nfsd_nlcache ' /proc/modules
nlc_stop srv
wait "$traffic"
check_eq "the traffic completes without an error" 0 "$?"
check_eq "every file is there" 150 "$(find /export -mindepth 1 -maxdepth 1 -name 'f*' | wc -l)"
check "a new mount works through rpc.mountd alone" \
	timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs2
check_match "rpc.mountd answered after the unload" 'nfsd_export: inbuf' "$(cat "$NLC_LOGDIR/mountd")"
check "umount" umount /mnt/nfs /mnt/nfs2
nfsd_stop
mountd_stop
