#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [-k KERNEL] [-t SECONDS] [-j JOBS] [-s] TEST...
#
# Runs guest tests (tests/vm/guest/TEST.sh) on a stock Debian kernel under
# QEMU (TCG), one boot per test, JOBS guests at a time (-j, default VM_JOBS
# or 1; each test's report is printed whole when it ends):
#   - fetches KERNEL (a series like 6.1, or an ABI) with kernel.sh,
#   - builds nfsd_nlcache.ko against exactly its headers (warnings fail),
#   - builds the initramfs, boots, and reads the verdict from the success
#     marker the guest writes on its second serial port. QEMU's exit code is
#     never the verdict.
# A test whose script has a "# expect: fail REGEX" line is a negative
# control of the harness: it passes only when the guest does NOT produce the
# marker, for the reason REGEX matches (the guest's "nlc-init: FAIL" line,
# "guest panicked" or "guest hung").
#
# A guest that panics or hangs before its test script started (init's
# "nlc-init: running" line) never ran the test: such a boot flake (a TCG
# text-patching race; a boot-time crypto self-test stuck in a soft lockup
# for minutes on a loaded host) is booted again, at most twice, each time
# logged as "RETRY … harness retry" with the old console log kept as
# console.log.bootN; a panic or hang after the script started stays a
# failure. (The module is loaded by the test scripts, never at boot.)
# The last line counts passes, failures and harness retries.
#
# Output: build/vm/<abi>/<test>/console.log (and result). On failure the
# tail of the console log is printed. -s also streams each test's own output
# to stdout while it runs: the console from init's "running" line on,
# without kernel log lines (make demo uses it). The verdict is still the
# marker.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../.." && pwd)
kernel=${KVER:-6.1}
timeout_s=${VM_TIMEOUT:-600}
# A boot must reach init's "running" line within this many seconds (guests
# reach it in under 20 s under TCG, on a loaded host too): one stuck before
# it (a boot flake) is killed then, not after the test's whole timeout.
boot_limit_s=${VM_BOOT_LIMIT:-180}
jobs=${VM_JOBS:-1}
stream=

while getopts k:t:j:s opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	j) jobs=$OPTARG ;;
	s) stream=y ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: run.sh [-k KERNEL] [-t SECONDS] [-j JOBS] [-s] TEST..." >&2; exit 2; }
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: -j wants a positive number, not '$jobs'" >&2; exit 2; }
# Streaming interleaves nothing: one guest at a time.
[ -z "$stream" ] || jobs=1
for t in "$@"; do
	[ -f "$here/guest/$t.sh" ] || { echo "no such guest test: $here/guest/$t.sh" >&2; exit 2; }
	if grep -q '^# expect: fail *$' "$here/guest/$t.sh"; then
		echo "$here/guest/$t.sh: '# expect: fail' needs the expected reason (a regex)" >&2
		exit 2
	fi
done

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

kcache=$("$here/kernel.sh" fetch "$kernel")
abi=$(basename "$kcache")
out=$project/build/vm/$abi
mkdir -p "$out"

# Build the module the way dkms would: a copy of the module sources built
# against the target kernel's headers, with warnings as errors.
t0=$(now)
NLC_WERROR=y "$here/kernel.sh" build "$kernel" "$project" "$out/module" >"$out/module.log" 2>&1 || {
	cat "$out/module.log"
	echo "FAIL building nfsd_nlcache.ko for $abi" >&2
	exit 1
}
echo "built nfsd_nlcache.ko for $abi in $(elapsed "$t0")s"

t0=$(now)
"$here/mkinitramfs.sh" "$kcache" "$out/module/nfsd_nlcache.ko" "$project" "$out/initramfs.cpio.gz"
echo "built initramfs ($(du -h "$out/initramfs.cpio.gz" | cut -f1)) in $(elapsed "$t0")s"

# Why a run produced no marker, from its console log and timeout status.
diagnose() {
	local log=$1 rc=$2 limit=$3
	if [ -e "$(dirname "$log")/boot-hung" ]; then
		echo "guest hung: no test script after $(cat "$(dirname "$log")/boot-hung")s of boot"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "guest hung: killed after ${limit}s"
	elif grep -q 'Kernel panic' "$log"; then
		echo "guest panicked: $(grep -m1 'Kernel panic' "$log" | tr -d '\r')"
	elif grep -q 'nlc-init: FAIL' "$log"; then
		grep -m1 'nlc-init: FAIL' "$log" | tr -d '\r'
	else
		echo "no success marker (qemu exit $rc)"
	fi
}

