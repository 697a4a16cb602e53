# The generic hypervisor core and the host-testable arm64 pieces it calls,
# as the unit tests and the fuzzers build them (paths from the repository
# root); each adds its own fake architecture.
HYP_CORE_SRCS := hyp/core/hypercall.c hyp/core/psci_relay.c hyp/core/smccc.c \
		 hyp/core/cpu.c hyp/core/log.c hyp/lib/printf.c hyp/core/vm.c \
		 hyp/core/vm_hvc.c hyp/core/vcpu.c hyp/core/guest_psci.c hyp/core/vgic.c \
		 hyp/core/mem_owner.c hyp/core/host_s2.c hyp/core/page_alloc.c hyp/arch/arm64/pgtable.c \
		 hyp/arch/arm64/guest_exit.c hyp/arch/arm64/guest_regs.c hyp/core/payload.c \
		 hyp/lib/sha256.c hyp/lib/sha512.c hyp/lib/ed25519.c hyp/lib/fdt.c \
		 hyp/core/channel.c
