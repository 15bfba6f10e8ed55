; Prints DIGIT ten times, pausing between them so that another program running at the
; same time interleaves its output with this one's: the classic first test of a
; preemptive scheduler. Built twice by asm2flat: as `ones` with -D DIGIT='"1"' and as
; `twos` with -D DIGIT='"2"'.
bits 64
%include "sys.inc"

%ifndef DIGIT
%error "assemble with -D DIGIT='\"1\"' (or another character)"
%endif

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
digit:		db DIGIT
newline:	db 10
