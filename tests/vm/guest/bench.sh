#!/bin/bash
# timeout: 900
# Benchmark (make bench): rpc.mountd and nlcached answer the same upcall
# storms in the same VM, one after the other; the numbers and their ratios
# are printed as "BENCH" lines. Each new client address makes nfsd upcall
# auth.unix.ip (tests/bench/rpcstorm.py: concurrent empty NFSv4 COMPOUNDs, one
# source address each).
#   slow-dns: the exports have a wildcard client, so every new address is
#             reverse-resolved, and the name server never answers (2 s
#             timeout): mountd resolves one client after the other.
#   fast:     no wildcard, no DNS: the cost of the upcall path itself.
#   etab-load: nlcached reading a 50 000-line exports file (50 000
#             distinct clients, 5 000 paths): from its start to its
#             "exports: 50000 entries" log line.
# Correctness is checked (every call gets an accepted reply); the times
# are reported, not asserted.
. "$(dirname "$0")/lib.sh"

SLOW_N=${NLC_BENCH_SLOW:-16}
FAST_N=${NLC_BENCH_FAST:-250}
RPCNULL=$NLC_PROJECT/tests/bench/rpcstorm.py

nfsd_load
nlc_module_load
make_export_dir /export
# (every 127.x.y.z is local: the calls bind to their source address)
# A name server that never answers.
/usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
while True:
    s.recvfrom(4096)
' &
blackhole=$!
printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n' >/etc/resolv.conf
check "reverse lookups now stall (getent fails after the timeout)" \
	sh -c '! timeout 10 getent hosts 127.2.0.200'
nfsd_start

exports_slow() {
	echo "/export *.bench.test(rw,no_subtree_check,fsid=1) 127.0.0.0/8(rw,no_subtree_check,fsid=1)" >/etc/exports
	exportfs -ra
}
exports_fast() {
	echo "/export 127.0.0.0/8(rw,no_subtree_check,fsid=1)" >/etc/exports
	exportfs -ra
}
flush() { exportfs -f; }

rss_kib() { # PID...: summed VmRSS
	local p t=0 v
	for p in "$@"; do
		v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

# storm KEY PREFIX COUNT: COUNT concurrent calls from PREFIX.1..COUNT;
# the wall time goes to T[KEY]
storm() {
	local out
	out=$(/usr/bin/python3 "$RPCNULL" 127.0.0.1 "$2" 1 "$3" 240 2>&1)
	echo "$1: $out" >>"$NLC_LOGDIR/bench"
	check "$1: all $3 calls answered ($out)" grep -q "ok=$3 " <<<"$out"
	T[$1]=$(sed -n 's/.* wall=\([0-9.]*\).*/\1/p' <<<"$out" | head -1)
}

declare -A T RSS
for d in mountd nlcached; do
	# both as deployed: no debug logging
	if [ $d = mountd ]; then
		rpc.mountd --foreground --no-nfs-version 3 --no-udp >"$NLC_LOGDIR/mountd" 2>&1 &
		check "rpc.mountd is running" wait_for 10 pgrep -x rpc.mountd
		pids=$(pgrep -x rpc.mountd | xargs)
	else
		nlcached -F >"$NLC_LOGDIR/nlcached" 2>&1 &
		echo $! >"$NLC_LOGDIR/nlcached.pid"
		nlcached_wait_attached
		pids=$(nlcached_pid)
	fi
	exports_slow
	flush
	# the slow storm uses its own addresses; reverse DNS stalls for each
	storm $d.slow 127.2.0 "$SLOW_N"
	exports_fast
	flush
	storm $d.fast 127.1.0 "$FAST_N"
	RSS[$d]=$(rss_kib $pids)
	if [ $d = mountd ]; then
		mountd_stop
	else
		kill -USR1 "$(nlcached_pid)"
		wait_for 5 grep -q ' scans, ' "$NLC_LOGDIR/nlcached"
		grep -E 'auth.unix.ip: .* positive| scans, ' "$NLC_LOGDIR/nlcached" |
			sed 's/^nlcached: /BENCH nlcached counters: /'
		nlcached_stop
		check_eq "nlcached exits 0" 0 "$nlcached_rc"
	fi
	flush
done
kill "$blackhole" 2>/dev/null

# A 50 000-line exports file read directly (no DNS: address clients).
LOAD_N=${NLC_BENCH_LOAD:-50000}
awk -v n="$LOAD_N" 'BEGIN { for (i = 0; i < n; i++)
	printf "/export/e%d 10.%d.%d.%d(rw,no_subtree_check)\n", i % 5000,
		int(i / 65536) % 256, int(i / 256) % 256, i % 256 }' >/tmp/big.exports
check_eq "the big exports file has $LOAD_N lines" "$LOAD_N" "$(wc -l </tmp/big.exports)"
t0=$(date +%s.%N)
nlcached -F --exports /tmp/big.exports >"$NLC_LOGDIR/nlcached" 2>&1 &
echo $! >"$NLC_LOGDIR/nlcached.pid"
check "nlcached loads $LOAD_N entries" \
	wait_for 600 grep -q "exports: $LOAD_N entries" "$NLC_LOGDIR/nlcached"
t1=$(date +%s.%N)
T[load]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
RSS[load]=$(rss_kib "$(nlcached_pid)")
nlcached_stop
check_eq "nlcached exits 0" 0 "$nlcached_rc"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }'; }
say "results (seconds of wall time until every client had its reply; lower is better)"
echo "BENCH slow-dns: $SLOW_N new clients at once, reverse DNS times out after 2 s:" \
	"rpc.mountd ${T[mountd.slow]} s, nlcached ${T[nlcached.slow]} s," \
	"ratio $(ratio "${T[mountd.slow]}" "${T[nlcached.slow]}")x"
echo "BENCH fast: $FAST_N new clients at once, no DNS:" \
	"rpc.mountd ${T[mountd.fast]} s, nlcached ${T[nlcached.fast]} s," \
	"ratio $(ratio "${T[mountd.fast]}" "${T[nlcached.fast]}")x"
echo "BENCH etab-load: nlcached read $LOAD_N exports entries in ${T[load]} s" \
	"(start to log line), RSS ${RSS[load]} KiB"
echo "BENCH rss: rpc.mountd ${RSS[mountd]} KiB, nlcached ${RSS[nlcached]} KiB," \
	"ratio $(ratio "${RSS[mountd]}" "${RSS[nlcached]}")x"
