#!/bin/bash
# (a) nfsd_nlcache loads and unloads with nfsd loaded and serving, attached
# or not; while attached it pins nfsd, as rpc.mountd's open channel does
# (shown on an idle nfsd: no threads, no nfsd filesystem, no channel
# reader, where only the registration can hold it).
. "$(dirname "$0")/lib.sh"

family_listed() { genl-ctrl-list 2>/dev/null | grep -qw nfsd_nlcache; }
module_loaded() { grep -q "^$1 " /proc/modules; }

nfsd_load
make_export_dir /export
echo "/export 127.0.0.1(rw,no_subtree_check,fsid=1)" >/etc/exports
check "exportfs -ra" exportfs -ra
mountd_start --no-nfs-version 2 --no-nfs-version 3 --no-udp
nfsd_start

nlc_module_load
check_match "status answers and no daemon is registered" '"daemon_portid": *0' \
	"$(nlcachectl status --json)"
check "rmmod nfsd_nlcache (never attached)" rmmod nfsd_nlcache
check_fails "the family is gone" family_listed

nlc_module_load
nlc_register r1
check_eq "auth.unix.ip is attached" True "$(nlc_status_field auth.unix.ip attached)"
check_eq "nfsd.export is attached" True "$(nlc_status_field nfsd.export attached)"
check_eq "nfsd.fh is attached" True "$(nlc_status_field nfsd.fh attached)"
check_eq "auth.unix.gid is not (no manage-gids)" False "$(nlc_status_field auth.unix.gid attached)"
check_fails_with "a second daemon is refused" 'another socket' nlcachectl register --once
nlc_stop r1
detached() { [ "$(nlc_status_field nfsd.export attached)" = False ]; }
check "closing the daemon's socket detaches" wait_for 10 detached

nlc_register r2
check "rmmod nfsd_nlcache while attached" rmmod nfsd_nlcache
check_fails "the module is gone" module_loaded nfsd_nlcache
check_fails "the family is gone" family_listed
nlc_stop r2
nfsd_stop
mountd_stop
check "nfsd can be removed again" sh -c 'umount /proc/fs/nfsd; rmmod nfsd'

# nfsd loaded after the daemon: the sunrpc caches attach, nfsd's are
# reported missing, and a later registration attaches them.
# shellcheck disable=SC2016 # expanded by the inner shell
check "load sunrpc and nfsd_nlcache without nfsd" sh -c \
	'modprobe sunrpc && insmod "$NLC_BUILD/vm/$NLC_ABI/module/nfsd_nlcache.ko"'
check_fails "nfsd is not loaded" module_loaded nfsd
nlc_register r3
check_match "nfsd's caches are reported missing" '^missing: nfsd\.export,nfsd\.fh' \
	"$(cat "$NLC_LOGDIR/r3")"
check_eq "auth.unix.ip is attached meanwhile" True "$(nlc_status_field auth.unix.ip attached)"
nlc_stop r3
check "modprobe nfsd" modprobe nfsd

# The pin, isolated: nothing else holds this nfsd (no knfsd threads, no
# /proc/fs/nfsd, no rpc.mountd), so rmmod nfsd fails only because of the
# registration, and succeeds once it is gone.
nfsd_refcnt() { cat /sys/module/nfsd/refcnt; }
check_fails "no rpc.mountd holds a channel" pgrep -x rpc.mountd
check_fails "the nfsd filesystem is not mounted" mountpoint -q /proc/fs/nfsd
idle=$(nfsd_refcnt)
check_eq "an idle nfsd has no users" 0 "$idle"
nlc_register r4
check_eq "now nfsd.export attaches" True "$(nlc_status_field nfsd.export attached)"
check_eq "and nfsd.fh" True "$(nlc_status_field nfsd.fh attached)"
check "the registration holds references on nfsd ($(nfsd_refcnt))" test "$(nfsd_refcnt)" -gt "$idle"
check_fails_with "nfsd cannot be removed while its caches are attached" \
	'in use|busy|Resource temporarily' rmmod nfsd
nlc_stop r4
check "closing the socket drops the references" wait_for 10 sh -c "test \$(cat /sys/module/nfsd/refcnt) -eq $idle"
check "then the same idle nfsd can be removed" rmmod nfsd
check_fails "nfsd is gone" module_loaded nfsd
check "rmmod nfsd_nlcache" rmmod nfsd_nlcache
