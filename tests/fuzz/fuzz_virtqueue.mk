# vmm/virtqueue.c against arbitrary guest memory (fuzz_virtqueue.c)
SRCS_fuzz_virtqueue := vmm/virtqueue.c
