#!/bin/bash
# timeout: 3600
# Benchmark (make bench): rpc.mountd, nlcached and nlc-instant (a responder
# on the module's family that answers from a precomputed table: the
# mechanism's floor) serve the same NFSv4 load in the same VM, one after
# the other, the caches flushed before each run. The load is
# tests/bench/nfsload.c: stateless COMPOUNDs {PUTFH, GETATTR} on export root
# handles (from /proc/fs/nfsd/filehandle), AUTH_SYS, over TCP from chosen
# source addresses in 127/8, many calls in flight.
#   S1 gid storm:    manage-gids, N uids with 20 groups each (files
#                    backend, nsswitch.conf's passwd: and group: files), one call
#                    per uid
#   S2 ip storm:     N new source addresses, one connection and call each
#   S3 export storm: N exported tmpfs filesystems (fsid=N), and N
#                    directories of one tmpfs (fsid=N): one call per root
#                    handle
#   S3u:             S3 by uuid: N directories of one ext4 filesystem, no
#                    fsid= (fsid type 7 filehandles)
#   S4 head-of-line: one client whose reverse lookup stalls 2 s (a name
#                    server that never answers), 100 others at once: the
#                    others' p99; and the same 100 without the staller
#   S5 growth:       S3 at 250, 1000, 4000 exports: time per handle
#   S6 reload:       exportfs -ra with N exports and 200 active clients:
#                    time until all are served again
#   Idle:            nlcached's RSS and wake-ups/s with 10 000 cached
#                    entries (5 x 2000 addresses, whatever N is)
#   Load:            nlcached reading a 50 000-line exports file
#                    (NLC_BENCH_LOAD lines): start to its log line
# Numbers and ratios are printed as BENCH lines; nothing is asserted about
# them. NLC_BENCH_N (2000) and NLC_BENCH_S5 ("250 1000 4000") scale it down
# (make bench BENCH_N=… BENCH_S5=…; S5 runs rpc.mountd only up to
# BENCH_S5_SCAN_MAX exports, 1000); NLC_BENCH_ONLY="S3 S5" runs a subset;
# NLC_BENCH_DAEMONS="nlcached instant" (make bench BENCH_DAEMONS=…) a
# subset of the daemons (mountd base nlcached instant).
# make bench-native (NLC_BENCH_NATIVE=y, on sid's 7.2): no module; the
# rpc.mountd is sid's (nfs-utils 3.x, the kernel's sunrpc/nfsd netlink
# families, run with sid's loader and libraries: lib.sh, rpc_mountd)
# and nlcached takes its native backend; nlc-instant speaks only the
# module's family, so it does not run there. A kprobe counts the reads of
# /proc/net/rpc/*/channel during each daemon's runs (0 for both: neither
# answers through the channels).
. "$(dirname "$0")/lib.sh"

# shellcheck source=/dev/null # written by make bench
[ ! -f "$NLC_BUILD/nlc-bench.env" ] || . "$NLC_BUILD/nlc-bench.env"
N=${NLC_BENCH_N:-2000}
S5_SIZES=${NLC_BENCH_S5:-250 1000 4000}
ONLY=${NLC_BENCH_ONLY:-S1 S2 S3 S3u S4 S5 S6 Idle Load}
DAEMONS=${NLC_BENCH_DAEMONS:-mountd nlcached instant}
NATIVE=${NLC_BENCH_NATIVE:-}
if [ -n "$NATIVE" ]; then
	export NLC_SID_MOUNTD=y
	DAEMONS=$(xargs -n1 <<<"$DAEMONS" | grep -vx instant | xargs)
fi
# make bench BENCH_BASE=<commit>: that commit's nlcached runs too, as "base"
if [ -z "${NLC_BENCH_DAEMONS:-}" ] && [ -n "${NLC_BENCH_BASE:-}" ] &&
	[ -x "$NLC_BUILD/bench-base/nlcached" ]; then
	DAEMONS="mountd base nlcached instant"
fi
LOAD=$NLC_BUILD/tests/nfsload
INSTANT=$NLC_BUILD/tests/nlc-instant
B=/tmp/bench
mkdir -p $B
BLOG=$NLC_LOGDIR/bench

nlc_extra_state() {
	local p
	echo "== nlcachectl status"
	nlcachectl status 2>&1
	echo "== nlcachectl pending"
	nlcachectl pending 2>&1 | head -20
	for p in $(pgrep -f nlc-instant) $(pgrep -x nlcached); do
		echo "== stack of $p ($(cat "/proc/$p/comm"))"
		cat "/proc/$p/stack"
	done
}

want() { [[ " $ONLY " == *" $1 "* ]]; }

