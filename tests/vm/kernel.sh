#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stock Debian kernels for the VM tests.
#
#   kernel.sh resolve SPEC   print the ABI for SPEC: a series ("5.10", "6.1",
#                            "6.12") or an ABI ("6.1.0-56-amd64")
#   kernel.sh fetch SPEC     make sure the image, its modules and its headers
#                            are in the cache; print the cache directory
#   kernel.sh headers SPEC   print the directory of SPEC's architecture-
#                            independent headers (-common package), fetching
#                            only that package if needed: enough to evaluate
#                            Kbuild's feature probes for kernels that cannot
#                            be built on this host (sid's 7.2)
#   kernel.sh build SPEC SRC [OUT]
#                            build nfsd_nlcache.ko from the module sources in
#                            SRC against SPEC's headers, in a copy at OUT if
#                            given; NLC_WERROR=y fails on any warning
#
# The cache directory of an ABI holds vmlinuz, config, modroot/ (the image's
# /lib/modules tree with modules.dep) and kdir (a file naming the headers
# directory to build against) and, when the headers need a compiler the host
# lacks, path (a directory to put first in PATH for the build).
#
# Downloads use a private apt configuration (sources list, lists and cache
# under $NLC_CACHE/apt) so the system's apt configuration is never changed.
# Headers already installed on the host (make deps installs bookworm's 6.1)
# are used in place.
set -euo pipefail

# Outside the source tree on purpose: kbuild's "make M=<tree> clean" deletes
# every *.ko below the tree, the cached kernels' modules included.
NLC_CACHE=${NLC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nfsd-nlcache/kernels}
APT_DIR=$NLC_CACHE/apt
FLAVOUR=amd64
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

die() { echo "kernel.sh: $*" >&2; exit 1; }
log() { echo "kernel.sh: $*" >&2; }

# The archive URLs the system's apt already uses.
system_mirror() {
	local url
	url=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -v security | head -n1 || true)
	[ -n "$url" ] || url=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list 2>/dev/null || true)
	echo "${url:-http://deb.debian.org/debian}"
}

system_security() {
	local url
	url=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep security | head -n1 || true)
	[ -n "$url" ] || url=$(awk '$1 == "deb" && $0 ~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list 2>/dev/null || true)
	echo "${url:-http://deb.debian.org/debian-security}"
}

APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR/cache"
	-o APT::Sandbox::User=root -q)

apt_private_update() {
	local stamp=$APT_DIR/lists/.updated
	# One update per day is plenty: kernels move with point releases.
	if [ -f "$stamp" ] && [ -n "$(find "$stamp" -mmin -1440)" ]; then
		return 0
	fi
	[ -r "$KEYRING" ] || die "$KEYRING missing (install debian-archive-keyring: make deps)"
	mkdir -p "$APT_DIR"/lists/partial "$APT_DIR"/cache/archives/partial
	local m s
	m=$(system_mirror)
	s=$(system_security)
	cat >"$APT_DIR/sources.list" <<-EOF
	deb [signed-by=$KEYRING] $m bookworm main
	deb [signed-by=$KEYRING] $s bookworm-security main
	deb [signed-by=$KEYRING] $m bookworm-backports main
	deb [signed-by=$KEYRING] $m bullseye main
	deb [signed-by=$KEYRING] $s bullseye-security main
	deb [signed-by=$KEYRING] $m sid main
	EOF
	log "updating private package lists ($m, $s)"
	apt-get "${APT_OPTS[@]}" update >"$APT_DIR/update.log" 2>&1 ||
		{ cat "$APT_DIR/update.log" >&2; die "apt-get update (private lists) failed"; }
	touch "$stamp"
}

# Has PACKAGE a version to download? (A name can be only referred to: an
# archive may carry a newer -unsigned build whose signed image is not
# published yet.) Not "| grep -q": apt-cache's SIGPIPE under pipefail.
installable() {
	local policy
	policy=$(apt-cache "${APT_OPTS[@]}" policy "$1") &&
		grep -q '^ *Candidate: [^(]' <<<"$policy"
}

# Newest ABI of a series offered by the private lists, image and headers.
newest_abi_in_archive() {
	local series=$1 a
	apt_private_update
	for a in $(apt-cache "${APT_OPTS[@]}" pkgnames linux-headers- |
		sed -n "s/^linux-headers-\(${series//./\\.}[.-][^ ]*-$FLAVOUR\)\$/\1/p" |
		grep -v -e '-rt-' -e '-cloud-' | sort -rV); do
		if installable "linux-image-$a" && installable "linux-headers-$a"; then
			echo "$a"
			return 0
		fi
	done
}

