// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm_chanprobe: a guest that tries channels it was not given.  At load
 * it calls GZVM_HVC_CHAN_SEND / RECV / INFO on every id below 2^14 that
 * its device tree does not name (every channel the hypervisor made since
 * boot has such an id: slot | generation << 6) and on `random` random
 * 64-bit ids, and on its own channels that are still open sends an
 * oversized message and messages from addresses that are not its memory.
 * Every call must fail with INVALID_PARAMETER (-3) and nothing may reach a
 * queue (a closed channel answers CLOSED first, so it is skipped); it prints one
 * line, "gzvm_chanprobe: OK ..." or "gzvm_chanprobe: FAILED ...", and
 * stays loaded (rmmod is harmless).
 */
#include <linux/arm-smccc.h>
#include <linux/bits.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/random.h>
#include <linux/slab.h>

#include <uapi/linux/gzvm.h>

#define PROBE_ID_RANGE		BIT(14)
#define MAX_OWN			8
#define GIC_DIST_IPA		0x08000000UL	/* gzvm-run's board (vmm/vmm.h) */

static unsigned int random_ids = 100000;
module_param_named(random, random_ids, uint, 0444);
MODULE_PARM_DESC(random, "random 64-bit ids to try");

static u32 own[MAX_OWN];
static unsigned int nr_own;

static void read_own_ids(void)
{
	struct device_node *np;

	for_each_compatible_node(np, NULL, "gzvm,channel") {
		if (nr_own < MAX_OWN &&
		    !of_property_read_u32(np, "gzvm,channel-id", &own[nr_own]))
			nr_own++;
	}
}

static bool is_own(u64 id)
{
	unsigned int i;

	for (i = 0; i < nr_own; i++) {
		if (own[i] == id)
			return true;
	}
	return false;
}

/* The three calls on id with buffer @buf: how many did not fail with -3. */
static unsigned int try_id(u64 id, phys_addr_t buf)
{
	static const u32 fids[] = { GZVM_HVC_CHAN_SEND, GZVM_HVC_CHAN_RECV,
				    GZVM_HVC_CHAN_INFO };
	struct arm_smccc_res res;
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(fids); i++) {
		arm_smccc_1_1_hvc(fids[i], id, buf, 16, &res);
		if ((long)res.a0 != SMCCC_RET_INVALID_PARAMETER)
			bad++;
	}
	return bad;
}

/* A SEND of len bytes from addr on own channel id that must fail with -3. */
static unsigned int try_bad_send(u32 id, unsigned long addr, unsigned long len)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GZVM_HVC_CHAN_SEND, id, addr, len, &res);
	if ((long)res.a0 == SMCCC_RET_INVALID_PARAMETER)
		return 0;
	pr_info("gzvm_chanprobe: channel %u: SEND of %lu bytes from %#lx: %ld, not -3\n",
		id, len, addr, (long)res.a0);
	return 1;
}

/*
 * Sends on an own channel that must be refused: too long, or not from
 * guest memory.  A closed channel answers CLOSED to every send first: it
 * is skipped (*open not counted).
 */
static unsigned int try_bad_sends(u32 id, phys_addr_t buf, unsigned int *open)
{
	struct arm_smccc_res res;
	unsigned long msg_size;

	arm_smccc_1_1_hvc(GZVM_HVC_CHAN_INFO, id, 0, 0, &res);
	if ((long)res.a0 == GZVM_CHAN_RET_CLOSED)
		return 0;
	(*open)++;
	msg_size = res.a3 & 0xffffffff;
	/* too long; from the GIC distributor's frame (a device); past the address space's end */
	return try_bad_send(id, buf, msg_size + 1) +
	       try_bad_send(id, GIC_DIST_IPA, 16) +
	       try_bad_send(id, ~0UL - 8, 16);
}

static int __init chanprobe_init(void)
{
	unsigned int bad_range = 0, bad_random = 0, bad_own = 0, tried = 0, open = 0, i;
	void *buf = kzalloc(GZVM_CHANNEL_MAX_MSG_SIZE + 1, GFP_KERNEL);
	phys_addr_t pa;

	if (!buf)
		return -ENOMEM;
	pa = virt_to_phys(buf);
	read_own_ids();
	for (i = 0; i < PROBE_ID_RANGE; i++) {
		if (!is_own(i)) {
			bad_range += try_id(i, pa);
			tried++;
		}
		cond_resched();
	}
	for (i = 0; i < random_ids; i++) {
		u64 id = get_random_u64() >> (i % 48);

		if (!is_own(id)) {
			bad_random += try_id(id, pa);
			tried++;
		}
		cond_resched();
	}
	for (i = 0; i < nr_own; i++)
		bad_own += try_bad_sends(own[i], pa, &open);
	kfree(buf);
	pr_info("gzvm_chanprobe: %s: %u own channels; %u ids (all others below %lu, %u random) refused %u of %u calls; %u of %u bad sends on the %u open own channels refused\n",
		bad_range || bad_random || bad_own || !open ? "FAILED" : "OK",
		nr_own, tried, PROBE_ID_RANGE, random_ids,
		3 * tried - bad_range - bad_random, 3 * tried,
		3 * open - bad_own, 3 * open, open);
	return 0;
}

static void __exit chanprobe_exit(void)
{
}

module_init(chanprobe_init);
module_exit(chanprobe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("gzvm guest test: channels it was not given");