check "nfsload and nlc-instant are built" test -x "$LOAD" -a -x "$INSTANT"
nfsd_load
if [ -n "$NATIVE" ]; then
	check_match "the kernel registers the sunrpc family" '^0x[0-9a-f]+ sunrpc ' "$(genl-ctrl-list)"
	chanwatch_start
	MOUNTD_VERSION=$(rpc_mountd_version)
	check "sid's rpc.mountd runs with sid's loader" rpc_mountd --version
	echo "BENCH-RAW kernel $(uname -r), rpc.mountd: $MOUNTD_VERSION ($(rpc_mountd --version 2>&1 | head -1))"
else
	nlc_module_load
fi
check "grace period of 10 s" sh -c 'echo 10 >/proc/fs/nfsd/nfsv4gracetime'
[ ! -e /proc/fs/nfsd/max_connections ] || echo 20000 >/proc/fs/nfsd/max_connections
check "rpc.nfsd starts 32 NFSv4-only threads" rpc.nfsd --no-nfs-version 3 --no-udp 32
echo Y >/proc/fs/nfsd/v4_end_grace 2>/dev/null || sleep 11
ulimit -n 65536
# Debian's nfs.conf turns manage-gids on for rpc.mountd, and so for
# nlcached (same section); nlc-instant answers groups only with -g. Only
# S1 is a gid storm, and it asks all three for it: elsewhere the first
# uid's group lookup (200 ms in nlcached's first storm at N=20) would be a
# cost only two of the three pay.
check "nfs.conf: [mountd] manage-gids=n (S1 turns it on per daemon)" \
	sed -i 's/^[[:space:]]*manage-gids[[:space:]]*=.*/manage-gids=n/' /etc/nfs.conf

# --- daemons -------------------------------------------------------------------

# d_start DAEMON [gids]: start rpc.mountd, nlcached or nlc-instant (rules
# $B/rules), with manage-gids when asked; as deployed (no debug logging).
d_start() {
	local g=${2:-}
	# A daemon without manage-gids right after one that held the
	# auth.unix.gid channel: the kernel counts a channel as read for 30 s
	# after its last close (cache_listeners_exist), so nfsd's gid upcalls
	# would queue on it with no reader and every call would wait. Wait
	# that out instead of measuring it.
	if [ -z "$g" ] && [ -n "${GID_CHAN_CLOSED:-}" ]; then
		local left=$((GID_CHAN_CLOSED + 31 - SECONDS))
		[ "$left" -le 0 ] || {
			echo "BENCH-RAW waiting ${left} s: the auth.unix.gid channel was closed $((31 - left)) s ago"
			sleep "$left"
		}
		GID_CHAN_CLOSED=
	fi
	D_GIDS=$g
	case $1 in
	mountd)
		local from
		from=$(wc -l <"$NLC_LOGDIR/mountd" 2>/dev/null || echo 0)
		rpc_mountd --foreground --no-nfs-version 3 --no-udp ${g:+--manage-gids} \
			>>"$NLC_LOGDIR/mountd" 2>&1 &
		check "rpc.mountd is running" wait_for 10 pgrep -x rpc.mountd
		if [ -n "$NATIVE" ]; then
			# its start line, then a second for its netlink setup
			check "rpc.mountd logged its start" wait_for 10 sh -c \
				"tail -n +$((from + 1)) '$NLC_LOGDIR/mountd' | grep -q 'Version .* starting'"
			sleep 0.5
		else
			# its channels open before the first call
			# shellcheck disable=SC2016 # expanded by the inner shell
			wait_for 10 sh -c 'ls -l /proc/$(pgrep -x rpc.mountd | head -1)/fd | grep -q nfsd.fh'
		fi
		sleep 0.5
		;;
	nlcached | base)
		local from
		from=$(wc -l <"$NLC_LOGDIR/nlcached" 2>/dev/null || echo 0)
		NLC_FROM=$from
		# BENCH_DEBUG: every request's path through nlcached, timed
		local -a dbg=()
		[ -z "$NLC_BENCH_DEBUG" ] || dbg=(-d all)
		if [ "$1" = base ]; then
			"$NLC_BUILD/bench-base/nlcached" -F ${g:+-g} "${dbg[@]}" >>"$NLC_LOGDIR/nlcached" 2>&1 &
		else
			nlcached -F ${g:+-g} "${dbg[@]}" >>"$NLC_LOGDIR/nlcached" 2>&1 &
		fi
		echo $! >"$NLC_LOGDIR/nlcached.pid"
		if [ -n "$NATIVE" ]; then
			check "nlcached uses the native sunrpc/nfsd families" wait_for 60 sh -c \
				"tail -n +$((from + 1)) '$NLC_LOGDIR/nlcached' | grep -q 'connected: native sunrpc/nfsd backend'"
		else
			# 60 s: a guest on a loaded host took more than the usual 20
			check "nlcached is attached to auth.unix.ip nfsd.export nfsd.fh${g:+ auth.unix.gid}" \
				wait_for 60 nlcached_attached ${g:+auth.unix.gid}
		fi
		;;
	instant)
		"$INSTANT" ${NLC_BENCH_DEBUG:+-v} ${g:+-g} $B/rules >>"$NLC_LOGDIR/instant" 2>&1 &
		echo $! >"$NLC_LOGDIR/instant.pid"
		check "nlc-instant attached" wait_for 60 nlcached_attached ${g:+auth.unix.gid}
		;;
	esac
}

