#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sid-chroot.sh [SERIES [mountd]]: a Debian sid chroot with the headers of SERIES
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
# With "mountd": sid's nfs-kernel-server too, whose rpc.mountd (nfs-utils
# 3.x, the kernel's netlink families) make bench-native runs in the guest
# with sid's loader and libraries (tests/vm/guest/lib.sh, rpc_mountd).
# No service is started in the chroot (policy-rc.d).
if [ "${2:-}" = mountd ] && [ ! -x "$root/usr/sbin/rpc.mountd" ]; then
	echo "sid-chroot: installing nfs-kernel-server"
	cp /etc/resolv.conf "$root/etc/" 2>/dev/null || true
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	chroot "$root" apt-get "${apt_opts[@]}" update >/dev/null
	chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
		--no-install-recommends nfs-kernel-server >/dev/null
fi
# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
[ "${2:-}" != mountd ] ||
	echo "sid-chroot: $(chroot "$root" dpkg-query -W -f '${Package} ${Version}' nfs-kernel-server)"
echo "sid-chroot: $root builds for $abi"
