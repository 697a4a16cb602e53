/* SPDX-License-Identifier: GPL-2.0 */
/* The C guest image (guest/, linked at 0x80000000) as guest_c_start/_end. */
	.section .rodata.guest_c, "a"
	.balign	4096
	.global	guest_c_start
guest_c_start:
	.incbin	GUEST_BIN
	.global	guest_c_end
guest_c_end:
	.previous
	.section .note.GNU-stack, "", %progbits
