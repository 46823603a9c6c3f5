#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# style.sh: checkpatch.pl --strict over the module's C sources and headers.
# checkpatch comes from Debian's linux-source package (cached next to the
# test kernels); nothing is installed.
set -euo pipefail

cd "$(dirname "$0")/.."
cache=${NLC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nfsd-nlcache/kernels}/checkpatch
series=6.1
cp=$cache/linux-source-$series/scripts/checkpatch.pl

if [ ! -f "$cp" ]; then
	echo "style: fetching checkpatch.pl from linux-source-$series"
	rm -rf "$cache"
	mkdir -p "$cache/debs"
	(cd "$cache/debs" && apt-get -q -o APT::Sandbox::User=root download "linux-source-$series" >/dev/null)
	dpkg-deb --fsys-tarfile "$cache"/debs/*.deb |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		xz -dc | tar -x -C "$cache" --wildcards \
			"linux-source-$series/scripts/checkpatch.pl" \
			"linux-source-$series/scripts/spelling.txt" \
			"linux-source-$series/scripts/const_structs.checkpatch"
	rm -rf "$cache/debs"
fi

files=(src/*.c include/*.h uapi/linux/*.h)
perl "$cp" --no-tree --strict --terse --show-types -f "${files[@]}"
echo "style: checkpatch --strict clean: ${files[*]}"
