#!/bin/bash
# timeout: 600
# nlcached follows changes to the exports:
#  1. etab mode: /etc/exports edited, `exportfs -ra` (which flushes the
#     kernel caches): a read-only client becomes writable and a refused
#     client can mount;
#  2. --exports FILE: the file edited, SIGHUP: nlcached re-reads it and
#     flushes the kernel caches itself;
#  3. no etab: /etc/exports is the source; edited, SIGHUP, applies.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
echo "reload me" >/export/readme
chmod 777 /export
check "add 127.0.0.3 to lo" ip addr add 127.0.0.3/32 dev lo
mkdir -p /mnt/nfs

# loads SOURCE: how many times the running nlcached logged reading SOURCE
# (an ERE for the path; what follows it is " (…)" or nothing).
loads() {
	nlcached_run_log | grep -cE "nlcached: exports: [0-9]+ entries from (.* )?$1( \(|\$)"
}

# mount_n N: 127.0.0.N mounts /export and reads from it ($tag names the step).
mount_n() {
	check "$tag: 127.0.0.$1 mounts 127.0.0.$1:/export" \
		timeout 120 mount -t nfs4 -o vers=4.2,retry=0 "127.0.0.$1:/export" /mnt/nfs
	check_eq "$tag: the source address is 127.0.0.$1" "127.0.0.$1" "$(nfs_clientaddr "127.0.0.$1")"
	check_eq "$tag: 127.0.0.$1 reads" "reload me" "$(cat /mnt/nfs/readme)"
}
umount_n() { check "$tag: unmount" umount /mnt/nfs; }
refused() {
	check_fails_with "$tag: 127.0.0.$1 is refused" 'access denied by server' \
		timeout 120 mount -t nfs4 -o vers=4.2,retry=0 "127.0.0.$1:/export" /mnt/nfs
}
ro_client() {
	mount_n "$1"
	check_fails_with "$tag: 127.0.0.$1 cannot write (ro)" 'Read-only file system' \
		touch "/mnt/nfs/$tag-$1"
	umount_n
}
rw_client() {
	mount_n "$1"
	check "$tag: 127.0.0.$1 writes (rw)" touch "/mnt/nfs/$tag-$1"
	check "$tag: the server has the file" test -e "/export/$tag-$1"
	umount_n
}

# ---- 1. etab: exportfs -ra --------------------------------------------------------
tag=etab
echo "/export 127.0.0.1(ro,no_subtree_check,fsid=1)" >/etc/exports
check "$tag: exportfs -ra" exportfs -ra
nlcached_start
nfsd_start
nlcached_wait_attached
check "$tag: nlcached read etab" test "$(loads /var/lib/nfs/etab)" -ge 1
ro_client 1
refused 3

n=$(loads /var/lib/nfs/etab)
cat >/etc/exports <<'EXPORTS'
/export 127.0.0.1(rw,no_subtree_check,fsid=1) 127.0.0.3(rw,no_subtree_check,fsid=1)
EXPORTS
check "$tag: exportfs -ra with 127.0.0.1 rw and 127.0.0.3 added" exportfs -ra
rw_client 1
rw_client 3
check "$tag: nlcached re-read etab" test "$(loads /var/lib/nfs/etab)" -gt "$n"
nlcached_stop
check_eq "$tag: nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"

# ---- 2. --exports FILE and SIGHUP --------------------------------------------------
tag='file'
echo "/export 127.0.0.1(ro,no_subtree_check,fsid=1)" >/tmp/nlc.exports
check "$tag: flush what the etab run left" exportfs -f
nlcached_start --exports /tmp/nlc.exports
nlcached_wait_attached
check "$tag: nlcached read the file" test "$(loads /tmp/nlc.exports)" -ge 1
ro_client 1
refused 3
check_match "$tag: the kernel cached the ro export" '^/export[[:space:]]+127\.0\.0\.1\(ro,' "$(cache_entries nfsd.export)"

n=$(loads /tmp/nlc.exports)
echo "/export 127.0.0.1(rw,no_subtree_check,fsid=1) 127.0.0.3(rw,no_subtree_check,fsid=1)" >/tmp/nlc.exports
check "$tag: SIGHUP" kill -HUP "$(nlcached_pid)"
# shellcheck disable=SC2317 # called through wait_for
reloaded() { [ "$(loads /tmp/nlc.exports)" -gt "$n" ]; }
check "$tag: nlcached re-read the file" wait_for 10 reloaded
ro_gone() { ! cache_entries nfsd.export | grep -qE '^/export[[:space:]]+127\.0\.0\.1\(ro,'; }
check "$tag: nlcached flushed the kernel's ro entry" wait_for 10 ro_gone
rw_client 1
rw_client 3
nlcached_stop
check_eq "$tag: nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"

# ---- 3. no etab: /etc/exports itself ------------------------------------------------
tag=exports
check "$tag: no etab" rm -f /var/lib/nfs/etab
echo "/export 127.0.0.1(ro,no_subtree_check,fsid=1)" >/etc/exports
check "$tag: flush what the file run left" exportfs -f
nlcached_start
nlcached_wait_attached
# (nlcached 0.1.0 logs this source as "exports", not as the path.)
etc_exports='(/etc/)?exports'
check "$tag: nlcached read /etc/exports" test "$(loads "$etc_exports")" -ge 1
ro_client 1
refused 3
check_match "$tag: the kernel cached the ro export" '^/export[[:space:]]+127\.0\.0\.1\(ro,' "$(cache_entries nfsd.export)"

n=$(loads "$etc_exports")
cat >/etc/exports <<'EXPORTS'
/export 127.0.0.1(rw,no_subtree_check,fsid=1)
/export 127.0.0.3(rw,no_subtree_check,fsid=1)
EXPORTS
check "$tag: SIGHUP" kill -HUP "$(nlcached_pid)"
reloaded() { [ "$(loads "$etc_exports")" -gt "$n" ]; }
check "$tag: nlcached re-read /etc/exports" wait_for 10 reloaded
check "$tag: nlcached flushed the kernel's ro entry" wait_for 10 ro_gone
rw_client 1
rw_client 3
nlcached_stop
check_eq "$tag: nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
nfsd_stop