# stream_console LOG PID: print the guest test's lines of LOG as QEMU (PID)
# writes them; returns once PID has exited and LOG is read to its end.
stream_console() {
	local on='' line
	tail -n +1 -F --pid="$2" "$1" 2>/dev/null | while IFS= read -r line; do
		line=${line%$'\r'}
		if [ -z "$on" ]; then
			case $line in "nlc-init: running "*) on=y ;; *) continue ;; esac
		fi
		[[ $line =~ ^\[\ *[0-9]+\.[0-9]+\]\  ]] || printf '%s\n' "$line"
	done
}

# script_started LOG: init's "running" line is in LOG (lines end in \r;
# the anchor is at their start).
script_started() { grep -aq '^nlc-init: running ' "$1"; }

# boot_flake LOG RC: the guest panicked, or hung until the timeout killed
# it (RC 124 or 137), before init started the test script: the test never
# ran.
boot_flake() {
	! script_started "$1" &&
		{ grep -q 'Kernel panic' "$1" || [ "$2" -eq 124 ] || [ "$2" -eq 137 ]; }
}

# boot_watch LOG PID LIMIT FLAG: stop PID (the boot's timeout, which passes
# the signal to QEMU) if LOG has no "nlc-init: running" line after LIMIT
# seconds, and say so in FLAG.
boot_watch() {
	local i
	for ((i = 0; i < $3; i++)); do
		sleep 1
		kill -0 "$2" 2>/dev/null || return 0
		! script_started "$1" || return 0
	done
	echo "$3" >"$4"
	kill -TERM "$2" 2>/dev/null
}

# boot TEST DIR TIMEOUT [CMDLINE]: one QEMU run of TEST, its serial ports
# in DIR, CMDLINE appended to the kernel command line; a boot that does not
# reach the test script within ${blimit:-$boot_limit_s} s is stopped and
# counts as killed by the timeout (status 124, DIR/boot-hung).
boot() {
	local rc=0 qp wp
	rm -f "$2/boot-hung"
	timeout --foreground -k 5 "$3" qemu-system-x86_64 \
		-machine q35 -cpu max -smp 2 -m 1024 \
		-nodefaults -nographic -no-reboot -monitor none \
		-kernel "$kcache/vmlinuz" -initrd "$out/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 oops=panic panic_on_warn=1 $slub nlc.test=$1 nlc.success=ttyS1${4:+ $4}" \
		-serial "file:$2/console.log" -serial "file:$2/result" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$project,mount_tag=project,security_model=none,readonly=on,multidevs=remap" \
		</dev/null >"$2/qemu.log" 2>&1 &
	qp=$!
	boot_watch "$2/console.log" "$qp" "${blimit:-$boot_limit_s}" "$2/boot-hung" &
	wp=$!
	wait "$qp" || rc=$?
	# (|| true: errexit holds in `boot &`, and the watch may be gone)
	kill "$wp" 2>/dev/null || true
	wait "$wp" 2>/dev/null || true
	[ ! -e "$2/boot-hung" ] || rc=124
	return "$rc"
}

# Slab debugging (red zones, poisoning, sanity checks, owner tracking) on
# the caches the module allocates from: kmalloc's (keys, replies, skb
# data) and its own two. On every cache, the dentry, inode, skbuff and
# mm caches of each fork and exec under TCG cost a tenth of a guest's time
# more, and no module object lives there. VM_SLUB_DEBUG overrides it
# ("slub_debug=FZPU" for every cache).
slub=${VM_SLUB_DEBUG-slub_debug=FZPU,kmalloc-*,nlc_req,nlc_att}

max_boot_retries=${VM_BOOT_RETRIES:-2}

