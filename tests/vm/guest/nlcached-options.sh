#!/bin/bash
# timeout: 600
# nlcached's options and neighbours, each shown by what it changes:
#  1. --config FILE (ttl, threads, manage-gids), --backend nlcache,
#     --exports FILE: the answers' expiry is the configured ttl; an IPv6
#     client on ::1 mounts; xprtsec= lines are rejected as Debian 12's
#     exportfs rejects them, and an xprtsec=tls answer reaches the kernel with
#     its mode (refused by kernels without RPC-with-TLS, < 6.4; enforced
#     by the others) while xprtsec=none is served; the exports file edited
#     without SIGHUP is re-read (stat) and a new client gets in;
#  2. -T over nfs.conf's ttl, -t, -s DIR without an etab there:
#     /etc/exports is served, and re-read by stat when edited.
# (rpc.mountd beside nlcached is nlcached-mountd.) Clients are 127.0.0.x
# and ::1 (loopback only).
. "$(dirname "$0")/lib.sh"

log=$NLC_LOGDIR/nlcached
nfsd_load
nlc_module_load
make_export_dir /export
make_export_dir /tls
make_export_dir /plain
echo "over loopback" >/export/readme
echo "needs tls" >/tls/f
echo "no tls needed" >/plain/f
for n in 3 4 5; do
	check "add 127.0.0.$n to lo" ip addr add "127.0.0.$n/32" dev lo
done
check "lo has ::1" sh -c "ip -6 addr show dev lo | grep -q '::1/128'"
mkdir -p /mnt/nfs /mnt/v6 /mnt/n
# The kernel lists each entry's expiry (wall clock) with sunrpc's cache
# debugging on.
check "sunrpc cache debugging on (expiry lines in content)" \
	sh -c 'echo 2048 >/proc/sys/sunrpc/rpc_debug'

# expiry_in CACHE ERE: seconds until the entry matching ERE expires.
expiry_in() {
	awk -v re="$2" -v now="$(date +%s)" '
		/^# expiry=/ { split($2, e, "="); ex = e[2]; next }
		$0 ~ re { print ex - now; exit }' "/proc/net/rpc/$1/content"
}
# started_with TEXT: the running nlcached's start line has TEXT.
started_with() {
	nlcached_run_log | grep -F "starting ($1)"
}
# loads SOURCE: how often the running nlcached logged loading SOURCE.
loads() {
	nlcached_run_log | grep -cE "nlcached: exports: [0-9]+ entries from $1([ ,]|\$)"
}
# mount_ok ADDR PATH: ADDR mounts ADDR:PATH on /mnt/n (its own NFS client:
# no other mount is active, so the client cannot reuse another address's
# connection through trunking) and unmounts.
mount_ok() {
	check "$1 mounts $2" timeout 120 mount -t nfs4 -o vers=4.2,retry=0 "$1:$2" /mnt/n
	check_eq "the mount's source address is $1" "$1" "$(nfs_clientaddr "$1")"
	check "$1 unmounts" umount /mnt/n
}
refused() { # ADDR PATH
	check_fails_with "$1 is refused $2" 'access denied by server' \
		timeout 120 mount -t nfs4 -o vers=4.2,retry=0 "$1:$2" /mnt/n
}
kernel_has_xprtsec() { # 6.4 added the xprtsec export option
	local v
	v=$(uname -r | cut -d- -f1)
	[ "${v%%.*}" -gt 6 ] || { [ "${v%%.*}" -eq 6 ] && [ "$(echo "$v" | cut -d. -f2)" -ge 4 ]; }
}

# ---- 1. --config, --backend nlcache, --exports, ::1, xprtsec, reload by stat ---------
cat >/tmp/nlc.conf <<'EOT'
[mountd]
manage-gids = n
ttl = 900
[exportd]
ttl = 300
threads = 2
EOT
cat >/tmp/exports.a <<'EOT'
/export 127.0.0.1(rw,no_root_squash,no_subtree_check,fsid=1) ::1(rw,no_root_squash,no_subtree_check,fsid=1)
/tls 127.0.0.1(rw,no_subtree_check,fsid=2,xprtsec=tls)
/plain 127.0.0.1(rw,no_subtree_check,fsid=3,xprtsec=none)
EOT
nlcached_start --config /tmp/nlc.conf --backend nlcache --exports /tmp/exports.a
check "nfs.conf's [exportd] threads and no manage-gids apply" started_with "backend nlcache, 2 threads"
nfsd_start
nlcached_wait_attached
check_eq "auth.unix.gid is not served (manage-gids = n in --config)" False \
	"$(nlc_status_field auth.unix.gid attached)"
# IPv6 first, while no other NFS mount exists (a second address of the
# same server would otherwise share the first mount's client).
check "::1 mounts [::1]:/" timeout 120 mount -t nfs4 -o vers=4.2 '[::1]:/' /mnt/v6
check_match "it is a mount of [::1] from ::1" '^\[::1\]:/ /mnt/v6 nfs4 .*[ ,]clientaddr=::1(,| |$)' \
	"$(grep ' /mnt/v6 ' /proc/mounts)"
check_eq "::1 reads" "over loopback" "$(cat /mnt/v6/export/readme)"
check "::1 writes" sh -c 'echo v6 >/mnt/v6/export/from-v6 && sync'
check_eq "the server has it" v6 "$(cat /export/from-v6)"
check_match "auth.unix.ip has the IPv6 client" \
	'^nfsd[[:space:]]+(0000:){7}0001[[:space:]]+::1$' "$(cache_entries auth.unix.ip)"
