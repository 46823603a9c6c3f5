#!/bin/bash
# timeout: 1500
# nlcached-equiv on sid's 7.2 (native netlink upcalls, no module): the
# same workload once answered by sid's rpc.mountd (nfs-utils 3.x, the
# kernel's sunrpc/nfsd netlink families; run with sid's loader and
# libraries from the sid chroot, lib.sh's rpc_mountd: make bench-native
# or tests/vm/sid-chroot.sh 7.2 mountd installs it) and once by
# nlcached's native backend. A survey: every failed check is listed and
# the run goes on (NLC_SOFT_CHECKS); the test fails at its end if any did.
# tests/vm/run.sh -k 7.2 nlcached-equiv-native
NLC_EQUIV_NATIVE=1
NLC_SID_MOUNTD=y
NLC_SOFT_CHECKS=y
# shellcheck disable=SC2034 # read by nlcached-equiv.sh and lib.sh
. "$(dirname "$0")/nlcached-equiv.sh"
nlc_soft_verdict
