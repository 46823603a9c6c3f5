#!/bin/bash
# (issue 8) The netlink fuzzer, tests/vm/nlc-fuzz.c: a daemon process that
# registers, answers, dies and registers again, and fuzz workers that send
# mutated SET batches built from the requests they just dumped, random
# commands, flags and versions, REGISTER/UNREGISTER and CACHE_FLUSH, while
# NFS clients on 127.0.0.2-9 mount and stat (upcalls from several source
# addresses) and rpc.mountd answers what is handed back. Every message must
# be answered as the fuzzer expects, nothing may stay pending, and
# afterwards the module unloads, loads again and serves a fresh NFSv4 mount
# through nlcached, with a clean dmesg.
#
# Knobs (nlc-fuzz-long.sh sets them; `make fuzz` passes FUZZ_SEED and
# FUZZ_MESSAGES through build/nlc-fuzz.env): FUZZ_MESSAGES, FUZZ_WORKERS,
# FUZZ_SEED, FUZZ_CLIENTS. Replay a run: make fuzz FUZZ_SEED=<seed>
# FUZZ_MESSAGES=<n> FUZZ_WORKERS=<n> (the same decisions; the keys the
# dumps return depend on timing).
# timeout: 600
. "$(dirname "$0")/lib.sh"

: "${FUZZ_MESSAGES:=3000}" "${FUZZ_WORKERS:=3}" "${FUZZ_CLIENTS:=4}" "${FUZZ_SEED:=}"
: "${FUZZ_PACE:=3}"
env=$NLC_BUILD/nlc-fuzz.env
if [ -r "$env" ] && grep -qx "NLC_FUZZ_TEST=$NLC_TEST" "$env"; then
	v=$(sed -n 's/^NLC_FUZZ_SEED=\([0-9]*\)$/\1/p' "$env")
	[ -z "$v" ] || FUZZ_SEED=$v
	v=$(sed -n 's/^NLC_FUZZ_MESSAGES=\([0-9]*\)$/\1/p' "$env")
	[ -z "$v" ] || FUZZ_MESSAGES=$v
	v=$(sed -n 's/^NLC_FUZZ_WORKERS=\([0-9]*\)$/\1/p' "$env")
	[ -z "$v" ] || FUZZ_WORKERS=$v
fi
# make check runs a fixed seed; the long run a fresh one unless given.
[ -n "$FUZZ_SEED" ] || FUZZ_SEED=${FUZZ_DEFAULT_SEED:-8}
say "seed $FUZZ_SEED, $FUZZ_MESSAGES messages, $FUZZ_WORKERS workers (pace $FUZZ_PACE ms), $FUZZ_CLIENTS NFS clients"

# Kernel messages that mean memory or refcount trouble (the harness adds
# its own BUG/WARNING/Oops gate at the end).
dmesg_bad() {
	dmesg | grep -E 'BUG|KASAN|UBSAN|refcount_t|use-after-free|double-free|slab-out-of-bounds|general protection|Oops|WARNING|list_(add|del) corruption|Call Trace|nfsd_nlcache.*(leak|still)' || true
}

nfsd_load
nlc_module_load
make_export_dir /export
echo "fuzzed but served" >/export/readme
cat >/etc/exports <<'EXPORTS'
/export 127.0.0.0/8(rw,no_subtree_check,no_root_squash,fsid=1)
EXPORTS
check "exportfs -ra" exportfs -ra
mountd_start --no-nfs-version 2 --no-nfs-version 3 --no-udp
nfsd_start
for i in 2 3 4 5 6 7 8 9; do
	check "add 127.0.0.$i to lo" ip addr add "127.0.0.$i/32" dev lo
done
mkdir -p /mnt/pre
check "before fuzzing: a mount through rpc.mountd works" \
	timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/pre
check_eq "and reads" "fuzzed but served" "$(cat /mnt/pre/export/readme)"
check "umount" umount /mnt/pre

# NFS clients, each on its own pair of source addresses (a mount of
# 127.0.0.N comes from 127.0.0.N): keep a noac mount of each and stat it as
# root and as uid 1000+ID (auth.unix.gid upcalls for that uid), read a
# file, remount now and then. The fuzzer's flushes make the next round
# upcall again. A failing round is counted, not fatal: answers are fuzzed.
client_loop() { # ID ADDR...
	local id=$1 ok=0 bad=0 n=0 a m uid=$((1000 + $1))
	shift
	while [ ! -e /tmp/nlc-fuzz-stop ]; do
		for a in "$@"; do
			[ ! -e /tmp/nlc-fuzz-stop ] || break
			m=/mnt/c$id-$a
			mkdir -p "$m" 2>/dev/null
			if ! grep -q " $m nfs4 " /proc/mounts &&
				! timeout 15 mount -t nfs4 -o vers=4.2,soft,noac,timeo=10,retrans=1,retry=0 \
					"$a:/" "$m" 2>/dev/null; then
				bad=$((bad + 1))
				continue
			fi
			if timeout 10 stat -c %s "$m/export/readme" >/dev/null 2>&1 &&
				timeout 10 setpriv --reuid="$uid" --regid="$uid" --clear-groups \
					stat -c %s "$m/export" >/dev/null 2>&1 &&
				timeout 10 cat "$m/export/readme" >/dev/null 2>&1; then
				ok=$((ok + 1))
			else
				bad=$((bad + 1))
			fi
			n=$((n + 1))
			if [ $((n % 20)) -eq 0 ]; then
				timeout 10 umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
			fi
		done
		echo "$ok $bad" >"$NLC_LOGDIR/client$id"
	done
	for a in "$@"; do
		timeout 10 umount "/mnt/c$id-$a" 2>/dev/null || umount -l "/mnt/c$id-$a" 2>/dev/null
	done
	return 0
}
rm -f /tmp/nlc-fuzz-stop
clients=()
for i in $(seq 1 "$FUZZ_CLIENTS"); do
	client_loop "$i" "127.0.0.$((2 + (2 * i - 2) % 8))" "127.0.0.$((2 + (2 * i - 1) % 8))" &
	clients+=($!)
