# A guest's stage-2 aborts against a model of the Arm ARM's syndrome (fuzz_mmio.c).
include $(ROOT)/tests/hyp_core.mk
SRCS_fuzz_mmio := $(HYP_CORE_SRCS) tests/fuzz/arch_fake.c tests/fuzz/core_board.c
