; The second of the two objects of textorder-a.asm, with the other groups of .text input
; sections ld orders, and a .bss.* section that has contents.
bits 64

global b_func
extern a_text

section .text
b_func:	jmp a_text
section .text.startup exec
	db 0xb1
section .text.sorted.a exec
	db 0xb2
section .text.exit exec
	db 0xb3
section .text.cold_unlikely exec
	db 0xb4
section .stub exec
	db 0xb5

section .rodata
	db 1
section .bss.init progbits alloc write align=16
	dq a_text
