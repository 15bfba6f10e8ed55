; A one-file program with all four sections: RIP-relative data, absolute addresses of 64
; and 32 bits, .rodata and .data of odd sizes, and a page-aligned buffer in .bss. The tests
; never run it; they compare asm2flat's image of it with ld's and objcopy's.
bits 64
default rel

global _start

section .text
_start:
	lea rsi, [msg]			; R_X86_64_PC32
	mov edx, msg_len
	mov edi, 1
	mov eax, 1
	syscall
	mov rax, counter		; R_X86_64_64 (an imm64)
	inc qword [rax]
	mov ecx, page			; R_X86_64_32
	mov dword [abs total], 3	; R_X86_64_32S
	mov [last], rsi			; R_X86_64_PC32, into .bss
	mov eax, 60
	xor edi, edi
	syscall

section .rodata
msg:	db "hello, world", 10		; 13 bytes
msg_len	equ $ - msg

section .data
counter: dq 0
table:	dq msg, counter			; R_X86_64_64
	dd page				; R_X86_64_32
	db 1, 2, 3			; leaves .data at an odd size

section .bss
total:	resd 1
last:	resq 1
	resb 5
alignb 4096
page:	resb 4096 + 3
