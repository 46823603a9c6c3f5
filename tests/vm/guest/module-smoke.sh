#!/bin/bash
# nfsd_nlcache loads, registers its generic netlink family, unloads cleanly,
# and comes back by itself when a program looks the family up by name.
. "$(dirname "$0")/lib.sh"

ko=$NLC_BUILD/vm/$NLC_ABI/module/nfsd_nlcache.ko
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$NLC_PROJECT/dkms.conf")

family_listed() { genl-ctrl-list 2>/dev/null | grep -qw nfsd_nlcache; }
module_loaded() { grep -q "^$1 " /proc/modules; }

check "the module was built for this kernel" \
	test "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$(uname -r)"
check_fails "no family before the module is loaded" family_listed

check_eq "it depends on sunrpc only (nfsd is a softdep)" sunrpc "$(modinfo -F depends "$ko")"
check "load sunrpc (insmod does not resolve dependencies)" modprobe sunrpc
check "insmod the freshly built nfsd_nlcache.ko" insmod "$ko"
check "the module is live" module_loaded nfsd_nlcache
check_match "it announces its version" "nfsd_nlcache: version $version loaded" "$(dmesg)"
check "genl-ctrl-list lists the family" family_listed
out=$(nlcachectl family --no-load)
check_match "nlcachectl sees family version 1" '^family nfsd_nlcache: id [0-9]+, version 1$' "$out"
check_match "with the exportd multicast group" '^multicast group exportd: id [0-9]+$' "$out"

check "rmmod nfsd_nlcache" rmmod nfsd_nlcache
check_fails "the module is gone" module_loaded nfsd_nlcache
check_fails "the family is gone" family_listed
check_fails_with "nlcachectl reports the family missing" 'not registered' nlcachectl family --no-load

# Autoload: a lookup by name makes the kernel modprobe the family's alias
# (the module is in the guest's modules tree under updates/), and the
# softdep brings nfsd first.
check_fails "nfsd is not loaded yet" module_loaded nfsd
check "a lookup by family name loads the module" nlcachectl family
check "nfsd_nlcache was autoloaded" module_loaded nfsd_nlcache
check "its softdep loaded nfsd first" module_loaded nfsd

check "rmmod nfsd_nlcache again" rmmod nfsd_nlcache
check_fails "the family is gone again" family_listed
check "rmmod nfsd" rmmod nfsd
