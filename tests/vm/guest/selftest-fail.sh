#!/bin/bash
# Harness negative control: a failing check must fail the run.
# expect: fail nlc-init: FAIL: selftest-fail exited 1$
. "$(dirname "$0")/lib.sh"

check_eq "a check that cannot pass" "expected" "actual"
