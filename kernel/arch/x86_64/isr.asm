; Entry points of the 32 exceptions and 16 PIC interrupts. Each pushes an error code (the
; CPU's, or 0 where the CPU pushes none: Intel SDM 3A 6.13) and its vector, then the common
; path saves every general register as a struct trap_frame (x86_64.h) and calls trap_dispatch.

%include "layout.inc"
%include "trapframe.inc"

extern trap_dispatch

section .text
bits 64

; Vectors for which the CPU pushes an error code (Intel SDM 3A 6.15, table 6-1).
%define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro VECTOR 1
align 16
isr_%1:
%if !HAS_ERROR(%1)
	push 0
%endif
	push %1
	jmp trap_common
%endmacro

%assign v 0
%rep 48
	VECTOR v
%assign v v + 1
%endrep

trap_common:
	TRAPFRAME_PUSH
	; The CPU aligned RSP to 16 before its 5 words; with our 17 the call sees RSP 16-aligned.
	mov rdi, rsp
	cld
	call trap_dispatch
	TRAPFRAME_POP
	add rsp, 16				; vector and error code
	iretq

; The table idt.c builds its gates from.
section .rodata
global isr_table
align 8
isr_table:
%assign v 0
%rep 48
	dq isr_ %+ v
%assign v v + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