d_stop() {
	local pid
	# rpc.mountd -g reads the gid channel; so does nlcached on 7.2 (it
	# holds the channels open there)
	if [ -n "${D_GIDS:-}" ] && { [ "$1" = mountd ] || [ -n "$NATIVE" ]; }; then
		GID_CHAN_CLOSED=$SECONDS
	fi
	case $1 in
	mountd) mountd_stop ;;
	nlcached | base)
		nlcached_stop
		check_eq "nlcached exits 0" 0 "$nlcached_rc"
		[ -z "${NLC_BENCH_DEBUG:-}" ] ||
			tail -n +$((NLC_FROM + 1)) "$NLC_LOGDIR/nlcached" | sed 's/^/BENCH-LOG nlcached: /'
		;;
	instant)
		pid=$(cat "$NLC_LOGDIR/instant.pid")
		kill "$pid"
		wait "$pid"
		# its last words (answers, rejections, failures): more with
		# BENCH_DEBUG (-v logs every round)
		tail -n "$([ -n "${NLC_BENCH_DEBUG:-}" ] && echo 20 || echo 4)" "$NLC_LOGDIR/instant" |
			sed 's/^/BENCH-RAW instant: /'
		: >"$NLC_LOGDIR/instant"
		;;
	esac
	if [ -n "$NATIVE" ]; then
		check_fails "rpc.mountd is gone" pgrep -x rpc.mountd
		echo "BENCH-RAW $1: $(chanwatch_reads) reads of /proc/net/rpc channels since boot"
	else
		check "no daemon holds the caches" wait_for 10 nlcached_detached
	fi
}

d_pids() {
	case $1 in
	mountd) pgrep -x rpc.mountd | xargs ;;
	nlcached | base) nlcached_pid ;;
	instant) cat "$NLC_LOGDIR/instant.pid" ;;
	esac
}

flush() { exportfs -f; }

# --- exports -------------------------------------------------------------------

# One tmpfs per export (S3, S5, S6), mounted once for the largest count.
TMPFS_MOUNTED=0
mount_tmpfs() { # COUNT
	[ "$1" -gt "$TMPFS_MOUNTED" ] || return 0
	# one process for all the mounts (a mount(8) per export is slow
	# under TCG)
	check "tmpfs $((TMPFS_MOUNTED + 1))..$1 mounted on /srv/t/e*" /usr/bin/python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for i in range(int(sys.argv[1]) + 1, int(sys.argv[2]) + 1):
    d = "/srv/t/e%d" % i
    os.makedirs(d, exist_ok=True)
    if libc.mount(b"bt%d" % i, d.encode(), b"tmpfs", 0, b"mode=755,size=1m") != 0:
        sys.exit("mount %s: %s" % (d, os.strerror(ctypes.get_errno())))
' "$TMPFS_MOUNTED" "$1"
	TMPFS_MOUNTED=$1
}

# One ext4 filesystem (a loop device) for S3u's directories.
mount_ext4() {
	mountpoint -q /srv/u && return 0
	check "loop and ext4 modules" modprobe -a loop ext4
	check "an ext4 image with room for $N directories" \
		mkfs.ext4 -q -F -N $((N + 1000)) /tmp/bench-u.img 64M
	mkdir -p /srv/u
	check "it is mounted on /srv/u" mount -o loop /tmp/bench-u.img /srv/u
}

