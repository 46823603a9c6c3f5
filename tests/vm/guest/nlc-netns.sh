#!/bin/bash
# (h) Two network namespaces, each with its own nfsd, exports and
# responder: each responder sees only its own netns's requests, each
# netns numbers its requests itself, and both mounts work.
# timeout: 480
. "$(dirname "$0")/lib.sh"

# On failure, show each netns's view too.
nlc_extra_state() {
	local n
	for n in 1 2; do
		echo "== ns$n"
		ip netns exec "ns$n" sh -c 'nlcachectl status; nlcachectl pending;
			mount -t nfsd nfsd /proc/fs/nfsd 2>/dev/null; cat /proc/fs/nfsd/threads /proc/fs/nfsd/portlist;
			cat /proc/net/rpc/*/content' 2>&1
	done
	dmesg | tail -n 20
}

nfsd_load
nlc_module_load
for n in 1 2; do
	check "netns ns$n" ip netns add "ns$n"
	check "ns$n: lo up" ip -n "ns$n" link set lo up
	make_export_dir "/export$n"
	echo "netns $n" >"/export$n/readme"
	nlc_rules_v4 127.0.0.1 "/export$n" "$n" >"/tmp/rules$n"
	mkdir -p "/mnt/ns$n"
done
for n in 1 2; do
	ip netns exec "ns$n" nlcachectl register >"$NLC_LOGDIR/reg$n" 2>&1 &
	echo $! >"$NLC_LOGDIR/reg$n.pid"
	check "ns$n: a daemon registers" wait_for 10 grep -q '^registered:' "$NLC_LOGDIR/reg$n"
	ip netns exec "ns$n" bash "$NLC_PROJECT/tests/vm/guest/responder.sh" \
		"/tmp/rules$n" "$NLC_LOGDIR/seen$n" &
	echo $! >"$NLC_LOGDIR/resp$n.pid"
	# nfsd stops a netns's threads when its nfsd filesystem goes away, and
	# each "ip netns exec" has its own mount namespace: a holder keeps one.
	# No client tracking outside init_net (no nfsdcld here), and then
	# v4_end_grace refuses: keep the grace period at its 10 s minimum.
	ip netns exec "ns$n" sh -c \
		'mount -t nfsd nfsd /proc/fs/nfsd && echo 10 >/proc/fs/nfsd/nfsv4gracetime &&
		 echo 10 >/proc/fs/nfsd/nfsv4leasetime &&
		 rpc.nfsd --no-nfs-version 3 --no-udp 2 && echo started && exec sleep 100000' \
		>"$NLC_LOGDIR/nfsd$n" 2>&1 &
	echo $! >"$NLC_LOGDIR/nfsd$n.pid"
	check "ns$n: knfsd starts" wait_for 20 grep -q started "$NLC_LOGDIR/nfsd$n"
done
check_eq "init_net has no daemon" 0 "$(nlcachectl status --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["daemon_portid"])')"
for n in 1 2; do
	check_eq "ns$n: mount and read its own export" "netns $n" \
		"$(ip netns exec "ns$n" sh -c "timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/ns$n &&
			cat /mnt/ns$n/export$n/readme; umount /mnt/ns$n")"
done
check_match "ns1's responder saw /export1" ' /export1' "$(cat "$NLC_LOGDIR/seen1")"
check_match "ns2's responder saw /export2" ' /export2' "$(cat "$NLC_LOGDIR/seen2")"
check_no_match "ns1's responder saw nothing of ns2" 'export2' "$(cat "$NLC_LOGDIR/seen1")"
check_no_match "ns2's responder saw nothing of ns1" 'export1' "$(cat "$NLC_LOGDIR/seen2")"
# Each netns numbers its requests itself: ns2's, made after ns1's mount,
# start at 1 again (no netns learns how many upcalls another one makes).
check_eq "ns2's requests are numbered from 1, not after ns1's" 1 \
	"$(awk '{ print $2 }' "$NLC_LOGDIR/seen2" | sort -n | head -n 1)"
for n in 1 2; do
	kill "$(cat "$NLC_LOGDIR/resp$n.pid")" "$(cat "$NLC_LOGDIR/reg$n.pid")" \
		"$(cat "$NLC_LOGDIR/nfsd$n.pid")"
done
wait 2>/dev/null
for n in 1 2; do
	check "ns$n: deleted" ip netns del "ns$n"
done
