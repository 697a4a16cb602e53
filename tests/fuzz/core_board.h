/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The board the core-level fuzzers run the hypervisor on: 8 MiB of "RAM"
 * whose last MiB plays the carve-out, a page pool, page ownership, the
 * host's stage-2 and the VM table, as boot sets them up.
 */
#ifndef GZVM_FUZZ_CORE_BOARD_H
#define GZVM_FUZZ_CORE_BOARD_H

#include <hyp/types.h>

#define FUZZ_RAM_SIZE	(8ULL << 20)
#define FUZZ_HYP_SIZE	(1ULL << 20)
#define FUZZ_PG		4096ULL

/* The RAM, set up on the first call; later calls return the same. */
u8 *fuzz_board_ram(void);
/* Pages of the pool in use right after the set-up: what every input must leave. */
u64 fuzz_board_pool_baseline(void);

#endif
