/* SPDX-License-Identifier: GPL-2.0-only */
/* The unit tests' board: fake host RAM, pool and VMs (hyp_board.c). */
#ifndef GZVM_TESTS_HYP_BOARD_H
#define GZVM_TESTS_HYP_BOARD_H

#include <gzvm/hvc.h>
#include <hyp/smccc.h>
#include <hyp/types.h>

#define RAM_SIZE	(16ULL << 20)
#define POOL_SIZE	(8ULL << 20)
#define PG		4096ULL
#define GUEST_RAM	0x80000000ULL

extern u8 *ram;			/* host RAM, RAM_SIZE bytes */
extern u64 ram_base;		/* its physical address (= its address here) */
extern u64 pool_baseline;	/* pool pages in use once the board is up */

u64 ram_pa(u64 off);
/* cmocka setup / teardown: a fresh board for each test */
int board_setup(void **state);
int board_teardown(void **state);

/* A host hypercall of function number fn. */
struct smccc_regs call(u32 fn, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);
s64 status(struct smccc_regs r);
u16 new_vm(void);
void destroy_all(u16 vm);
/* A SET_MEMREGION buffer in fake host RAM at offset off. */
struct gzvm_memory_region_ranges *region_buf(u64 off);
/* Register slot of pages pages at gpa (the buffer is at RAM offset 0). */
s64 register_slot(u16 vm, u32 slot, u64 gpa, u64 pages);

#endif
