#!/bin/bash
# Harness negative control: a guest that never finishes must fail the run
# when the host's timeout kills it.
# expect: fail ^guest hung: killed after 45s$
# timeout: 45
. "$(dirname "$0")/lib.sh"

say "hanging"
sleep infinity
