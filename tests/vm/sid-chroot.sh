#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sid-chroot.sh [SERIES]: a Debian sid chroot with the headers of SERIES
# (default 7.2) installed, for kernel.sh to build the module in: the kbuild
# tools of sid's headers need a newer glibc than Debian 12's. The chroot
# lives in NLC_SID_CHROOT (default /var/tmp/nlc-sid); the system's apt
# configuration is not touched.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=${NLC_SID_CHROOT:-/var/tmp/nlc-sid}
abi=$("$here/kernel.sh" resolve "${1:-7.2}")
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
	grep -v security | head -n1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
# The archive behind this machine may be a snapshot older than sid's
# Valid-Until.
apt_opts=(-o Acquire::Check-Valid-Until=false -q)

command -v debootstrap >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
if [ ! -x "$root/usr/bin/make" ]; then
	echo "sid-chroot: debootstrap sid into $root"
	debootstrap --variant=buildd sid "$root" "$mirror" >"$root.log" 2>&1 ||
		{ tail -n 20 "$root.log"; exit 1; }
fi
if [ ! -e "$root/lib/modules/$abi/build/Makefile" ]; then
	echo "sid-chroot: installing linux-headers-$abi"
	cp /etc/resolv.conf "$root/etc/" 2>/dev/null || true
	chroot "$root" apt-get "${apt_opts[@]}" update >/dev/null
	chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
		--no-install-recommends "linux-headers-$abi" >/dev/null
fi
echo "sid-chroot: $root builds for $abi"
