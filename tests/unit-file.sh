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

# Settings that would break nlcached (see the comments in the unit): it must
# see every exported path, the block devices, /proc/fs/nfsd and the host's
# network namespace.
bad=$(grep -E -i '^(PrivateTmp|ProtectHome|PrivateDevices|ProtectClock|PrivateNetwork|PrivateUsers|ProtectHostname|DynamicUser)=(yes|true|on|1|read-only|tmpfs)|^(ProtectProc|ProcSubset|DevicePolicy|DeviceAllow|InaccessiblePaths|TemporaryFileSystem|RootDirectory|RootImage)=' \
	"$unit" || true)
if [ -n "$bad" ]; then
	echo "$bad" >&2
	echo "FAIL unit-file: a sandboxing setting hides exports, devices or /proc/fs/nfsd" >&2
	exit 1
fi
echo "unit-file: no setting that hides exports, devices or /proc/fs/nfsd"

# Settings that give the service a mount namespace of its own: nfsd would
# resolve export paths in it (on read-only copies of the mounts, with
# ProtectSystem=: clients get EROFS on rw exports).
bad=$(grep -E -i '^(ProtectSystem|PrivateMounts|ProtectKernelTunables|ProtectKernelModules|ProtectKernelLogs|ProtectControlGroups|MountAPIVFS)=(yes|true|on|1|full|strict|read-only|private|strip)|^(ReadOnlyPaths|ReadWritePaths|InaccessiblePaths|ExecPaths|NoExecPaths|BindPaths|BindReadOnlyPaths|TemporaryFileSystem|MountImages|ExtensionImages|ExtensionDirectories|RootDirectory|RootImage|PrivateIPC|NetworkNamespacePath|IPCNamespacePath|StateDirectory|RuntimeDirectory|CacheDirectory|LogsDirectory|ConfigurationDirectory)=' \
	"$unit" || true)
if [ -n "$bad" ]; then
	echo "$bad" >&2
	echo "FAIL unit-file: a setting gives nlcached a mount namespace of its own" >&2
	exit 1
fi
echo "unit-file: no setting that gives nlcached a mount namespace of its own"

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
echo "unit-file: $((4 - skipped)) checks passed, $skipped skipped"