resolve() {
	local spec=$1 abi
	# A kernel whose build tree is installed (the running one, say).
	if [ -e "/lib/modules/$spec/build/Makefile" ]; then
		echo "$spec"
		return 0
	fi
	case $spec in
	*-"$FLAVOUR")
		echo "$spec"
		return 0
		;;
	[0-9]*.[0-9]*) ;;
	*) die "cannot understand kernel '$spec' (want a series like 6.1 or an ABI like 6.1.0-56-$FLAVOUR)" ;;
	esac
	# A series: prefer headers installed on the host, newest first.
	abi=$(find /usr/src -maxdepth 1 -name "linux-headers-${spec}[.-]*-$FLAVOUR" -printf '%f\n' 2>/dev/null |
		sed 's/^linux-headers-//' | grep -v -e '-rt-' -e '-cloud-' | sort -V | tail -n1 || true)
	[ -n "$abi" ] || abi=$(newest_abi_in_archive "$spec")
	[ -n "$abi" ] || die "no Debian kernel of series $spec in bookworm, bookworm-backports, bullseye or sid"
	echo "$abi"
}

# apt-get download into $1 the named packages (already present ones are kept).
download() {
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && apt-get "${APT_OPTS[@]}" download "$@" >/dev/null) ||
		die "apt-get download $* failed"
}

# The headers packages linux-headers-$abi depends on (-common, linux-kbuild-*).
header_deps() {
	apt-cache "${APT_OPTS[@]}" depends "linux-headers-$1" |
		sed -n 's/^ *Depends: \(linux-\(headers\|kbuild\)-[^ ]*\)$/\1/p'
}

# Newer suites split the image: linux-image-$abi depends on linux-binary-$abi
# (vmlinuz), linux-modules-$abi and linux-base-$abi (modules.builtin, .order).
image_parts() {
	apt-cache "${APT_OPTS[@]}" depends "linux-image-$1" |
		awk -v a="$1" '$1 == "Depends:" && ($2 == "linux-binary-" a || $2 == "linux-modules-" a || $2 == "linux-base-" a) { print $2 }'
}

# The gcc major version the headers were configured with (linux-compiler-gcc-N-x86).
header_gcc() {
	apt-cache "${APT_OPTS[@]}" depends "linux-headers-$1" |
		sed -n 's/^ *Depends: linux-compiler-gcc-\([0-9]*\)-x86$/\1/p' | head -n1
}

# Debian's 5.10 headers call gcc-10, which bookworm does not ship. Unpack the
# compiler of the kernel's own suite next to its headers (gcc finds cc1 and its
# headers relative to its own path); the build puts it first in PATH.
provide_gcc() {
	local abi=$1 dir=$2 v
	v=$(header_gcc "$abi")
	[ -n "$v" ] || return 0
	command -v "gcc-$v" >/dev/null && return 0
	log "unpacking gcc-$v for $abi"
	download "$dir/debs" "gcc-$v" "cpp-$v" "libgcc-$v-dev" "gcc-$v-base"
	echo "$dir/root/usr/bin" >"$dir/path"
}

