#!/bin/bash
# timeout: 900
# A name server that hangs during an exports reload stalls nothing else
# (issue 9 item 10). The only name server (a small one on 127.0.0.1:53,
# written here) answers hang.nlc.test only after HOLD seconds. nlcached
# runs on an exports file; the new version adds a client 127.0.0.3 and the
# FQDN client hang.nlc.test, then SIGHUP. rpc.mountd would look the name
# up in its only thread and serve nobody until the name server answered.
# nlcached stops waiting for the lookup after 0.5 s and goes on:
#  - 127.0.0.3 mounts while the lookup hangs (before the name server
#    answered; about 0.5 s more than a mount of a new client after a
#    reload without a hanging name, measured first and shown);
#  - 127.0.0.5 (the address the name server will give hang.nlc.test)
#    matches no client yet: it is not refused but kept waiting, and mounts
#    read-only (hang.nlc.test's option) once the answer came;
#  - nlcached loads the exports again by itself when the lookup ends.
# Then the name server fails for now (SERVFAIL): rpc.mountd would drop the
# client and refuse 127.0.0.5; nlcached grants nothing either but keeps
# 127.0.0.5 (the name's last address) waiting, asks again, and serves it
# when the name server is back. A name that is gone (NXDOMAIN) is refused.
. "$(dirname "$0")/lib.sh"

HOLD=20

nfsd_load
nlc_module_load
make_export_dir /export
echo "dns" >/export/readme
chmod 777 /export
for a in 3 4 5; do
	check "add 127.0.0.$a to lo" ip addr add "127.0.0.$a/32" dev lo
done
mkdir -p /mnt/nfs /mnt/nfs5

# The name server: A queries for hang.nlc.test are answered 127.0.0.5
# after HOLD seconds, every other query at once with NXDOMAIN (AAAA of
# hang.nlc.test: no data, also after HOLD s). /tmp/dns.mode changes what
# hang.nlc.test gets: hold (that), ok (the same at once), servfail (a
# failure that may pass), nx (NXDOMAIN: the name is gone).
cat >/tmp/slowdns.py <<'PY'
import socket, struct, sys, threading, time
hold = float(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
def answer(q, peer):
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    i = 12
    labels = []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode().lower())
        i += 1 + q[i]
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    question = q[12:i + 5]
    name = ".".join(labels)
    print("query", name, qtype, flush=True)
    try:
        mode = open("/tmp/dns.mode").read().strip()
    except OSError:
        mode = "hold"
    if name == "hang.nlc.test" and mode == "servfail":
        r = struct.pack("!HHHHHH", qid, 0x8182, 1, 0, 0, 0) + question
    elif name == "hang.nlc.test" and mode in ("hold", "ok"):
        if mode == "hold":
            time.sleep(hold)
        if qtype == 1:
            rr = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton("127.0.0.5")
            r = struct.pack("!HHHHHH", qid, 0x8580, 1, 1, 0, 0) + question + rr
        else:
            r = struct.pack("!HHHHHH", qid, 0x8580, 1, 0, 0, 0) + question
    else:
        r = struct.pack("!HHHHHH", qid, 0x8583, 1, 0, 0, 0) + question
    s.sendto(r, peer)
    print("answered", name, qtype, flush=True)
while True:
    q, peer = s.recvfrom(4096)
    threading.Thread(target=answer, args=(q, peer), daemon=True).start()
PY
/usr/bin/python3 /tmp/slowdns.py "$HOLD" >"$NLC_LOGDIR/slowdns" 2>&1 &
dns=$!
cp /etc/resolv.conf /tmp/resolv.orig 2>/dev/null || :
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' >/etc/resolv.conf
check_match "hosts come from files, then dns" '^hosts:.*files.*dns' "$(grep '^hosts:' /etc/nsswitch.conf)"
check "the name server answers the others at once (NXDOMAIN)" \
	sh -c '! timeout 5 getent hosts other.nlc.test'

# elapsed CMD...: run CMD, print its wall time in ms (CMD's status is ours)
elapsed() {
	local t0 rc
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	rc=$?
	echo $((($(date +%s%N) - t0) / 1000000))
	return $rc
}
mount_from() { # mount_from N DIR
	timeout 120 mount -t nfs4 -o vers=4.2,retry=0 "127.0.0.$1:/export" "$2"
}
# mount5_start: 127.0.0.5 mounts in the background; mount5_done WHEN: it
# ended, successfully
mount5_start() {
	rm -f /tmp/mount5.rc
	(
		ms=$(elapsed mount_from 5 /mnt/nfs5)
		echo "$? $ms" >/tmp/mount5.rc
	) &
	m5=$!
}
mount5_done() {
	local rc ms
	check "127.0.0.5's mount ended ($1)" wait_for 120 test -s /tmp/mount5.rc
	wait "$m5"
	read -r rc ms </tmp/mount5.rc
	check_eq "127.0.0.5's mount succeeded ($1, after $ms ms)" 0 "$rc"
}
loads() { nlcached_run_log | grep -c "nlcached: exports: [0-9]* entries from /tmp/nlc.exports"; }
# shellcheck disable=SC2317 # called through wait_for
reloaded() { [ "$(loads)" -gt "$n" ]; }

echo "/export 127.0.0.1(rw,no_subtree_check,fsid=1)" >/tmp/nlc.exports
nlcached_start --exports /tmp/nlc.exports
nfsd_start
nlcached_wait_attached
check "127.0.0.1 mounts (warm-up)" mount_from 1 /mnt/nfs
check "unmount" umount /mnt/nfs

# ---- the reference: a reload that adds a client, no hanging name -----------------
n=$(loads)
echo "/export 127.0.0.1(rw,no_subtree_check,fsid=1) 127.0.0.4(rw,no_subtree_check,fsid=1)" \
	>/tmp/nlc.exports
