#!/bin/bash
# Harness negative control: a failing check must fail the run.
# expect: fail
. "$(dirname "$0")/lib.sh"

check_eq "a check that cannot pass" "expected" "actual"