fetch() {
	local abi dir root debs pkgs kdir
	abi=$(resolve "$1")
	dir=$NLC_CACHE/$abi
	if [ -f "$dir/.complete" ]; then
		echo "$dir"
		return 0
	fi
	log "fetching Debian kernel $abi"
	apt_private_update
	rm -rf "$dir"
	root=$dir/root
	debs=$dir/debs
	mkdir -p "$root"
	pkgs=("linux-image-$abi")
	mapfile -t -O 1 pkgs < <(image_parts "$abi")
	if [ -d "/usr/src/linux-headers-$abi" ]; then
		kdir=/usr/src/linux-headers-$abi
	else
		mapfile -t -O "${#pkgs[@]}" pkgs < <(header_deps "$abi")
		pkgs+=("linux-headers-$abi")
		kdir=$root/usr/src/linux-headers-$abi
		provide_gcc "$abi" "$dir"
	fi
	download "$debs" "${pkgs[@]}"
	for f in "$debs"/*.deb; do
		dpkg-deb -x "$f" "$root"
	done
	# /boot (up to trixie) or the modules directory (sid's split packages).
	local f
	for f in "boot/vmlinuz-$abi" "usr/lib/modules/$abi/vmlinuz"; do
		[ -f "$root/$f" ] && ln -sf "root/$f" "$dir/vmlinuz"
	done
	for f in "boot/config-$abi" "usr/lib/modules/$abi/config"; do
		[ -f "$root/$f" ] && ln -sf "root/$f" "$dir/config"
	done
	[ -e "$dir/vmlinuz" ] || die "no vmlinuz for $abi in its packages"
	if [ "$kdir" != "/usr/src/linux-headers-$abi" ]; then
		# The flavour Makefile includes the -common one by its installed
		# absolute path; point it at the extracted copy.
		sed -i -e "s|^include /usr/src/|include $root/usr/src/|" \
			-e "s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$root/usr/src/|" "$kdir/Makefile"
	fi
	[ -f "$kdir/Makefile" ] || die "no headers for $abi at $kdir"
	echo "$kdir" >"$dir/kdir"
	# Newer suites install modules under /usr/lib/modules.
	if [ ! -d "$root/lib/modules/$abi" ] && [ -d "$root/usr/lib/modules/$abi" ]; then
		mkdir -p "$root/lib/modules"
		ln -s "../../usr/lib/modules/$abi" "$root/lib/modules/$abi"
	fi
	depmod -b "$root" "$abi" || die "depmod for $abi failed"
	ln -sfn "root/lib/modules/$abi" "$dir/modules"
	rm -rf "$debs"
	touch "$dir/.complete"
	echo "$dir"
}

build() {
	local spec=$1 src=$2 out=${3:-} abi kdir path=
	abi=$(resolve "$spec")
	if [ -z "${KDIR:-}" ] && [ -e "/lib/modules/$abi/build/Makefile" ]; then
		kdir=/lib/modules/$abi/build
	elif [ -n "${KDIR:-}" ]; then
		kdir=$KDIR
	else
		local dir
		dir=$(fetch "$spec")
		kdir=$(cat "$dir/kdir")
		[ ! -f "$dir/path" ] || path=$(cat "$dir/path"):
	fi
	if [ -n "$out" ]; then
		rm -rf "$out"
		make -s -C "$src" module-tree DEST="$out" >/dev/null
		src=$out
	fi
	if ! host_can_kbuild "$kdir"; then
		chroot_build "$abi" "$src"
		return
	fi
	local log
	log=$(mktemp)
	# shellcheck disable=SC2064
	trap "rm -f '$log'" RETURN
	if ! PATH="$path$PATH" make -C "$kdir" M="$src" NLC_SHOW_PROBES=1 \
		${NLC_WERROR:+NLC_WERROR=y} modules 2>&1 | tee "$log"; then
		die "module build against $abi failed"
	fi
	if [ -n "${NLC_WERROR:-}" ] && grep -iE '(^|[^a-z])warning[: ]' "$log"; then
		die "module build against $abi printed warnings"
	fi
}

# Debian's sid/trixie kbuild tools may need a newer glibc than this host's.
host_can_kbuild() {
	local t
	for t in scripts/basic/fixdep scripts/mod/modpost tools/objtool/objtool \
		scripts/kconfig/conf; do
		[ -x "$1/$t" ] || continue
		# Capture first: under pipefail the tool's own exit would win.
		case $("$1/$t" 2>&1 </dev/null || true) in
		*GLIBC_*) return 1 ;;
		esac
	done
	return 0
}

# Build in a chroot of the kernel's own suite (make sid-chroot), which has
# the headers installed; the .ko lands in SRC as with a host build.
chroot_build() {
	local abi=$1 src=$2 root=${NLC_SID_CHROOT:-/var/tmp/nlc-sid} dst log
	[ -e "$root/lib/modules/$abi/build/Makefile" ] ||
		die "kbuild for $abi cannot run on this host; build it in a chroot: make sid-chroot (NLC_SID_CHROOT=$root)"
	dst=/src/nlc-$abi
	rm -rf "${root:?}$dst"
	mkdir -p "$root$dst"
	cp -r "$src"/. "$root$dst/"
	mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
	log=$(mktemp)
	# shellcheck disable=SC2064
	trap "rm -f '$log'" RETURN
	if ! chroot "$root" make -C "/lib/modules/$abi/build" M="$dst" NLC_SHOW_PROBES=1 \
		${NLC_WERROR:+NLC_WERROR=y} modules 2>&1 | tee "$log"; then
		umount "$root/proc"
		die "module build against $abi (in $root) failed"
	fi
	umount "$root/proc"
	if [ -n "${NLC_WERROR:-}" ] && grep -iE '(^|[^a-z])warning[: ]' "$log"; then
		die "module build against $abi printed warnings"
	fi
	cp "$root$dst/nfsd_nlcache.ko" "$src/"
}

headers() {
	local abi common dir kdir=
	abi=$(resolve "$1")
	# Full headers at hand (installed, or fetched for a VM run): the flavour
	# Makefile includes the -common one.
	if [ -d "/usr/src/linux-headers-$abi" ]; then
		kdir=/usr/src/linux-headers-$abi
	elif [ -f "$NLC_CACHE/$abi/.complete" ]; then
		kdir=$(cat "$NLC_CACHE/$abi/kdir")
	fi
	if [ -n "$kdir" ]; then
		common=$(sed -n 's|^include \(.*\)/Makefile$|\1|p' "$kdir/Makefile")
		[ -d "$common" ] && { echo "$common"; return 0; }
	fi
	apt_private_update
	common=$(header_deps "$abi" | grep -- '-common$' | head -n1)
	[ -n "$common" ] || die "no -common headers package for $abi"
	dir=$NLC_CACHE/headers/$common
	if [ ! -f "$dir/.complete" ]; then
		rm -rf "$dir"
		download "$dir/debs" "$common"
		dpkg-deb -x "$dir"/debs/*.deb "$dir/root"
		rm -rf "$dir/debs"
		touch "$dir/.complete"
	fi
	echo "$dir/root/usr/src/$common"
}

case ${1:-} in
headers) headers "${2:?kernel}" ;;
resolve) resolve "${2:?kernel}" ;;
fetch) fetch "${2:?kernel}" ;;
build) build "${2:?kernel}" "${3:?source dir}" "${4:-}" ;;
*) die "usage: kernel.sh resolve|fetch|headers|build KERNEL ..." ;;
esac
