#!/bin/bash
# timeout: 900
# rpc.mountd and nlcached together, as README recommends for NFSv3:
# rpc.mountd answers MOUNT (and writes auth.unix.ip and nfsd.export for it
# straight into the /proc channels, with the domains it composes) while
# nlcached, registered, answers the kernel's upcalls. The exports use two
# FQDN names that share an address after exportfs ran (issue 9 item 3), so
# the domain rpc.mountd writes is only the first name. Then the daemons are
# switched without a flush, twice: every client keeps working.
# The NFSv3 client is tests/vm/guest/mntcall.py (the guest has no nfsv3
# client module): MNT, then GETATTR and CREATE with the filehandle.
. "$(dirname "$0")/lib.sh"

mnt() { python3 "$NLC_PROJECT/tests/vm/guest/mntcall.py" "$@"; }

nfsd_load
nlc_module_load
cat >>/etc/hosts <<'HOSTS'
127.0.8.1 nlc-ca.test
127.0.8.5 nlc-cb.test
HOSTS
check "add 127.0.8.1 to lo" ip addr add 127.0.8.1/32 dev lo
for d in /v3 /v4; do
	make_export_dir $d
	chmod 777 $d
done
mkdir -p /v4/more /mnt/c
cat >/etc/exports <<'EXPORTS'
/v3 nlc-ca.test(rw,no_root_squash,no_subtree_check,fsid=51)
/v4 nlc-cb.test(rw,no_root_squash,no_subtree_check,fsid=52)
EXPORTS
check "exportfs -ra" exportfs -ra
check "nlc-cb.test moves to 127.0.8.1" sed -i 's/^127\.0\.8\.5 nlc-cb\.test$/127.0.8.1 nlc-cb.test/' /etc/hosts
check_match "nlc-cb.test is 127.0.8.1" '^127\.0\.8\.1[[:space:]]' "$(getent hosts nlc-cb.test)"
first=$(awk '$1 == "/v3" || $1 == "/v4" { sub(/\(.*/, "", $2); print $2; exit }' /var/lib/nfs/etab)
check_match "etab's first name of the two is $first" '^nlc-c[ab]\.test$' "$first"

mkdir -p /run/rpcbind
check "rpcbind starts" rpcbind -w
check "grace period of 10 s" sh -c 'echo 10 >/proc/fs/nfsd/nfsv4gracetime'
check "rpc.nfsd starts NFSv3 and NFSv4 threads" rpc.nfsd --no-udp 4
sh -c 'echo Y >/proc/fs/nfsd/v4_end_grace' 2>/dev/null || sleep 11
mountd_start --port 20048 --no-nfs-version 2 --no-udp
nlcached_start
nlcached_wait_attached

# v3 through rpc.mountd's MOUNT, v4 through the kernel: both answered
step() { # NAME: one round of client work
	local fh
	fh=$(mnt --src 127.0.8.1 --port 20048 mnt /v3)
	check_match "$1: MNT /v3 from 127.0.8.1 returns a filehandle" '^[0-9a-f]{16,128}$' "$fh"
	check "$1: NFSv3 GETATTR of it" mnt --src 127.0.8.1 getattr "$fh"
	check "$1: NFSv3 CREATE in it" mnt --src 127.0.8.1 create "$fh" "v3-$1"
	check "$1: the file is there" test -e "/v3/v3-$1"
	check "$1: 127.0.8.1 mounts /v4 (NFSv4.2)" \
		timeout 120 mount -t nfs4 -o vers=4.2 127.0.8.1:/v4 /mnt/c
	check "$1: 127.0.8.1 writes /v4" sh -c "echo $1 >/mnt/c/v4-$1"
	check_eq "$1: and reads it back" "$1" "$(cat "/v4/v4-$1")"
	mkdir -p "/v4/more/$1"
	check "$1: 127.0.8.1 looks up a new directory" test -d "/mnt/c/more/$1"
	check "$1: unmount" umount /mnt/c
	echo "$fh" >>/tmp/fhs
}

step both
check_match "rpc.mountd wrote 127.0.8.1 as $first" \
	"^nfsd[[:space:]]+127\\.0\\.8\\.1[[:space:]]+${first//./\\.}\$" "$(cache_entries auth.unix.ip)"
check "nlcached answered nfsd.export upcalls" test "$(nlc_status_field nfsd.export replies)" -gt 0

say "---- nlcached stops: rpc.mountd alone, no flush ----"
nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
check "the module saw it go" wait_for 10 nlcached_detached
while read -r fh; do
	check "mountd: an earlier v3 filehandle still works" mnt --src 127.0.8.1 getattr "$fh"
done </tmp/fhs
step mountd

say "---- nlcached again beside rpc.mountd, no flush ----"
nlcached_start
nlcached_wait_attached
while read -r fh; do
	check "nlcached: an earlier v3 filehandle still works" mnt --src 127.0.8.1 getattr "$fh"
done </tmp/fhs
step nlcached
check_no_match "nlcached refused no export to $first" "denied access to .* for ${first//./\\.}" \
	"$(cat "$NLC_LOGDIR/nlcached")"

nlcached_stop
mountd_stop
nfsd_stop
