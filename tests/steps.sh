#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# steps.sh NAME TARGET...: run `make TARGET` for each TARGET in order (as
# make check and make check-full do), stop at the first failure, and print
# a timing table (seconds per target, then the total) either way.
set -uo pipefail

name=$1
shift
make=${MAKE:-make}
declare -a done_steps=() done_secs=()
start=$(date +%s)
failed=

for t in "$@"; do
	t0=$(date +%s)
	if ! $make --no-print-directory "$t"; then
		failed=$t
	fi
	done_steps+=("$t")
	done_secs+=($(($(date +%s) - t0)))
	[ -z "$failed" ] || break
done

echo
echo "== make $name: time per step"
printf '%-22s %8s\n' step seconds
for i in "${!done_steps[@]}"; do
	printf '%-22s %8s\n' "${done_steps[$i]}" "${done_secs[$i]}"
done
printf '%-22s %8s\n' total $(($(date +%s) - start))
if [ -n "$failed" ]; then
	echo "make $name: FAILED at $failed"
	exit 1
fi
echo "make $name: all ${#done_steps[@]} steps passed"
