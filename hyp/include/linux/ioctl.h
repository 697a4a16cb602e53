/* SPDX-License-Identifier: GPL-2.0-only */
/* ioctl numbers are never used at EL2; the macros only need to expand. */
#ifndef HYP_LINUX_IOCTL_H
#define HYP_LINUX_IOCTL_H

#define _IOC(dir, type, nr, size) \
	(((dir) << 30) | ((size) << 16) | ((type) << 8) | (nr))
#define _IO(type, nr)		_IOC(0U, (type), (nr), 0U)
#define _IOW(type, nr, t)	_IOC(1U, (type), (nr), sizeof(t))
#define _IOR(type, nr, t)	_IOC(2U, (type), (nr), sizeof(t))
#define _IOWR(type, nr, t)	_IOC(3U, (type), (nr), sizeof(t))

#endif