done

fuzz_log=$NLC_LOGDIR/fuzz
say "t=${SECONDS}s: fuzzing"
t0=$SECONDS
nice -n 5 "$NLC_BUILD/tests/nlc-fuzz" --seed "$FUZZ_SEED" --messages "$FUZZ_MESSAGES" \
	--workers "$FUZZ_WORKERS" --pace "$FUZZ_PACE" --export-path /export 2>&1 |
	tee "$fuzz_log" | grep --line-buffered -E '^(# progress|FAIL )'
fuzz_rc=${PIPESTATUS[0]}
say "nlc-fuzz exited $fuzz_rc after $((SECONDS - t0)) s"
grep -E '^(#|FAIL)' "$fuzz_log" | head -n 200
if grep -q '^FAIL' "$fuzz_log"; then
	echo "registration log (R lines) before the first failure:"
	grep -B 400 -m 1 '^FAIL' "$fuzz_log" | grep '^R ' | tail -n 40
fi
check_eq "nlc-fuzz: every message was answered as expected, nothing left pending (seed $FUZZ_SEED)" \
	0 "$fuzz_rc"
check_match "nlc-fuzz reports PASS" '^# RESULT: PASS' "$(cat "$fuzz_log")"

touch /tmp/nlc-fuzz-stop
say "t=${SECONDS}s: stopping the NFS clients"
clients_done() {
	local p
	for p in "${clients[@]}"; do
		pid_exited "$p" || return 1
	done
}
check "the NFS clients finish within 90 s (no request stays pending)" wait_for 90 clients_done
say "t=${SECONDS}s: clients done"
wait "${clients[@]}" 2>/dev/null
ok=0 bad=0
for i in $(seq 1 "$FUZZ_CLIENTS"); do
	read -r o b <"$NLC_LOGDIR/client$i" || { o=0; b=0; }
	ok=$((ok + o)) bad=$((bad + b))
done
say "NFS client rounds during the fuzz: $ok served, $bad failed (failures are expected: answers were fuzzed)"
# Served or not (fuzzed answers break mounts): they must have run, and the
# daemon must have seen their upcalls (the checks below).
check "the NFS clients ran during the fuzz ($((ok + bad)) rounds)" test $((ok + bad)) -gt 0
seen=$(sed -n 's/^# auth.unix.ip requests the daemon answered came from \([0-9]*\) loopback.*/\1/p' "$fuzz_log")
check "auth.unix.ip upcalls came from several source addresses (${seen:-0})" test "${seen:-0}" -ge 2
for c in auth.unix.ip nfsd.export; do
	n=$(sed -n "s/^#   daemon saw ${c//./\\.} requests *\([0-9]*\)$/\1/p" "$fuzz_log")
	check "the daemon answered $c upcalls (${n:-0})" test "${n:-0}" -gt 0
done

nlcachectl status >"$NLC_LOGDIR/status" 2>&1
cat "$NLC_LOGDIR/status"
check_eq "no daemon stays registered" 0 "$(nlc_daemon_portid)"
for c in auth.unix.ip auth.unix.gid nfsd.export nfsd.fh; do
	check_eq "$c is detached" False "$(nlc_status_field "$c" attached)"
	check_eq "$c has nothing pending" 0 "$(nlc_status_field "$c" pending)"
done
for m in /mnt/c*; do
	umount -l "$m" 2>/dev/null
done
say "t=${SECONDS}s: unloading"

rmmod_retry() {
	local i
	for i in $(seq 1 50); do
		rmmod nfsd_nlcache 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
check "rmmod nfsd_nlcache after the fuzz" rmmod_retry
check_fails "the module is gone" grep -q '^nfsd_nlcache ' /proc/modules
check_no_match "dmesg is clean after the fuzz and the unload" '.' "$(dmesg_bad)"

say "t=${SECONDS}s: loading again"
check "insmod again (modprobe nfsd_nlcache)" modprobe nfsd_nlcache
check "the family is back" nlcachectl family --no-load
mountd_stop
# The fuzz wrote arbitrary entries (negative ones too): start from scratch.
check "flush the caches (exportfs -f)" exportfs -f
nlcached_start
nlcached_wait_attached
say "t=${SECONDS}s: nlcached attached"
mkdir -p /mnt/final
check "a fresh NFSv4.2 mount works after the reload" \
	timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/final
check_eq "and reads" "fuzzed but served" "$(cat /mnt/final/export/readme)"
check "it was served over netlink by the reloaded module" \
	test "$(nlc_status_field nfsd.export replies)" -gt 0
check "umount" umount /mnt/final
nlcached_stop
check_eq "nlcached exits 0 on SIGTERM" 0 "$nlcached_rc"
nfsd_stop
check_no_match "dmesg is still clean" '.' "$(dmesg_bad)"
say "t=${SECONDS}s: done"