# run_test TEST: boot TEST (again after a boot flake), print its report
# (PASS/FAIL/RETRY lines, the console tail on failure) and leave the
# verdict in DIR/verdict ("pass" or "fail") and the harness retries in
# DIR/retries.
run_test() {
	local t=$1 script expect expect_why tout t_own boot_panics boot_hangs blimit d t0 attempt rc extra qpid got secs why
	script=$here/guest/$t.sh
	expect=pass
	expect_why=$(sed -n 's/^# expect: fail \(.*\)$/\1/p' "$script")
	[ -z "$expect_why" ] || expect=fail
	tout=$timeout_s
	t_own=$(sed -n 's/^# timeout: \([0-9]*\)$/\1/p' "$script")
	[ -z "$t_own" ] || tout=$t_own
	# "# boot-panic: N", "# boot-hang: N": the harness's own controls of
	# the retry above; the first N boots panic (init.sh, nlc.bootpanic) or
	# hang (nlc.boothang) before the script runs.
	boot_panics=$(sed -n 's/^# boot-panic: \([0-9]*\)$/\1/p' "$script")
	boot_hangs=$(sed -n 's/^# boot-hang: \([0-9]*\)$/\1/p' "$script")
	# "# boot-limit: N": this script's own limit for reaching the script
	blimit=$(sed -n 's/^# boot-limit: \([0-9]*\)$/\1/p' "$script")
	d=$out/$t
	t0=$(now)
	attempt=0
	while :; do
		rc=0
		: >"$d/result"
		extra=
		[ "$attempt" -ge "${boot_panics:-0}" ] || extra=nlc.bootpanic=1
		[ "$attempt" -ge "${boot_hangs:-0}" ] || extra=nlc.boothang=1
		if [ -n "$stream" ]; then
			: >"$d/console.log"
			boot "$t" "$d" "$tout" "$extra" &
			qpid=$!
			stream_console "$d/console.log" "$qpid"
			wait "$qpid" || rc=$?
		else
			boot "$t" "$d" "$tout" "$extra" || rc=$?
		fi
		if tr -d '\r' <"$d/result" | grep -qx success; then got=pass; else got=fail; fi
		if ! { [ "$got" = fail ] && [ "$attempt" -lt "$max_boot_retries" ] &&
			boot_flake "$d/console.log" "$rc"; }; then
			break
		fi
		attempt=$((attempt + 1))
		mv "$d/console.log" "$d/console.log.boot$attempt"
		echo "RETRY $t ($abi): $(diagnose "$d/console.log.boot$attempt" "$rc" "$tout")" \
			"before the test script started; harness retry $attempt of $max_boot_retries" \
			"(console log kept as $d/console.log.boot$attempt)"
	done
	echo "$attempt" >"$d/retries"
	secs=$(elapsed "$t0")
	if [ "$got" = pass ]; then
		why="success marker"
	else
		why=$(diagnose "$d/console.log" "$rc" "$tout")
	fi
	if [ "$got" = fail ] && [ "$expect" = fail ] && ! grep -qE -- "$expect_why" <<<"$why"; then
		echo fail >"$d/verdict"
		echo "FAIL $t ($abi, ${secs}s): failed as expected, but for the wrong reason: $why (expected /$expect_why/)"
		echo "---- last 60 lines of $d/console.log ----"
		tail -n 60 "$d/console.log" | tr -d '\r'
		echo "----"
	elif [ "$got" = "$expect" ]; then
		echo pass >"$d/verdict"
		if [ "$expect" = fail ]; then
			echo "PASS $t ($abi, ${secs}s): harness failed it as expected: $why"
		else
			echo "PASS $t ($abi, ${secs}s)"
		fi
	else
		echo fail >"$d/verdict"
		echo "FAIL $t ($abi, ${secs}s): expected $expect, got $got: $why"
		echo "---- last 60 lines of $d/console.log ----"
		tail -n 60 "$d/console.log" | tr -d '\r'
		[ -s "$d/qemu.log" ] && { echo "---- qemu.log ----"; cat "$d/qemu.log"; }
		echo "----"
	fi
}

for t in "$@"; do
	rm -rf "${out:?}/$t"
	mkdir -p "$out/$t"
	: >"$out/$t/result"
done

t_all=$(now)
if [ "$jobs" -eq 1 ]; then
	for t in "$@"; do
		run_test "$t"
	done
else
	# JOBS guests at once; a test's report is printed whole when it ends.
	declare -A running=()
	finish_one() {
		local pid t
		wait -n || true
		for pid in "${!running[@]}"; do
			kill -0 "$pid" 2>/dev/null && continue
			wait "$pid" || true
			t=${running[$pid]}
			unset "running[$pid]"
			cat "$out/$t/report"
		done
	}
	echo "running ${#} tests, $jobs at a time"
	for t in "$@"; do
		while [ "${#running[@]}" -ge "$jobs" ]; do finish_one; done
		run_test "$t" >"$out/$t/report" 2>&1 &
		running[$!]=$t
	done
	while [ "${#running[@]}" -gt 0 ]; do finish_one; done
fi

failed=0
npass=0
nfail=0
retries=0
for t in "$@"; do
	v=$(cat "$out/$t/verdict" 2>/dev/null || echo fail)
	if [ "$v" = pass ]; then npass=$((npass + 1)); else nfail=$((nfail + 1)); failed=1; fi
	retries=$((retries + $(cat "$out/$t/retries" 2>/dev/null || echo 0)))
done
echo "SUMMARY ($abi): $npass passed, $nfail failed, $retries harness retries (guest panicked or hung before the test script started), $(elapsed "$t_all")s for ${#} tests, $jobs at a time"
exit $failed
