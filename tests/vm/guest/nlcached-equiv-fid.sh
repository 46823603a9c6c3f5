#!/bin/bash
# timeout: 1200
# Equivalence for issue 9 items 3-5 (a sibling of nlcached-equiv): the same
# exports and client workload, once answered by rpc.mountd over the /proc
# channels and once by nlcached over netlink; the kernel's auth.unix.ip,
# nfsd.export and nfsd.fh caches must end up the same, and every client
# must see the same thing. The cases:
#  - two FQDN specs sharing an address (/etc/hosts): rpc.mountd files the
#    later one in etab under the first, so 127.0.7.1's domain is that first
#    name only, and the other's export is exported to it (item 3);
#  - a duplicate fsid=40 on /d1 and /d2: the fsid resolves to the export
#    rpc.mountd tries first in its list order (item 4);
#  - one ext4 filesystem exported at /b1 and, through a bind mount, /b2:
#    its uuid filehandles resolve to the export mountd tries first (item 4);
#  - /b1/y, a bind mount of /b1/x within the same filesystem, exported with
#    mp: no mount point by mountd's lstat ".." test (item 5);
#  - an exported directory removed and made again between two mounts: the
#    second mount works (item 5).
# Each run makes the ext4 filesystems afresh (one block group, the same
# steps), so inode numbers, and with them the fsid bytes, are the same.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
check "loop and ext4 modules" modprobe -a loop ext4

# exportfs merges the two names itself when they share an address at the
# time it runs, writing etab with the first name only; the daemons meet two
# separate names in etab when the address came later (DHCP, DNS changes):
# etab is written while nlc-fb.test is 127.0.7.5, then it moves.
check_match "nsswitch looks hosts up in files" '^hosts:.*[[:space:]]files' "$(cat /etc/nsswitch.conf)"
cat >>/etc/hosts <<'HOSTS'
127.0.7.1 nlc-fa.test
127.0.7.5 nlc-fb.test
HOSTS
check_match "nlc-fa.test is 127.0.7.1" '^127\.0\.7\.1[[:space:]]' "$(getent hosts nlc-fa.test)"
for a in 127.0.7.1 127.0.7.2 127.0.7.3 127.0.7.4; do
	check "add $a to lo" ip addr add $a/32 dev lo
done

for d in /f1 /f2 /d1 /d2; do
	make_export_dir $d
	chmod 777 $d
	echo "${d#/}" >$d/name
done
mkdir -p /b1 /b2 /rfs /mnt/c

fs_setup() {
	check "$run: an ext4 image for /b1" \
		mkfs.ext4 -q -F -U 0b1e0b1e-1d4e-4b8e-9c1a-2b7d5e9f0a11 /tmp/b.img 16M
	check "$run: an ext4 image for /rfs" \
		mkfs.ext4 -q -F -U 0f5f0f5f-1d4e-4b8e-9c1a-2b7d5e9f0a11 /tmp/r.img 16M
	check "$run: mount /b1" mount -o loop /tmp/b.img /b1
	check "$run: bind /b1 to /b2" mount --bind /b1 /b2
	mkdir -p /b1/x /b1/y
	echo "in x" >/b1/x/xfile
	check "$run: bind /b1/x onto /b1/y (one filesystem)" mount --bind /b1/x /b1/y
	check "$run: mount /rfs" mount -o loop /tmp/r.img /rfs
	mkdir -p /rfs/r1
	echo old >/rfs/r1/f
}
fs_teardown() {
	check "$run: unmount the test filesystems" sh -c 'umount /b1/y && umount /b2 && umount /b1 && umount /rfs'
}

cat >/etc/exports <<'EXPORTS'
/f1 nlc-fa.test(rw,no_root_squash,no_subtree_check,fsid=31)
/f2 nlc-fb.test(rw,no_root_squash,no_subtree_check,fsid=32)
/d1 127.0.7.2(rw,no_root_squash,no_subtree_check,fsid=40)
/d2 127.0.7.2(ro,no_subtree_check,fsid=40)
/b1 127.0.7.3(rw,no_root_squash,no_subtree_check)
/b2 127.0.7.3(ro,no_subtree_check)
/b1/y 127.0.7.3(rw,no_root_squash,no_subtree_check,mp)
/rfs/r1 127.0.7.4(rw,no_root_squash,no_subtree_check)
EXPORTS

mount_at() { # A PATH
	check "$run: $1 mounts $1:$2 (NFSv4.2)" \
		timeout 120 mount -t nfs4 -o vers=4.2 "$1:$2" /mnt/c
	check_eq "$run: the client's source address is $1" "$1" "$(nfs_clientaddr "$1")"
}
umount_all() {
	check "$run: unmount" umount -a -t nfs4
	check_eq "$run: no NFS mount left" "" "$(awk '$3 == "nfs4"' /proc/mounts)"
}
# What a client saw, for the comparison of the two runs.
saw() { # WHAT VALUE
	say "$run: $1: $2"
	echo "$1: $2" >>"/tmp/$run.saw"
}

