# gzvm-run (vmm/) pieces that run without a VM: the CFI flash state machine
# and the A64 load/store decoder.  Built without the hypervisor's include
# path: they use the host's C library headers.
SRCS_test_vmm_flash := vmm/flash.c
SRCS_test_vmm_insn  := vmm/insn.c
$(BUILD)/obj/vmm/%.o: HYP_INC :=
$(BUILD)/obj/tests/unit/test_vmm_%.o: HYP_INC :=