# set_exports KIND COUNT [CLIENT]: /etc/exports with COUNT exports of KIND
# (t: tmpfs mounts, d: directories of one tmpfs, both fsid=100+i; u:
# directories of one ext4 filesystem, no fsid=: uuid filehandles), for
# CLIENT (127.0.0.0/8); the paths go to $B/paths, nlc-instant's table to
# $B/rules; then exportfs -ra.
set_exports() {
	local kind=$1 n=$2 client=${3:-127.0.0.0/8}
	if [ "$kind" = d ]; then
		mkdir -p /srv/d
		mountpoint -q /srv/d || mount -t tmpfs -o mode=755 bdirs /srv/d
		eval "mkdir -p /srv/d/e{1..$n}"
	fi
	if [ "$kind" = u ]; then
		mount_ext4
		eval "mkdir -p /srv/u/e{1..$n}"
		awk -v n="$n" -v c="$client" 'BEGIN {
			for (i = 1; i <= n; i++) printf "/srv/u/e%d %s(rw,no_subtree_check)\n", i, c
		}' >/etc/exports
		awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "/srv/u/e%d\n", i }' >$B/paths
		# the filesystem's uuid; a directory's handle is fsid type 7
		# (UUID16_INUM: its inode, 8 bytes host order, then the uuid)
		local uuid
		uuid=$(blkid -s UUID -o value /tmp/bench-u.img | tr -d -)
		[ ${#uuid} = 32 ] || _nlc_fail "S3u: no uuid for the ext4 image" "$uuid"
		/usr/bin/python3 -c '
import os, struct, sys
n, uuid = int(sys.argv[1]), sys.argv[2]
print("ip 127.0.0.0/8")
print("gids " + " ".join(str(20000 + g) for g in range(20)))
for i in range(1, n + 1):
    p = "/srv/u/e%d" % i
    print("export %s 0x0424 0 %s" % (p, uuid))
    print("fh 7 %s%s %s" % (struct.pack("<Q", os.stat(p).st_ino).hex(), uuid, p))
' "$n" "$uuid" >$B/rules
		check "exportfs -ra with $n exports ($kind)" exportfs -ra
		return
	fi
	awk -v n="$n" -v k="$kind" -v c="$client" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "/srv/%s/e%d %s(rw,no_subtree_check,fsid=%d)\n", k, i, c, 100 + i
	}' >/etc/exports
	awk -v n="$n" -v k="$kind" 'BEGIN { for (i = 1; i <= n; i++) printf "/srv/%s/e%d\n", k, i }' >$B/paths
	awk -v n="$n" -v k="$kind" 'BEGIN {
		print "ip 127.0.0.0/8"
		printf "gids"; for (g = 0; g < 20; g++) printf " %d", 20000 + g; print ""
		for (i = 1; i <= n; i++) {
			f = 100 + i
			printf "export /srv/%s/e%d 0x2424 %d\n", k, i, f
			printf "fh 1 %02x%02x%02x%02x /srv/%s/e%d\n", f % 256, int(f / 256) % 256,
				int(f / 65536) % 256, int(f / 16777216), k, i
		}
	}' >$B/rules
	check "exportfs -ra with $n exports ($kind)" exportfs -ra
}

# handles: the root handle of every path in $B/paths (to $B/fh), read from
# nfsd's filehandle file; then the caches are flushed.
handles() {
	# nfsd's filehandle file neither upcalls nor waits: the client domain
	# and the exports must be cached first (as rpc.mountd does for a
	# MOUNT): an ip-map entry names the domain, then each export's entry
	local exp=$(($(date +%s) + 600)) k p f fs u
	echo "nfsd 127.0.0.1 $exp 127.0.0.0/8" >/proc/net/rpc/auth.unix.ip/channel
	exec 3>/proc/net/rpc/nfsd.export/channel
	while read -r k p f fs u; do
		[ "$k" = export ] || continue
		printf '127.0.0.0/8 %s %s %d 65534 65534 %s%s\n' "$p" "$exp" "$f" "$fs" \
			"${u:+ uuid \\x$u}" >&3
	done <$B/rules
	exec 3>&-
	check "root handles of $(wc -l <$B/paths) exports" \
		"$LOAD" -P "127.0.0.0/8:$B/paths" -H $B/fh -x 127.0.0.1
	flush
}

# --- runs ----------------------------------------------------------------------

declare -A W P99 OK
# load KEY NFSLOAD-ARGS...: one nfsload run; its wall time and p99 go to
# W[KEY] and P99[KEY] (the raw line, p50 included, is logged).
load() {
	local key=$1 out
	shift
	out=$("$LOAD" -t 300 "$@" 127.0.0.1 2>&1)
	echo "$key: $out" | tee -a "$BLOG" | sed 's/^/BENCH-RAW /'
	W[$key]=$(sed -n 's/.* wall=\([0-9.]*\).*/\1/p' <<<"$out")
	P99[$key]=$(sed -n 's/.* p99=\([0-9.]*\).*/\1/p' <<<"$out")
	OK[$key]=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$out")
	[ -n "${W[$key]}" ] || _nlc_fail "$key: nfsload printed no result" "$out"
}

dname() {
	case $1 in
	mountd) echo "rpc.mountd${NATIVE:+(sid ${MOUNTD_VERSION##* })}" ;;
	base) echo "nlcached(base ${NLC_BENCH_BASE:0:7})" ;;
	*) echo "$1" ;;
	esac
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
per() { awk -v a="$1" -v n="$2" 'BEGIN { printf "%.2f", a * 1000 / n }'; }

