# vmm/virtqueue.c on the build machine (it depends on neither the VM nor arm64)
SRCS_test_virtqueue := vmm/virtqueue.c
