#!/bin/bash
# timeout: 480
# nlcached instead of rpc.mountd: /etc/exports through `exportfs -ra`
# (etab), `nlcached -F -d all` serving auth.unix.ip, nfsd.export and nfsd.fh
# over netlink. An NFSv4.2 client mounts, reads and writes; a client not in
# the exports is refused; no process ever reads a /proc/net/rpc/*/channel;
# SIGTERM makes nlcached detach and exit 0.
. "$(dirname "$0")/lib.sh"

check_fails "rpc.mountd is not running" pgrep -x rpc.mountd
nfsd_load
nlc_module_load
chanwatch_start

make_export_dir /export
echo "hello from nlcached" >/export/readme
cat >/etc/exports <<'EXPORTS'
/export 127.0.0.1(rw,no_subtree_check,no_root_squash,fsid=1)
EXPORTS
check "exportfs -ra" exportfs -ra
check_match "etab lists the export" '^/export[[:space:]]+127\.0\.0\.1\(' "$(cat /var/lib/nfs/etab)"

nlcached_start
nfsd_start
nlcached_wait_attached
log=$NLC_LOGDIR/nlcached
serving=$(grep 'nlcached: serving ' "$log" | tail -n 1)
for c in auth.unix.ip nfsd.export nfsd.fh; do
	check_match "nlcached logs that it serves $c" "^nlcached: serving (.*,)?${c//./\\.}(,|\$)" "$serving"
done
check_match "nlcached read etab" 'nlcached: exports: [1-9][0-9]* entries from (.* )?/var/lib/nfs/etab( |$)' "$(cat "$log")"

mkdir -p /mnt/nfs /mnt/refused
check "NFSv4.2 mount of 127.0.0.1:/ succeeds" \
	timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "the client reads through the pseudo root" \
	"hello from nlcached" "$(cat /mnt/nfs/export/readme)"
check "the client writes" sh -c 'echo written >/mnt/nfs/export/new && sync'
check_eq "the server sees it" written "$(cat /export/new)"
check_eq "no_root_squash: the file is owned by root" 0:0 "$(stat -c %u:%g /export/new)"

check_match "auth.unix.ip: 127.0.0.1 is 127.0.0.1" '^nfsd[[:space:]]+127\.0\.0\.1[[:space:]]+127\.0\.0\.1$' \
	"$(cache_entries auth.unix.ip)"
check_match "nfsd.export: /export for 127.0.0.1, rw, no_root_squash, fsid=1" \
	'^/export[[:space:]]+127\.0\.0\.1\(rw,no_root_squash,.*fsid=1' "$(cache_entries nfsd.export)"
check_match "nfsd.export: the pseudo root" '^/[[:space:]]+127\.0\.0\.1\(.*v4root' "$(cache_entries nfsd.export)"
check_match "nfsd.fh: fsid 1 is /export" '^127\.0\.0\.1[[:space:]]+1[[:space:]]+0x00000001[[:space:]]+/export$' \
	"$(cache_entries nfsd.fh)"

say "nlcachectl status:"
nlcachectl status | sed 's/^/    /'
check "a daemon is attached" test "$(nlc_daemon_portid)" != 0
for c in auth.unix.ip nfsd.export nfsd.fh; do
	check "$c: answered over netlink" test "$(nlc_status_field $c replies)" -gt 0
	check_eq "$c: no fallback to the legacy path" 0 "$(nlc_status_field $c fallbacks)"
	check_eq "$c: no reply rejected" 0 "$(nlc_status_field $c rejected)"
	n=$(nlc_status_field $c answered)
	check "$c: the module counted the answers" test "$n" -gt 0
	check "$c: the longest wait is part of the total" \
		test "$(nlc_status_field $c answer_ms_max)" -le "$(nlc_status_field $c answer_ms_total)"
done
check_match "-d auth: nlcached logs the authentication" \
	'nlcached: successful authentication for IP 127\.0\.0\.1 as 127\.0\.0\.1' "$(cat "$log")"

check "add 127.0.0.2 to lo" ip addr add 127.0.0.2/32 dev lo
check_fails_with "a client not in the exports (127.0.0.2) is refused" \
	'access denied by server' timeout 120 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.2:/ /mnt/refused
check_match "auth.unix.ip: a negative entry for 127.0.0.2" '^# nfsd 127\.0\.0\.2( |$)' \
	"$(cat /proc/net/rpc/auth.unix.ip/content)"
check_match "nlcached logs the failed authentication" \
	'nlcached: failed authentication for IP 127\.0\.0\.2' "$(cat "$log")"
check_eq "the refused client mounted nothing" "" "$(grep ' /mnt/refused ' /proc/mounts)"
check "the client unmounts" umount /mnt/nfs

check_eq "no process read a /proc/net/rpc channel" 0 "$(chanwatch_reads)"

nlcached_stop TERM
check_eq "SIGTERM: nlcached exits 0" 0 "$nlcached_rc"
check_match "nlcached logs why it exits" 'nlcached: exiting on signal 15' "$(cat "$log")"
check_match "nlcachectl status shows no daemon attached" '^daemon portid: none$' "$(nlcachectl status)"
check "and no cache attached" nlcached_detached

# The probe's own positive control: one deliberate read.
timeout 2 cat /proc/net/rpc/auth.unix.ip/channel >/dev/null 2>&1
check "the channel-read probe does count reads" test "$(chanwatch_reads)" -gt 0
nfsd_stop
