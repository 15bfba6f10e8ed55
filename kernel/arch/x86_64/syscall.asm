; The system call entry (DESIGN.md, "System call ABI"). The syscall instruction (Intel SDM
; 2B, SYSCALL) jumps here in ring 0 with the user's rip in rcx, its rflags in r11, the
; flags of MSR_FMASK cleared (interrupts among them) and the user's stack still in rsp.
; We move to the running process's kernel stack, save the user's state as a struct
; trap_frame (x86_64.h) with vector VEC_SYSCALL, so that everything after this sees the
; same frame an interrupt would have made, and call syscall_trap (syscall.c).

%include "layout.inc"
%include "trapframe.inc"

extern syscall_trap

global syscall_entry
global syscall_kernel_rsp

section .bss
align 8
syscall_kernel_rsp:	resq 1		; the running process's kernel stack top (arch_set_kernel_stack)
syscall_user_rsp:	resq 1		; scratch: one CPU, and interrupts are off until it is saved

section .text
bits 64

syscall_entry:
	mov [rel syscall_user_rsp], rsp
	mov rsp, [rel syscall_kernel_rsp]
	push SEL_USER_SS			; the frame an interrupt from ring 3 would push
	push qword [rel syscall_user_rsp]
	push r11				; rflags
	push SEL_USER_CS
	push rcx				; rip
	push 0					; error code
	push VEC_SYSCALL
	TRAPFRAME_PUSH
	mov rdi, rsp				; 22 words on a 16-aligned top: 16-aligned again
	sti					; a system call can be interrupted, and may block
	call syscall_trap
	cli
	TRAPFRAME_POP
	add rsp, 16				; vector and error code
	; sysret loads rip from rcx. On Intel CPUs a non-canonical rcx makes sysret fault in
	; ring 0 with the user's rsp already loaded (SDM 2B, SYSRET, "#GP(0) if RCX is not
	; canonical"), which would hand the user a kernel stack of its choosing. syscall_trap
	; kills a process whose return address is outside user space before we get here;
	; this check is the last line: such a frame leaves through iretq, which faults
	; cleanly in the context of the process instead.
	mov rcx, [rsp]
	shr rcx, 47
	jnz .iret
	pop rcx					; rip
	add rsp, 8				; cs
	pop r11					; rflags
	pop rsp					; the user's stack: nothing touches the kernel's after this
	o64 sysret
.iret:
	iretq

section .note.GNU-stack noalloc noexec nowrite progbits
