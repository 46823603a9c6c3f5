#!/bin/bash
# (c) rpc.mountd not running: a scripted responder (nlcachectl pending and
# answer) serves auth.unix.ip, nfsd.export and nfsd.fh over netlink. The
# NFSv4 mount works, a client outside the rules is refused, and no process
# ever reads a /proc/net/rpc/*/channel (a kprobe counts the reads).
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
chanwatch_start
check_fails "rpc.mountd is not running" pgrep -x rpc.mountd

make_export_dir /export
echo "hello over netlink" >/export/readme
nlc_rules_v4 127.0.0.1 /export 1 >/tmp/rules
nlc_register srv
nlc_responder_start srv /tmp/rules
nfsd_start

mkdir -p /mnt/nfs /mnt/refused
check "NFSv4.2 mount of 127.0.0.1:/ succeeds" \
	timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "the client reads through the pseudo root" \
	"hello over netlink" "$(cat /mnt/nfs/export/readme)"
check "the client writes" sh -c 'echo written >/mnt/nfs/export/new && sync'
check_eq "the server sees it" written "$(cat /export/new)"

check_match "auth.unix.ip filled over netlink" '^nfsd[[:space:]]+127\.0\.0\.1[[:space:]]+127\.0\.0\.1$' \
	"$(cache_entries auth.unix.ip)"
check_match "nfsd.export filled over netlink" '^/export[[:space:]]+127\.0\.0\.1\(' \
	"$(cache_entries nfsd.export)"
check_match "nfsd.fh filled over netlink" '^127\.0\.0\.1[[:space:]]+1[[:space:]]+0x00000001[[:space:]]+/export$' \
	"$(cache_entries nfsd.fh)"
for c in auth.unix.ip nfsd.export nfsd.fh; do
	check "$c: requests were queued and answered over netlink" \
		test "$(nlc_status_field $c upcalls)" -gt 0 -a "$(nlc_status_field $c replies)" -gt 0
	check_eq "$c: no fallback to the legacy path" 0 "$(nlc_status_field $c fallbacks)"
done
check_match "the responder saw the export request" '^nfsd\.export [0-9]+ 127\.0\.0\.1 /export' \
	"$(cat "$NLC_LOGDIR/srv.seen")"

# Flush is what writing /proc/net/rpc/<cache>/flush does, not a bare purge:
# the connection's cached client identity must be re-checked as well, so
# the next request on the same mount upcalls auth.unix.ip again.
before=$(nlc_status_field auth.unix.ip upcalls)
check "nlcachectl flush" nlcachectl flush
check "the mount still works after the flush" sh -c 'echo again >/mnt/nfs/export/after-flush && sync'
check "the same connection's next request upcalled auth.unix.ip again" \
	test "$(nlc_status_field auth.unix.ip upcalls)" -gt "$before"

check "add 127.0.0.2 to lo" ip addr add 127.0.0.2/32 dev lo
check_fails_with "a client outside the rules (127.0.0.2) is refused" \
	'access denied by server' timeout 120 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.2:/ /mnt/refused
check "the umount works" umount /mnt/nfs

check_eq "no process read a /proc/net/rpc channel" 0 "$(chanwatch_reads)"
# The probe's own positive control: one deliberate read.
timeout 2 cat /proc/net/rpc/auth.unix.ip/channel >/dev/null 2>&1
check "the channel-read probe does count reads" test "$(chanwatch_reads)" -gt 0
nlc_responder_ok srv
nlc_stop srv
nfsd_stop