check_match "nfsd.export has /export for it" '^/export[[:space:]]+::1\(' \
	"$(cache_entries nfsd.export)"
check_no_match "and no IPv4 client yet" '^nfsd[[:space:]]+127\.' "$(cache_entries auth.unix.ip)"
check "umount [::1]:/" umount /mnt/v6
check "127.0.0.1 mounts the pseudo root" timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "and reads" "over loopback" "$(cat /mnt/nfs/export/readme)"
ttl=$(expiry_in auth.unix.ip '^nfsd[[:space:]]+127\.0\.0\.1[[:space:]]')
check "auth.unix.ip for 127.0.0.1 expires in nfs.conf's ttl of 300 s ($ttl s), not 1800 or [mountd]'s 900" \
	test "${ttl:-0}" -gt 240 -a "${ttl:-0}" -le 300
ttl=$(expiry_in nfsd.export '^/export[[:space:]]+127\.0\.0\.1\(')
check "nfsd.export for /export expires in 300 s too ($ttl s)" \
	test "${ttl:-0}" -gt 240 -a "${ttl:-0}" -le 300


# Debian 12's nfs-utils (2.6.2) does not know xprtsec=: nlcached rejects
# those lines as its exportfs does, naming file:line; the rest is served.
check_match "the xprtsec=tls line is rejected at load with file:line" \
	'/tmp/exports\.a:2: unknown keyword "xprtsec=tls"' "$(cat "$log")"
check_match "and so is xprtsec=none" '/tmp/exports\.a:3: unknown keyword "xprtsec=none"' "$(cat "$log")"
check_fails "so /plain is not exported" cat /mnt/nfs/plain/f
check_no_match "and nlcached never answered for /tls" '^/tls[[:space:]]' "$(cache_entries nfsd.export)"
# The encoder's xprtsec still reaches the kernel (nlcachectl shares it):
if kernel_has_xprtsec; then
	check "an answer with xprtsec tls for /tls is taken by this kernel" \
		nlcachectl answer nfsd.export 127.0.0.1 /tls --flags 0x2420 --fsid 2 --xprtsec tls
	check_match "the kernel has the positive entry" '^/tls[[:space:]]+127\.0\.0\.1\(' \
		"$(cache_entries nfsd.export)"
else
	check_fails_with "this kernel (< 6.4) refuses an answer with xprtsec tls" \
		'cannot enforce xprtsec=tls or mtls' \
		nlcachectl answer nfsd.export 127.0.0.1 /tls --flags 0x2420 --fsid 2 --xprtsec tls
	check "and takes xprtsec none (what it does anyway)" \
		nlcachectl answer nfsd.export 127.0.0.1 /plain --flags 0x2420 --fsid 3 --xprtsec none
fi
check_eq "nothing left pending" 0 "$(nlc_status_field nfsd.export pending)"

check "umount 127.0.0.1:/" umount /mnt/nfs

# The exports file changes; no SIGHUP: the next upcall's stat notices.
n=$(loads /tmp/exports.a)
sleep 1
echo "/export 127.0.0.5(rw,no_subtree_check,fsid=1)" >>/tmp/exports.a
mount_ok 127.0.0.5 /export
check "--exports FILE was re-read by stat, without SIGHUP ($n -> $(loads /tmp/exports.a))" \
	test "$(loads /tmp/exports.a)" -gt "$n"
check_no_match "no SIGHUP was involved" 'SIGHUP|signal 1$' "$(cat "$log")"
nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"

# ---- 2. -T over nfs.conf, -t, -s DIR (no etab there): /etc/exports, reload by stat ---
check "flush the kernel caches" nlcachectl flush
mkdir -p /tmp/nostate
echo "/export 127.0.0.1(rw,no_root_squash,no_subtree_check,fsid=1)" >/etc/exports
nlcached_start --config /tmp/nlc.conf -T 600 -t 1 -s /tmp/nostate
check "-t 1 overrides nfs.conf's threads" started_with "backend auto, 1 threads"
nlcached_wait_attached
check "-s /tmp/nostate has no etab: /etc/exports is served" wait_for 20 test "$(loads /etc/exports)" -ge 1
check_no_match "and /var/lib/nfs/etab is not read" 'entries from /var/lib/nfs/etab' \
	"$(sed -n '/^---- nlcached .*-s \/tmp\/nostate/,$p' "$log")"
check "127.0.0.1 mounts /export" timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/export /mnt/nfs
ttl=$(expiry_in auth.unix.ip '^nfsd[[:space:]]+127\.0\.0\.1[[:space:]]')
check "-T 600 wins over nfs.conf's ttl ($ttl s)" test "${ttl:-0}" -gt 540 -a "${ttl:-0}" -le 600
check "umount" umount /mnt/nfs
refused 127.0.0.3 /export
n=$(loads /etc/exports)
sleep 1
cat >/etc/exports <<'EOT'
/export 127.0.0.1(rw,no_root_squash,no_subtree_check,fsid=1)
/export 127.0.0.3(rw,no_subtree_check,fsid=1) 127.0.0.4(rw,no_subtree_check,fsid=1)
EOT
mount_ok 127.0.0.4 /export
check "/etc/exports was re-read by stat ($n -> $(loads /etc/exports))" test "$(loads /etc/exports)" -gt "$n"
mount_ok 127.0.0.3 /export
say "(127.0.0.3's negative entry went with the flush that followed the reload)"
nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"

nfsd_stop
