#!/bin/bash
# Harness negative control: a taint other than O (out-of-tree) or E
# (unsigned module) must fail the run although the script passes.
# expect: fail nlc-init: FAIL: kernel tainted: 512 
. "$(dirname "$0")/lib.sh"

check "taint the kernel with W (512)" sh -c 'echo 512 >/proc/sys/kernel/tainted'
