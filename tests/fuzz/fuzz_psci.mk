# The host SMC filter and the PSCI relay (fuzz_psci.c).
SRCS_fuzz_psci := hyp/core/psci_relay.c hyp/core/smccc.c hyp/core/cpu.c hyp/core/log.c hyp/lib/printf.c
