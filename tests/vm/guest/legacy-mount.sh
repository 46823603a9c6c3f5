#!/bin/bash
# The legacy path, as every later test's comparison: nfsd, exportfs and
# rpc.mountd answering the caches through /proc/net/rpc/*/channel, an NFSv4.2
# mount over loopback, and a client that is not in the exports refused.
. "$(dirname "$0")/lib.sh"

nfsd_load
# nlc-legacy runs this test with nfsd_nlcache loaded.
[ -z "${NLC_WITH_MODULE:-}" ] || nlc_module_load

make_export_dir /export
echo "hello from the server" >/export/readme
cat >/etc/exports <<'EXPORTS'
/export 127.0.0.1(rw,no_subtree_check,no_root_squash,fsid=1)
EXPORTS
check "exportfs -ra accepts /etc/exports" exportfs -ra
check_match "etab lists the export for 127.0.0.1" '^/export[[:space:]]+127\.0\.0\.1\(' \
	"$(cat /var/lib/nfs/etab)"

say "starting rpc.mountd (NFSv4 only, no rpcbind)"
mountd_start --no-nfs-version 2 --no-nfs-version 3 --no-udp
nfsd_start

mkdir -p /mnt/nfs /mnt/refused
say "mounting 127.0.0.1:/ with NFSv4.2"
t0=$(date +%s.%N)
check "NFSv4.2 mount of 127.0.0.1:/ succeeds" \
	timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
say "mount took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')s"
check_match "the mount is NFSv4.2 to 127.0.0.1" ' /mnt/nfs nfs4 .*vers=4\.2.*addr=127\.0\.0\.1' \
	"$(cat /proc/mounts)"

check_eq "the client reads the server's file through the pseudo root" \
	"hello from the server" "$(cat /mnt/nfs/export/readme)"
check "the client writes a file" sh -c 'echo "written by the client" >/mnt/nfs/export/from-client && sync'
check_eq "the server sees the client's data" \
	"written by the client" "$(cat /export/from-client)"
check_eq "no_root_squash: the file is owned by root on the server" \
	"0:0" "$(stat -c %u:%g /export/from-client)"

check_match "auth.unix.ip was filled for 127.0.0.1" '^nfsd[[:space:]]+127\.0\.0\.1[[:space:]]+127\.0\.0\.1$' \
	"$(cache_entries auth.unix.ip)"
check_match "nfsd.export was filled for /export" '^/export[[:space:]]+127\.0\.0\.1\(.*rw' \
	"$(cache_entries nfsd.export)"
check_match "nfsd.fh maps fsid=1 (type 1) to /export for 127.0.0.1" \
	'^127\.0\.0\.1[[:space:]]+1[[:space:]]+0x00000001[[:space:]]+/export$' \
	"$(cache_entries nfsd.fh)"

# A second loopback address: the client's source address follows the local
# route of the destination, so mounting 127.0.0.2 makes the client 127.0.0.2.
check "add 127.0.0.2 to lo" ip addr add 127.0.0.2/32 dev lo
check_fails_with "a client not in the exports (127.0.0.2) is refused by the server" \
	'access denied by server' timeout 120 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.2:/ /mnt/refused
check_match "the server looked 127.0.0.2 up in auth.unix.ip" '[[:space:]]127\.0\.0\.2([[:space:]]|$)' \
	"$(cat /proc/net/rpc/auth.unix.ip/content)"
check_no_match "the refused client got no export" '^/export[[:space:]]+127\.0\.0\.2' \
	"$(cache_entries nfsd.export)"
check_eq "the refused client mounted nothing" "" "$(grep ' /mnt/refused ' /proc/mounts)"

if [ -n "${NLC_WITH_MODULE:-}" ]; then
	for c in auth.unix.ip nfsd.export nfsd.fh; do
		check_eq "$c: nothing went through nfsd_nlcache" 0 "$(nlc_status_field $c upcalls)"
	done
fi
check "the client unmounts" umount /mnt/nfs
check "exportfs -ua" exportfs -ua
nfsd_stop
mountd_stop
