#!/bin/bash
# timeout: 480
# A request whose key nearly fills a page (an nfsd.fh key for a client
# whose domain name is 4048 characters long: a 4108-byte message) is listed
# by GET_REQS, dump after dump. Before the fix it did not fit the dump
# message of a reader with page-sized buffers (libnl's): every dump ended
# with EMSGSIZE at that request and nothing after it was listed.
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
nfsd_start
nlc_register big nfsd.fh
dom=$(printf 'd%.0s' $(seq 1 4040)).example
check "root answers auth.unix.ip for 127.0.0.2 with a 4048-byte domain" \
	nlcachectl answer auth.unix.ip nfsd 127.0.0.2 "$dom"
# The client's source address is the server address only once it is on lo.
check "add 127.0.0.2 to lo" ip addr add 127.0.0.2/32 dev lo
mkdir -p /mnt/nfs
t_mount=$(date +%s%3N)
timeout 100 mount -t nfs4 -o vers=4.2,retry=0 127.0.0.2:/ /mnt/nfs >/dev/null 2>&1 &
mnt=$!
bigkey() { nlcachectl pending nfsd.fh | grep -q "$dom"; }
check "the pseudo root lookup with the long domain is listed as pending" wait_for 60 bigkey
t_seen=$(date +%s%3N)
check "and again by the next dump" bigkey
check_eq "exactly once" 1 "$(nlcachectl pending nfsd.fh | grep -c "$dom")"
# A reader whose buffers are a page (4096 bytes) gets dump messages of
# that size: the 4108-byte request must still come, in a bigger message.
out=$(python3 "$NLC_PROJECT/tests/vm/guest/nldump.py" "$NLC_PROJECT/uapi/linux/nfsd_nlcache.h" expkey "$dom" 2>&1)
say "page-sized reader: $out"
check_match "a reader with page-sized buffers gets it too, and the dump ends cleanly" \
	'requests with the needle 1, end 0$' "$out"
answered_before=$(nlc_status_field nfsd.fh answered)
sleep 1	# a wait the module's answer time must show
t_answer=$(date +%s%3N)
check "answering it negatively works" nlcachectl answer nfsd.fh "$dom" 1 '\x00000000' --negative
t_answered=$(date +%s%3N)
check_eq "nothing left pending" "" "$(nlcachectl pending nfsd.fh)"
# The module's answer times: this request waited from before t_seen
# until the answer (jiffies: a few ms of rounding), and no longer than
# from the mount's start to the answer's end.
max=$(nlc_status_field nfsd.fh answer_ms_max)
say "nfsd.fh: answered $(nlc_status_field nfsd.fh answered), answer_ms_max $max;" \
	"seen pending after $((t_seen - t_mount)) ms, answered $((t_answer - t_seen)) ms later"
check "the answer was counted" test "$(nlc_status_field nfsd.fh answered)" -gt "$answered_before"
check "its wait is in answer_ms_max (>= $((t_answer - t_seen - 20)) ms)" \
	test "$max" -ge $((t_answer - t_seen - 20))
check "and not more than since the mount started (<= $((t_answered - t_mount + 20)) ms)" \
	test "$max" -le $((t_answered - t_mount + 20))
check "answer_ms_total holds it" test "$(nlc_status_field nfsd.fh answer_ms_total)" -ge "$max"
kill "$mnt" 2>/dev/null
wait "$mnt" 2>/dev/null
nlc_stop big
nfsd_stop
