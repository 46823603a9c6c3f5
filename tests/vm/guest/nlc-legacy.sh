#!/bin/bash
# (b) nfsd_nlcache loaded, no daemon registered: rpc.mountd serves the
# caches through /proc exactly as without the module.
export NLC_WITH_MODULE=1
. "$(dirname "$0")/legacy-mount.sh"
