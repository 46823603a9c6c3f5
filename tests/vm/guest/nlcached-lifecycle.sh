#!/bin/bash
# timeout: 480
# nlcached's life around the kernel side: started before nfsd_nlcache is
# loaded (it loads it through the family lookup), the module removed under
# it (it notices at once, reloads and re-registers, and a client waiting
# meanwhile completes), a bad exports line (file:line, the rest served),
# SIGHUP and SIGUSR1, and a clean SIGTERM.
. "$(dirname "$0")/lib.sh"

nfsd_load
check_fails "nfsd_nlcache is not loaded yet" grep -q '^nfsd_nlcache ' /proc/modules
make_export_dir /export
make_export_dir /other
echo "served" >/export/readme
echo other >/other/f
# /var/ovl is on the guest's overlayfs, which nfsd cannot export: the
# kernel refuses the answer for it (or for /var, the pseudo-root directory
# the client walks through first), and nlcached follows up with a negative
# one, as rpc.mountd does.
mkdir -p /var/ovl
cat >/tmp/exports <<'EOT'
/export 127.0.0.1(rw,no_root_squash,fsid=1)
/other 127.0.0.1(rw,bogus_option,fsid=2)
/var/ovl 127.0.0.1(rw,fsid=3)
EOT
nlcached_start --exports /tmp/exports
check "nlcached loaded nfsd_nlcache by looking its family up" wait_for 20 grep -q '^nfsd_nlcache ' /proc/modules
nlcached_wait_attached
check_match "the bad line is reported as file:line" '/tmp/exports:2: .*bogus_option' "$(cat "$NLC_LOGDIR/nlcached")"
check_match "and the good ones are served" 'exports: 2 entries from /tmp/exports' "$(cat "$NLC_LOGDIR/nlcached")"
nfsd_start
mkdir -p /mnt/nfs
check "mount" timeout 60 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "the good export is readable" served "$(cat /mnt/nfs/export/readme)"
check "the rejected export's file exists on the server" test -f /other/f
check_fails "but the client cannot read it (its line was rejected)" cat /mnt/nfs/other/f
mkdir -p /mnt/ovl
check_fails "an export nfsd cannot serve (overlayfs) does not mount" \
	timeout 60 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.1:/var/ovl /mnt/ovl
check_match "the kernel refused nlcached's answer, as it refuses mountd's" \
	'Cannot export /var(/ovl)?, possibly unsupported filesystem or fsid= required' "$(cat "$NLC_LOGDIR/nlcached")"
check_match "and nlcached answered negatively instead (no request left pending)" \
	'^# /var(/ovl)?[[:space:]]+127\.0\.0\.1\(\)' "$(grep -v '^#path' /proc/net/rpc/nfsd.export/content)"
check_eq "nothing pending" 0 "$(nlc_status_field nfsd.export pending)"

# The module goes away under the daemon.
rmmod_retry() {
	local _
	for _ in $(seq 1 50); do
		rmmod nfsd_nlcache 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
check "rmmod nfsd_nlcache under a running nlcached" rmmod_retry
check "nlcached noticed at once" wait_for 5 grep -q 'lost the netlink family (family removed' "$NLC_LOGDIR/nlcached"
echo "after the reload" >/export/later
# shellcheck disable=SC2016 # expanded by the inner shell
check "flush the caches" sh -c 'for c in auth.unix.ip nfsd.export nfsd.fh; do echo 1 >/proc/net/rpc/$c/flush; done'
(timeout 100 cat /mnt/nfs/export/later >/tmp/bg.out 2>&1; echo $? >/tmp/bg.rc) &
check "nlcached brought the module back and registered again" wait_for 30 nlcached_attached
check_no_match "and watches the families again" 'cannot watch nlctrl' "$(cat "$NLC_LOGDIR/nlcached")"
check "the client that waited meanwhile completes" wait_for 60 test -f /tmp/bg.rc
check_eq "with the right data" "after the reload" "$(cat /tmp/bg.out)"

# SIGHUP re-reads the exports file (fixed now) and flushes the caches.
sed -i 's/bogus_option,//' /tmp/exports
check "SIGHUP" kill -HUP "$(nlcached_pid)"
check "the fixed file is re-read" wait_for 10 grep -q 'exports: 3 entries from /tmp/exports' "$NLC_LOGDIR/nlcached"
# (a new mount: the first one remembers that "other" did not exist)
mkdir -p /mnt/other
check "the second export can be mounted now" timeout 60 mount -t nfs4 -o vers=4.2 127.0.0.1:/other /mnt/other
check_eq "and read" other "$(cat /mnt/other/f)"
check "umount it" umount /mnt/other
check "SIGUSR1 logs the counters" kill -USR1 "$(nlcached_pid)"
check "counters logged" wait_for 5 grep -qE 'nfsd.export: [0-9]+ positive, [0-9]+ negative' "$NLC_LOGDIR/nlcached"
check "umount" umount /mnt/nfs
nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
check "the module saw it go" wait_for 5 nlcached_detached
