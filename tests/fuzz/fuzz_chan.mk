# Message channels against a model of their contract (fuzz_chan.c).
include $(ROOT)/tests/hyp_core.mk
SRCS_fuzz_chan := $(HYP_CORE_SRCS) tests/fuzz/arch_fake.c tests/fuzz/core_board.c
