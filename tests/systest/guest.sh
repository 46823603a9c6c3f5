#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real-system test, inside a Debian guest booted with systemd from its
# own disk (tests/systest/mkimage.sh builds it, run.sh boots it). Started by
# systest.service at every boot; /var/lib/systest/phase says which part runs
# now, so one QEMU run goes through three boots:
#
#   install  step 1: nfs-kernel-server and the two .debs (dkms builds the
#            module for the running kernel); step 2: enable --now nlcached,
#            an NFSv4 mount reads and writes, no /proc channel is read.
#            Then reboot.
#   reboot   step 3: after the reboot nlcached served from nfsd's first
#            request (0 channel reads since boot, its counters, its journal);
#            step 4: stop (rpc.mountd serves a new client), start (netlink
#            again), reload after an exports change; step 5a (unless
#            run.sh says SYSTEST_KERNEL2=no, then step 6): install a
#            second kernel, dkms builds for it. Then reboot into it.
#   kernel2  step 5b: the second kernel runs, nlcached serves a mount again;
#            step 6: apt purge of both packages: modules, unit and sources
#            gone, nfs-server keeps serving through rpc.mountd.
#
# Every check prints "ok N - ..." or "not ok - ..." on the console
# (ttyS0); the first failing one dumps the state, writes "FAIL: ..." to the
# second serial port (ttyS1) and powers off. Only after the last check is
# "success" written there. Step times go to both ports as "TIME <step> <s>".
set -u
set -o pipefail

# Run from a private copy: bash reads its script as it goes, and this one
# lives on the host's tree, which may change during a run.
if [ "${SYSTEST_COPY:-}" != y ]; then
	cp "$0" /run/systest-guest.sh && SYSTEST_COPY=y exec /bin/bash /run/systest-guest.sh
fi
exec >/dev/ttyS0 2>&1
export DEBIAN_FRONTEND=noninteractive
STATE=/var/lib/systest
RESULT=/dev/ttyS1
PROJECT=/mnt/project
# shellcheck disable=SC1091
. /etc/systest.conf # suite, abi, abi2, backports
: "${suite:?}" "${abi:?}" "${abi2=}"
# run.sh's options for this run (SYSTEST_KERNEL2=no: no step 5).
kernel2=yes
# shellcheck disable=SC1090
[ ! -r "$PROJECT/build/systest/$suite/options" ] || . "$PROJECT/build/systest/$suite/options"
EXPORT=/srv/nfs
EXPORT2=/srv/two
checks=0

say() { echo "[systest $(cut -d' ' -f1 /proc/uptime)s] $*"; }

dump_state() {
	echo "---- state at failure ----"
	dkms status 2>&1
	systemctl --no-pager status nlcached nfs-server nfs-mountd 2>&1 | head -n 60
	journalctl --no-pager -b -n 80 -u nlcached -u nfs-server -u nfs-mountd 2>&1
	nlcachectl status 2>&1
	for f in /proc/net/rpc/*/content; do echo "== $f"; cat "$f"; done 2>/dev/null
	cat /var/lib/nfs/etab 2>/dev/null
	dmesg | tail -n 40
	echo "----"
}

fail() {
	echo "not ok - $1"
	shift
	[ $# -eq 0 ] || printf '  %s\n' "$@"
	dump_state
	echo "FAIL: $(cat $STATE/phase 2>/dev/null): $*" >$RESULT
	sync
	systemctl poweroff
	exit 1
}

ok() { checks=$((checks + 1)); echo "ok $checks - $1"; }

# check DESCRIPTION CMD...: CMD must exit 0 (its output is shown on failure).
check() {
	local what=$1 out rc
	shift
	if out=$("$@" 2>&1); then ok "$what"; else
		rc=$?
		fail "$what" "command: $*" "exit status: $rc" "output: $out"
	fi
}
# check_v DESCRIPTION CMD...: the same, its output shown as it runs (apt).
check_v() {
	local what=$1 rc=0
	shift
	"$@" || rc=$?
	[ $rc = 0 ] || fail "$what" "command: $*" "exit status: $rc"
	ok "$what"
}
check_fails() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then fail "$what" "unexpectedly succeeded: $*" "output: $out"; fi
	ok "$what"
}
check_eq() {
	[ "$2" = "$3" ] || fail "$1" "expected: $2" "got: $3"
	ok "$1"
}
check_match() {
	grep -qE -- "$2" <<<"$3" || fail "$1" "no line matches /$2/ in:" "$3"
	ok "$1"
}
# re_quote STRING: STRING as an ERE matching itself (ABIs contain "+").
re_quote() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; }
# wait_for SECONDS CMD...: until CMD succeeds.
wait_for() {
	local n=$(($1 * 2))
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.5
	done
}

step_t0=
step_name=
step() {
	step_end
	step_name=$1
	step_t0=$(date +%s)
	say "== step $*"
}
step_end() {
	[ -n "$step_name" ] || return 0
	echo "TIME $step_name $(($(date +%s) - step_t0))" | tee $RESULT
	step_name=
}

# One counter of `nlcachectl status --json` (no python in the guest).
nlc_field() {
	nlcachectl status --json | sed 's/},{/}\n{/g' | grep -F "\"name\":\"$1\"" |
		sed -n "s/.*\"$2\":\([0-9a-z]*\).*/\1/p"
}
chan_reads() { awk '$1 == "nlc_chan_read" { print $2 }' /sys/kernel/tracing/kprobe_profile; }

