#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# responder.sh RULES LOG: a scripted answerer for the nfsd_nlcache caches,
# made of nlcachectl commands. It waits for a notification (or 1 s), lists
# what is pending and answers each request from RULES; whatever RULES does
# not cover is answered negatively. Every request seen is appended to LOG;
# every failed `nlcachectl answer` (the command and its output) to
# LOG.failed, which tests check with nlc_responder_ok.
#
# RULES lines (fields as nlcachectl pending prints them):
#   ip     CLASS ADDR DOMAIN
#   export CLIENT PATH [nlcachectl answer options...]
#   fh     CLIENT FSIDTYPE FSID PATH
#   gid    UID [GID...]
#   hold   CACHE          never answer this cache (requests stay pending)
# Answers expire after $NLC_RESPONDER_TTL seconds (600).
rules=${1:?rules} log=${2:?log}

rule() { # rule KIND KEY... -> the rest of the matching line
	local kind=$1
	shift
	# ENVIRON, not -v: awk would expand the \x of binary fields.
	NLC_KIND=$kind NLC_KEY="$*" awk '
		BEGIN { k = ENVIRON["NLC_KIND"]; key = ENVIRON["NLC_KEY"] }
		$1 == k {
			n = split(key, want, " ")
			ok = 1
			for (i = 1; i <= n; i++) if ($(i + 1) != want[i]) ok = 0
			if (ok) { $1 = ""; for (i = 1; i <= n + 1; i++) $i = ""; sub(/^ +/, ""); print; found = 1; exit }
		}
		END { exit !found }' "$rules"
}

held() { grep -qE "^hold[[:space:]]+$1\$" "$rules"; }

answer() {
	local out
	if out=$(nlcachectl answer "$@" --ttl "${NLC_RESPONDER_TTL:-600}" 2>&1); then
		[ -z "$out" ] || printf '%s\n' "$out" >>"$log.answers"
	else
		printf 'answer failed (exit %s): %s\n  %s\n' "$?" "$*" "$out" | tee -a "$log.answers" >>"$log.failed"
	fi
}

while :; do
	nlcachectl monitor --count 1 --timeout 1 >/dev/null 2>&1
	nlcachectl pending >"$log.now" 2>>"$log.answers" || continue
	while read -r cache seq a b c d; do
		[ -n "$cache" ] || continue
		echo "$cache $seq $a $b $c $d" >>"$log"
		held "$cache" && continue
		case $cache in
		auth.unix.ip)
			if dom=$(rule ip "$a" "$b"); then
				answer auth.unix.ip "$a" "$b" "$dom"
			else
				answer auth.unix.ip "$a" "$b" --negative
			fi ;;
		nfsd.export)
			if opts=$(rule export "$a" "$b"); then
				# shellcheck disable=SC2086
				answer nfsd.export "$a" "$b" $opts
			else
				answer nfsd.export "$a" "$b" --negative
			fi ;;
		nfsd.fh)
			if p=$(rule fh "$a" "$b" "$c"); then
				answer nfsd.fh "$a" "$b" "$c" "$p"
			else
				answer nfsd.fh "$a" "$b" "$c" --negative
			fi ;;
		auth.unix.gid)
			if gids=$(rule gid "$a"); then
				# shellcheck disable=SC2086
				answer auth.unix.gid "$a" $gids
			else
				answer auth.unix.gid "$a" --negative
			fi ;;
		esac
	done <"$log.now"
done
