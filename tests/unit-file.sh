#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# unit-file.sh: packaging/nlcached.service is a valid systemd unit, its
# sandbox stays within what nlcached needs, and its exposure does not grow.
# systemd-analyze verify checks that ExecStart= exists, so it runs on a copy
# whose ExecStart= is build/daemon/nlcached (or /bin/true before it is built).
set -euo pipefail

cd "$(dirname "$0")/.."
unit=packaging/nlcached.service
command -v systemd-analyze >/dev/null || { echo "unit-file: systemd-analyze not found" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
bin=$PWD/build/daemon/nlcached
[ -x "$bin" ] || bin=/bin/true
sed "s|^ExecStart=/usr/sbin/nlcached|ExecStart=$bin|" "$unit" >"$scratch/nlcached.service"
grep -q "^ExecStart=$bin -F\$" "$scratch/nlcached.service" ||
	{ echo "FAIL unit-file: no 'ExecStart=/usr/sbin/nlcached -F' line" >&2; exit 1; }

fail=0
out=$(systemd-analyze verify --man=no "$scratch/nlcached.service" 2>&1) || fail=1
if [ "$fail" = 1 ] || [ -n "$out" ]; then
	echo "$out" >&2
	echo "FAIL unit-file: systemd-analyze verify" >&2
	exit 1
fi
echo "unit-file: systemd-analyze verify ok"

# The settings the unit must not have (see the comments in the unit), one
# row each: the key, the values that are forbidden (an ERE, matched
# case-insensitively at the start of the value; "any": every value), and
# why:
#   hides    nlcached must see every exported path, the block devices,
#            /proc/fs/nfsd and the host's network namespace;
#   mountns  a mount namespace of its own: nfsd would resolve export paths
#            in it (on read-only copies of the mounts, with ProtectSystem=:
#            clients get EROFS on rw exports).
on='yes|true|on|1|read-only|tmpfs'
ns_on='yes|true|on|1|full|strict|read-only|private|strip'
forbidden="
PrivateTmp		$on	hides
ProtectHome		$on	hides
PrivateDevices		$on	hides
ProtectClock		$on	hides
PrivateNetwork		$on	hides
PrivateUsers		$on	hides
ProtectHostname		$on	hides
DynamicUser		$on	hides
ProtectProc		any	hides
ProcSubset		any	hides
DevicePolicy		any	hides
DeviceAllow		any	hides
InaccessiblePaths	any	hides
TemporaryFileSystem	any	hides
RootDirectory		any	hides
RootImage		any	hides
ProtectSystem		$ns_on	mountns
PrivateMounts		$ns_on	mountns
ProtectKernelTunables	$ns_on	mountns
ProtectKernelModules	$ns_on	mountns
ProtectKernelLogs	$ns_on	mountns
ProtectControlGroups	$ns_on	mountns
MountAPIVFS		$ns_on	mountns
ReadOnlyPaths		any	mountns
ReadWritePaths		any	mountns
ExecPaths		any	mountns
NoExecPaths		any	mountns
BindPaths		any	mountns
BindReadOnlyPaths	any	mountns
MountImages		any	mountns
ExtensionImages		any	mountns
ExtensionDirectories	any	mountns
PrivateIPC		any	mountns
NetworkNamespacePath	any	mountns
IPCNamespacePath	any	mountns
StateDirectory		any	mountns
RuntimeDirectory	any	mountns
CacheDirectory		any	mountns
LogsDirectory		any	mountns
ConfigurationDirectory	any	mountns
"
declare -A why=(
	[hides]="hides exports, devices or /proc/fs/nfsd"
	[mountns]="gives nlcached a mount namespace of its own"
)
n=0
while read -r key values kind; do
	[ -n "$key" ] || continue
	n=$((n + 1))
	re="^$key="
	[ "$values" = any ] || re="^$key=($values)"
	if bad=$(grep -E -i "$re" "$unit"); then
		echo "$bad" >&2
		echo "FAIL unit-file: $key: ${why[$kind]}" >&2
		fail=1
	fi
done <<<"$forbidden"
[ "$fail" = 0 ] || exit 1
echo "unit-file: none of $n forbidden settings (one that ${why[hides]}, or ${why[mountns]})"

# systemd >= 250 can rate a unit file offline; 4.1 since the mount
# namespace settings went (3.0 with them).
# Debian 12 (systemd 252, what make check runs on) has it; an older
# systemd-analyze skips this check out loud.
skipped=0
if systemd-analyze security --help 2>&1 | grep -q -- --offline; then
	if ! out=$(systemd-analyze security --offline=true --threshold=41 \
			"$scratch/nlcached.service" 2>&1); then
		echo "$out" | tail -n 1 >&2
		echo "FAIL unit-file: exposure above 4.1" >&2
		exit 1
	fi
	echo "unit-file: $(echo "$out" | tail -n 1 | sed 's/^→ //')"
else
	skipped=1
	echo "SKIP unit-file: exposure not rated: this systemd-analyze ($(systemd-analyze --version | head -n 1)) has no 'security --offline' (systemd >= 250)"
fi
echo "unit-file: $((3 - skipped)) checks passed, $skipped skipped"
