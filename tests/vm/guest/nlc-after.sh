#!/bin/bash
# timeout: 420
# GET_REQS after a seqno (NLCACHE_A_*_REQS_AFTER; `nlcachectl pending
# --after`), what nlcached's notification scans ask for. Seqnos increase in
# queue order and are unique across a netns's caches; a dump after S lists only what
# came after S, including a request for a key queued again later, which
# gets a new seqno; an AFTER that is not a u64 is refused.
. "$(dirname "$0")/lib.sh"

nlc_extra_state() {
	nlcachectl status
	nlcachectl pending
	for f in "$NLC_LOGDIR"/rpc.*; do echo "== $f"; cat "$f"; done
}
nfsd_load
nlc_module_load
nfsd_start
nlc_register hold auth.unix.ip auth.unix.gid

rpc() { # rpc NAME SRC [UID]: a COMPOUND from SRC in the background
	python3 "$NLC_PROJECT/tests/vm/guest/rpccall.py" --src "$2" --uid "${3:-0}" \
		--timeout 300 >"$NLC_LOGDIR/rpc.$1" 2>&1 &
	echo $! >"$NLC_LOGDIR/rpc.$1.pid"
}
pending_ip() { nlcachectl pending auth.unix.ip | grep -qE "[[:space:]]$1\$"; }
seqno_of() { nlcachectl pending "$@" | awk '{ print $2 }' | xargs; }
addrs_after() { nlcachectl pending --after "$1" auth.unix.ip | awk '{ print $NF }' | xargs; }

for a in 5 6 7; do
	rpc a$a 127.0.0.$a 4242
	check "127.0.0.$a's lookup is pending" wait_for 120 pending_ip 127.0.0.$a
done
read -r s5 s6 s7 <<<"$(seqno_of auth.unix.ip)"
check "three seqnos, increasing in queue order" test -n "$s7" -a "$s5" -lt "$s6" -a "$s6" -lt "$s7"
check_eq "--after 0 lists all three" "127.0.0.5 127.0.0.6 127.0.0.7" "$(addrs_after 0)"
check_eq "--after the first lists the later two" "127.0.0.6 127.0.0.7" "$(addrs_after "$s5")"
check_eq "--after the last lists nothing" "" "$(addrs_after "$s7")"
check_fails "--after takes a number" nlcachectl pending --after x auth.unix.ip

# Answered, the call goes on to its uid's groups: a request of another
# cache, numbered after all three.
check "answer 127.0.0.5" nlcachectl answer auth.unix.ip nfsd 127.0.0.5 dom5.example
gid_pending() { [ -n "$(seqno_of auth.unix.gid)" ]; }
check "uid 4242's groups are asked for" wait_for 120 gid_pending
sg=$(seqno_of auth.unix.gid)
check "its seqno is after every auth.unix.ip one" test "$sg" -gt "$s7"
check_eq "and it is listed after the last auth.unix.ip seqno" "$sg" \
	"$(nlcachectl pending --after "$s7" auth.unix.gid | awk '{ print $2 }')"
check "answer uid 4242" nlcachectl answer auth.unix.gid 4242 100
check "the call completes" wait_for 120 pid_exited "$(cat "$NLC_LOGDIR/rpc.a5.pid")"

# The same key again after a flush: a new request with a new seqno, which
# a reader that saw everything up to the old ones is told about.
check "nlcachectl flush" nlcachectl flush
rpc b5 127.0.0.5 4242
check "127.0.0.5 is pending again" wait_for 120 pending_ip 127.0.0.5
check_match "--after the old last seqno lists 127.0.0.5's new request" '(^| )127\.0\.0\.5( |$)' \
	"$(addrs_after "$s7")"
check_eq "and nothing numbered up to it" "" \
	"$(nlcachectl pending --after "$s7" | awk -v s="$s7" '$2 <= s')"
s5b=$(nlcachectl pending auth.unix.ip | awk '$NF == "127.0.0.5" { print $2 }')
check "its new seqno is after the gid request's" test "$s5b" -gt "$sg"

# The policy table checks the attribute: a 4-byte AFTER is refused.
out=$(python3 - "$NLC_PROJECT/uapi/linux/nfsd_nlcache.h" <<'EOF' 2>&1
import re, socket, struct, sys
hdr = open(sys.argv[1]).read()
cmds = re.search(r"NLCACHE_CMD_UNSPEC,(.*?)__NLCACHE_CMD_MAX", hdr, re.S)
names = ["NLCACHE_CMD_UNSPEC"] + re.findall(r"(NLCACHE_CMD_\w+),", cmds.group(1))
reqs = re.search(r"NLCACHE_A_IP_MAP_REQS_REQUESTS = 1,(.*?)__NLCACHE_A_IP_MAP_REQS_MAX", hdr, re.S)
attrs = ["NLCACHE_A_IP_MAP_REQS_REQUESTS"] + re.findall(r"(NLCACHE_A_IP_MAP_REQS_\w+),", reqs.group(1))
after = attrs.index("NLCACHE_A_IP_MAP_REQS_AFTER") + 1
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.bind((0, 0))
def msg(ntype, flags, cmd, attrs):
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    return struct.pack("=IHHII", 16 + len(body), ntype, flags, 1, 0) + body
name = b"nfsd_nlcache\0"
a = struct.pack("HH", 4 + len(name), 2) + name + b"\0" * (-len(name) % 4)
s.send(msg(0x10, 1, 3, a))                      # CTRL_CMD_GETFAMILY, no ACK
r = s.recv(65536)
off, fam = 20, None
while off < len(r):
    ln, ty = struct.unpack_from("HH", r, off)
    if ty == 1:
        fam = struct.unpack_from("H", r, off + 4)[0]
    off += (ln + 3) & ~3
s.send(msg(fam, 0x301, names.index("NLCACHE_CMD_IP_MAP_GET_REQS"),
           struct.pack("HHI", 8, after, 1)))
while True:
    r = s.recv(65536)
    ty = struct.unpack_from("H", r, 4)[0]
    if ty == 2:                                 # NLMSG_ERROR
        print("errno", -struct.unpack_from("i", r, 16)[0])
        break
    if ty == 3:                                 # NLMSG_DONE: a dump
        print("a dump")
        break
EOF
)
check_eq "a GET_REQS with a u32 AFTER is refused (EINVAL)" "errno 22" "$out"

nlc_stop hold
for c in a6 a7 b5; do
	kill "$(cat "$NLC_LOGDIR/rpc.$c.pid")" 2>/dev/null || true
done
nfsd_stop
