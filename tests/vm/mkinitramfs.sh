#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KDIR MODULE_KO PROJECT OUT
#
# Builds the guest's initramfs for the kernel cached in KDIR (see kernel.sh):
# busybox-static, tests/vm/init.sh as /init, a harness.conf naming PROJECT,
# and /lib/modules/<abi> holding the modules listed in tests/vm/modules.list
# with everything they depend on (resolved by kmod against the image's own
# modules.dep), plus MODULE_KO under updates/. Modules are stored
# uncompressed and depmod'ed, so both the guest's busybox insmod and the
# host's kmod (run in the guest over 9p) can load them.
set -euo pipefail

kdir=${1:?kernel cache dir}
ko=${2:?module}
project=${3:?project dir}
out=${4:?output}
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "mkinitramfs.sh: $*" >&2; exit 1; }

abi=$(basename "$(readlink -f "$kdir/modules")")
modroot=$kdir/root
[ -f "$modroot/lib/modules/$abi/modules.dep" ] || die "no modules.dep for $abi in $modroot"
busybox=$(command -v busybox) || die "busybox not found (install busybox-static: make deps)"
"$busybox" true || die "$busybox does not run"
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked (install busybox-static: make deps)"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,host,run,tmp,etc} "$stage/lib/modules/$abi"
cp "$busybox" "$stage/bin/busybox"
cp "$here/init.sh" "$stage/init"
chmod 755 "$stage/init"

# Copy one module file (path relative to the image root) into the stage,
# uncompressed.
stage_module() {
	local src=$modroot/$1 rel=${1#/} dst
	dst=$stage/${rel%.xz}
	dst=${dst%.zst}
	[ -e "$dst" ] && return 0
	mkdir -p "$(dirname "$dst")"
	case $src in
	*.xz) xz -dc "$src" >"$dst" ;;
	*.zst) zstd -qdc "$src" >"$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
}

mapfile -t wanted < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/modules.list")
for m in "${wanted[@]}"; do
	# --show-depends prints "insmod <path>" for each module in load order,
	# or "builtin <name>" for code built into the image.
	deps=$(modprobe -d "$modroot" -S "$abi" --show-depends "$m" 2>&1) ||
		die "cannot resolve module $m for $abi: $deps"
	while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		stage_module "${path#"$modroot"}"
	done <<<"$deps"
done
cp "$modroot/lib/modules/$abi"/modules.{order,builtin} "$stage/lib/modules/$abi/"
[ -f "$modroot/lib/modules/$abi/modules.builtin.modinfo" ] &&
	cp "$modroot/lib/modules/$abi/modules.builtin.modinfo" "$stage/lib/modules/$abi/"
mkdir -p "$stage/lib/modules/$abi/updates"
cp "$ko" "$stage/lib/modules/$abi/updates/"
depmod -b "$stage" "$abi" || die "depmod of the staged modules failed"

# What /init loads before it can mount the host's root over 9p: the
# transport and filesystem modules and overlayfs (for the writable root),
# in dependency order, as paths.
for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "$stage" -S "$abi" --show-depends "$m" |
		sed -n "s|^insmod $stage||p" | cut -d' ' -f1
done | awk '!seen[$0]++' >"$stage/etc/boot-modules"

cat >"$stage/etc/harness.conf" <<EOF
NLC_ABI='$abi'
NLC_PROJECT='$project'
EOF

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
