; The first of three objects of one program (with multi-util.asm and multi-data.asm): code
; and data refer to each other in both directions, with every relocation type asm2flat
; applies, and to the symbols ld's script defines. Built with -I (for multi.inc) and
; -D EXIT_CODE=..., which must reach NASM.
%include "multi.inc"
bits 64
default rel

global _start, main_counter, main_hook
extern util_sum, util_table, data_words, data_weak, DATA_MAGIC
extern _end, _edata, __bss_start, _etext, end
extern missing_weak:weak

section .text
_start:
	call util_sum			; R_X86_64_PC32, forward to another object
	call util_sum wrt ..plt		; R_X86_64_PLT32
	lea rdi, [util_table]		; R_X86_64_PC32 into another object's .rodata
	mov eax, [abs main_counter]	; R_X86_64_32S
	mov rbx, data_words		; R_X86_64_64
	mov ecx, DATA_MAGIC		; R_X86_64_32 of an absolute symbol
	mov rdx, _end			; ld's symbols
	mov rsi, missing_weak		; an undefined weak symbol is 0
	mov eax, EXIT_CODE		; from -D
	ret
main_hook:
	ret

section .rodata
main_name: db MAIN_NAME, 0		; 5 bytes

section .data
align 16
main_counter: dq 0
main_refs: dq util_sum, data_weak, _etext, _edata, __bss_start, end
	dd data_words - $		; R_X86_64_PC32 in data, to another object

section .bss
main_buf: resb 7