# report NAME WHAT KEY-PREFIX: one BENCH line for the three daemons' runs
# KEY-PREFIX.mountd, .nlcached, .instant.
report() {
	local name=$1 what=$2 k=$3 d line=""
	for d in $DAEMONS; do
		line+=" $(dname "$d") ${W[$k.$d]:-?} s (ok ${OK[$k.$d]:-?}),"
	done
	# a ratio only between daemons that ran and did the work
	local r=()
	if [ "$k" = s1 ] && [ -n "${NOGIDS[mountd]:-}" ]; then
		r+=("no mountd/nlcached ratio: $(dname mountd) looked up no groups (no auth.unix.gid entries; its netlink mode has no listener for the kernel's unix_gid upcall)")
	elif [ -n "${W[$k.mountd]:-}" ] && [ -n "${W[$k.nlcached]:-}" ]; then
		r+=("mountd/nlcached $(ratio "${W[$k.mountd]}" "${W[$k.nlcached]}")x")
	fi
	[ -z "${W[$k.nlcached]:-}" ] || [ -z "${W[$k.instant]:-}" ] ||
		r+=("nlcached/instant $(ratio "${W[$k.nlcached]}" "${W[$k.instant]}")x")
	[ -z "${W[$k.base]:-}" ] || [ -z "${W[$k.nlcached]:-}" ] ||
		r+=("before/after $(ratio "${W[$k.base]}" "${W[$k.nlcached]}")x")
	local IFS=,
	echo "BENCH $name $what:${line%,};${r[*]/#/ }"
}

# waits: each cache's answered count and total wait (ms), from the
# module's status (nlcached and nlc-instant on 6.1; rpc.mountd answers
# through the channels, which the module does not time)
waits() {
	[ -z "$NATIVE" ] || return 0
	nlcachectl status --json | /usr/bin/python3 -c '
import json, sys
for c in json.load(sys.stdin)["caches"]:
    print(c["name"], c.get("answered", 0), c.get("answer_ms_total", 0))'
}

# wait_line BEFORE AFTER: "cache n avg ms" for the caches whose count moved
# (no process substitution: the guest has no /dev/fd)
wait_line() {
	awk -v before="$1" 'BEGIN {
		k = split(before, l, "\n")
		for (i = 1; i <= k; i++) { split(l[i], f, " "); n0[f[1]] = f[2]; ms0[f[1]] = f[3] }
	}
	$2 > n0[$1] {
		n = $2 - n0[$1]
		printf "%s%s %d answered, avg %.1f ms", sep, $1, n, ($3 - ms0[$1]) / n; sep = "; "
	}' <<<"$2"
}

# storm KEY [gids] NFSLOAD-ARGS...: for each daemon: start, flush, run, stop
storm() {
	local key=$1 g='' d
	shift
	if [ "${1:-}" = gids ]; then
		g=gids
		shift
	fi
	for d in $DAEMONS; do
		# the base nlcached (BENCH_BASE) shows a fix's before/after: S1
		# (groups), S3, S5 (nfsd.fh)
		[ "$d" != base ] || [[ $key == s[135]* ]] || continue
		d_start "$d" $g
		flush
		local w0
		w0=$(waits)
		if [ -n "${NLC_BENCH_PERF:-}" ]; then
			# BENCH_PERF: where each daemon's storm time goes,
			# system-wide (the same shares for every daemon)
			local comm
			case $d in
			mountd) comm=rpc.mountd ;;
			instant) comm=nlc-instant ;;
			*) comm=nlcached ;;
			esac
			if [ "$NLC_BENCH_PERF" = dwarf ]; then
				# the daemon alone, its own stacks unwound (no frame pointers)
				perf record -q -p "$(d_pids "$d")" --call-graph dwarf,16384 \
					-e cpu-clock -F 1000 -o /tmp/perf.data &
			else
				perf record -q -a -g -e cpu-clock -F 2000 -o /tmp/perf.data &
			fi
			local perf=$!
			sleep 1
			load "$key.$d" "$@"
			kill -INT $perf
			wait $perf || true
			{
				perf report -i /tmp/perf.data --stdio -n --no-children --sort comm -g none
				# the daemon's own time: by symbol, then inclusive
				perf report -i /tmp/perf.data --stdio --comm "$comm" --no-children \
					--sort dso,sym -g none --percent-limit 0.4
				perf report -i /tmp/perf.data --stdio --comm "$comm" --children \
					--sort sym -g none --percent-limit 2
				[ "$NLC_BENCH_PERF" != dwarf ] ||
					perf report -i /tmp/perf.data --stdio --comm "$comm" --no-children \
						--sort sym -G -S __GI___libc_open,__GI___fstatat64 --percent-limit 0.3
			} 2>/dev/null | grep '%' | sed "s/^/BENCH-PERF $key.$d: /"
		else
			load "$key.$d" "$@"
		fi
		# the module's view: how long requests waited for this daemon
		[ "$d" = mountd ] || [ -n "$NATIVE" ] ||
			echo "BENCH-RAW $key.$d: module answer wait: $(wait_line "$w0" "$(waits)")"
		if [ -n "${NLC_BENCH_DEBUG:-}" ]; then
			# what the module and the caches hold after the run
			{
				[ -n "$NATIVE" ] || nlcachectl status
				for c in auth.unix.ip auth.unix.gid nfsd.export nfsd.fh; do
					echo "$c: $(grep -vc '^#' /proc/net/rpc/$c/content) entries," \
						"flush time $(cat /proc/net/rpc/$c/flush), now $(cut -d. -f1 /proc/uptime)"
				done
				head -3 /proc/net/rpc/auth.unix.ip/content
				grep -E '^(rpc|th) ' /proc/net/rpc/nfsd
				# where nfsd's threads are
				for p in $(pgrep -x nfsd | head -4); do
					echo "nfsd $p: $(tr '\n' ' ' </proc/"$p"/stack)"
				done
			} 2>&1 | sed "s/^/BENCH-STATE $key.$d: /"
		fi
		[ "$key" != s1 ] || [ "$d" = instant ] || s1_same_groups "$d"
		d_stop "$d"
	done
}

