#!/bin/bash
# timeout: 480
# A hung filesystem under a crossmnt export ties up one nlcached worker,
# not all of them (issue 9 item 11). /export (crossmnt) has a FUSE
# submount whose server never answers; five clients (127.0.0.1, .4-.7)
# each cross into it, so five nfsd.export requests for /export/hung need
# a stat() that hangs. nlcached runs its default 4 workers: only one may
# be inside the hung filesystem, the others defer ("cannot examine ...
# now"), and a sixth client mounts another export (/other, 127.0.0.2)
# within seconds. Without the per-filesystem gate all four workers hung in
# stat() and that mount never completed.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
make_export_dir /other
echo "other" >/other/readme
mkdir -p /export/hung
for n in 2 4 5 6 7; do
	check "add 127.0.0.$n to lo" ip addr add "127.0.0.$n/32" dev lo
done
hung_clients="1 4 5 6 7"
{
	printf '/export'
	for n in $hung_clients; do
		printf ' 127.0.0.%s(rw,no_subtree_check,crossmnt,fsid=1)' "$n"
	done
	printf '\n/other 127.0.0.2(rw,no_subtree_check,fsid=2)\n'
} >/etc/exports
check "exportfs -ra" exportfs -ra
nlcached_start
nfsd_start
nlcached_wait_attached
log=$NLC_LOGDIR/nlcached

for n in $hung_clients; do
	mkdir -p "/mnt/c$n"
	check "127.0.0.$n mounts /export" \
		timeout 120 mount -t nfs4 -o vers=4.2,retry=0 "127.0.0.$n:/export" "/mnt/c$n"
done

check "fuse is available" modprobe fuse
python3 "$NLC_PROJECT/tests/vm/guest/fuse-hang.py" /export/hung >"$NLC_LOGDIR/fuse" 2>&1 &
fuse_pid=$!
check "a FUSE filesystem that never answers is mounted on /export/hung" \
	wait_for 10 grep -q 'hung filesystem mounted' "$NLC_LOGDIR/fuse"
check_fails "a lookup below it hangs (3 s)" timeout 3 stat /export/hung/x

# Each client crosses into the hung submount: nfsd asks nfsd.export for
# (127.0.0.N, /export/hung), and answering needs a stat() of it.
pids=
for n in $hung_clients; do
	stat "/mnt/c$n/hung/." >/dev/null 2>&1 &
	pids="$pids $!"
done
check "nfsd asked for /export/hung for every client" \
	wait_for 60 sh -c "[ \$(grep -c 'request: .*/export/hung' '$log') -ge 5 ]"
check "other workers defer instead of waiting in the hung filesystem" \
	wait_for 60 grep -q "cannot examine '/export/hung' now: Resource temporarily unavailable" "$log"

t0=$SECONDS
mkdir -p /mnt/other
check "meanwhile 127.0.0.2 mounts /other" \
	timeout 60 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.2:/other /mnt/other
took=$((SECONDS - t0))
say "the mount took $took s"
check "within 20 s" test "$took" -le 20
check_eq "and reads" "other" "$(cat /mnt/other/readme)"

pid=$(nlcached_pid)
in_fuse() {
	local t n=0
	for t in /proc/"$pid"/task/*; do
		grep -q fuse "$t/stack" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}
say "nlcached threads: $(for t in /proc/"$pid"/task/*; do printf '%s ' "$(cat "$t/wchan")"; done)"
check_eq "exactly one nlcached worker is inside the hung filesystem" 1 "$(in_fuse)"
check "the deferred requests are retried, and stay out of it" \
	wait_for 60 grep -q "retry [0-9]*: cannot examine '/export/hung' now" "$log"
check_eq "still one worker inside it" 1 "$(in_fuse)"

# Cleanup: abort the FUSE connection, the hung stat returns an error.
for c in /sys/fs/fuse/connections/*/abort; do
	echo 1 >"$c" 2>/dev/null
done
kill -9 "$fuse_pid" 2>/dev/null
wait "$fuse_pid" 2>/dev/null
umount -l /export/hung 2>/dev/null
check "after the abort, 127.0.0.2 still reads" cat /mnt/other/readme
for p in $pids; do kill -9 "$p" 2>/dev/null; done
umount /mnt/other
for n in $hung_clients; do umount -f -l "/mnt/c$n" 2>/dev/null; done
nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
