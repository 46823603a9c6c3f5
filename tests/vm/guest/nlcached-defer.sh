#!/bin/bash
# timeout: 480
# A filesystem that is merely not mounted (yet, or again) is not a
# permanent ESTALE: the nfsd.fh request naming it gets no answer (it stays
# pending, the client waits) and nlcached asks again with back-off until
# the filesystem is back, as rpc.mountd does in /proc mode (there every
# 120 s; upstream's netlink mode caches a negative entry until 2038).
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
check "loop and ext4 modules" modprobe -a loop ext4
check "an ext4 image" mkfs.ext4 -q -F /tmp/data.img 16M
mkdir -p /data
check "mount it on /data" mount -o loop /tmp/data.img /data
echo "on the disk" >/data/f
sync
echo "/data 127.0.0.1(rw,no_root_squash,no_subtree_check,fsid=5,mountpoint)" >/etc/exports
check "exportfs -ra" exportfs -ra
nlcached_start
nfsd_start
nlcached_wait_attached
mkdir -p /mnt/nfs
check "mount" timeout 60 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "the client reads /data/f" "on the disk" "$(cat /mnt/nfs/data/f)"

# The filesystem goes away on the server; the client keeps its filehandles.
check "flush the caches" exportfs -f
check "umount /data on the server (lazily: nfsd may still hold it)" umount -l /data
check_fails "/data is not a mountpoint now" mountpoint -q /data
check "flush again" exportfs -f
(timeout 200 cat /mnt/nfs/data/f >/tmp/bg.out 2>&1; echo $? >/tmp/bg.rc) &
check "nlcached defers the nfsd.fh request: the export's mountpoint is missing" \
	wait_for 30 grep -q '/data not exported as /data is not a mountpoint' "$NLC_LOGDIR/nlcached"
sleep 8
check "the request stays pending in the kernel (no negative entry)" \
	test "$(nlc_status_field nfsd.fh pending)" -ge 1
check_eq "the reason was logged once, not at every retry" 1 \
	"$(grep -c '^nlcached: /data not exported as /data is not a mountpoint' "$NLC_LOGDIR/nlcached")"
check "the retries are there (back-off)" grep -q '^nlcached: retry [0-9]*: /data not exported' "$NLC_LOGDIR/nlcached"
check_fails "the client is still waiting (no ESTALE)" test -f /tmp/bg.rc

check "the filesystem comes back" mount -o loop /tmp/data.img /data
t0=$SECONDS
check "the waiting client completes within 40 s" wait_for 40 test -f /tmp/bg.rc
say "completed $((SECONDS - t0)) s after the filesystem came back"
check_eq "and succeeded" 0 "$(cat /tmp/bg.rc)"
check_eq "with the file's content" "on the disk" "$(cat /tmp/bg.out)"
check_match "nfsd.fh now maps fsid 5 to /data" '^127\.0\.0\.1[[:space:]]+1[[:space:]]+0x00000005[[:space:]]+/data$' \
	"$(cache_entries nfsd.fh)"
check "umount" umount /mnt/nfs
nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