# After a daemon's S1 run (nlc-instant's answers are made up): the
# kernel's group lists of a few users are those id(1) (getgrouplist)
# gives, as sets. sid's rpc.mountd 3.1.1 on 7.2 leaves none: its netlink
# mode opens no auth.unix.gid channel, and the kernel's unix_gid upcall
# still requires a channel listener (sunrpc_cache_upcall_warn), so each
# upcall fails at once, the entry is negated and nfsd keeps the groups
# the client sent. That daemon did no S1 work: reported, not compared.
declare -A NOGIDS
s1_same_groups() {
	local k u want got n
	n=$(cache_entries auth.unix.gid | awk 'NF > 2' | wc -l)
	echo "BENCH-RAW s1.$1: auth.unix.gid entries with groups: $n"
	if [ "$1" = mountd ] && [ -n "$NATIVE" ] && [ "$n" = 0 ]; then
		NOGIDS[$1]=y
		echo "BENCH-RAW s1.$1: $(dname "$1") answered no gid upcall: $(head -3 /proc/net/rpc/auth.unix.gid/content | tr '\n' '|')"
		return 0
	fi
	for k in 0 7 $((N / 2)) $((N - 1)); do
		u=$((10000 + k))
		want=$(id -G "bu$k" | tr ' ' '\n' | sort -n | xargs)
		got=$(cache_entries auth.unix.gid | awk -v u="$u" '$1 == u { for (i = 3; i <= NF; i++) print $i }' |
			sort -n | xargs)
		check_eq "uid $u: $(dname "$1")'s groups in the kernel are id -G's" "$want" "$got"
	done
}

t_start=$SECONDS

# S3: export storm
if want S3; then
	say "S3: export storm, $N exports"
	mount_tmpfs "$N"
	set_exports t "$N"
	handles
	storm s3t -f $B/fh -c 16 -w 8 -n "$N" -s 127.3.0.1
	report S3 "export storm ($N tmpfs exports, fsid=N, one PUTFH+GETATTR per root handle, 16 conns x 8 in flight)" s3t
	set_exports d "$N"
	handles
	storm s3d -f $B/fh -c 16 -w 8 -n "$N" -s 127.3.0.1
	report S3d "export storm ($N directories of one tmpfs, fsid=N, same load)" s3d
fi

# S3u: the export storm by uuid (the filehandles of exported block-device
# filesystems: no fsid=), rpc.mountd and the base nlcached up to
# NLC_BENCH_S5_SCAN_MAX exports
if want S3u; then
	say "S3u: export storm by uuid, $N exports"
	set_exports u "$N"
	handles
	ds=$DAEMONS
	[ "$N" -le "${NLC_BENCH_S5_SCAN_MAX:-1000}" ] || ds=$(sed 's/mountd//; s/base//' <<<"$DAEMONS")
	DAEMONS=$ds storm s3u -f $B/fh -c 16 -w 8 -n "$N" -s 127.3.0.1
	DAEMONS=$ds report S3u "export storm by uuid ($N directories of one ext4 filesystem, no fsid=: fsid type 7 handles, same load)" s3u
fi

# S5: growth (nlcached and nlc-instant; rpc.mountd up to 1000 exports)
if want S5; then
	for n in $S5_SIZES; do
		say "S5: $n exports"
		mount_tmpfs "$n"
		set_exports t "$n"
		handles
		ds=$DAEMONS
		# rpc.mountd and the base nlcached scan every export per handle:
		# they run up to NLC_BENCH_S5_SCAN_MAX exports (1000)
		[ "$n" -le "${NLC_BENCH_S5_SCAN_MAX:-1000}" ] || ds=$(sed 's/mountd//; s/base//' <<<"$DAEMONS")
		DAEMONS=$ds storm "s5.$n" -f $B/fh -c 16 -w 8 -n "$n" -s 127.3.0.1
		for d in $ds; do
			echo "BENCH S5 growth: $n exports, $(dname "$d"): $(per "${W[s5.$n.$d]}" "$n") ms per handle (ok ${OK[s5.$n.$d]}/$n)"
		done
	done
	# shellcheck disable=SC2086 # a list of sizes, split on purpose
	set -- $S5_SIZES
	first=$1
	last=${*: -1}
	for d in ${DAEMONS/mountd/}; do
		[[ -n ${W[s5.$last.$d]:-} && -n ${W[s5.$first.$d]:-} ]] || continue
		echo "BENCH S5 growth $(dname "$d"): per handle at $last vs $first exports:" \
			"$(ratio "$(per "${W[s5.$last.$d]:-0}" "$last")" "$(per "${W[s5.$first.$d]:-0}" "$first")")x"
	done
	if [ -n "${W[s5.1000.mountd]:-}" ]; then
		echo "BENCH S5 at 1000 exports: mountd/nlcached $(ratio "${W[s5.1000.mountd]}" "${W[s5.1000.nlcached]}")x$(
			[ -z "${W[s5.1000.instant]:-}" ] ||
				printf %s ", nlcached/instant $(ratio "${W[s5.1000.nlcached]}" "${W[s5.1000.instant]}")x")"
	fi
