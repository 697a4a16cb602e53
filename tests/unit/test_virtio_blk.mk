# virtio-blk on a temporary image, through the real transport (fake backend)
SRCS_test_virtio_blk := vmm/virtio_blk.c vmm/virtio_mmio.c vmm/virtio_io.c vmm/virtqueue.c vmm/mmio.c
LDLIBS_test_virtio_blk := -lpthread
