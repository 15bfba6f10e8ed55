; A second source for asm2flat's example: a function and some zeroed data.
bits 64

section .text
global twice
twice:
	lea rax, [rdi + rdi]
	ret

section .bss
scratch:	resb 64