# A test-only unit that sets the channel-read kprobe (as the VM tests'
# chanwatch does) at every boot before nfsd, rpc.mountd and nlcached start.
chanwatch_install() {
	cat >/etc/systemd/system/systest-chanwatch.service <<'EOF'
[Unit]
Description=systest: count /proc/net/rpc channel reads (kprobe)
DefaultDependencies=no
After=sys-kernel-tracing.mount systemd-modules-load.service
Before=nlcached.service nfs-mountd.service nfs-server.service proc-fs-nfsd.mount

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/sbin/modprobe sunrpc
ExecStart=/bin/sh -c 'mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing; echo "p:nlc_chan_read cache_read_procfs" >>/sys/kernel/tracing/kprobe_events && echo 1 >/sys/kernel/tracing/events/kprobes/nlc_chan_read/enable'

[Install]
WantedBy=sysinit.target
EOF
	check "the channel-read kprobe unit is enabled" systemctl enable --now systest-chanwatch.service
	check "the kprobe counts" test -n "$(chan_reads)"
}

dmesg_clean() {
	local bad
	bad=$(dmesg | grep -E 'BUG|WARNING:|Oops|Call Trace|Objects remaining' || true)
	[ -z "$bad" ] || fail "dmesg is clean" "$bad"
	local taint
	taint=$(cat /proc/sys/kernel/tainted)
	# O (4096) and E (8192): our unsigned out-of-tree module.
	check_eq "no taint besides O and E ($taint)" 0 $((taint & ~12288))
}

# mount_rw SERVER PATH MNT: NFSv4 mount from this machine's own client,
# read a file written on the server, write one back.
mount_rw() {
	local server=$1 path=$2 mnt=$3 token
	token=$(cat /proc/sys/kernel/random/uuid)
	echo "$token" >"$path/from-server"
	mkdir -p "$mnt"
	check "NFSv4 mount of $server:$path" timeout 120 mount -t nfs4 "$server:$path" "$mnt"
	check_eq "the client reads the server's file" "$token" "$(cat "$mnt/from-server")"
	check "the client writes" sh -c "echo '$token' >'$mnt/from-client-$server' && sync"
	check_eq "the server sees the write" "$token" "$(cat "$path/from-client-$server")"
	check "umount $mnt" umount "$mnt"
}

# The NFSv4 pseudo root shows the way to the exports and nothing else of
# the root file system (/srv/nfs lives on it): without the v4root flag the
# pseudo root would be a plain read-only export of "/".
pseudo_root_only() {
	mkdir -p /mnt/root
	check "NFSv4 mount of the pseudo root 127.0.0.1:/" timeout 120 mount -t nfs4 127.0.0.1:/ /mnt/root
	check_eq "the pseudo root lists only srv" srv "$(ls /mnt/root)"
	check_eq "and /srv only the export" nfs "$(ls /mnt/root/srv)"
	check_fails "no /etc/passwd through the pseudo root" test -e /mnt/root/etc/passwd
	check "umount /mnt/root" umount /mnt/root
}

# A fresh nfsd refuses new OPENs for its grace period: 10 s here
# (/etc/nfs.conf.d/systest.conf); ended at once where client tracking
# allows it, else the first write waits for it.
end_grace() {
	if sh -c 'echo Y >/proc/fs/nfsd/v4_end_grace' 2>/dev/null; then
		say "nfsd's grace period ended"
	else
		say "nfsd's grace period ends by itself ($(cat /proc/fs/nfsd/nfsv4gracetime) s)"
	fi
}

