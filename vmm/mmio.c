// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO bus: a short table of devices, fixed once the vCPUs start (so
 * lookups take no lock; each device locks itself).
 */
#include <errno.h>
#include <string.h>

#include "vmm.h"

int mmio_register(struct vm *vm, const struct mmio_dev *dev)
{
	if (vm->nr_devs >= MAX_MMIO_DEVS)
		return -ENOSPC;
	for (int i = 0; i < vm->nr_devs; i++) {
		const struct mmio_dev *d = &vm->devs[i];

		if (dev->base < d->base + d->size && d->base < dev->base + dev->size)
			return -EEXIST;
	}
	vm->devs[vm->nr_devs++] = *dev;
	return 0;
}

bool mmio_access(struct vm *vm, uint64_t addr, uint32_t len, bool is_write, uint8_t *data)
{
	uint64_t v = 0;

	if (len == 0 || len > 8)
		return false;
	for (int i = 0; i < vm->nr_devs; i++) {
		const struct mmio_dev *d = &vm->devs[i];

		if (addr < d->base || addr - d->base >= d->size || len > d->size - (addr - d->base))
			continue;
		if (is_write) {
			memcpy(&v, data, len);	/* little-endian host and guest */
			d->write(d->opaque, addr - d->base, len, v);
		} else {
			v = d->read(d->opaque, addr - d->base, len);
			memcpy(data, &v, len);
		}
		return true;
	}
	if (!is_write)
		memset(data, 0, len);
	return false;
}
