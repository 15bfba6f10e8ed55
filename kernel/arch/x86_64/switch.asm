; Switching between kernel stacks, and the first return of a new process to user mode.
;
; arch_context_switch(uint64_t *save, uint64_t next) saves the registers the System V ABI
; asks a callee to keep (rbx, rbp, r12-r15) on the current stack, stores the stack pointer
; in *save and resumes the context whose stack pointer is next. Everything else is saved
; by the C code that calls it (it is a function call, so the compiler already assumes the
; other registers are lost).
;
; A new context (arch_context_new in context.c) is a struct trap_frame of the user state
; at the top of a fresh kernel stack, with a switch frame below it whose return address is
; context_first_entry: the first switch to it "returns" there, which leaves through iretq
; as an interrupt from user mode would.

%include "trapframe.inc"

extern trap_user_return

global arch_context_switch
global context_first_entry
global kthread_entry

section .text
bits 64

arch_context_switch:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

context_first_entry:
	call trap_user_return			; a process killed before it ever ran goes now
	TRAPFRAME_POP
	add rsp, 16				; vector and error code
	iretq

; A kernel thread's first switch (arch_kthread_new) "returns" here with its function in rbx
; and rsp at the 16-aligned top of its stack, as the System V ABI wants before a call.
kthread_entry:
	sti
	call rbx
	ud2					; its function must not return

section .note.GNU-stack noalloc noexec nowrite progbits
