// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/virtio_blk.c on a temporary raw image, driven through the real
 * transport (register file, rings in a fake guest RAM): config space and
 * features, reads and writes of one or several segments against the
 * file's content, requests past the end or not in whole sectors (IOERR,
 * never a short read reported as success, also when the file shrank),
 * writes to a read-only disk, FLUSH, GET_ID, unknown types, and chains in
 * the wrong direction (NEEDS_RESET).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vq_guest.h"
#include "../../vmm/vmm.h"

#define SECTORS		128
#define HDR_GPA		(G_DATA)
#define BUF_GPA		(G_DATA + 0x1000)
#define STATUS_GPA	(G_DATA + 0x8000)
#define T_IN		0
#define T_OUT		1
#define T_FLUSH		4
#define T_GET_ID	8
#define S_OK		0
#define S_IOERR		1
#define S_UNSUPP	2

void vmm_log(const char *fmt, ...) { (void)fmt; }
void vmm_err(const char *fmt, ...) { (void)fmt; }
void vmm_dbg(struct vm *vm, const char *fmt, ...) { (void)vm; (void)fmt; }

static int fake_irq_line(struct vm *vm, uint32_t spi, int level)
{
	(void)vm, (void)spi, (void)level;
	return 0;
}

static const struct backend fake_be = { .name = "fake", .irq_line = fake_irq_line };

static struct config cfg;
static struct vm vm;
static struct vq_guest g;
static struct virtio_dev *dev;
static char path[64];
static uint8_t file[SECTORS * 512];
static uint16_t next_desc;

static void wr(uint64_t off, uint32_t v)
{
	virtio_mmio_write(dev, off, 4, v);
}

static uint32_t rd(uint64_t off)
{
	return (uint32_t)virtio_mmio_read(dev, off, 4);
}

/* Create the image and the device; the driver brings it up with indirect descriptors. */
static void make_disk(const char *suffix)
{
	char spec[80];
	int fd;

	memset(&vm, 0, sizeof(vm));
	vm.be = &fake_be;
	vm.cfg = &cfg;
	g_init(&g, 16);
	vm.nr_slots = 1;
	vm.slots[0] = (struct mem_slot){ .gpa = G_BASE, .size = G_SIZE, .hva = g.ram };
	for (size_t i = 0; i < sizeof(file); i++)
		file[i] = (uint8_t)(i * 7 + i / 512);
	strcpy(path, "/tmp/test-virtio-blk-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, file, sizeof(file)), sizeof(file));
	close(fd);
	snprintf(spec, sizeof(spec), "%s%s", path, suffix);
	assert_int_equal(virtio_blk_create(&vm, spec), 0);
	dev = vm.virtio[0];

	wr(0x70, 3);
	wr(0x24, 1);
	wr(0x20, 1);	/* VERSION_1 */
	wr(0x70, 11);
	assert_int_equal(rd(0x70), 11);
	wr(0x30, 0);
	wr(0x38, 16);
	wr(0x80, (uint32_t)G_DESC);
	wr(0x84, (uint32_t)(G_DESC >> 32));
	wr(0x90, (uint32_t)G_AVAIL);
	wr(0xa0, (uint32_t)G_USED);
	wr(0x44, 1);
	wr(0x70, 15);
	assert_int_equal(rd(0x70), 15);
}

static int teardown(void **state)
{
	(void)state;
	virtio_io_stop(&vm);
	virtio_mmio_destroy_all(&vm);
	unlink(path);
	g_free(&g);
	return 0;
}

static void read_file(uint8_t *buf)
{
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(file), f), sizeof(file));
	fclose(f);
}

/* ---- building requests ---- */

static uint16_t desc(uint64_t addr, uint32_t len, uint16_t flags)
{
	uint16_t i = next_desc++;

	g_desc(&g, i, addr, len, flags, (uint16_t)(i + 1));
	return i;
}

static void set_header(uint32_t type, uint64_t sector)
{
	uint8_t *h = g_ptr(&g, HDR_GPA);

	memcpy(h, &type, 4);
	memset(h + 4, 0, 4);
	memcpy(h + 8, &sector, 8);
}

