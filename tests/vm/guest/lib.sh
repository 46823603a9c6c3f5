# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by every guest test. Each check prints what it verifies ("ok -" or
# "not ok -"); the first failing check ends the script with status 1, which
# keeps the guest from writing its success marker.

set -u
set -o pipefail

NLC_BUILD=$NLC_PROJECT/build
export NLC_BUILD
export PATH=$NLC_BUILD/daemon:$PATH

nlc_checks=0

say() { echo "[$NLC_TEST] $*"; }

# The helpers below print a failure and exit; a test never continues past a
# check it failed.
_nlc_fail() {
	echo "not ok - $1"
	shift
	[ $# -eq 0 ] || printf '  %s\n' "$@"
	# NLC_SOFT_CHECKS (a survey such as nlcached-equiv-native, whose
	# point is to list every difference): count and go on; the test
	# calls nlc_soft_verdict at its end.
	if [ -n "${NLC_SOFT_CHECKS:-}" ]; then
		nlc_soft_failed=$((nlc_soft_failed + 1))
		return 0
	fi
	exit 1
}
nlc_soft_failed=0

# nlc_soft_verdict: with NLC_SOFT_CHECKS, fail the test if a check failed.
nlc_soft_verdict() {
	[ "$nlc_soft_failed" -eq 0 ] || { NLC_SOFT_CHECKS='' _nlc_fail "$nlc_soft_failed soft checks failed (the 'not ok' lines above)"; }
}

_nlc_ok() {
	nlc_checks=$((nlc_checks + 1))
	echo "ok $nlc_checks - $1"
}

# check DESCRIPTION CMD...: CMD must exit 0. Its output is shown on failure.
check() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		_nlc_ok "$what"
	else
		_nlc_fail "$what" "command: $*" "exit status: $?" "output: $out"
	fi
}

# check_fails DESCRIPTION CMD...: CMD must exit non-zero.
check_fails() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		_nlc_fail "$what" "command unexpectedly succeeded: $*" "output: $out"
	else
		_nlc_ok "$what"
	fi
}

# check_fails_with DESCRIPTION ERE CMD...: CMD must exit non-zero and print a
# line matching ERE (so it failed for the expected reason).
check_fails_with() {
	local what=$1 re=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		_nlc_fail "$what" "command unexpectedly succeeded: $*" "output: $out"
	elif grep -qE -- "$re" <<<"$out"; then
		_nlc_ok "$what"
	else
		_nlc_fail "$what" "command failed, but not with /$re/: $*" "output: $out"
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		_nlc_ok "$1"
	else
		_nlc_fail "$1" "expected: $2" "actual:   $3"
	fi
}

# check_match DESCRIPTION ERE TEXT: TEXT has a line matching ERE.
check_match() {
	if grep -qE -- "$2" <<<"$3"; then
		_nlc_ok "$1"
	else
		_nlc_fail "$1" "no line matches: $2" "in:" "$3"
	fi
}

# check_no_match DESCRIPTION ERE TEXT: no line of TEXT matches ERE.
check_no_match() {
	if grep -qE -- "$2" <<<"$3"; then
		_nlc_fail "$1" "unexpected line matching $2:" "$(grep -E -- "$2" <<<"$3")"
	else
		_nlc_ok "$1"
	fi
}

# wait_for SECONDS CMD...: retry CMD every 0.2 s until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

# Lines of a cache's content that describe entries (not comments).
cache_entries() {
	grep -v '^#' "/proc/net/rpc/$1/content" || true
}

# The NFS server: nfsd module, its filesystem, and knfsd threads for NFSv4
# only (no rpcbind, lockd or v3 needed), with the grace period ended so the
# first OPEN does not wait 90 s.
nfsd_load() {
	check "nfsd module loads" modprobe nfsd
	if ! mountpoint -q /proc/fs/nfsd; then
		check "nfsd filesystem mounts on /proc/fs/nfsd" mount -t nfsd nfsd /proc/fs/nfsd
	fi
}

