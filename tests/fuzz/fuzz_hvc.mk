# The hypercall interface over the generic hypervisor core (fuzz_hvc.c).
SRCS_fuzz_hvc := hyp/core/hypercall.c hyp/core/psci_relay.c hyp/core/smccc.c \
		 hyp/core/cpu.c hyp/core/log.c hyp/lib/printf.c hyp/core/vm.c \
		 hyp/core/vm_hvc.c hyp/core/vcpu.c hyp/core/guest_psci.c hyp/core/mem_owner.c \
		 hyp/core/page_alloc.c hyp/arch/arm64/pgtable.c \
		 hyp/arch/arm64/guest_exit.c hyp/arch/arm64/guest_regs.c \
		 tests/fuzz/arch_fake.c
