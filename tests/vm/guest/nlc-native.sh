#!/bin/bash
# A kernel with native netlink cache upcalls (7.2+): nfsd_nlcache loads
# but shims nothing. Status reports native support, REGISTER is refused
# with a message naming the upstream families, which the kernel itself
# registers, and the legacy /proc path is untouched.
. "$(dirname "$0")/lib.sh"

check_match "the module was built with the native probe" 'NLC_HAVE_NATIVE_CACHE_NOTIFY' \
	"$(cat "$NLC_BUILD/vm/$NLC_ABI/module.log")"
nfsd_load
nlc_module_load
check_match "the kernel registers the upstream sunrpc family" '^0x[0-9a-f]+ sunrpc ' "$(genl-ctrl-list)"
check_match "and the upstream nfsd family" '^0x[0-9a-f]+ nfsd ' "$(genl-ctrl-list)"
check_match "status reports native support" '"native": *true' "$(nlcachectl status --json)"
check_fails_with "REGISTER is refused, pointing at the upstream families" \
	'native netlink cache upcalls.*sunrpc and nfsd families' nlcachectl register --once
for c in auth.unix.ip auth.unix.gid nfsd.export nfsd.fh; do
	check_eq "$c: not attached" False "$(nlc_status_field $c attached)"
done
check "rmmod nfsd_nlcache" rmmod nfsd_nlcache
