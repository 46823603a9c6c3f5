#!/bin/bash
# Harness negative control of the boot-flake retry: a guest that panics
# before its script on every boot is retried at most twice, then fails.
# boot-panic: 3
# expect: fail ^guest panicked: .*sysrq triggered crash
. "$(dirname "$0")/lib.sh"

check "never reached" false