fi

# One export for S1, S2, S4.
one_export() {
	make_export_dir /srv/g
	echo "/srv/g ${1:-127.0.0.0/8}(rw,no_subtree_check,fsid=1)" >/etc/exports
	echo "/srv/g" >$B/paths
	printf 'ip 127.0.0.0/8\nexport /srv/g 0x2424 1\nfh 1 01000000 /srv/g\ngids' >$B/rules
	seq 20000 20019 | tr '\n' ' ' >>$B/rules
	echo >>$B/rules
	check "exportfs -ra (/srv/g)" exportfs -ra
}

# S1: gid storm
if want S1; then
	say "S1: gid storm, $N uids with 20 groups each"
	# N users (uid 10000+k) and N groups (gid 20000+j); user k is in the
	# 20 groups (k + m N/20) mod N.
	cp /etc/passwd $B/passwd.orig
	cp /etc/group $B/group.orig
	awk -v n="$N" 'BEGIN { for (k = 0; k < n; k++)
		printf "bu%d:x:%d:100::/nonexistent:/usr/sbin/nologin\n", k, 10000 + k }' >>/etc/passwd
	awk -v n="$N" 'BEGIN {
		for (k = 0; k < n; k++) for (m = 0; m < 20; m++) {
			j = (k + m * int(n / 20)) % n
			mem[j] = mem[j] (mem[j] == "" ? "" : ",") "bu" k
		}
		for (j = 0; j < n; j++) printf "bg%d:x:%d:%s\n", j, 20000 + j, mem[j]
	}' >>/etc/group
	# users and group membership from the files backend only (the
	# nsswitch.conf for which nlcached indexes /etc/passwd and /etc/group;
	# rpc.mountd reads the same)
	cp /etc/nsswitch.conf $B/nsswitch.orig
	sed -i 's/^group:.*/group: files/; s/^passwd:.*/passwd: files/' /etc/nsswitch.conf
	check_eq "nsswitch.conf: group: files" "group: files" "$(grep '^group:' /etc/nsswitch.conf)"
	check_eq "nsswitch.conf: passwd: files" "passwd: files" "$(grep '^passwd:' /etc/nsswitch.conf)"
	check_eq "bu7 has 21 groups" 21 "$(id -G bu7 | wc -w)"
	one_export
	handles
	storm s1 gids -f $B/fh -c 16 -w 8 -n "$N" -u 10000 -U "$N" -s 127.1.0.1
	report S1 "gid storm (manage-gids, $N uids x 20 groups in /etc/group, one call per uid, 16 conns x 8)" s1
	cp $B/passwd.orig /etc/passwd
	cp $B/group.orig /etc/group
	cp $B/nsswitch.orig /etc/nsswitch.conf
fi

# S2: ip storm
if want S2; then
	say "S2: ip storm, $N new source addresses"
	one_export
	handles
	storm s2 -f $B/fh -c "$N" -w 1 -n "$N" -s 127.2.0.1
	report S2 "ip storm ($N new source addresses, one connection and call each)" s2
fi

# S4: head-of-line
if want S4; then
	say "S4: head-of-line, one client's reverse lookup stalls 2 s"
	/usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
while True:
    s.recvfrom(4096)
