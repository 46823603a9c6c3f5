#!/bin/bash
# timeout: 1200
# nlcached-equiv with use_ipaddr forced on both sides (rpc.mountd -i,
# nlcached -i): every client is its own "$<address>" domain, and the
# nfsd.export / nfsd.fh answers match exports by address, not by name.
NLC_EQUIV_IPADDR=1
. "$(dirname "$0")/nlcached-equiv.sh"
