# the virtio-mmio transport, its I/O thread and the MMIO bus, on a fake backend
SRCS_test_virtio_mmio := vmm/virtio_mmio.c vmm/virtio_io.c vmm/virtqueue.c vmm/mmio.c
LDLIBS_test_virtio_mmio := -lpthread