nfsd_start() {
	# Where nfsd has no client tracking (no nfsdcld; legacy tracking gone
	# in newer kernels, never in a non-init netns) v4_end_grace refuses:
	# the grace period then ends by itself, so keep it at its minimum.
	check "grace period of 10 s" sh -c 'echo 10 >/proc/fs/nfsd/nfsv4gracetime'
	check "rpc.nfsd starts NFSv4-only knfsd threads" \
		rpc.nfsd --no-nfs-version 3 --no-udp 4
	check "knfsd threads are running" test "$(cat /proc/fs/nfsd/threads)" -gt 0
	if sh -c 'echo Y >/proc/fs/nfsd/v4_end_grace' 2>/dev/null; then
		say "grace period ended"
	else
		say "no client tracking here: the grace period ends within 10 s"
	fi
}

# rpc_mountd ARG...: the rpc.mountd under test: the host's (Debian 12's
# nfs-utils 2.6.2, /proc channels), or with NLC_SID_MOUNTD set (make
# bench-native) Debian sid's (nfs-utils 3.x, which answers over the
# kernel's sunrpc/nfsd netlink families on 7.2). sid's binary runs with
# sid's own dynamic loader and libraries from the sid chroot the host
# built (NLC_SID_ROOT, default /var/tmp/nlc-sid; the host's root is this
# guest's), not inside that chroot: it then sees this guest's /etc,
# /var/lib/nfs and export paths exactly as the host's rpc.mountd and
# nlcached do. The loader is started through a link named rpc.mountd, so
# its comm is rpc.mountd (pgrep -x, pkill -x, mountd_stop).
rpc_mountd() {
	if [ -z "${NLC_SID_MOUNTD:-}" ]; then
		rpc.mountd "$@"
		return
	fi
	local root=${NLC_SID_ROOT:-/var/tmp/nlc-sid}
	mkdir -p /tmp/sid-mountd
	ln -sfn "$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" /tmp/sid-mountd/rpc.mountd
	/tmp/sid-mountd/rpc.mountd --library-path "$root/usr/lib/x86_64-linux-gnu" \
		"$root/usr/sbin/rpc.mountd" "$@"
}

# rpc_mountd_version: the version line of rpc_mountd's binary.
rpc_mountd_version() {
	local admin=/var/lib/dpkg
	[ -z "${NLC_SID_MOUNTD:-}" ] || admin=${NLC_SID_ROOT:-/var/tmp/nlc-sid}/var/lib/dpkg
	# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
	dpkg-query --admindir="$admin" -W -f '${Package} ${Version}\n' nfs-kernel-server 2>&1
}

# rpc.mountd in the foreground with debug logging to $NLC_LOGDIR/mountd.
mountd_start() {
	rpc_mountd --foreground --debug all "$@" >"$NLC_LOGDIR/mountd" 2>&1 &
	check "rpc.mountd is running" wait_for 10 pgrep -x rpc.mountd
}

mountd_stop() {
	pkill -x rpc.mountd || true
	wait_for 10 sh -c '! pgrep -x rpc.mountd'
}

nfsd_stop() {
	rpc.nfsd 0 >/dev/null 2>&1 || true
}

# An exports directory on its own tmpfs (nfsd cannot export overlayfs).
make_export_dir() {
	local dir=$1
	mkdir -p "$dir"
	mountpoint -q "$dir" || check "tmpfs for $dir" mount -t tmpfs -o mode=755 "export$((++nlc_exports))" "$dir"
}
nlc_exports=0

# Logs of daemons a test started; printed when the test fails.
NLC_LOGDIR=/tmp/nlc-logs
mkdir -p "$NLC_LOGDIR"