workload() {
	say "---- $run: client workload ----"
	: >"/tmp/$run.saw"
	# item 3: one address, two names
	mount_at 127.0.7.1 /f2
	check_eq "$run: 127.0.7.1 reads /f2 (exported to nlc-fb.test)" f2 "$(cat /mnt/c/name)"
	check "$run: 127.0.7.1 writes /f2" sh -c "echo $run >/mnt/c/by71-$run"
	check_match "$run: the server saw 127.0.7.1 as $first only (rpc.mountd's merge)" \
		"^nfsd[[:space:]]+127\\.0\\.7\\.1[[:space:]]+${first//./\\.}\$" "$(cache_entries auth.unix.ip)"
	umount_all
	mount_at 127.0.7.1 /f1
	check_eq "$run: 127.0.7.1 reads /f1" f1 "$(cat /mnt/c/name)"
	umount_all

	# item 4: a duplicate fsid
	mount_at 127.0.7.2 /d1
	saw "127.0.7.2 mounting /d1 reads" "$(cat /mnt/c/name 2>/dev/null || echo fails)"
	saw "127.0.7.2 writing to it" "$(touch /mnt/c/w72 2>/dev/null && echo ok || echo fails)"
	umount_all

	# item 4: one filesystem at two paths; item 5: a same-filesystem bind
	# mount with mp
	mount_at 127.0.7.3 /b1
	saw "127.0.7.3 mounting /b1 lists" "$(find /mnt/c -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | paste -sd' ')"
	saw "127.0.7.3 writing to it" "$(touch /mnt/c/w73 2>/dev/null && echo ok || echo fails)"
	saw "127.0.7.3 lists y" "$(find /mnt/c/y -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | paste -sd' ')"
	umount_all

	# item 5: remove and make again
	mount_at 127.0.7.4 /rfs/r1
	check_eq "$run: 127.0.7.4 reads the first /rfs/r1" old "$(cat /mnt/c/f)"
	umount_all
	local ino1 ino2
	ino1=$(stat -c %i /rfs/r1)
	check "$run: /rfs/r1 moved away" mv /rfs/r1 /rfs/r1.old
	check "$run: a new /rfs/r1" mkdir /rfs/r1
	echo new >/rfs/r1/f
	ino2=$(stat -c %i /rfs/r1)
	check "$run: the new /rfs/r1 is another inode ($ino1 -> $ino2)" test "$ino1" != "$ino2"
	check "$run: and the old one is removed" rm -rf /rfs/r1.old
	mount_at 127.0.7.4 /rfs/r1
	check_eq "$run: 127.0.7.4 reads the new /rfs/r1" new "$(cat /mnt/c/f 2>&1)"
	check "$run: 127.0.7.4 writes the new /rfs/r1" sh -c "echo $run >/mnt/c/by74-$run"
	umount_all

	equiv_save "$run"
}

# ---- run 1: rpc.mountd over /proc/net/rpc/*/channel --------------------------
run=mountd
fs_setup
check "exportfs -ra" exportfs -ra
check_match "etab names nlc-fb.test" '^/f2[[:space:]]+nlc-fb\.test\(' "$(cat /var/lib/nfs/etab)"
check "nlc-fb.test moves to 127.0.7.1" sed -i 's/^127\.0\.7\.5 nlc-fb\.test$/127.0.7.1 nlc-fb.test/' /etc/hosts
check_match "nlc-fb.test is 127.0.7.1" '^127\.0\.7\.1[[:space:]]' "$(getent hosts nlc-fb.test)"
# The name that comes first in etab (exportfs writes it in its own list
# order) is the client the other is filed under.
first=$(awk '$1 == "/f1" || $1 == "/f2" { sub(/\(.*/, "", $2); print $2; exit }' /var/lib/nfs/etab)
other=nlc-fa.test
[ "$first" != nlc-fa.test ] || other=nlc-fb.test
check_match "etab's first name of the two is $first" '^nlc-f[ab]\.test$' "$first"

mountd_start --no-nfs-version 2 --no-nfs-version 3 --no-udp
nfsd_start
workload
check "$run: nothing went through nfsd_nlcache" \
	test "$(nlc_status_field nfsd.fh upcalls)" = 0
mountd_stop
check_fails "rpc.mountd is gone" pgrep -x rpc.mountd
nfsd_stop
check "exportfs -f" exportfs -f
check "the caches are empty" caches_empty auth.unix.ip nfsd.export nfsd.fh
fs_teardown

# ---- run 2: nlcached over netlink ----------------------------------------------
run=nlcached
fs_setup
nlcached_start
nfsd_start
nlcached_wait_attached
workload
for c in auth.unix.ip nfsd.export nfsd.fh; do
	check "$run: $c: answered over netlink" test "$(nlc_status_field $c replies)" -gt 0
done
check_match "$run: nlcached warned about the merged spec, naming its line" \
	"etab:[0-9]+: .*client '${other//./\\.}' shares an address with '${first//./\\.}'" \
	"$(cat "$NLC_LOGDIR/nlcached")"

# ---- the comparison -------------------------------------------------------------
equiv_compare saw
check "the clients saw the same under both daemons" cmp -s /tmp/mountd.saw /tmp/nlcached.saw

nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
nfsd_stop
fs_teardown
