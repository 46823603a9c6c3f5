#!/bin/bash
# timeout: 420
# The pending table's limit (max_pending) and who owns CACHE_PENDING. With
# room for one request: a second lookup of the key already pending must
# leave it pending (it is not ours to drop: the first upcall owns it) and
# is not an overflow; a different key overflows (counted, refused with
# -EAGAIN, nothing left pending for it); the first key is answered and its
# waiting calls complete. Before the fix the second lookup hit the limit
# before checking PENDING and cleared the first caller's PENDING.
. "$(dirname "$0")/lib.sh"

nlc_extra_state() {
	nlcachectl status
	nlcachectl pending
	cat /sys/kernel/tracing/kprobe_profile 2>/dev/null
	for f in "$NLC_LOGDIR"/rpc.*; do echo "== $f"; cat "$f"; done
}
nfsd_load
check "modprobe nfsd_nlcache max_pending=1" modprobe nfsd_nlcache max_pending=1
check_eq "the parameter took" 1 "$(cat /sys/module/nfsd_nlcache/parameters/max_pending)"
check_fails "max_pending=0 is refused" sh -c 'echo 0 >/sys/module/nfsd_nlcache/parameters/max_pending'
check_fails "max_pending above 16384 is refused" sh -c 'echo 16385 >/sys/module/nfsd_nlcache/parameters/max_pending'
nfsd_start
nlc_register hold auth.unix.ip

t=/sys/kernel/tracing
mountpoint -q $t || mount -t tracefs tracefs $t
check "kprobe on nlc_upcall" sh -c "echo 'p:nlc_up nfsd_nlcache:nlc_upcall' >>$t/kprobe_events &&
	echo 1 >$t/events/kprobes/nlc_up/enable"
upcalls() { awk '$1 == "nlc_up" { print $2 }' $t/kprobe_profile; }

rpc() { # rpc NAME SRC: a COMPOUND from SRC in the background
	python3 "$NLC_PROJECT/tests/vm/guest/rpccall.py" --src "$2" --timeout 300 \
		>"$NLC_LOGDIR/rpc.$1" 2>&1 &
	echo $! >"$NLC_LOGDIR/rpc.$1.pid"
}
pending_ip() { nlcachectl pending auth.unix.ip | grep -qE "[[:space:]]$1\$"; }

rpc a1 127.0.0.5
check "127.0.0.5's lookup is pending" wait_for 120 pending_ip 127.0.0.5
check_eq "no overflow yet" 0 "$(nlc_status_field auth.unix.ip overflows)"

n=$(upcalls)
rpc a2 127.0.0.5
check "a second call from 127.0.0.5 reaches the upcall" wait_for 120 sh -c "[ \$(awk '\$1 == \"nlc_up\" { print \$2 }' $t/kprobe_profile) -gt $n ]"
sleep 1
check "127.0.0.5 is still pending after the second lookup" pending_ip 127.0.0.5
check_eq "and that lookup was no overflow (the request was already queued)" \
	0 "$(nlc_status_field auth.unix.ip overflows)"

rpc b 127.0.0.6
overflowed() { [ "$(nlc_status_field auth.unix.ip overflows)" -gt 0 ]; }
check "127.0.0.6's lookup overflows the full table" wait_for 120 overflowed
check_fails "and is not pending" pending_ip 127.0.0.6
check "127.0.0.5 is still pending" pending_ip 127.0.0.5

check "answer 127.0.0.5" nlcachectl answer auth.unix.ip nfsd 127.0.0.5 dom5.example
for c in a1 a2; do
	check "call $c completes once answered" wait_for 120 pid_exited "$(cat "$NLC_LOGDIR/rpc.$c.pid")"
	check_match "and got a reply" '^uid 0: status ' "$(cat "$NLC_LOGDIR/rpc.$c")"
done
check_match "the entry is in the cache" '^nfsd[[:space:]]+127\.0\.0\.5[[:space:]]+dom5\.example$' \
	"$(cache_entries auth.unix.ip)"
check_eq "nothing is left pending" "" "$(nlcachectl pending auth.unix.ip)"
kill "$(cat "$NLC_LOGDIR/rpc.b.pid")" 2>/dev/null
nlc_stop hold
nfsd_stop
