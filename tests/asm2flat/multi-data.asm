; The third object of the multi-main.asm program: data only, a weak symbol that another
; object overrides, an absolute symbol, and an empty section whose alignment still moves
; what follows it, as ld lays it out.
bits 64

global data_words, data_weak:weak, DATA_MAGIC
extern util_table

DATA_MAGIC equ 0x12345678

section .text
	nop

section .rodata align=64

section .data align=8
data_words: dw 1, 2, 3
data_weak: dq 1
	dq util_table

section .bss align=16
	resb 3