' &
	blackhole=$!
	cp /etc/resolv.conf $B/resolv.orig 2>/dev/null || :
	cp /etc/hosts $B/hosts.orig
	printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n' >/etc/resolv.conf
	for i in $(seq 1 100); do
		echo "127.4.1.$i c$i.bench.test"
		echo "127.4.2.$i n$i.bench.test"
	done >>/etc/hosts
	check "the staller's reverse lookup stalls" sh -c '! timeout 10 getent hosts 127.4.0.1'
	check "the others resolve from /etc/hosts" getent hosts 127.4.1.50
	one_export "*.bench.test(rw,no_subtree_check,fsid=1) 127.0.0.0/8"
	handles
	for d in $DAEMONS; do
		d_start "$d"
		# the same load without the staller (other addresses, so that
		# no daemon answers from what it learnt): the mechanism's own
		# latency for 100 new clients at once
		flush
		load "s4n.$d" -f $B/fh -c 100 -w 1 -s 127.4.2.1
		flush
		"$LOAD" -t 60 -f "$B/fh" -c 1 -s 127.4.0.1 127.0.0.1 >"$B/staller.$d" 2>&1 &
		staller=$!
		sleep 0.3
		load "s4.$d" -f $B/fh -c 100 -w 1 -s 127.4.1.1
		wait "$staller"
		echo "BENCH-RAW s4.$d staller: $(cat "$B/staller.$d")"
		d_stop "$d"
	done
	line=""
	for d in $DAEMONS; do
		line+=" $(dname "$d") p99 ${P99[s4.$d]} s ($(awk -v p="${P99[s4.$d]}" 'BEGIN { printf "%.1f", p * 100 / 2 }')% of the stall; ${P99[s4n.$d]} s without the staller),"
	done
	echo "BENCH S4 head-of-line (one client's reverse DNS stalls 2 s, 100 others at once):${line%,}"
	kill "$blackhole"
	wait "$blackhole" 2>/dev/null
	cp $B/hosts.orig /etc/hosts
	[ ! -f $B/resolv.orig ] || cp $B/resolv.orig /etc/resolv.conf
fi

# S6: reload
if want S6; then
	say "S6: exportfs -ra with $N exports, 200 active clients"
	mount_tmpfs "$N"
	set_exports t "$N"
	handles
	for d in $DAEMONS; do
		d_start "$d"
		flush
		load "s6warm.$d" -f $B/fh -c 200 -w 1 -n 200 -s 127.6.0.1
		t0=$(date +%s.%N)
		exportfs -ra
		t1=$(date +%s.%N)
		load "s6.$d" -f $B/fh -c 200 -w 1 -n 200 -s 127.6.0.1
		W[s6.$d]=$(awk -v a="$t0" -v b="$t1" -v w="${W[s6.$d]}" 'BEGIN { printf "%.4f", b - a + w }')
		echo "BENCH-RAW s6.$d: exportfs -ra took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s"
		d_stop "$d"
	done
	report S6 "reload (exportfs -ra with $N exports, then 200 active clients each call once: exportfs start to last reply)" s6
fi

# Idle: nlcached with 10 000 cached entries
if want Idle; then
	say "Idle: nlcached with 5 x 2000 auth.unix.ip entries"
	one_export
	handles
	d_start nlcached
	flush
	# 5 x 2000 new addresses whatever N is: 10 000 entries (about 5 s
	# per 500 addresses under TCG)
	per=2000
	for r in 10 11 12 13 14; do
		load "idle.$r" -f $B/fh -c "$per" -w 1 -n "$per" -s 127.$r.0.1
	done
	entries=$(cache_entries auth.unix.ip | wc -l)
	pid=$(nlcached_pid)
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
	cs() { awk '/ctxt_switches/ { s += $2 } END { print s }' "/proc/$pid"/task/*/status; }
	sleep 2
	c0=$(cs)
	sleep 10
	c1=$(cs)
	echo "BENCH Idle: nlcached with $entries auth.unix.ip entries: RSS $rss KiB," \
		"$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.1f", (b - a) / 10 }') wake-ups/s over 10 s idle"
	d_stop nlcached
fi

# Load: nlcached reading a 50 000-line exports file (issue 9 item 10): no
# DNS (address clients), 50 000 distinct clients over 5 000 paths; from its
# start to its "exports: 50000 entries" log line, and its RSS then
if want Load; then
	LOAD_N=${NLC_BENCH_LOAD:-50000}
	say "Load: nlcached reads a $LOAD_N-line exports file"
	mkdir -p $B/le
	(cd $B/le && seq -f 'e%.0f' 0 4999 | xargs mkdir -p)
	awk -v n="$LOAD_N" -v d="$B/le" 'BEGIN { for (i = 0; i < n; i++)
		printf "%s/e%d 10.%d.%d.%d(rw,no_subtree_check,fsid=%d)\n", d, i % 5000,
			int(i / 65536) % 256, int(i / 256) % 256, i % 256, 1 + i % 5000 }' >$B/big.exports
	check_eq "the big exports file has $LOAD_N lines" "$LOAD_N" "$(wc -l <$B/big.exports)"
	t0=$(date +%s.%N)
	nlcached_start --exports $B/big.exports
	check "nlcached loads $LOAD_N entries" \
		wait_for 600 sh -c "grep -q 'exports: $LOAD_N entries' '$NLC_LOGDIR/nlcached'"
	t1=$(date +%s.%N)
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$(nlcached_pid)/status")
	nlcached_stop
	echo "BENCH Load: nlcached read $LOAD_N exports lines (5000 paths, $LOAD_N address clients) in" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s (start to its log line), RSS $rss KiB"
fi

say "guest time of the benchmark: $((SECONDS - t_start)) s"
