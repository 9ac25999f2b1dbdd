#!/usr/bin/env bash
# scripts/lib/in_chroot.sh ROOT CMD... - run CMD as root inside the chroot
# ROOT, in a private mount namespace with /proc and a tmpfs /dev/shm mounted
# and each folder of DF_CHROOT_BINDS (space separated) bind-mounted at the
# same path inside; the working folder inside is DF_CHROOT_CWD (default /).
# Everything mounted is unmounted when CMD ends, whatever its status (and
# the kernel drops the namespace's mounts if this script is killed).  The
# host's network is shared.  Exit status: CMD's.
#
# A script rather than a function of chroot.sh, so that df_run can start it
# in its own session.

set -u
if [ "${DF_IN_CHROOT_NS:-}" != "$$" ]; then
	# re-run ourselves in a new mount namespace (same pid: exec)
	export DF_IN_CHROOT_NS=$$
	exec unshare --mount --propagation private -- bash "$0" "$@"
fi
unset DF_IN_CHROOT_NS

root=$1
shift
mounted=
cleanup() {
	local m
	for m in $mounted; do
		umount -l "$m" 2>/dev/null
	done
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

mount -t proc proc "$root/proc" && mounted="$root/proc" || exit 1
mkdir -p "$root/dev/shm"
mount -t tmpfs -o mode=1777,size=512m shm "$root/dev/shm" && mounted="$root/dev/shm $mounted" || exit 1
for d in ${DF_CHROOT_BINDS:-}; do
	mkdir -p "$root$d" && mount --bind "$d" "$root$d" && mounted="$root$d $mounted" || exit 1
done
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
# not exec: the trap unmounts after CMD
chroot "$root" /bin/sh -c 'cd "$0" && exec "$@"' "${DF_CHROOT_CWD:-/}" "$@"
