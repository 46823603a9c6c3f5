#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# /init of the VM test guest (busybox sh, from the initramfs).
#
# 1. mounts the host's root filesystem read-only over virtio-9p and builds
#    a writable root from it: a tmpfs whose top-level directories are
#    overlays, host below, tmpfs above;
# 2. runs tests/vm/guest/<nlc.test>.sh from the project, chrooted into that
#    root, so it uses the host's binaries (rpc.nfsd, exportfs, mount.nfs,
#    our daemon) against this stock kernel;
# 3. writes the success marker to the serial port named by nlc.success (the
#    host's only verdict) only if the script exited 0, dmesg shows no
#    BUG/WARNING/Oops/Call Trace/Objects remaining, and the taint mask,
#    ignoring O (out-of-tree) and E (unsigned), is 0;
# 4. powers off. A panic reboots (panic=-1), which QEMU's -no-reboot turns
#    into an exit without the marker; a hang is killed by the host's timeout.

PATH=/bin:/sbin
export PATH

/bin/busybox mkdir -p /sbin
for app in $(/bin/busybox --list); do
	[ -e "/bin/$app" ] || /bin/busybox ln -s busybox "/bin/$app"
done

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

log() { echo "nlc-init: $*"; }

finish() {
	sync
	poweroff -f
	sleep 10
}

fail() {
	log "FAIL: $*"
	finish
}

# shellcheck source=/dev/null # written by run.sh into the initramfs
. /etc/harness.conf

# shellcheck disable=SC2013 # the kernel command line is words
for arg in $(cat /proc/cmdline); do
	case $arg in
	nlc.test=*) NLC_TEST=${arg#nlc.test=} ;;
	nlc.success=*) NLC_SUCCESS=/dev/${arg#nlc.success=} ;;
	nlc.bootpanic=1) NLC_BOOTPANIC=y ;;
	nlc.boothang=1) NLC_BOOTHANG=y ;;
	esac
done
[ -n "$NLC_TEST" ] || fail "no nlc.test= on the kernel command line"
[ -n "$NLC_SUCCESS" ] || fail "no nlc.success= on the kernel command line"

log "kernel $(uname -r), test $NLC_TEST, uptime $(cut -d' ' -f1 /proc/uptime)s"

while read -r m; do
	insmod "$m" || fail "insmod $m"
done </etc/boot-modules

mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose \
	hostroot /host || fail "cannot mount the host root over 9p"

# The new root is a tmpfs, as a real server's root is a real filesystem:
# the NFSv4 pseudo root exports "/", which nfsd cannot do on overlayfs. Each
# top-level directory of the host is an overlay (host below, tmpfs above),
# so the guest can write anywhere without touching the host.
R=/newroot
mkdir -p /rw $R
mount -t tmpfs -o mode=755 rw /rw || fail "tmpfs"
mount -t tmpfs -o mode=755 root $R || fail "tmpfs root"
for src in /host/* /host/.[!.]*; do
	name=${src#/host/}
	if [ -L "$src" ]; then
		cp -a "$src" "$R/$name"
		continue
	fi
	[ -d "$src" ] || continue
	mkdir -p "$R/$name"
	case $name in
	proc|sys|dev|run|tmp|srv|mnt|lost+found) continue ;;
	esac
	mkdir -p "/rw/$name/upper" "/rw/$name/work"
	mount -t overlay -o "lowerdir=$src,upperdir=/rw/$name/upper,workdir=/rw/$name/work" \
		"root-$name" "$R/$name" || fail "cannot overlay $src"
done

mount -t proc proc $R/proc || fail "proc"
mount -t sysfs sysfs $R/sys || fail "sysfs"
mount -t devtmpfs devtmpfs $R/dev || fail "devtmpfs"
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts devpts $R/dev/pts
mount -t tmpfs -o mode=1777 shm $R/dev/shm
mount -t tmpfs -o mode=755 run $R/run || fail "run"
mount -t tmpfs -o mode=1777 tmp $R/tmp || fail "tmp"
# nfsd cannot export 9p or overlayfs: exports and client mount points live
# on plain tmpfs.
mount -t tmpfs -o mode=755 srv $R/srv || fail "srv"
mount -t tmpfs -o mode=755 mnt $R/mnt || fail "mnt"
# The guest's modules (those in the initramfs) for the host's kmod.
mount --bind /lib/modules $R/lib/modules || fail "bind /lib/modules"
mkdir -p $R/var/lib/nfs/v4recovery
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
# The project tree has its own share, mounted last at its host path: it may
# live below a directory the guest covers with a fresh tmpfs (/tmp, say).
mkdir -p "$R$NLC_PROJECT"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose \
	project "$R$NLC_PROJECT" || fail "cannot mount the project tree over 9p"

# The kernel's request_module() runs the initramfs's /sbin/modprobe; hand it
# to kmod in the new root so aliases and softdeps work.
cat >/sbin/nlc-modprobe <<EOF
#!/bin/sh
exec chroot $R /sbin/modprobe "\$@"
EOF
chmod 755 /sbin/nlc-modprobe
echo /sbin/nlc-modprobe >/proc/sys/kernel/modprobe

hostname nlc-guest
ip link set lo up || fail "lo up"

script=$NLC_PROJECT/tests/vm/guest/$NLC_TEST.sh
[ -f "$R$script" ] || fail "no guest script $script"

# The harness's control of its boot-flake retry (selftest-bootpanic*): a
# panic before the test script starts.
if [ -n "$NLC_BOOTPANIC" ]; then
	log "nlc.bootpanic: crashing before the test script starts"
	echo c >/proc/sysrq-trigger
fi
# ... and of its retry of a boot that hangs (selftest-boothang): the
# host's timeout kills it before the script starts
if [ -n "$NLC_BOOTHANG" ]; then
	log "nlc.boothang: hanging before the test script starts"
	while :; do sleep 3600; done
fi

log "running $script"
chroot $R /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM=dumb LANG=C.UTF-8 \
	NLC_ABI="$NLC_ABI" NLC_PROJECT="$NLC_PROJECT" NLC_TEST="$NLC_TEST" \
	/bin/bash "$script" </dev/null
rc=$?
[ $rc -eq 0 ] || fail "$NLC_TEST exited $rc"

# Gates that no test can talk its way past.
bad=$(dmesg | grep -E 'BUG[: ]|WARNING:|Oops|Call Trace|Objects remaining|still has objects')
if [ -n "$bad" ]; then
	dmesg | tail -n 60
	fail "dmesg shows: $(echo "$bad" | head -n1)"
fi
taint=$(cat /proc/sys/kernel/tainted)
if [ $((taint & ~12288)) -ne 0 ]; then
	fail "kernel tainted: $taint (O and E ignored)"
fi

log "PASS $NLC_TEST, uptime $(cut -d' ' -f1 /proc/uptime)s"
echo success >"$NLC_SUCCESS"
finish
