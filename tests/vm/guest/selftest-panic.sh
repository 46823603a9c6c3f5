#!/bin/bash
# Harness negative control: a kernel panic must fail the run, even though
# the guest script itself would exit 0.
# expect: fail ^guest panicked: .*sysrq triggered crash
. "$(dirname "$0")/lib.sh"

say "crashing the kernel"
echo c >/proc/sysrq-trigger