registered() { [ "$(nlc_field auth.unix.ip attached)" = true ]; }

# The client addresses 127.0.0.2-5 as their own /32s on lo, so that a
# mount of server 127.0.0.N comes from 127.0.0.N (the /8 route's source is
# 127.0.0.1); not persistent: every boot adds them again.
add_addrs() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	check "add 127.0.0.2-5 to lo" sh -c 'for i in 2 3 4 5; do ip addr replace 127.0.0.$i/32 dev lo; done'
}

phase_install() {
	step 1-install
	chanwatch_install
	add_addrs
	mkdir -p "$EXPORT" "$EXPORT2" /tmp/debs /etc/nfs.conf.d
	printf '[nfsd]\ngrace-time=10\nlease-time=10\n' >/etc/nfs.conf.d/systest.conf
	echo "$EXPORT 127.0.0.1(rw,no_subtree_check,no_root_squash) 127.0.0.2(rw,no_subtree_check,no_root_squash) 127.0.0.3(rw,no_subtree_check,no_root_squash) 127.0.0.5(rw,no_subtree_check,no_root_squash)" >/etc/exports
	cp "$PROJECT"/build/deb/nfsd-nlcache-dkms_*_all.deb "$PROJECT"/build/deb/nlcached_*_amd64.deb /tmp/debs/
	# Test-machine settings that only save time under TCG: no fsync per
	# unpacked file (the disk is a throw-away overlay) and no man-db index
	# rebuild per package.
	echo force-unsafe-io >/etc/dpkg/dpkg.cfg.d/systest-unsafe-io
	echo 'man-db man-db/auto-update boolean false' | debconf-set-selections
	rm -f /var/lib/man-db/auto-update
	say "apt-get install nfs-kernel-server and the two packages (offline)"
	check_v "apt-get install nfs-kernel-server and the two .debs" \
		apt-get install -y nfs-kernel-server \
		/tmp/debs/nfsd-nlcache-dkms_*_all.deb /tmp/debs/nlcached_*_amd64.deb
	local st
	st=$(dkms status)
	echo "$st"
	check_match "dkms status: installed for the running kernel" \
		"^nfsd-nlcache/[^,]*, $(re_quote "$abi"), x86_64: installed" "$st"
	check "the module is in updates/dkms" sh -c "ls /lib/modules/$abi/updates/dkms/nfsd_nlcache.ko*"
	check "modinfo finds it" modinfo nfsd_nlcache
	check_eq "the unit is installed, not enabled" disabled "$(systemctl is-enabled nlcached || true)"
	check_fails "and not started" systemctl is-active nlcached
	check "the modules-load.d entry" grep -qx nfsd_nlcache /usr/lib/modules-load.d/nfsd_nlcache.conf
	check "nfs-server is active" systemctl is-active nfs-server

	step 2-enable
	check "systemctl enable --now nlcached" systemctl enable --now nlcached
	check "nlcached is active" systemctl is-active nlcached
	systemctl --no-pager status nlcached | head -n 12
	check_match "its STATUS= line" '^ +Status: "serving' "$(systemctl --no-pager status nlcached)"
	check "it registered for nfsd's caches" wait_for 20 registered
	nlcachectl status
	end_grace
	mount_rw 127.0.0.1 "$EXPORT" /mnt/a
	pseudo_root_only
	check_match "nlcached read nfsd's export features" "nfsd's export features: 0x" \
		"$(journalctl --no-pager -b -u nlcached)"
	nlcachectl status
	check "nlcached answered auth.unix.ip, nfsd.export, nfsd.fh" test \
		"$(nlc_field auth.unix.ip replies)" -gt 0 -a "$(nlc_field nfsd.export replies)" -gt 0 -a \
		"$(nlc_field nfsd.fh replies)" -gt 0
	check "rpc.mountd is running" pgrep -x rpc.mountd
	check_eq "rpc.mountd read no /proc/net/rpc channel" 0 "$(chan_reads)"
	dmesg_clean
	step_end
	echo reboot >$STATE/phase
	say "rebooting"
	sync
	systemctl reboot
	exit 0
}

