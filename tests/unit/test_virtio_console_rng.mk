# virtio-console on pipes and a pty, virtio-rng, through the transport and the I/O thread
SRCS_test_virtio_console_rng := vmm/virtio_console.c vmm/virtio_rng.c vmm/virtio_mmio.c \
	vmm/virtio_io.c vmm/virtqueue.c vmm/mmio.c
LDLIBS_test_virtio_console_rng := -lpthread
