#!/bin/bash
# (i) Hundreds of malformed or hostile messages across every command: each
# rejected with an errno (and an extack message from the policies), or as
# one entry of a batch; no WARN or oops; the module still serves a mount.
# timeout: 600
. "$(dirname "$0")/lib.sh"

nfsd_load
nlc_module_load
make_export_dir /export
echo "still serving" >/export/readme
nlc_rules_v4 127.0.0.1 /export 1 >/tmp/rules
nlc_register srv
nfsd_start
badmsg() { "$NLC_BUILD/tests/nlc-badmsg" "$@" >"$NLC_LOGDIR/badmsg" 2>&1; }
check "nlc-badmsg: every malformed message is rejected properly" badmsg --seed 1
tail -n 1 "$NLC_LOGDIR/badmsg"
# uid 4294967295 answers: applied and in auth.unix.gid's content.
grep -E 'uid (0xffffffff|4294967295)' "$NLC_LOGDIR/badmsg" || true
# Every case ran and behaved: as many as --list names, and no fewer than
# the 551 the README promises (a vacuous 0/0 would pass the exit status).
ncases=$("$NLC_BUILD/tests/nlc-badmsg" --seed 1 --list | wc -l)
check "nlc-badmsg lists at least 551 cases ($ncases)" test "$ncases" -ge 551
check_eq "all $ncases ran and behaved, none skipped" "# $ncases/$ncases cases behaved, 0 skipped" \
	"$(tail -n 1 "$NLC_LOGDIR/badmsg")"
check_eq "one ok line per case" "$ncases" "$(grep -c '^ok ' "$NLC_LOGDIR/badmsg")"
check "a valid answer is still applied" "$NLC_BUILD/tests/nlc-badmsg" --check-serving
check "rejected entries were counted" test "$(nlc_status_field nfsd.export rejected)" -gt 0
nlc_responder_start srv /tmp/rules
mkdir -p /mnt/nfs
check "an NFSv4 mount is still served" timeout 120 mount -t nfs4 -o vers=4.2 127.0.0.1:/ /mnt/nfs
check_eq "and reads" "still serving" "$(cat /mnt/nfs/export/readme)"
check "umount" umount /mnt/nfs
nlc_responder_ok srv
nlc_stop srv
nfsd_stop