# What a failed run needs to explain itself on the console.
dump_state() {
	local f
	echo "---- state at failure ----"
	for f in /proc/net/rpc/*/content; do
		[ -r "$f" ] || continue
		echo "== $f"
		cat "$f"
	done
	[ -r /var/lib/nfs/etab ] && { echo "== etab"; cat /var/lib/nfs/etab; }
	echo "== processes"
	# shellcheck disable=SC2009 # every process but kernel threads: no pgrep query
	ps -eo pid,stat,args | grep -vE '\[.*\]$'
	for f in "$NLC_LOGDIR"/*; do
		[ -f "$f" ] || continue
		echo "== $f"
		tail -n 80 "$f"
	done
	if declare -F nlc_extra_state >/dev/null; then
		nlc_extra_state
	fi
	echo "---- end of state ----"
}

# --- nfsd_nlcache -------------------------------------------------------------

nlc_module_load() {
	check "modprobe nfsd_nlcache (with its nfsd softdep)" modprobe nfsd_nlcache
	check "the nfsd_nlcache family is registered" nlcachectl family --no-load
}

# nlc_status_field CACHE FIELD: one counter of `nlcachectl status --json`.
nlc_status_field() {
	nlcachectl status --json | /usr/bin/python3 -c '
import json, sys
for c in json.load(sys.stdin)["caches"]:
    if c["name"] == sys.argv[1]:
        print(int(c[sys.argv[2]]) if not isinstance(c[sys.argv[2]], bool) else c[sys.argv[2]])
' "$1" "$2"
}

# nlc_register NAME CACHE...: hold a registration in the background
# (nlcachectl register); its pid goes to $NLC_LOGDIR/NAME.pid.
nlc_register() {
	local name=$1
	shift
	nlcachectl register "$@" >"$NLC_LOGDIR/$name" 2>&1 &
	echo $! >"$NLC_LOGDIR/$name.pid"
	check "$name: nlcachectl registers ${*:-the default caches}" \
		wait_for 10 grep -q '^registered:' "$NLC_LOGDIR/$name"
}

# nlc_responder_start NAME RULES: answer requests from RULES (responder.sh).
nlc_responder_start() {
	: >"$NLC_LOGDIR/$1.seen.failed"
	bash "$NLC_PROJECT/tests/vm/guest/responder.sh" "$2" "$NLC_LOGDIR/$1.seen" &
	echo $! >"$NLC_LOGDIR/$1.responder.pid"
}

# nlc_responder_ok NAME: check that every `nlcachectl answer` the
# responder NAME ran succeeded (responder.sh records each failure, with
# nlcachectl's message, in NAME.seen.failed) and that it answered at all.
nlc_responder_ok() {
	check "responder $1 answered requests" test -s "$NLC_LOGDIR/$1.seen"
	check_eq "responder $1: no nlcachectl answer failed" "" \
		"$(cat "$NLC_LOGDIR/$1.seen.failed" 2>&1)"
}

nlc_stop() { # nlc_stop NAME [SIGNAL]
	local f pid
	for f in "$NLC_LOGDIR/$1.responder.pid" "$NLC_LOGDIR/$1.pid"; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		rm -f "$f"
		kill "-${2:-TERM}" "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	return 0
}

# The rules that make a plain NFSv4 mount of CLIENT's pseudo root work for
# an export of DIR (fsid=FSID, rw, no_root_squash) as rpc.mountd would
# answer them.
nlc_rules_v4() { # CLIENT DIR FSID
	local client=$1 dir=$2 fsid=$3 hex
	# fsid type 1 (FSID_NUM): the u32 in host (little-endian) byte order.
	hex=$(printf '%08x' "$fsid")
	hex="\\x${hex:6:2}${hex:4:2}${hex:2:2}${hex:0:2}"
	printf '%s\n' \
		"ip nfsd $client $client" \
		"export $client / --flags 0x12403 --fsid 0" \
		"export $client $dir --flags 0x2420 --fsid $fsid --secinfo 1:0x2420" \
		"fh $client 1 \\x00000000 /" \
		"fh $client 1 $hex $dir"
}

# Channel readers: a kprobe on sunrpc's cache_read_procfs counts every read
# of any /proc/net/rpc/*/channel (exportfs only writes).
chanwatch_start() {
	local t=/sys/kernel/tracing
	mountpoint -q $t || mount -t tracefs tracefs $t
	check "kprobe on sunrpc's channel read (cache_read_procfs)" \
		sh -c "echo 'p:nlc_chan_read cache_read_procfs' >>$t/kprobe_events &&
			echo 1 >$t/events/kprobes/nlc_chan_read/enable"
}

chanwatch_reads() {
	awk '$1 == "nlc_chan_read" { print $2 }' /sys/kernel/tracing/kprobe_profile
}

# --- nlcached -------------------------------------------------------------------

# nlcached_start [OPTION...]: `nlcached -F -d all OPTION...` in the
# background, its output appended to $NLC_LOGDIR/nlcached, its pid in
# $NLC_LOGDIR/nlcached.pid. Checks that it logged its start line; whether it
# attached is nlcached_attached's business (it attaches once nfsd's caches
# exist).
# shellcheck disable=SC2120 # its arguments are optional
nlcached_start() {
	echo "---- nlcached -F -d all $* ----" >>"$NLC_LOGDIR/nlcached"
	local from
	from=$(wc -l <"$NLC_LOGDIR/nlcached")
	nlcached -F -d all "$@" >>"$NLC_LOGDIR/nlcached" 2>&1 &
	echo $! >"$NLC_LOGDIR/nlcached.pid"
	check "nlcached${*:+ $*} starts (pid $!)" \
		wait_for 20 sh -c "tail -n +$((from + 1)) '$NLC_LOGDIR/nlcached' | grep -q 'nlcached: nlcached .* starting'"
}

nlcached_pid() { cat "$NLC_LOGDIR/nlcached.pid" 2>/dev/null; }

# nlcached_run_log: the log of the last nlcached_start, from its "----"
# line on.
nlcached_run_log() {
	# shellcheck disable=SC2016 # sed's $ address, not the shell's
	sed -n '/^---- nlcached /h; /^---- nlcached /!H; ${x;p}' "$NLC_LOGDIR/nlcached"
}

# The module's view: a daemon holds the caches (nlcachectl status).
nlc_daemon_portid() {
	nlcachectl status --json | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["daemon_portid"])'
}
nlcached_attached() {
	local c
	[ "$(nlc_daemon_portid)" != 0 ] || return 1
	for c in auth.unix.ip nfsd.export nfsd.fh "$@"; do
		[ "$(nlc_status_field "$c" attached)" = True ] || return 1
	done
}
nlcached_detached() {
	[ "$(nlc_daemon_portid)" = 0 ] && [ "$(nlc_status_field auth.unix.ip attached)" = False ]
}

