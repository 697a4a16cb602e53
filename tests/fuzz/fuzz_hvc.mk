# The hypercall interface over the generic hypervisor core (fuzz_hvc.c).
include $(ROOT)/tests/hyp_core.mk
SRCS_fuzz_hvc := $(HYP_CORE_SRCS) tests/fuzz/arch_fake.c tests/fuzz/core_board.c
