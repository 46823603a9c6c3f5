#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# probes.sh: Kbuild's feature probes give the expected answers on the real
# headers of each Debian kernel we care about, including sid's 7.2 (native
# netlink cache upcalls), which this host cannot build against. Evaluates
# the probe section of Kbuild itself, not a copy of its regexes.
set -euo pipefail

cd "$(dirname "$0")/.."

# kernel series -> the NLC_HAVE_* flags its headers must produce, from the
# list of supported kernels
declare -A expect=()
kernels=()
while read -r k _role flags; do
	case $k in '' | '#'*) continue ;; esac
	[ "$flags" != - ] || flags=
	expect[$k]=$(xargs -n1 <<<"$flags" | sort | xargs)
	kernels+=("$k")
done <tests/kernels.list
[ ${#kernels[@]} -gt 0 ] || { echo "FAIL probes: no kernel in tests/kernels.list"; exit 1; }

noop=$(mktemp)
trap 'rm -f "$noop"' EXIT
printf 'nlc-noop:\n\t@:\n' >"$noop"

failed=0
for k in "${kernels[@]}"; do
	src=$(tests/vm/kernel.sh headers "$k")
	line=$(make -s -f "$noop" -f Kbuild nlc-noop srctree="$src" objtree="$src" \
		src=. KERNELRELEASE="$k" NLC_SHOW_PROBES=1)
	got=$( (grep -o 'NLC_HAVE_[A-Z0-9_]*' <<<"$line" || true) | sed 's/^NLC_HAVE_//' | sort | xargs)
	if [ "$got" = "${expect[$k]}" ]; then
		echo "PASS probes $k: ${got:-none}"
	else
		echo "FAIL probes $k: expected '${expect[$k]}', got '$got' ($src)"
		failed=1
	fi
done
exit $failed
