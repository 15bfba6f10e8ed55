; Prints "1" ten times, pausing between them so that another program running at the
; same time interleaves its output with this one's: the classic first test of a
; preemptive scheduler. Assembled by asm2flat into a flat binary.
bits 64
%include "sys.inc"

section .text
global _start
_start:
	mov ebx, 10
.again:
	sys_write digit, 1
	sys_sleep 20
	dec ebx
	jnz .again
	sys_write newline, 1
	sys_exit 0

section .rodata
digit:		db "1"
newline:	db 10
