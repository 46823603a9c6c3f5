#!/bin/bash
# Harness positive control of the boot-flake retry for hangs: the first
# boot hangs before init starts this script (nlc.boothang), run.sh's boot
# watch stops it after the boot limit (30 s here, long before the 600 s
# timeout; the RETRY line says "no test script after 30s of boot"), boots
# again, and the second boot passes.
# boot-hang: 1
# boot-limit: 30
# timeout: 600
. "$(dirname "$0")/lib.sh"

check "this is a boot after the harness retry (no nlc.boothang)" \
	sh -c '! grep -qw nlc.boothang=1 /proc/cmdline'
