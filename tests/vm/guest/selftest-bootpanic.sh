#!/bin/bash
# Harness positive control of the boot-flake retry: the first boot panics
# before init starts this script (nlc.bootpanic), run.sh boots again (a
# "RETRY … harness retry" line) and the second boot passes.
# boot-panic: 1
. "$(dirname "$0")/lib.sh"

check "this is a boot after the harness retry (no nlc.bootpanic)" \
	sh -c '! grep -qw nlc.bootpanic=1 /proc/cmdline'
