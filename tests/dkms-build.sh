#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-build.sh [KVER]: the packaging path a user takes. make dkms-install
# into a scratch root, then dkms add and build there (its own --dkmstree and
# --sourcetree, so the system's dkms state is not touched), and check the
# module dkms produced: built for KVER, carrying dkms.conf's version.
set -euo pipefail

cd "$(dirname "$0")/.."
kver=$(tests/vm/kernel.sh resolve "${1:-6.1}")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' dkms.conf)
[ -e "/lib/modules/$kver/build" ] || { echo "dkms-build: no installed headers for $kver (make deps)" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
make -s dkms-install DESTDIR="$scratch" >/dev/null
mkdir -p "$scratch/dkms"
dk=(--dkmstree "$scratch/dkms" --sourcetree "$scratch/usr/src")
dkms add "${dk[@]}" "$name/$version" >/dev/null
if ! dkms build "${dk[@]}" -k "$kver" "$name/$version" >"$scratch/build.log" 2>&1; then
	cat "$scratch/build.log"
	find "$scratch/dkms" -name make.log -exec cat {} +
	echo "FAIL dkms build $name/$version for $kver" >&2
	exit 1
fi
ko=$(find "$scratch/dkms/$name/$version/$kver" -name 'nfsd_nlcache.ko*' | head -n1)
[ -n "$ko" ] || { echo "FAIL: dkms built no nfsd_nlcache.ko" >&2; exit 1; }
got_kver=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
got_version=$(modinfo -F version "$ko")
[ "$got_kver" = "$kver" ] || { echo "FAIL: dkms module is for $got_kver, not $kver" >&2; exit 1; }
[ "$got_version" = "$version" ] || { echo "FAIL: dkms module version $got_version, dkms.conf says $version" >&2; exit 1; }
dkms status "${dk[@]}" "$name/$version" | grep -q "$kver.*built" ||
	{ echo "FAIL: dkms status does not show the build" >&2; exit 1; }
echo "PASS dkms add/build $name/$version for $kver: $(basename "$ko"), version $got_version"
