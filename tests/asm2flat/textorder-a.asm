; The first of two objects (with textorder-b.asm) whose sections ld gathers into its output
; sections in an order of its own: .text.unlikely (and *_unlikely), .text.exit,
; .text.startup, .text.hot, .text.sorted.* sorted by name, and only then .text, .text.* and
; .stub, each group in command-line order; .rodata.*, .data.* and .bss.* join
; .rodata, .data and .bss. Neither object has _start, since it would not come first.
bits 64

global a_text
extern b_func

section .text
a_text:	db 0xa1
section .text.sorted.b exec
	db 0xa2
section .text.hot exec align=32
	db 0xa3
section .text.unlikely exec
	db 0xa4
section .text.foo exec align=8
	db 0xa5
	call b_func

section .rodata.str align=1
	db "ab"
section .data.local align=2
	dd a_text
section .bss.small nobits alloc write align=2
	resb 1
