#!/bin/bash
# timeout: 480
# A hung filesystem stalls only whoever looks a path up on it. Root answers
# nfsd.export with a path below a FUSE mount whose server never replies:
# that answer hangs (killably) in the sender's own context, and meanwhile
# nlcached serves a new NFSv4 mount of another export, another generic
# netlink family registers (modprobe wireguard), nlcachectl status answers,
# and kill -9 of the hung sender frees everything. Before the fix the
# answer slept in the genetlink doit holding a global mutex: the mount
# timed out and modprobe hung in genl_register_family.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
echo "served while /hung hangs" >/export/readme
echo "/export 127.0.0.1(rw,no_subtree_check,no_root_squash,fsid=1)" >/etc/exports
check "exportfs -ra" exportfs -ra
nlcached_start
nfsd_start
nlcached_wait_attached

mkdir -p /mnt/nfs
check_eq "no client has been served yet" "" "$(cache_entries nfsd.export)"
# The hung answer's client domain must exist, or the parser would refuse
# it before looking the path up.
check "root answers auth.unix.ip for 192.0.2.99 (domain hung.example)" \
	nlcachectl answer auth.unix.ip nfsd 192.0.2.99 hung.example
check "fuse is available" modprobe fuse
mkdir -p /hung
python3 "$NLC_PROJECT/tests/vm/guest/fuse-hang.py" /hung >"$NLC_LOGDIR/fuse" 2>&1 &
fuse_pid=$!
check "a FUSE filesystem that never answers is mounted on /hung" \
	wait_for 10 grep -q 'hung filesystem mounted' "$NLC_LOGDIR/fuse"
check_fails "a lookup below it hangs (3 s)" timeout 3 stat /hung/x

nlcachectl answer nfsd.export hung.example /hung/x --flags 0x2420 --fsid 9 --ttl 600 \
	>"$NLC_LOGDIR/hung-answer" 2>&1 &
hung_pid=$!
sleep 3
check "root's answer naming /hung/x is still waiting after 3 s" test -e "/proc/$hung_pid"
say "the hung answer: $(cat /proc/$hung_pid/stat | cut -d' ' -f1-3), in $(cat /proc/$hung_pid/wchan)"

t0=$SECONDS
check "meanwhile the first NFSv4 mount is served: nlcached answers auth.unix.ip, nfsd.fh and nfsd.export" \
	timeout 90 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
say "the mount took $((SECONDS - t0)) s"
check_eq "and reads" "served while /hung hangs" "$(cat /mnt/nfs/export/readme)"
check_match "nlcached answered nfsd.export meanwhile" '^/export[[:space:]]+127\.0\.0\.1\(rw' \
	"$(cache_entries nfsd.export)"
check "the hung answer is still waiting after the mount" test -e "/proc/$hung_pid"
check "another generic netlink family registers meanwhile (modprobe wireguard)" \
	timeout 30 modprobe wireguard
check "the wireguard family is there" sh -c 'grep -q "^wireguard " /proc/modules'
check "nlcachectl status answers meanwhile" timeout 10 nlcachectl status
check "root answers auth.unix.ip meanwhile" \
	timeout 10 nlcachectl answer auth.unix.ip nfsd 192.0.2.50 other.example
check "the hung answer is still waiting" test -e "/proc/$hung_pid"

check "kill -9 of the hung sender" kill -9 "$hung_pid"
check "it exits" wait_for 10 pid_exited "$hung_pid"
wait "$hung_pid" 2>/dev/null
check "nfsd.export answers are applied again afterwards" \
	timeout 10 nlcachectl answer nfsd.export 127.0.0.1 /export --flags 0x2420 --fsid 1
check "the client still writes" timeout 30 sh -c 'echo after >/mnt/nfs/export/after && sync'
check "umount" umount /mnt/nfs
kill -9 "$fuse_pid" 2>/dev/null
wait "$fuse_pid" 2>/dev/null
umount -l /hung 2>/dev/null
nlcached_stop
check_eq "nlcached exits 0" 0 "$nlcached_rc"
nfsd_stop