/* chain: header, then `n` data segments of seg bytes from BUF_GPA, then status */
static void request(uint32_t type, uint64_t sector, int n, uint32_t seg, bool data_writable)
{
	uint16_t head;

	next_desc = 0;
	set_header(type, sector);
	head = desc(HDR_GPA, 16, VIRTQ_DESC_F_NEXT);
	for (int i = 0; i < n; i++)
		desc(BUF_GPA + (uint64_t)i * seg, seg,
		     VIRTQ_DESC_F_NEXT | (data_writable ? VIRTQ_DESC_F_WRITE : 0));
	desc(STATUS_GPA, 1, VIRTQ_DESC_F_WRITE);
	g_desc(&g, (uint16_t)(next_desc - 1), STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
	*(uint8_t *)g_ptr(&g, STATUS_GPA) = 0xff;
	g_avail(&g, head);
}

static void serve(void)
{
	pthread_mutex_lock(&dev->lock);
	if (virtio_queue_live(dev, 0))
		dev->ops->queue_notify(dev, 0);
	pthread_mutex_unlock(&dev->lock);
}

static uint8_t status(void)
{
	return *(uint8_t *)g_ptr(&g, STATUS_GPA);
}

static uint32_t last_used_len(void)
{
	uint32_t id, len;

	g_used_elem(&g, (uint16_t)((g_used_idx(&g) - 1) % 16), &id, &len);
	return len;
}

/* ---- tests ---- */

static void test_config_and_features(void **state)
{
	uint64_t cap = 0;

	(void)state;
	make_disk("");
	cap = virtio_mmio_read(dev, 0x100, 8);
	assert_int_equal(cap, SECTORS);
	assert_int_equal(virtio_mmio_read(dev, 0x100 + 12, 4), 254);	/* seg_max */
	assert_int_equal(virtio_mmio_read(dev, 0x100 + 20, 4), 512);	/* blk_size */
	wr(0x14, 0);
	assert_int_equal(rd(0x10), (1U << 2) | (1U << 6) | (1U << 9) | (1U << 28));
	assert_int_equal(rd(0x08), VIRTIO_ID_BLOCK);
}

static void test_read_only_feature(void **state)
{
	(void)state;
	make_disk(",ro");
	wr(0x14, 0);
	assert_true(rd(0x10) & (1U << 5));
}

static void test_read(void **state)
{
	(void)state;
	make_disk("");
	request(T_IN, 2, 1, 1024, true);
	serve();
	assert_int_equal(g_used_idx(&g), 1);
	assert_int_equal(status(), S_OK);
	assert_int_equal(last_used_len(), 1025);
	assert_memory_equal(g_ptr(&g, BUF_GPA), file + 2 * 512, 1024);
}

static void test_read_several_segments(void **state)
{
	(void)state;
	make_disk("");
	request(T_IN, 10, 5, 1024, true);
	serve();
	assert_int_equal(status(), S_OK);
	assert_memory_equal(g_ptr(&g, BUF_GPA), file + 10 * 512, 5 * 1024);
}

static void test_write(void **state)
{
	uint8_t now[sizeof(file)];

	(void)state;
	make_disk("");
	memset(g_ptr(&g, BUF_GPA), 0x5a, 3 * 512);
	request(T_OUT, 100, 3, 512, false);
	serve();
	assert_int_equal(status(), S_OK);
	assert_int_equal(last_used_len(), 1);
	read_file(now);
	memset(file + 100 * 512, 0x5a, 3 * 512);
	assert_memory_equal(now, file, sizeof(file));
}

static void test_past_the_end(void **state)
{
	static const uint64_t sectors[] = { SECTORS - 1, SECTORS, SECTORS + 1, UINT64_MAX,
					    UINT64_MAX / 512 + 1 };

	(void)state;
	make_disk("");
	for (size_t i = 0; i < sizeof(sectors) / sizeof(sectors[0]); i++) {
		request(T_IN, sectors[i], 1, 1024, true);
		serve();
		assert_int_equal(status(), S_IOERR);
		assert_int_equal(last_used_len(), 1);
		request(T_OUT, sectors[i], 1, 1024, false);
		serve();
		assert_int_equal(status(), S_IOERR);
	}
	/* the last sector itself is fine */
	request(T_IN, SECTORS - 1, 1, 512, true);
	serve();
	assert_int_equal(status(), S_OK);
	assert_false(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
}

static void test_not_whole_sectors(void **state)
{
	(void)state;
	make_disk("");
	request(T_IN, 0, 1, 100, true);
	serve();
	assert_int_equal(status(), S_IOERR);
	request(T_OUT, 0, 1, 513, false);
	serve();
	assert_int_equal(status(), S_IOERR);
}

static void test_file_shrank(void **state)
{
	(void)state;
	make_disk("");
	assert_int_equal(truncate(path, 64 * 512), 0);
	request(T_IN, 60, 1, 8 * 512, true);	/* half of it is gone */
	serve();
	assert_int_equal(status(), S_IOERR);
}

static void test_write_to_read_only_disk(void **state)
{
	uint8_t now[sizeof(file)];

	(void)state;
	make_disk(",ro");
	memset(g_ptr(&g, BUF_GPA), 0xee, 512);
	request(T_OUT, 0, 1, 512, false);
	serve();
	assert_int_equal(status(), S_IOERR);
	read_file(now);
	assert_memory_equal(now, file, sizeof(file));
	request(T_IN, 0, 1, 512, true);	/* reads still work */
	serve();
	assert_int_equal(status(), S_OK);
}

static void test_flush_get_id_unknown(void **state)
{
	const char *base = strrchr(path, '/') + 1;	/* 22 characters: cut at 20 */

	(void)state;
	make_disk("");
	request(T_FLUSH, 0, 0, 0, false);
	serve();
	assert_int_equal(status(), S_OK);

	memset(g_ptr(&g, BUF_GPA), 'x', 20);
	request(T_GET_ID, 0, 1, 20, true);
	serve();
	assert_int_equal(status(), S_OK);
	assert_int_equal(strlen(base), 22);
	assert_memory_equal(g_ptr(&g, BUF_GPA), base, 20);
	assert_int_equal(last_used_len(), 21);

	request(11, 0, 0, 0, false);	/* DISCARD: not offered */
	serve();
	assert_int_equal(status(), S_UNSUPP);
	assert_int_equal(g_used_idx(&g), 3);
}

static void test_read_into_readable_buffer_needs_reset(void **state)
{
	(void)state;
	make_disk("");
	request(T_IN, 0, 1, 512, false);	/* data device-readable */
	serve();
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(0x60), VIRTIO_INT_CONFIG);
	assert_int_equal(g_used_idx(&g), 0);
}

static void test_write_from_writable_buffer_needs_reset(void **state)
{
	(void)state;
	make_disk("");
	request(T_OUT, 0, 1, 512, true);	/* data device-writable */
	serve();
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
}

static void test_no_status_byte_needs_reset(void **state)
{
	(void)state;
	make_disk("");
	next_desc = 0;
	set_header(T_IN, 0);
	g_desc(&g, 0, HDR_GPA, 16, 0, 0);
	g_avail(&g, 0);
	serve();
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
}

static void test_bad_disk_specs(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.be = &fake_be;
	vm.cfg = &cfg;
	g_init(&g, 16);
	strcpy(path, "/nonexistent-gzvm-test");
	assert_int_equal(virtio_blk_create(&vm, "/nonexistent/disk.img"), -1);
	assert_int_equal(virtio_blk_create(&vm, ",ro"), -1);
	assert_int_equal(vm.nr_virtio, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(test_config_and_features),
		T(test_read_only_feature),
		T(test_read),
		T(test_read_several_segments),
		T(test_write),
		T(test_past_the_end),
		T(test_not_whole_sectors),
		T(test_file_shrank),
		T(test_write_to_read_only_disk),
		T(test_flush_get_id_unknown),
		T(test_read_into_readable_buffer_needs_reset),
		T(test_write_from_writable_buffer_needs_reset),
		T(test_no_status_byte_needs_reset),
		T(test_bad_disk_specs),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
