; The entry point of every C program. The kernel enters _start with the System V initial
; stack: argc at [rsp], the argv pointers from rsp+8, ending in a NULL, then the envp
; pointers, ending in a NULL. _start aligns the stack to 16 bytes, as the ABI requires at
; a call (SSE code relies on it), and hands over to start() in start.c, which calls main
; and exits with what it returns.

bits 64
default rel

section .text
global _start
extern start

_start:
	xor ebp, ebp		; the outermost frame, for debuggers
	mov rdi, [rsp]		; argc
	lea rsi, [rsp + 8]	; argv
	lea rdx, [rsi + rdi * 8 + 8]	; envp, after argv's NULL
	and rsp, -16
	call start
	ud2			; start never returns

; No executable stack (the linker would otherwise assume one for this object).
section .note.GNU-stack noalloc noexec nowrite progbits
