#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh SUITE: the real-system test on Debian SUITE (bookworm, trixie).
# Boots the cached image (mkimage.sh) from its disk under QEMU/TCG with
# systemd as PID 1; writes go to a throw-away overlay (snapshot=on, and
# cache=unsafe: no flush reaches the host's disk) that lives as long as the
# QEMU process, so the guest's own reboots keep its
# state. The project is shared read-only (virtio-9p, tag "project"): the
# guest installs build/deb/*.deb (make deb) and runs tests/systest/guest.sh.
#
# The verdict is the "success" line the guest writes to its second serial
# port after its last check, never QEMU's exit code; a hang is killed after
# SYSTEST_TIMEOUT seconds (default 2700). Logs: build/systest/SUITE/.
# SYSTEST_KERNEL2=no leaves out step 5 (installing and booting a second
# kernel; make check's profile): the guest reads build/systest/SUITE/options
# over the share. SYSTEST_IMAGE=DIR boots an image directory mkimage.sh made earlier
# instead of the current recipe's (to debug the guest steps without a
# rebuild).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../.." && pwd)
suite=${1:?usage: run.sh bookworm|trixie}
timeout_s=${SYSTEST_TIMEOUT:-2700}
kernel2=${SYSTEST_KERNEL2:-yes}
case $kernel2 in yes | no) ;; *) echo "systest: SYSTEST_KERNEL2 is yes or no, not '$kernel2'" >&2; exit 2 ;; esac
out=$project/build/systest/$suite

ls "$project"/build/deb/nfsd-nlcache-dkms_*_all.deb "$project"/build/deb/nlcached_*_amd64.deb >/dev/null ||
	{ echo "systest: no packages in build/deb (make deb)" >&2; exit 1; }

t0=$(date +%s)
if [ -n "${SYSTEST_IMAGE:-}" ]; then
	img=$SYSTEST_IMAGE
	[[ -f $img/.complete && -f $img/disk.raw ]] || { echo "systest: $img is no complete image" >&2; exit 1; }
	echo "systest $suite: SYSTEST_IMAGE=$img (not the current recipe's image)"
else
	img=$("$here/mkimage.sh" "$suite")
fi
t_img=$(($(date +%s) - t0))
rm -rf "$out"
mkdir -p "$out"
: >"$out/result"
echo "kernel2=$kernel2" >"$out/options"
echo "systest $suite: image $img (ready after ${t_img}s), booting"
[ "$kernel2" = yes ] || echo "systest $suite: SYSTEST_KERNEL2=no: step 5 (the second kernel) is left out"

t1=$(date +%s)
rc=0
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
	-machine q35 -cpu max -smp 2 -m 1536 \
	-nodefaults -nographic -monitor none \
	-drive file="$img/disk.raw",format=raw,if=virtio,snapshot=on,cache=unsafe \
	-virtfs "local,path=$project,mount_tag=project,security_model=none,readonly=on,multidevs=remap" \
	-serial "file:$out/console.log" -serial "file:$out/result" \
	</dev/null >"$out/qemu.log" 2>&1 || rc=$?
secs=$(($(date +%s) - t1))

# The guest's step times ("TIME <step> <seconds>"), then the verdict.
printf '%-28s %8s\n' "systest $suite step" seconds
[ "$t_img" -lt 5 ] || printf '%-28s %8s\n' image "$t_img"
tr -d '\r' <"$out/result" | awk '$1 == "TIME" { printf "%-28s %8s\n", $2, $3 }'
printf '%-28s %8s\n' "guest total (3 boots)" "$secs"
if tr -d '\r' <"$out/result" | grep -qx success; then
	note=
	[ "$kernel2" = yes ] || note=" (step 5, the second kernel, left out)"
	echo "PASS systest-$suite ($((secs + t_img))s): success marker$note"
	exit 0
fi
why=$(tr -d '\r' <"$out/result" | grep -m1 '^FAIL' || true)
if [ -z "$why" ]; then
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="guest hung: killed after ${timeout_s}s"
	elif grep -q 'Kernel panic' "$out/console.log"; then
		why="guest panicked: $(grep -m1 'Kernel panic' "$out/console.log" | tr -d '\r')"
	else
		why="no success marker (qemu exit $rc)"
	fi
fi
echo "FAIL systest-$suite (${secs}s): $why"
echo "---- last 80 lines of $out/console.log ----"
tail -n 80 "$out/console.log" | tr -d '\r'
echo "----"
exit 1
