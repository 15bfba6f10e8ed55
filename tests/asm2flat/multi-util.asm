; The second object of the multi-main.asm program: it calls back into the first, reads the
; third's data, and overrides the third's weak data_weak with its own.
bits 64
default rel

global util_sum, util_table, data_weak
extern main_counter, main_hook, data_words

section .text
util_sum:
	mov rax, [main_counter]		; R_X86_64_PC32, back into the first object
	add rax, [data_words]
	call main_hook
	ret

section .rodata align=16
util_table: dq util_sum, main_hook
	dd main_counter			; R_X86_64_32
	db 9

section .data
data_weak: dw 0x5555			; beats the weak one in multi-data.asm
	db 1

section .bss
alignb 4096
util_page: resb 4096
	resb 1
