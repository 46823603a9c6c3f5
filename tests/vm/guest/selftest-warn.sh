#!/bin/bash
# Harness negative control: a kernel warning in dmesg must fail the run
# although the script passes. (A real WARN would panic under
# panic_on_warn; this line reaches the log without one.)
# expect: fail nlc-init: FAIL: dmesg shows: .*WARNING: CPU: 0 PID: 1 at selftest-warn
. "$(dirname "$0")/lib.sh"

check "write a WARNING line to the kernel log" \
	sh -c 'echo "WARNING: CPU: 0 PID: 1 at selftest-warn.sh:1 harness self-test" >/dev/kmsg'
