#!/bin/bash
# timeout: 480
# Hand-back keeps valid entries. A mount is served over netlink with
# answers that expire in 120 s; once they are past half their life, client
# traffic makes nfsd refresh them ahead of time (the entries stay valid,
# with a request pending). The daemon then goes away: the pending refresh
# requests are handed back to the /proc channel, the valid entries stay in
# the cache, and the client keeps working with no daemon and no
# rpc.mountd. Before the fix they were unhashed, and the client stalled.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
echo "still here" >/export/readme
nlc_rules_v4 127.0.0.1 /export 1 >/tmp/rules
nlc_register srv
ttl=120
export NLC_RESPONDER_TTL=$ttl
nlc_responder_start srv /tmp/rules
nfsd_start

mkdir -p /mnt/nfs
check "NFSv4.2 mount served over netlink" timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "the client reads" "still here" "$(cat /mnt/nfs/export/readme)"
# Stop answering: refreshes must stay pending.
kill "$(cat "$NLC_LOGDIR/srv.responder.pid")"
wait "$(cat "$NLC_LOGDIR/srv.responder.pid")" 2>/dev/null
rm -f "$NLC_LOGDIR/srv.responder.pid"

# Expiry times (wall clock) as the kernel has them: RPCDBG_CACHE makes
# content show them. Under a loaded host the mount itself may take long,
# so the test goes by these, not by when the mount returned.
expiries() { # expiries CACHE...: every entry's expiry, one per line
	local c
	echo 2048 >/proc/sys/sunrpc/rpc_debug
	for c in "$@"; do
		sed -n 's/^# expiry=\([0-9]*\) .*/\1/p' "/proc/net/rpc/$c/content"
	done
	echo 0 >/proc/sys/sunrpc/rpc_debug
}
first_expiry=$(expiries auth.unix.ip nfsd.export nfsd.fh | sort -n | head -n 1)
last_expiry=$(expiries nfsd.export | sort -n | tail -n 1)
say "entries expire from $((first_expiry - $(date +%s))) s from now on"
check "the entries have more than half their life ahead" \
	test $((first_expiry - $(date +%s))) -gt $((ttl / 2))
# Refresh-ahead starts once an entry is past half its life.
left=$((last_expiry - ttl / 2 + 2 - $(date +%s)))
[ "$left" -le 0 ] || sleep "$left"
check "past half their life, client traffic still works" \
	timeout 10 sh -c 'echo one >/mnt/nfs/export/one && sync'
n=0
refreshing() {
	n=$((n + 1))
	echo "$n" >"/mnt/nfs/export/r$n" && sync
	nlcachectl pending nfsd.export | grep -q ' /export$'
}
check "and makes nfsd refresh nfsd.export ahead of time (pending)" wait_for 10 refreshing
check_match "while the entry is still valid" '^/export[[:space:]]+127\.0\.0\.1\(rw' "$(cache_entries nfsd.export)"

nlc_stop srv
no_daemon() { [ "$(nlc_daemon_portid)" = 0 ]; }
check "the daemon's exit detached the caches" wait_for 10 no_daemon
check "the pending refreshes were handed back" test "$(nlc_status_field nfsd.export handed_back)" -gt 0
check_match "the valid nfsd.export entry is still in the cache" '^/export[[:space:]]+127\.0\.0\.1\(rw' \
	"$(cache_entries nfsd.export)"
check_match "so is the nfsd.fh entry" '^127\.0\.0\.1[[:space:]]+1[[:space:]]+0x00000001[[:space:]]+/export$' \
	"$(cache_entries nfsd.fh)"
check "the client keeps working with no daemon at all (10 s)" \
	timeout 10 sh -c 'echo two >/mnt/nfs/export/two && sync && cat /mnt/nfs/export/readme'
check "all of it before the first entry expired" test "$(date +%s)" -lt "$first_expiry"
check_match "the refresh request waits on the legacy channel for rpc.mountd" '^127\.0\.0\.1 /export$' \
	"$(timeout 2 cat /proc/net/rpc/nfsd.export/channel)"
umount -f /mnt/nfs 2>/dev/null || umount -l /mnt/nfs
nfsd_stop
