#!/bin/bash
# (d) auth.unix.gid over netlink: a user in 20 groups reads a file that only
# its 20th group may read. AUTH_SYS carries 16 groups, so this works only
# when the server takes the groups from its auth.unix.gid cache, which the
# responder fills when registered for it (manage-gids).
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
groups=
for i in $(seq 1 20); do
	check "group nlcg$i" groupadd -g $((3000 + i)) "nlcg$i"
	groups=$groups${groups:+,}nlcg$i
done
check "user nlcuser in 20 groups" useradd -u 2000 -U -G "$groups" -M -d /tmp nlcuser
echo "only for group 3020" >/export/secret
chown 0:3020 /export/secret
chmod 0640 /export/secret
as_user() { setpriv --reuid=2000 --regid=2000 --init-groups "$@"; }
check_match "locally, nlcuser's 20th group grants access" '^only for group 3020$' \
	"$(as_user cat /export/secret)"

nlc_rules_v4 127.0.0.1 /export 1 >/tmp/rules
echo "gid 2000 $(id -G nlcuser)" >>/tmp/rules
mkdir -p /mnt/nfs
nfsd_start

say "without auth.unix.gid over netlink: the client's 16 groups decide"
nlc_register srv auth.unix.ip nfsd.export nfsd.fh
nlc_responder_start srv /tmp/rules
check "mount" timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_fails_with "nlcuser is denied (group 3020 is not among the 16 sent)" \
	'Permission denied' as_user cat /mnt/nfs/export/secret
check "umount" umount /mnt/nfs
nlc_responder_ok srv
nlc_stop srv

say "registered for auth.unix.gid: the server's 20 groups decide"
check "flush the negative auth.unix.gid entries" nlcachectl flush auth.unix.gid
nlc_register srv auth.unix.ip auth.unix.gid nfsd.export nfsd.fh
check_eq "auth.unix.gid is attached" True "$(nlc_status_field auth.unix.gid attached)"
nlc_responder_start srv /tmp/rules
check "mount again" timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "nlcuser reads the file through its 20th group" "only for group 3020" \
	"$(as_user cat /mnt/nfs/export/secret)"
check_match "auth.unix.gid holds uid 2000 with 21 groups" '^2000[[:space:]]+21:' \
	"$(cache_entries auth.unix.gid)"
check "auth.unix.gid was answered over netlink" test "$(nlc_status_field auth.unix.gid replies)" -gt 0
check_eq "and never negated by the /proc listener check" 0 "$(nlc_status_field auth.unix.gid fallbacks)"
check "umount" umount /mnt/nfs
nlc_responder_ok srv
nlc_stop srv
nfsd_stop
