#!/bin/bash
# timeout: 480
# nlcached -g (manage-gids): a user in 20 groups reads a file only its 20th
# group may read. AUTH_SYS carries at most 16 groups, so the read works only
# when the server takes the groups from auth.unix.gid, which nlcached fills
# from NSS (getgrouplist). The control: the same read without -g fails.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
# /etc/group and /etc/passwd entries written directly (20 groupadds take
# a while under TCG).
for i in $(seq 1 20); do
	echo "nlcg$i:x:$((3000 + i)):nlcuser" >>/etc/group
done
echo "nlcuser:x:2000:" >>/etc/group
echo "nlcuser:x:2000:2000:nlcached test user:/tmp:/bin/sh" >>/etc/passwd
check_eq "uid 2000 is nlcuser" nlcuser "$(getent passwd 2000 | cut -d: -f1)"
check_eq "group 3020 is nlcg20" nlcg20 "$(getent group 3020 | cut -d: -f1)"
check_eq "nlcuser has 21 groups (its own 2000 and 3001-3020)" 21 "$(id -G nlcuser | wc -w)"
echo "only for group 3020" >/export/secret
chown 0:3020 /export/secret
chmod 0640 /export/secret
as_user() { setpriv --reuid=2000 --regid=2000 --init-groups "$@"; }
check_eq "locally, nlcuser's 20th group grants access" "only for group 3020" \
	"$(as_user cat /export/secret)"
check_fails "and another user is denied locally (the file is not world-readable)" \
	setpriv --reuid=2001 --regid=2001 --clear-groups cat /export/secret

echo "/export 127.0.0.1(rw,no_subtree_check,no_root_squash,fsid=1)" >/etc/exports
check "exportfs -ra" exportfs -ra
mkdir -p /mnt/nfs

say "control: nlcached without -g; the client's 16 groups decide"
# Debian's nfs.conf turns manage-gids on for rpc.mountd (and so for
# nlcached): turn it off in the guest's copy.
check "nfs.conf: [mountd] manage-gids=n" sed -i 's/^[[:space:]]*manage-gids[[:space:]]*=.*/manage-gids=n/' /etc/nfs.conf
check_no_match "no manage-gids=y left in nfs.conf" '^[[:space:]]*manage-gids[[:space:]]*=[[:space:]]*[yY1]' \
	"$(cat /etc/nfs.conf /etc/nfs.conf.d/*.conf 2>/dev/null)"
nlcached_start
nfsd_start
nlcached_wait_attached
check_eq "auth.unix.gid is not attached" False "$(nlc_status_field auth.unix.gid attached)"
check_no_match "nlcached does not claim auth.unix.gid" 'auth\.unix\.gid' "$(grep 'nlcached: serving ' "$NLC_LOGDIR/nlcached")"
check "mount" timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "root reads the file over NFS" "only for group 3020" "$(cat /mnt/nfs/export/secret)"
check_fails_with "nlcuser is denied (group 3020 is not among the 16 sent)" \
	'Permission denied' as_user cat /mnt/nfs/export/secret
check "umount" umount /mnt/nfs
nlcached_stop
check_eq "nlcached exits 0" 0 "$nlcached_rc"

say "nlcached -g: the server's 21 groups decide"
check "flush the control's auth.unix.gid entries" nlcachectl flush auth.unix.gid
nlcached_start -g
nlcached_wait_attached auth.unix.gid
check_match "nlcached logs that it serves auth.unix.gid too" \
	'^nlcached: serving (.*,)?auth\.unix\.gid(,|$)' "$(grep 'nlcached: serving ' "$NLC_LOGDIR/nlcached" | tail -n 1)"
check "mount again" timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "nlcuser reads the file through its 20th group" "only for group 3020" \
	"$(as_user cat /mnt/nfs/export/secret)"
say "auth.unix.gid content:"
sed 's/^/    /' /proc/net/rpc/auth.unix.gid/content
gid_line=$(cache_entries auth.unix.gid | grep -E '^2000[[:space:]]')
check_match "auth.unix.gid holds uid 2000 with 21 groups" '^2000[[:space:]]+21:' "$gid_line"
want=$(id -G nlcuser | tr ' ' '\n' | sort -n | xargs)
got=$(tr ' ' '\n' <<<"${gid_line#*21:}" | grep . | sort -n | xargs)
check_eq "and they are exactly nlcuser's groups" "$want" "$got"
check "auth.unix.gid was answered over netlink" test "$(nlc_status_field auth.unix.gid replies)" -gt 0
check_eq "auth.unix.gid: no fallback" 0 "$(nlc_status_field auth.unix.gid fallbacks)"
check "umount" umount /mnt/nfs
nlcached_stop
check_eq "nlcached exits 0" 0 "$nlcached_rc"
nfsd_stop
