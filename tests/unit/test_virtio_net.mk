# virtio-net on a socket pair standing in for the tap, through the real transport and I/O thread
SRCS_test_virtio_net := vmm/virtio_net.c vmm/virtio_mmio.c vmm/virtio_io.c vmm/virtqueue.c vmm/mmio.c
LDLIBS_test_virtio_net := -lpthread -Wl,--wrap=readv
# the VMM's code with the system's <linux/*.h> (if_tun.h), not the hypervisor's linux/types.h
$(BUILD)/obj/vmm/virtio_net.o: HYP_INC :=
