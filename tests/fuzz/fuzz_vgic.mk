# The vGICv3 model on its own (fuzz_vgic.c).
SRCS_fuzz_vgic := hyp/core/vgic.c
