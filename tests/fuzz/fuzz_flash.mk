# vmm/flash.c (the CFI flash of gzvm-run --bios) and vmm/insn.c (loads and
# stores without syndrome) against arbitrary guest accesses (fuzz_flash.c)
SRCS_fuzz_flash := vmm/flash.c vmm/insn.c