# nlcached_wait_attached [CACHE...]: check that the daemon attached
# auth.unix.ip, nfsd.export, nfsd.fh (and CACHE...) within 20 s.
# shellcheck disable=SC2120 # its arguments are optional
nlcached_wait_attached() {
	check "nlcached is attached to auth.unix.ip nfsd.export nfsd.fh${*:+ $*}" wait_for 20 nlcached_attached "$@"
}

# True once PID has exited (gone, or a zombie waiting for its parent).
pid_exited() {
	[ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

# nlcached_stop [SIGNAL]: signal nlcached (TERM) and reap it; its exit
# status goes to $nlcached_rc (124 if it did not exit within 20 s, when it
# is killed). Without a running nlcached (no pidfile) $nlcached_rc is
# "none": never a number left over from an earlier stop.
# shellcheck disable=SC2120 # its arguments are optional
nlcached_stop() {
	local pid
	nlcached_rc=none
	pid=$(nlcached_pid) || return 0
	[ -n "$pid" ] || return 0
	rm -f "$NLC_LOGDIR/nlcached.pid"
	kill "-${1:-TERM}" "$pid" 2>/dev/null
	if wait_for 20 pid_exited "$pid"; then
		nlcached_rc=0
		wait "$pid" || nlcached_rc=$?
	else
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		nlcached_rc=124
	fi
	return 0
}
# shellcheck disable=SC2034 # read by the tests
nlcached_rc=

# cache_snapshot CACHE: the cache's content normalised for comparing two
# runs: without the "# expiry=… refcnt=… flags=…" lines (rpcdebug), trailing
# blanks removed, sorted. Negative and expired entries keep their "# ".
cache_snapshot() {
	grep -v '^# expiry=' "/proc/net/rpc/$1/content" | sed 's/[[:space:]]*$//' | LC_ALL=C sort
}

# ere_quote TEXT: TEXT with the characters special in an ERE (. * $ [ ])
# escaped, to match it literally.
ere_quote() {
	# shellcheck disable=SC2001 # a character class: no ${var//} equivalent
	sed 's/[].*$[]/\\&/g' <<<"$1"
}

# The equivalence tests (nlcached-equiv*): the same workload once under
# rpc.mountd (run "mountd") and once under nlcached (run "nlcached").
# equiv_save RUN: keep the normalised content of the three caches the
# workload fills as /tmp/RUN.CACHE, and print it.
equiv_save() {
	local c
	for c in auth.unix.ip nfsd.export nfsd.fh; do
		cache_snapshot $c >"/tmp/$1.$c"
		say "$1: $c (normalised content)"
		sed 's/^/    /' "/tmp/$1.$c"
	done
}
# equiv_compare [NAME...]: the two runs' caches (and each NAME, a
# /tmp/RUN.NAME file of the test's own) compared: every difference is
# printed first, then each cache is a check, so a failure shows them all.
# shellcheck disable=SC2120 # its arguments are optional
equiv_compare() {
	local c
	for c in "$@" auth.unix.ip nfsd.export nfsd.fh; do
		if ! diff -u "/tmp/mountd.$c" "/tmp/nlcached.$c" >"/tmp/diff.$c"; then
			say "$c: rpc.mountd (-) and nlcached (+) differ:"
			sed 's/^/    /' "/tmp/diff.$c"
		fi
	done
	for c in auth.unix.ip nfsd.export nfsd.fh; do
		check "$c: nlcached left the same entries as rpc.mountd ($(grep -vc '^#[^ ]' "/tmp/mountd.$c") entries)" \
			cmp -s "/tmp/mountd.$c" "/tmp/nlcached.$c"
	done
}

# caches_empty CACHE...: none of them holds an entry (not even a negative or
# expired one): only the header line is left.
caches_empty() {
	local c
	for c in "$@"; do
		! grep -qv '^#[^ ]' "/proc/net/rpc/$c/content" || return 1
	done
}

# nfs_clientaddr SERVER_ADDR: the source address (clientaddr=) of the
# client's NFSv4 mounts of SERVER_ADDR (addr=), one per line.
nfs_clientaddr() {
	awk -v a="$1" '$3 == "nfs4" {
		n = split($4, o, ","); ca = ""; hit = 0
		for (i = 1; i <= n; i++) {
			if (o[i] == "addr=" a) hit = 1
			if (o[i] ~ /^clientaddr=/) ca = substr(o[i], 12)
		}
		if (hit) print ca
	}' /proc/mounts | sort -u
}

on_exit_summary() {
	local rc=$?
	if [ $rc -eq 0 ]; then
		echo "[$NLC_TEST] all $nlc_checks checks passed"
	else
		dump_state
		echo "[$NLC_TEST] FAILED (status $rc) after $nlc_checks passing checks"
	fi
}
trap on_exit_summary EXIT

