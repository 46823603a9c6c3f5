#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# probes.sh: Kbuild's feature probes give the expected answers on the real
# headers of each Debian kernel we care about, including sid's 7.2 (native
# netlink cache upcalls), which this host cannot build against. Evaluates
# the probe section of Kbuild itself, not a copy of its regexes.
set -euo pipefail

cd "$(dirname "$0")/.."

# kernel series -> the NLC_HAVE_* flags its headers must produce
declare -A expect=(
	[5.10]=""
	[6.1]="FILE_OPEN_ROOT_MNT GENL_MCAST_CAP_NET_ADMIN GENL_RESV_START_OP PDE_DATA_INLINE"
	[6.12]="FILE_OPEN_ROOT_MNT GENL_MCAST_CAP_NET_ADMIN GENL_RESV_START_OP NFSEXP_XPRTSEC PDE_DATA_INLINE"
	[7.2]="FILE_OPEN_ROOT_MNT GENL_MCAST_CAP_NET_ADMIN GENL_RESV_START_OP NATIVE_CACHE_NOTIFY NFSEXP_XPRTSEC PDE_DATA_INLINE"
)

noop=$(mktemp)
trap 'rm -f "$noop"' EXIT
printf 'nlc-noop:\n\t@:\n' >"$noop"

failed=0
for k in 5.10 6.1 6.12 7.2; do
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
