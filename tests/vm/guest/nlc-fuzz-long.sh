#!/bin/bash
# nlc-fuzz with 100000 fuzz messages (make fuzz; not part of make check) and
# a fresh seed each run unless `make fuzz FUZZ_SEED=N` gives one.
# timeout: 7200
FUZZ_MESSAGES=100000
FUZZ_WORKERS=4
FUZZ_PACE=1
FUZZ_DEFAULT_SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
. "$(dirname "$0")/nlc-fuzz.sh"