check "SIGHUP (reference reload)" kill -HUP "$(nlcached_pid)"
ref_ms=$(elapsed mount_from 4 /mnt/nfs)
check "reference: 127.0.0.4 mounts after the reload ($ref_ms ms)" test -n "$(nfs_clientaddr 127.0.0.4)"
check "reference: nlcached re-read the file" wait_for 10 reloaded
check "unmount" umount /mnt/nfs

# ---- the reload whose name lookup hangs -------------------------------------------
n=$(loads)
cat >/tmp/nlc.exports <<'EXPORTS'
/export 127.0.0.1(rw,no_subtree_check,fsid=1) 127.0.0.3(rw,no_subtree_check,fsid=1)
/export hang.nlc.test(ro,no_subtree_check,fsid=1)
EXPORTS
check "SIGHUP (the reload whose lookup hangs)" kill -HUP "$(nlcached_pid)"
hup_at=$SECONDS
hang_ms=$(elapsed mount_from 3 /mnt/nfs)
check "hang: 127.0.0.3 mounts while the lookup hangs ($hang_ms ms; reference $ref_ms ms)" \
	test -n "$(nfs_clientaddr 127.0.0.3)"
# served while the lookup still hangs (rpc.mountd, and nlcached before
# dnswait, answered nobody until the name server did); the time over the
# reference is about 0.5 s (nlcached's wait) on a quiet host, shown, not
# asserted: on a loaded one (make check boots two guests and the systest)
# mounts vary by seconds
check_no_match "hang: ... before the name server answered ($((SECONDS - hup_at)) s after SIGHUP; +$((hang_ms - ref_ms)) ms over the reference)" \
	'answered hang\.nlc\.test' "$(cat "$NLC_LOGDIR/slowdns")"
check "hang: 127.0.0.3 reads" test "$(cat /mnt/nfs/readme)" = dns
check "hang: 127.0.0.3 writes (rw)" touch /mnt/nfs/from3
check_match "hang: nlcached loaded the file without the name" \
	'client names still being looked up' "$(nlcached_run_log)"
check "unmount 127.0.0.3" umount /mnt/nfs
# 127.0.0.5 asks while the name is unresolved: it must wait, not be
# refused (one mount at a time: the NFS client serialises their setup)
mount5_start
sleep 1
check "hang: 127.0.0.5 is waiting ($((SECONDS - hup_at)) s after SIGHUP)" kill -0 "$m5"

# ---- the lookup ends ---------------------------------------------------------------
check "the lookup ends: nlcached loads the exports again" \
	wait_for $((HOLD + 30)) grep -q 'a client name lookup ended' "$NLC_LOGDIR/nlcached"
mount5_done "after the answer"
check "127.0.0.5 reads" test "$(cat /mnt/nfs5/readme)" = dns
check_fails_with "127.0.0.5 is hang.nlc.test: read-only" 'Read-only file system' \
	touch /mnt/nfs5/from5
check_match "the kernel holds hang.nlc.test's domain for 127.0.0.5" \
	'127\.0\.0\.5[[:space:]]+hang\.nlc\.test' "$(cache_entries auth.unix.ip)"
check "unmount 127.0.0.5" umount /mnt/nfs5
check_match "the name server saw the lookup" 'answered hang.nlc.test 1' "$(cat "$NLC_LOGDIR/slowdns")"

# reload_with MODE: the name server in MODE, SIGHUP, the reload done and
# the kernel's entry for 127.0.0.5 flushed
no5() { ! cache_entries auth.unix.ip | grep -q '^nfsd 127\.0\.0\.5 '; }
reload_with() {
	echo "$1" >/tmp/dns.mode
	n=$(loads)
	check "$1: SIGHUP" kill -HUP "$(nlcached_pid)"
	check "$1: nlcached re-read the file" wait_for 20 reloaded
	check "$1: the kernel's entry for 127.0.0.5 is flushed" wait_for 10 no5
}

# ---- the name server fails for now (SERVFAIL) ----------------------------------------
# rpc.mountd drops the client: 127.0.0.5 would be refused. nlcached does not
# grant it either (the client matches nothing) but, since 127.0.0.5 was
# hang.nlc.test's address, keeps it waiting and asks again (2 s, 4 s, ...).
reload_with servfail
check_match "servfail: the reload logged the failed name" 'client names did not resolve' "$(nlcached_run_log)"
mount5_start
sleep 5
check "servfail: 127.0.0.5 waits (neither refused nor served)" kill -0 "$m5"
check "servfail: the kernel holds no domain for 127.0.0.5" no5
echo ok >/tmp/dns.mode
check "servfail: the name server is back: nlcached loads again" \
	wait_for 60 sh -c "[ \$(grep -c 'a client name lookup ended' '$NLC_LOGDIR/nlcached') -ge 2 ]"
mount5_done "servfail: when the name server is back"
check_fails_with "servfail: 127.0.0.5 is hang.nlc.test again: read-only" 'Read-only file system' \
	touch /mnt/nfs5/from5
check "unmount 127.0.0.5" umount /mnt/nfs5

# ---- the name is gone (NXDOMAIN): refused, as by rpc.mountd ---------------------------
reload_with nx
check_fails_with "nx: 127.0.0.5 is refused" 'access denied by server' \
	mount_from 5 /mnt/nfs5
check "nx: 127.0.0.3 still mounts" mount_from 3 /mnt/nfs
check "unmount 127.0.0.3" umount /mnt/nfs

nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
kill "$dns"
[ ! -f /tmp/resolv.orig ] || cp /tmp/resolv.orig /etc/resolv.conf
nfsd_stop
