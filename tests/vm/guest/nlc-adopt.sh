#!/bin/bash
# timeout: 420
# Adoption sees every pending entry, however many share a hash bucket, and
# notifications are coalesced. 80 auth.unix.gid lookups whose uids all hash
# to one bucket of the cache wait on the /proc channel (a writer holds it
# open, so the legacy upcall queues them); a daemon that registers then
# lists all 80 (before the fix: at most 64 per bucket). With the daemon
# registered and a monitor on "exportd", 40 more upcalls make far fewer
# than 40 notifications until a dump starts; after the dump the next upcall
# is announced again.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
nfsd_start
check "root answers auth.unix.ip for 127.0.0.1 (no daemon: straight to the cache)" \
	nlcachectl answer auth.unix.ip nfsd 127.0.0.1 127.0.0.1
exec 3>/proc/net/rpc/auth.unix.gid/channel

# unix_gid_hash(uid) = hash_long(uid, 8) = uid * GOLDEN_RATIO_64 >> 56.
uids() { # uids BUCKET COUNT FROM: COUNT uids >= FROM in BUCKET, comma-separated
	python3 -c '
import sys
b, n, u = (int(x) for x in sys.argv[1:])
out = []
while len(out) < n:
    if ((u * 0x61C8864680B583EB) % (1 << 64)) >> 56 == b:
        out.append(str(u))
    u += 1
print(",".join(out))' "$@"
}
same=$(uids 7 80 100000)
python3 "$NLC_PROJECT/tests/vm/guest/rpccall.py" --src 127.0.0.1 --uid "$same" --timeout 200 \
	>"$NLC_LOGDIR/rpc.same" 2>&1 &
rpc1=$!
waiting() { [ "$(grep -cE '^# [0-9]+ 0:' /proc/net/rpc/auth.unix.gid/content)" -ge "$1" ]; }
check "80 gid lookups of one hash bucket wait on the legacy channel" wait_for 120 waiting 80

nlcachectl monitor >"$NLC_LOGDIR/monitor" 2>&1 &
mon=$!
nlc_register adopt auth.unix.gid
check_eq "registering adopted all 80" 80 "$(nlc_status_field auth.unix.gid adopted)"
check_eq "and lists all 80 as pending" 80 "$(nlcachectl pending auth.unix.gid | wc -l)"

n0=$(nlc_status_field auth.unix.gid notifications)
u0=$(nlc_status_field auth.unix.gid upcalls)
t0=$SECONDS
python3 "$NLC_PROJECT/tests/vm/guest/rpccall.py" --src 127.0.0.1 --uid "$(uids 9 40 200000)" \
	--timeout 200 >"$NLC_LOGDIR/rpc.more" 2>&1 &
rpc2=$!
more() { [ "$(nlc_status_field auth.unix.gid upcalls)" -ge $((u0 + 40)) ]; }
check "40 more upcalls with the daemon registered" wait_for 120 more
n1=$(nlc_status_field auth.unix.gid notifications)
took=$((SECONDS - t0))
say "notifications: $n0 before, $n1 after 40 upcalls in $took s"
# One for the first upcall, then at most one re-announcement per 5 s
# while nothing is fetched (one per upcall before coalescing).
check "they were coalesced: at most $((2 + took / 5)) notifications for 40 upcalls" \
	test $((n1 - n0)) -le $((2 + took / 5))
check "a dump re-arms the announcement" nlcachectl pending auth.unix.gid
n2=$(nlc_status_field auth.unix.gid notifications)
python3 "$NLC_PROJECT/tests/vm/guest/rpccall.py" --src 127.0.0.1 --uid "$(uids 11 1 300000)" \
	--timeout 100 >"$NLC_LOGDIR/rpc.one" 2>&1 &
rpc3=$!
announced() { [ "$(nlc_status_field auth.unix.gid notifications)" -gt "$n2" ]; }
check "the next upcall is announced" wait_for 60 announced
check_match "the monitor saw auth.unix.gid notifications" 'auth\.unix\.gid' "$(cat "$NLC_LOGDIR/monitor")"

kill "$mon" "$rpc1" "$rpc2" "$rpc3" 2>/dev/null
nlc_stop adopt
exec 3>&-
nfsd_stop
