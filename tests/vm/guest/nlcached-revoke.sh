#!/bin/bash
# timeout: 480
# The revocation window (issue 9 item 6): an nfsd.export answer computed
# from the old exports is never sent after `exportfs -u` flushed the caches.
# nlcached's test hook NLCACHED_TEST_HOLD holds the positive answer for
# (127.0.0.1, /export) 12 s after computing it, a slow lookup on demand;
# meanwhile `exportfs -u` revokes /export and flushes. The kernel asks
# again for the same key (merged into the held job). nlcached must compute
# it again and refuse: the client's mount fails and the kernel holds no
# positive entry for /export. (Sending the held answer gave the client
# the export for 30 min.) Then a second mount is refused too, and one of
# the export that stayed works.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
make_export_dir /other
echo "revoked" >/export/readme
echo "kept" >/other/readme
cat >/etc/exports <<'EXPORTS'
/export 127.0.0.1(rw,no_subtree_check,fsid=1)
/other 127.0.0.1(rw,no_subtree_check,fsid=2)
EXPORTS
check "exportfs -ra" exportfs -ra
export NLCACHED_TEST_HOLD="/export 12"
nlcached_start
unset NLCACHED_TEST_HOLD
nfsd_start
nlcached_wait_attached
log=$NLC_LOGDIR/nlcached
mkdir -p /mnt/nfs /mnt/other

(timeout 120 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.1:/export /mnt/nfs \
	>/tmp/bg.out 2>&1; echo $? >/tmp/bg.rc) &
check "nlcached computed the positive answer for /export and holds it" \
	wait_for 60 grep -q 'test hook: holding the nfsd.export answer for 127.0.0.1 /export' "$log"
check_fails "the mount is still waiting" test -f /tmp/bg.rc
t0=$SECONDS
check "exportfs -u 127.0.0.1:/export (revokes it, flushes the caches)" \
	exportfs -u 127.0.0.1:/export
check_no_match "etab no longer has /export" '^/export' "$(cat /var/lib/nfs/etab)"
check "the mount ends" wait_for 120 test -f /tmp/bg.rc
say "the mount ended $((SECONDS - t0)) s after exportfs -u: rc $(cat /tmp/bg.rc): $(cat /tmp/bg.out)"
check_fails "the client was refused (not mounted)" mountpoint -q /mnt/nfs
check_fails "the mount failed" test "$(cat /tmp/bg.rc)" = 0
check "nlcached recomputed the stale answer instead of sending it" \
	grep -q 'nfsd.export: answer computed before a flush or reload: computing it again' "$log"
check "and denied /export to 127.0.0.1 from the new exports" \
	grep -q 'denied access to /export for 127.0.0.1' "$log"
check_no_match "the kernel holds no positive nfsd.export entry for /export" \
	'^/export[[:space:]]' "$(cache_entries nfsd.export)"
check_fails_with "a new mount of /export is refused" 'access denied|No such file' \
	timeout 120 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.1:/export /mnt/nfs
check "the export that stayed mounts" \
	timeout 120 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.1:/other /mnt/other
check_eq "and reads" "kept" "$(cat /mnt/other/readme)"
check "umount" umount /mnt/other
nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
