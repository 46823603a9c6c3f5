#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkimage.sh SUITE: print the directory of a cached, bootable Debian SUITE
# (bookworm, trixie) disk image for the real-system test, building it first
# when it is missing or its recipe changed.
#
# The image (disk.raw, one ext4 partition labelled "systest") is a
# debootstrap'd root with systemd, grub-pc, the suite's kernel and the
# systest boot runner (tests/systest/image/), dkms and the kernel's
# headers. Everything the test installs later is downloaded now into the
# image's apt cache, with the package lists that match, so the guest
# installs offline: nfs-kernel-server, nlcached's libraries and a second
# kernel (image and headers, see second_series below). Then one boot (the kernel and
# initrd from the image, given to QEMU directly) runs grub-install and
# update-grub on the guest's own disk; from then on the image boots through
# grub like an installed machine.
#
# Cache: $NLC_CACHE/systest/SUITE-<hash of this recipe>/ (NLC_CACHE defaults
# to ~/.cache/nfsd-nlcache), with debootstrap's package cache in
# $NLC_CACHE/systest/debs-SUITE. Older images of the suite are removed.
# Needs root, debootstrap, e2fsprogs (mke2fs -d), fdisk (sfdisk) and QEMU.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
suite=${1:?usage: mkimage.sh bookworm|trixie}
NLC_CACHE=${NLC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nfsd-nlcache}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SIZE_MB=6144

die() { echo "mkimage: $*" >&2; exit 1; }
log() { echo "mkimage: $*" >&2; }

# The second kernel each suite's test installs: the newest of another
# series (an ERE) from the suite's backports, which dkms must build for on
# its own: bookworm-backports' 6.12, trixie-backports' 7.x (a kernel with
# native netlink upcalls, where nlcached needs no module).
case $suite in
bookworm) backports=bookworm-backports second_series='6\.12' ;;
trixie) backports=trixie-backports second_series='[7-9]\.[0-9]+' ;;
*) die "unknown suite $suite" ;;
esac

