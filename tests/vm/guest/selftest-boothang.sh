#!/bin/bash
# Harness positive control of the boot-flake retry for hangs: the first
# boot hangs before init starts this script (nlc.boothang) until the
# host's timeout kills it, run.sh boots again (a "RETRY … harness retry"
# line) and the second boot passes.
# boot-hang: 1
# timeout: 60
. "$(dirname "$0")/lib.sh"

check "this is a boot after the harness retry (no nlc.boothang)" \
	sh -c '! grep -qw nlc.boothang=1 /proc/cmdline'