phase_reboot() {
	add_addrs
	step 3-reboot
	check "nlcached is active after the reboot" systemctl is-active nlcached
	check "nfs-server is active" systemctl is-active nfs-server
	check "nlcached registered" wait_for 20 registered
	local a b
	a=$(systemctl show -P ActiveEnterTimestampMonotonic nlcached)
	b=$(systemctl show -P ExecMainStartTimestampMonotonic nfs-server)
	check "nlcached was ready ($a us) before nfs-server started nfsd ($b us)" test "$a" -gt 0 -a "$a" -lt "$b"
	end_grace
	mount_rw 127.0.0.1 "$EXPORT" /mnt/a
	nlcachectl status
	for c in auth.unix.ip nfsd.export nfsd.fh; do
		check "$c: upcalls served over netlink since boot" test "$(nlc_field $c upcalls)" -gt 0 -a \
			"$(nlc_field $c replies)" -gt 0
		check_eq "$c: no fallback" 0 "$(nlc_field $c fallbacks)"
	done
	check_eq "no /proc/net/rpc channel read since boot" 0 "$(chan_reads)"
	local j
	j=$(journalctl --no-pager -b -u nlcached -o cat)
	echo "$j" | tail -n 8
	check_match "the journal has its 'serving' line" '^(nlcached: )?serving auth\.unix\.ip' "$j"
	check_match "and its exports line" '^(nlcached: )?exports: [1-9][0-9]* entries from /var/lib/nfs/etab' "$j"

	step 4-stop-start-reload
	check "systemctl stop nlcached" systemctl stop nlcached
	check "nlcached unregistered" wait_for 10 sh -c "[ \"\$(nlcachectl status --json | sed -n 's/.*\"daemon_portid\":\([0-9]*\).*/\1/p')\" = 0 ]"
	a=$(chan_reads)
	mount_rw 127.0.0.2 "$EXPORT" /mnt/b
	check "rpc.mountd served the new client 127.0.0.2 (channel reads $a -> $(chan_reads))" \
		test "$(chan_reads)" -gt "$a"
	check_match "127.0.0.2 is in auth.unix.ip" '127\.0\.0\.2' "$(cat /proc/net/rpc/auth.unix.ip/content)"
	check "systemctl start nlcached" systemctl start nlcached
	check "registered again" wait_for 20 registered
	a=$(chan_reads)
	b=$(nlc_field auth.unix.ip replies)
	mount_rw 127.0.0.3 "$EXPORT" /mnt/c
	check_eq "127.0.0.3 was served without a channel read" "$a" "$(chan_reads)"
	check "over netlink (auth.unix.ip replies $b -> $(nlc_field auth.unix.ip replies))" \
		test "$(nlc_field auth.unix.ip replies)" -gt "$b"
	# An exports change: a second export for a client that had none.
	mkdir -p /mnt/d
	check_fails "127.0.0.4 is not allowed yet" timeout 60 mount -t nfs4 -o retry=0 127.0.0.4:"$EXPORT2" /mnt/d
	echo "$EXPORT2 127.0.0.4(rw,no_subtree_check,no_root_squash)" >>/etc/exports
	check "exportfs -ra" exportfs -ra
	a=$(journalctl --no-pager -b -u nlcached -o cat | grep -cE '^(nlcached: )?exports: ')
	check "systemctl reload nlcached" systemctl reload nlcached
	check "it re-read the exports" wait_for 10 sh -c \
		"[ \$(journalctl --no-pager -b -u nlcached -o cat | grep -cE '^(nlcached: )?exports: ') -gt $a ]"
	check "still active" systemctl is-active nlcached
	a=$(chan_reads)
	mount_rw 127.0.0.4 "$EXPORT2" /mnt/d
	check_eq "the new export was served over netlink" "$a" "$(chan_reads)"
	dmesg_clean

	# phase_purge powers off and exits
	if [ "$kernel2" = no ]; then
		say "step 5 (the second kernel) left out: SYSTEST_KERNEL2=no"
		phase_purge
	fi
	[ -n "$abi2" ] || phase_purge
	step 5a-second-kernel
	say "apt-get install linux-image-$abi2 linux-headers-$abi2 (offline)"
	check_v "install the second kernel" apt-get install -y ${backports:+-t "$backports"} \
		"linux-image-$abi2" "linux-headers-$abi2"
	local st
	st=$(dkms status)
	echo "$st"
	check_match "dkms built and installed for $abi2 on its own" \
		"^nfsd-nlcache/[^,]*, $(re_quote "$abi2"), x86_64: installed" "$st"
	check "the module is in $abi2's updates/dkms" sh -c "ls /lib/modules/$abi2/updates/dkms/nfsd_nlcache.ko*"
	check "grub boots $abi2 by default" grep -q "vmlinuz-$abi2" <(sed -n '/^menuentry/,/^}/p' /boot/grub/grub.cfg | head -n 30)
	step_end
	echo kernel2 >$STATE/phase
	say "rebooting into $abi2"
	sync
	systemctl reboot
	exit 0
}

