#!/bin/bash
# timeout: 480
# A hung filesystem under a crossmnt export ties up one nlcached worker,
# not all of them (issue 9 item 11). /export (crossmnt) has a FUSE
# submount whose server never answers, bind-mounted at four more places
# below /export (h2..h5); a client crosses into all five, so five
# nfsd.export requests (127.0.0.1, /export/hN) each need a stat() that
# hangs. nlcached runs its default 4 workers: only one may be inside the
# hung filesystem (bind mounts share its gate), the others defer ("cannot
# examine ... now"), and the same client mounts another export (/other)
# within seconds. Without the per-filesystem gate all four workers hung in
# stat() and that mount never completed. (One client address: a second
# address on this host would be trunked onto the first one's connection.)
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
make_export_dir /other
echo "other" >/other/readme
hung="hung h2 h3 h4 h5"
for h in $hung; do mkdir -p "/export/$h"; done
cat >/etc/exports <<'EXPORTS'
/export 127.0.0.1(rw,no_subtree_check,crossmnt,fsid=1)
/other 127.0.0.1(rw,no_subtree_check,fsid=2)
EXPORTS
check "exportfs -ra" exportfs -ra
nlcached_start
nfsd_start
nlcached_wait_attached
log=$NLC_LOGDIR/nlcached

mkdir -p /mnt/nfs /mnt/other
check "127.0.0.1 mounts /export" \
	timeout 120 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.1:/export /mnt/nfs
check "fuse is available" modprobe fuse
python3 "$NLC_PROJECT/tests/vm/guest/fuse-hang.py" /export/hung >"$NLC_LOGDIR/fuse" 2>&1 &
fuse_pid=$!
check "a FUSE filesystem that never answers is mounted on /export/hung" \
	wait_for 10 grep -q 'hung filesystem mounted' "$NLC_LOGDIR/fuse"
for h in h2 h3 h4 h5; do
	check "bind-mounted on /export/$h" timeout 10 mount --bind /export/hung "/export/$h"
done
check_fails "a lookup below it hangs (3 s)" timeout 3 stat /export/h3/x

# The client crosses into each: nfsd asks nfsd.export for
# (127.0.0.1, /export/hN), and answering needs a stat() of it.
pids=
for h in $hung; do
	stat "/mnt/nfs/$h/." >/dev/null 2>&1 &
	pids="$pids $!"
done
check "nfsd asked for all five" \
	wait_for 60 sh -c "[ \$(grep -cE 'request: nfsd.export .*/export/(hung|h[2-5])\$' '$log') -ge 5 ]"
pid=$(nlcached_pid)
show_threads() {
	local t
	for t in /proc/"$pid"/task/*; do
		say "nlcached thread ${t##*/}: $(cat "$t/wchan"): $(tr '\n' ' ' <"$t/stack" | cut -c1-300)"
	done
}
sleep 3
show_threads
check "other workers defer instead of waiting in the hung filesystem" \
	wait_for 60 grep -qE "cannot examine '/export/(hung|h[2-5])' now: Resource temporarily unavailable" "$log"

t0=$SECONDS
check "meanwhile the client mounts /other" \
	timeout 60 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.1:/other /mnt/other
took=$((SECONDS - t0))
say "the mount took $took s"
check "within 20 s" test "$took" -le 20
check_eq "and reads" "other" "$(cat /mnt/other/readme)"

in_fuse() {
	local t n=0
	for t in /proc/"$pid"/task/*; do
		grep -q fuse "$t/stack" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}
show_threads
check_eq "exactly one nlcached worker is inside the hung filesystem" 1 "$(in_fuse)"
check "the deferred requests are retried, and stay out of it" \
	wait_for 60 grep -qE "retry [0-9]+: cannot examine '/export/(hung|h[2-5])' now" "$log"
check_eq "still one worker inside it" 1 "$(in_fuse)"

# Cleanup: abort the FUSE connection; the hung stat returns an error.
for c in /sys/fs/fuse/connections/*/abort; do
	echo 1 >"$c" 2>/dev/null
done
kill -9 "$fuse_pid" 2>/dev/null
wait "$fuse_pid" 2>/dev/null
check "after the abort, the client still reads /other" cat /mnt/other/readme
for p in $pids; do kill -9 "$p" 2>/dev/null; done
for h in h2 h3 h4 h5 hung; do umount -l "/export/$h" 2>/dev/null; done
umount /mnt/other
umount -f -l /mnt/nfs 2>/dev/null
nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
