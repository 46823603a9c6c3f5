#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# steps.sh NAME STEP...: run `make STEP` for each STEP in order (as make
# check and make check-full do), stop at the first failure, and print a
# timing table (seconds per step, then the total) either way.
#
# A STEP written "bg:TARGET" starts `make TARGET` in the background and goes
# on at once: it overlaps the steps after it (the real-system test's guest
# waits mostly on its own boots while the VM tests run). Its output goes to
# build/steps/TARGET.log and is printed whole when the foreground steps are
# done (or one failed) and it has ended; its time is its own wall time.
# A foreground step's output is also kept in build/steps/TARGET.log; the
# failing step's FAIL lines are printed again at the end.
set -uo pipefail

name=$1
shift
make=${MAKE:-make}
logdir=build/steps
declare -a done_steps=() done_secs=()
declare -A bg_pid=() bg_t0=()
start=$(date +%s)
failed=

for t in "$@"; do
	case $t in
	bg:*)
		t=${t#bg:}
		mkdir -p "$logdir"
		echo "== make $name: $t starts in the background (log: $logdir/$t.log)"
		# shellcheck disable=SC2086 # $MAKE may carry options
		setsid $make --no-print-directory "$t" >"$logdir/$t.log" 2>&1 </dev/null &
		bg_pid[$t]=$!
		bg_t0[$t]=$(date +%s)
		continue
		;;
	esac
	t0=$(date +%s)
	mkdir -p "$logdir"
	# shellcheck disable=SC2086 # $MAKE may carry options
	$make --no-print-directory "$t" 2>&1 | tee "$logdir/$t.log"
	if [ "${PIPESTATUS[0]}" != 0 ]; then
		failed=$t
	fi
	done_steps+=("$t")
	done_secs+=($(($(date +%s) - t0)))
	[ -z "$failed" ] || break
done

for t in "${!bg_pid[@]}"; do
	if [ -n "$failed" ]; then
		# The run failed already: do not wait for the background step.
		kill -- "-${bg_pid[$t]}" 2>/dev/null
	fi
	echo
	echo "== make $name: waiting for the background step $t"
	rc=0
	wait "${bg_pid[$t]}" || rc=$?
	echo "== make $name: $t (background) ended with status $rc; its output:"
	cat "$logdir/$t.log"
	done_steps+=("$t (background)")
	done_secs+=($(($(date +%s) - bg_t0[$t])))
	[ "$rc" = 0 ] || [ -n "$failed" ] || failed=$t
done

echo
echo "== make $name: time per step"
printf '%-26s %8s\n' step seconds
for i in "${!done_steps[@]}"; do
	printf '%-26s %8s\n' "${done_steps[$i]}" "${done_secs[$i]}"
done
printf '%-26s %8s\n' total $(($(date +%s) - start))
if [ -n "$failed" ]; then
	# A CI log may keep only its tail: repeat what failed, and why.
	echo
	echo "== make $name: the failure lines of $failed ($logdir/$failed.log)"
	grep -E '^(FAIL|RETRY|SUMMARY|not ok)|[^a-z]FAIL[: ]|FAILED|Error [0-9]' \
		"$logdir/$failed.log" 2>/dev/null | grep -v '^ok ' | tail -40
	echo "make $name: FAILED at $failed"
	exit 1
fi
echo "make $name: all ${#done_steps[@]} steps passed"