recipe=$(cat "$0" "$here"/image/* | sha256sum | cut -c1-12)
out=$NLC_CACHE/systest/$suite-$recipe
# One builder per suite at a time: a second caller (make check starts the
# build early in the background, make systest asks for it later) waits
# for the first and then finds the image complete.
mkdir -p "$NLC_CACHE/systest"
exec 9>"$NLC_CACHE/systest/.lock-$suite"
if ! flock -n 9; then
	log "waiting for another build of the $suite image"
	flock 9
fi
if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi

# The archive URLs the host's apt already uses (its sources are not changed).
mirror() {
	local url
	url=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -v security | head -n1 || true)
	[ -n "$url" ] || url=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list 2>/dev/null || true)
	echo "${url:-http://deb.debian.org/debian}"
}
security() {
	local url
	url=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep security | head -n1 || true)
	[ -n "$url" ] || url=$(awk '$1 == "deb" && $0 ~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list 2>/dev/null || true)
	echo "${url:-http://deb.debian.org/debian-security}"
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
for t in debootstrap mke2fs sfdisk qemu-system-x86_64; do
	command -v $t >/dev/null || die "$t not found (make systest installs it)"
done

M=$(mirror)
S=$(security)
work=$NLC_CACHE/systest/$suite-$recipe.tmp
root=$work/root
debcache=$NLC_CACHE/systest/debs-$suite
t0=$(date +%s)

cleanup() {
	local m
	for m in dev/pts dev proc sys; do
		mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
	done
	return 0
}
trap cleanup EXIT

rm -rf "$work"
mkdir -p "$root" "$debcache"
log "debootstrap $suite from $M (log: $work/debootstrap.log)"
debootstrap --variant=minbase --cache-dir="$debcache" --keyring="$KEYRING" \
	--include=systemd-sysv,udev,kmod,procps,iproute2,ca-certificates \
	"$suite" "$root" "$M" >"$work/debootstrap.log" 2>&1 ||
	{ tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"

cat >"$root/etc/apt/sources.list" <<EOF
deb [signed-by=$KEYRING] $M $suite main
deb [signed-by=$KEYRING] $M $suite-updates main
deb [signed-by=$KEYRING] $S $suite-security main
deb [signed-by=$KEYRING] $M $backports main
EOF
# The guest is offline: keep every downloaded package, never fetch lists.
cat >"$root/etc/apt/apt.conf.d/90systest" <<'EOF'
APT::Install-Recommends "false";
APT::Keep-Downloaded-Packages "true";
Binary::apt::APT::Keep-Downloaded-Packages "true";
Acquire::Retries "0";
EOF
echo systest >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tsystest\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
echo 'LABEL=systest / ext4 errors=remount-ro 0 1' >"$root/etc/fstab"
# No policy-rc.d: services start as on a real system once it boots; in
# the chroot nothing runs them (no systemd there).

in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

log "installing the kernel, grub and initramfs-tools"
in_root apt-get -q update >"$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log" >&2; die "apt-get update failed"; }
# grub-pc asks for install devices; the first boot runs grub-install itself.
echo 'grub-pc grub-pc/install_devices multiselect' | in_root debconf-set-selections
in_root apt-get -q -y install linux-image-amd64 grub-pc initramfs-tools e2fsprogs \
	>>"$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; die "installing the kernel failed"; }
# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
abi=$(in_root dpkg-query -W -f='${Depends}\n' linux-image-amd64 | sed -n 's/.*linux-image-\([^ ,]*\).*/\1/p')
[[ -n $abi && -f $root/boot/vmlinuz-$abi ]] || die "no kernel installed (linux-image-amd64 -> '$abi')"
log "kernel $abi"

# The newest ABI of the series whose image and headers are both real
# packages (a name can be only referred to: the suite's security archive
# may carry a newer -unsigned build whose signed image is not published).
installable() {
	# Not "| grep -q": under pipefail, apt-cache's SIGPIPE when grep
	# quits at the first match would make a real package look absent.
	local policy
	policy=$(in_root apt-cache policy "$1") && grep -q '^ *Candidate: [^(]' <<<"$policy"
}
abi2=
for a in $(in_root apt-cache pkgnames linux-headers- |
	sed -En "s/^linux-headers-(${second_series}[.-][^ ]*-amd64)\$/\1/p" |
	grep -v -e '-rt-' -e '-cloud-' | sort -rV); do
	if installable "linux-image-$a" && installable "linux-headers-$a"; then
		abi2=$a
		break
	fi
done
[ -n "$abi2" ] || die "no $second_series kernel in $backports"
log "second kernel $abi2 ($backports)"

# An administrator's machine has dkms and the running kernel's headers;
# installing them in the TCG guest would take most of the test's time.
log "installing dkms and linux-headers-$abi"
in_root apt-get -q -y install dkms "linux-headers-$abi" >>"$work/apt.log" 2>&1 ||
	{ tail -n 30 "$work/apt.log" >&2; die "installing dkms and the headers failed"; }

# Download-only: the packages the test installs, resolved together against
# this image (so the guest's own apt resolves to the same files).
# The second kernel comes with its suite's dependencies (trixie-backports'
# 7.x needs its linux-base), as the guest installs it: apt-get -t BACKPORTS.
in_root apt-get -q -y --download-only install nfs-kernel-server libnl-3-200 libnl-genl-3-200 libblkid1 \
	>>"$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; die "downloading the test's packages failed"; }
in_root apt-get -q -y --download-only -t "$backports" install "linux-image-$abi2" "linux-headers-$abi2" \
	>>"$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; die "downloading the second kernel failed"; }
log "$(find "$root/var/cache/apt/archives" -name '*.deb' | wc -l) packages in the image's apt cache"

# Fast, host-specific initramfs from here on (the chroot could not detect
# the root device; the guest can).
echo 'MODULES=dep' >"$root/etc/initramfs-tools/conf.d/systest"
cat >"$root/etc/default/grub.d/systest.cfg" <<'EOF'
GRUB_TIMEOUT=0
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=ttyS0,115200 panic=-1 oops=panic quiet"
GRUB_DISABLE_OS_PROBER=true
EOF
install -m 0755 "$here/image/systest-boot" "$root/usr/local/sbin/systest-boot"
install -m 0644 "$here/image/systest.service" "$root/etc/systemd/system/systest.service"
ln -sf /etc/systemd/system/systest.service "$root/etc/systemd/system/multi-user.target.wants/systest.service"
mkdir -p "$root/var/lib/systest"
echo grub >"$root/var/lib/systest/image-stage"
{ echo "suite=$suite"; echo "abi=$abi"; echo "abi2=$abi2"; echo "backports=$backports"; echo "recipe=$recipe"; } >"$root/etc/systest.conf"
# No root password is needed: nobody logs in. Quiet, quick boots: no
# gettys, no KVM modules (the guest's CPU model offers SVM under TCG), and
# no apt timers (they would take the dpkg lock in the offline guest).
in_root systemctl mask getty@tty1.service serial-getty@ttyS0.service \
	apt-daily.timer apt-daily-upgrade.timer e2scrub_reap.service >/dev/null 2>&1 || true
printf 'blacklist kvm\nblacklist kvm_amd\nblacklist kvm_intel\n' >"$root/etc/modprobe.d/systest.conf"

cleanup
cp "$root/boot/vmlinuz-$abi" "$work/vmlinuz"
cp "$root/boot/initrd.img-$abi" "$work/initrd.img"

log "making the disk image ($SIZE_MB MiB, sparse)"
truncate -s ${SIZE_MB}M "$work/disk.raw"
echo 'label: dos
start=2048, type=83, bootable' | sfdisk -q "$work/disk.raw" >/dev/null
# The partition starts at 1 MiB; mke2fs writes the file system there.
mke2fs -q -t ext4 -L systest -E offset=1048576 -d "$root" "$work/disk.raw" $((SIZE_MB - 1))M ||
	die "mke2fs -d failed"
rm -rf "$root"

log "first boot: grub-install and update-grub in the guest"
timeout --foreground -k 5 900 qemu-system-x86_64 -machine q35 -cpu max -smp 2 -m 1024 \
	-nodefaults -nographic -no-reboot -monitor none \
	-kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
	-append "root=LABEL=systest ro console=ttyS0 panic=-1" \
	-drive file="$work/disk.raw",format=raw,if=virtio \
	-serial "file:$work/console.log" -serial "file:$work/result" </dev/null >"$work/qemu.log" 2>&1 || true
if ! tr -d '\r' <"$work/result" | grep -qx image-ready; then
	tail -n 40 "$work/console.log" >&2
	die "the first boot did not install grub (console: $work/console.log)"
fi
rm -f "$work/vmlinuz" "$work/initrd.img"
find "$NLC_CACHE/systest" -maxdepth 1 -name "$suite-*" ! -name "$suite-$recipe*" -exec rm -rf {} +
rm -rf "$out"
mv "$work" "$out"
touch "$out/.complete"
log "image $out ready in $(($(date +%s) - t0)) s"
echo "$out"
