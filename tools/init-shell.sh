#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the interactive host initramfs (make run, make run-host). Runs
# after the preamble of tools/mkinitramfs.sh has mounted /proc, /sys and
# /dev. With /lib/gzvm/run.conf saying GZVM_RUN_GUEST=1 (make run), it
# boots the Linux guest at once (/lib/gzvm/run-guest.sh) and gives the
# host shell when the guest ends; otherwise the host shell straight away.
# Leave QEMU with Ctrl-a x.

hostname gzvm-host
GZVM_RUN_GUEST=0
GZVM_GUEST_ARGS=
# shellcheck disable=SC1091
[ -f /lib/gzvm/run.conf ] && . /lib/gzvm/run.conf

# tun and vhost_vsock, for the VMM's virtio-net and vsock
[ -x /lib/gzvm/load-modules ] && /lib/gzvm/load-modules

echo
echo "gzvm host: $(uname -r), $(nproc) CPUs online; files in /lib/gzvm:"
ls /lib/gzvm 2>/dev/null

if [ "$GZVM_RUN_GUEST" = 1 ] && [ -x /lib/gzvm/run-guest.sh ]; then
	cat <<'EOF'

============================================================================
 gzvm demo: hypervisor (EL2) -> host Linux -> gzvm-run -> guest Linux
 The guest's disk (virtio-blk, ext4) is mounted on /mnt in the guest.
 Keys:
   poweroff           in the guest: back to the host's shell
   Ctrl-a Ctrl-a x    gzvm-run quits (QEMU passes one Ctrl-a on): back to
                      the host's shell
   Ctrl-a x           leave QEMU altogether
 In the host, /lib/gzvm/run-guest.sh [--cpus N] boots the guest again.
============================================================================

EOF
	# shellcheck disable=SC2086
	setsid cttyhack /lib/gzvm/run-guest.sh $GZVM_GUEST_ARGS
	echo "gzvm host: the guest ended (gzvm-run exit status $?); this is the host's shell"
fi

[ -x /lib/gzvm/run-guest.sh ] &&
	echo "/lib/gzvm/run-guest.sh [--cpus N] boots a Linux guest with gzvm-run (--help for more)"
echo "(poweroff -f to shut down; Ctrl-a x leaves QEMU)"

while :; do
	# cttyhack gives the shell a controlling terminal (job control, Ctrl-C)
	setsid cttyhack sh -l
	echo "shell exited; starting a new one (poweroff -f to stop)"
done
