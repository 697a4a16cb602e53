# The translation-table code on its own (fuzz_pgtable.c).
SRCS_fuzz_pgtable := hyp/arch/arm64/pgtable.c
