#!/bin/bash
# timeout: 150
# A kernel with native netlink cache upcalls (7.2+): nlcached chooses the
# kernel's own sunrpc and nfsd families by itself (no module needed), and
# serves an NFSv4 mount with rpc.mountd not running and no process reading
# a /proc/net/rpc channel.
. "$(dirname "$0")/lib.sh"

nfsd_load
chanwatch_start
check_fails "rpc.mountd is not running" pgrep -x rpc.mountd
check_fails "nfsd_nlcache is not loaded" sh -c 'lsmod | grep -q "^nfsd_nlcache "'
make_export_dir /export
echo "hello over native netlink" >/export/readme
printf '/export 127.0.0.1(rw,no_root_squash,fsid=7)\n' >/etc/exports
check "exportfs -ra writes etab" exportfs -ra

nlcached -F -d all >"$NLC_LOGDIR/nlcached" 2>&1 &
echo $! >"$NLC_LOGDIR/nlcached.pid"
check "nlcached picks the native families" \
	wait_for 15 grep -q 'connected: native sunrpc/nfsd backend' "$NLC_LOGDIR/nlcached"
check_fails "and never touched nfsd_nlcache" sh -c 'lsmod | grep -q "^nfsd_nlcache "'
nfsd_start

mkdir -p /mnt/nfs
check "NFSv4.2 mount of 127.0.0.1:/ succeeds" \
	timeout 60 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "the client reads through the pseudo root" \
	"hello over native netlink" "$(cat /mnt/nfs/export/readme)"
check "the client writes" sh -c 'echo written >/mnt/nfs/export/new && sync'
check_eq "the server sees it" written "$(cat /export/new)"
check_match "auth.unix.ip answered over netlink" '^nfsd[[:space:]]+127\.0\.0\.1[[:space:]]+127\.0\.0\.1$' \
	"$(cache_entries auth.unix.ip)"
check_match "nfsd.export answered" '^/export[[:space:]]+127\.0\.0\.1\(rw,.*fsid=7' \
	"$(cache_entries nfsd.export)"
check_match "nfsd.fh answered" '^127\.0\.0\.1[[:space:]]+1[[:space:]]+0x00000007[[:space:]]+/export$' \
	"$(cache_entries nfsd.fh)"
check_match "nlcached saw the requests" 'request: nfsd.export [0-9]+ 127\.0\.0\.1 /export' \
	"$(cat "$NLC_LOGDIR/nlcached")"

check "add 127.0.0.2 to lo" ip addr add 127.0.0.2/32 dev lo
mkdir -p /mnt/refused
check_fails_with "a client outside the exports (127.0.0.2) is refused" \
	'access denied by server' timeout 60 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.2:/ /mnt/refused
check "umount" umount /mnt/nfs
check_eq "no process read a /proc/net/rpc channel" 0 "$(chanwatch_reads)"
pid=$(cat "$NLC_LOGDIR/nlcached.pid")
kill -TERM "$pid"
wait "$pid"
check_eq "nlcached exits 0 on SIGTERM" 0 "$?"