phase_kernel2() {
	add_addrs
	step 5b-boot-second-kernel
	check_eq "running the second kernel" "$abi2" "$(uname -r)"
	check "nlcached is active" systemctl is-active nlcached
	check_match "the dkms module is loaded" '^nfsd_nlcache ' "$(cat /proc/modules)"
	check_match "from updates/dkms" "^/lib/modules/$(re_quote "$abi2")/updates/dkms/nfsd_nlcache\.ko" \
		"$(modinfo -n nfsd_nlcache)"
	end_grace
	# (grep on a captured status: "| grep -q" under pipefail can fail on
	# the writer's SIGPIPE)
	if grep -qx 'native: yes' <<<"$(nlcachectl status)"; then
		# 7.2+: nlcached uses the kernel's own sunrpc/nfsd families; the
		# kernel also queues on the channels, which rpc.mountd reads.
		say "native netlink upcalls: nlcached serves through sunrpc/nfsd"
		check_match "nlcached chose the native backend" 'Status: "serving \(native' \
			"$(systemctl --no-pager status nlcached)"
		mount_rw 127.0.0.1 "$EXPORT" /mnt/a
		systemctl --no-pager status nlcached | head -n 12
		# STATUS= is refreshed every 10 s
		# shellcheck disable=SC2317 # called through wait_for
		answered() {
			grep -qE 'Status: "serving \(native sunrpc/nfsd\); [1-9][0-9]* answers' \
				<<<"$(systemctl --no-pager status nlcached)"
		}
		check "nlcached answered (its STATUS= count, refreshed every 10 s)" wait_for 25 answered
	else
		# the module's caches: registered by nlcached
		check "nlcached registered" wait_for 20 registered
		mount_rw 127.0.0.1 "$EXPORT" /mnt/a
		check "served over netlink" test "$(nlc_field nfsd.export replies)" -gt 0
		check_eq "no channel read since boot" 0 "$(chan_reads)"
	fi
	dmesg_clean
	phase_purge
}

phase_purge() {
	step 6-purge
	check_v "apt-get purge nlcached nfsd-nlcache-dkms" apt-get purge -y nlcached nfsd-nlcache-dkms
	local left
	left=$(find /lib/modules/*/updates/dkms -name 'nfsd_nlcache.ko*' 2>/dev/null)
	check_eq "no nfsd_nlcache.ko left in /lib/modules/*/updates/dkms" "" "$left"
	check_eq "dkms knows no nfsd-nlcache" "" "$(dkms status -m nfsd-nlcache)"
	check_fails "no /usr/src/nfsd-nlcache-*" sh -c 'ls -d /usr/src/nfsd-nlcache-*'
	check_fails "the unit file is gone" test -e /lib/systemd/system/nlcached.service
	check_fails "systemd knows no nlcached.service" sh -c 'systemctl cat nlcached.service'
	check_fails "no enablement symlink left" sh -c 'ls /etc/systemd/system/*/nlcached.service'
	check_fails "no nlcached process" pgrep -x nlcached
	check_fails "no modules-load.d entry" test -e /usr/lib/modules-load.d/nfsd_nlcache.conf
	check "nfs-server still active" systemctl is-active nfs-server
	local a
	a=$(chan_reads)
	mount_rw 127.0.0.5 "$EXPORT" /mnt/e
	check "rpc.mountd served it through the channels ($a -> $(chan_reads))" test "$(chan_reads)" -gt "$a"
	dmesg_clean
	step_end
	echo "done" >"$STATE/phase"
	say "all $checks checks passed"
	echo success >$RESULT
	sync
	systemctl poweroff
	exit 0
}

phase=$(cat $STATE/phase 2>/dev/null || echo install)
case $phase in
running-*) fail "no unplanned reboot" "the guest rebooted during phase ${phase#running-}" ;;
install | reboot | kernel2) ;;
*) fail "known phase" "phase file says '$phase'" ;;
esac
echo "running-$phase" >$STATE/phase
say "phase $phase on $(uname -r) ($suite)"
"phase_$phase"
