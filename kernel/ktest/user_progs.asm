; Tiny user programs for the process self-tests (proc_tests.c), as flat binaries: each
; lies between ktest_prog_NAME and ktest_prog_NAME_end in read-only data, and the tests
; copy it into the ramfs and spawn it. The code only uses rip-relative addresses, so it
; runs wherever it is loaded (0x400000). Numbers come from uapi/keel/syscall.h.

%include "syscall.inc"
%include "memlayout.inc"

%define EFAULT	14
%define ENOSYS	38
%define ENOMEM	12
%define ENOENT	2
%define EACCES	13
%define EBADF	9
%define ENOEXEC	8
%define BENCH_ITERATIONS	20000

section .rodata
bits 64

%macro PROG 1
global ktest_prog_%1, ktest_prog_%1_end
ktest_prog_%1:
%endmacro
%macro END 1
ktest_prog_%1_end:
%endmacro

%macro SYS 1
	mov eax, %1
	syscall
%endmacro

; exit(status) with status in edi
%macro EXIT_WITH 1
	mov edi, %1
	SYS SYS_exit
%endmacro

PROG exit42
	EXIT_WITH 42
END exit42

; Faults, one per program: the process must die with the matching signal.
PROG pf
	mov byte [abs 0x10], 1
	EXIT_WITH 0
END pf

PROG de
	xor ecx, ecx
	xor edx, edx
	mov eax, 1
	div ecx
	EXIT_WITH 0
END de

PROG ud
	ud2
END ud

PROG gp
	mov rax, 0x8000000000000000		; not canonical
	mov rax, [rax]
	EXIT_WITH 0
END gp

PROG kread
	mov rax, DIRECT_MAP_BASE		; a kernel page: a protection fault from ring 3
	mov rax, [rax]
	EXIT_WITH 0
END kread

; Bad arguments: every check that fails sets its bit in r12, the exit status.
%macro CHECK 2					; expected rax, bit
	cmp rax, %1
	je %%ok
	bts r12, %2
%%ok:
%endmacro

PROG badptr
	xor r12d, r12d
	mov edi, 1				; write(1, 0x10, 5)
	mov esi, 0x10
	mov edx, 5
	SYS SYS_write
	CHECK -EFAULT, 0
	mov edi, 1				; write(1, kernel address, 5)
	mov rsi, DIRECT_MAP_BASE
	mov edx, 5
	SYS SYS_write
	CHECK -EFAULT, 1
	xor edi, edi				; open(NULL, 0, 0)
	xor esi, esi
	xor edx, edx
	SYS SYS_open
	CHECK -EFAULT, 2
	SYS 9999				; unknown numbers
	CHECK -ENOSYS, 3
	SYS -1
	CHECK -ENOSYS, 4
	SYS NR_SYSCALLS
	CHECK -ENOSYS, 5
	mov rdi, -1				; waitpid(-1, 0x10, 0)
	mov esi, 0x10
	xor edx, edx
	SYS SYS_waitpid
	CHECK -EFAULT, 6
	mov edi, 0x10				; spawn(0x10, NULL, NULL)
	xor esi, esi
	xor edx, edx
	SYS SYS_spawn
	CHECK -EFAULT, 7
	xor edi, edi				; read(0, kernel address, 10)
	mov rsi, KERNEL_VMA
	mov edx, 10
	SYS SYS_read
	CHECK -EFAULT, 8
	mov rdi, USER_END - 4			; getcwd(end of user space - 4, 100)
	mov esi, 100
	SYS SYS_getcwd
	CHECK -EFAULT, 9
	xor edi, edi				; procinfo(0, kernel address)
	mov rsi, KERNEL_VMA
	SYS SYS_procinfo
	CHECK -EFAULT, 10
	mov rdi, 0x7fffffffffffffff		; sbrk(huge)
	SYS SYS_sbrk
	CHECK -ENOMEM, 11
	mov rdi, USER_END - 8			; meminfo at the very end of user space
	SYS SYS_meminfo
	CHECK -EFAULT, 12
	mov rbx, rsp				; a system call with a kernel stack pointer
	mov rsp, KERNEL_VMA
	SYS SYS_getpid
	mov rsp, rbx
	cmp rax, 0
	jg .pid_ok
	bts r12, 13
.pid_ok:
	lea rdi, [rel .path]			; spawn(a program, argv with a kernel pointer, NULL)
	lea rsi, [rel .argv_bad]
	xor edx, edx
	SYS SYS_spawn
	CHECK -EFAULT, 14
	lea rdi, [rel .path]			; spawn(a program, argv at a bad address, NULL)
	mov esi, 0x10
	xor edx, edx
	SYS SYS_spawn
	CHECK -EFAULT, 15
	mov edi, r12d
	SYS SYS_exit
.path:	db "/ktest/exit42", 0
.argv_bad:
	dq KERNEL_VMA, 0
END badptr

; The initial stack (System V layout): exits with argc when everything is in place,
; else with 100 + the number of the first check that failed.
%macro ARGCHECK 1
	jne .bad%1
%endmacro
PROG argv
	mov rax, rsp
	and rax, 15
	jnz .bad1				; rsp 16-aligned at entry
	cmp [rsp], rdi				; argc at rsp, also in rdi
	jne .bad2
	lea rax, [rsp + 8]
	cmp rax, rsi				; argv after it, also in rsi
	jne .bad3
	cmp qword [rsi + rdi * 8], 0		; argv[argc] == NULL
	jne .bad4
	cmp qword [rsi + rdi * 8 + 8], 0	; envp: empty
	jne .bad5
	cmp qword [rsi + rdi * 8 + 16], 0	; auxv: AT_NULL
	jne .bad6
	mov rax, [rsi + 8]			; argv[1] is "second"
	cmp byte [rax], 's'
	jne .bad7
	cmp byte [rax + 6], 0
	jne .bad7
	SYS SYS_exit				; edi is argc
.bad1:	EXIT_WITH 101
.bad2:	EXIT_WITH 102
.bad3:	EXIT_WITH 103
.bad4:	EXIT_WITH 104
.bad5:	EXIT_WITH 105
.bad6:	EXIT_WITH 106
.bad7:	EXIT_WITH 107
END argv

PROG spin
	jmp $
END spin

; Keeps its pid in xmm0 across BENCH_ITERATIONS yields and a busy loop: exits 0 when the
; SSE state survived every switch, 1 otherwise.
PROG sse
	SYS SYS_getpid
	mov r12, rax
	movq xmm0, rax
	mov r13d, 200
.loop:
	SYS SYS_yield
	mov ecx, 20000
.busy:	dec ecx
	jnz .busy
	movq rax, xmm0
	cmp rax, r12
	jne .bad
	dec r13d
	jnz .loop
	EXIT_WITH 0
.bad:	EXIT_WITH 1
END sse

PROG sleep20
	mov edi, 20
	SYS SYS_sleep_ms
	mov edi, eax				; 0 unless it failed
	SYS SYS_exit
END sleep20

; sbrk: grows by two pages, writes them, checks the new break and shrinks back.
PROG sbrk
	mov edi, 8192
	SYS SYS_sbrk
	mov rbx, rax
	test rax, rax
	js .bad
	mov byte [rbx], 1
	mov byte [rbx + 8191], 1
	xor edi, edi
	SYS SYS_sbrk
	lea rcx, [rbx + 8192]
	cmp rax, rcx
	jne .bad
	mov rdi, -8192
	SYS SYS_sbrk
	EXIT_WITH 0
.bad:	EXIT_WITH 1
END sbrk

; Benchmarks: BENCH_ITERATIONS of one system call each.
PROG getpid_loop
	mov r12d, BENCH_ITERATIONS
.loop:	SYS SYS_getpid
	dec r12d
	jnz .loop
	EXIT_WITH 0
END getpid_loop

PROG yield_loop
	mov r12d, BENCH_ITERATIONS
.loop:	SYS SYS_yield
	dec r12d
	jnz .loop
	EXIT_WITH 0
END yield_loop

PROG null_loop
	lea rdi, [rel .null]
	mov esi, O_WRONLY
	SYS SYS_open
	test rax, rax
	js .bad
	mov r13, rax
	mov r12d, BENCH_ITERATIONS
.loop:	mov rdi, r13
	lea rsi, [rel .null]
	mov edx, 1
	SYS SYS_write
	cmp rax, 1
	jne .bad
	dec r12d
	jnz .loop
	EXIT_WITH 0
.bad:	EXIT_WITH 1
.null:	db "/dev/null", 0
END null_loop

; fork: both sides return; the child sees the parent's memory, and what either writes
; after the fork stays its own (copy-on-write), data, stack and registers alike. The
; parent's waitpid stores the status in a page both still share, so the kernel's copy
; must copy that page, not fail. Exit 0, or the number of the check that failed.
PROG fork_cow
	mov qword [rel .var], 1
	push 0x11
	SYS SYS_getpid
	mov r13, rax
	SYS SYS_fork
	test rax, rax
	js .f1
	jz .child
	mov r12, rax
	mov qword [rel .var], 3			; the child must not see this
	mov rdi, r12
	lea rsi, [rel .status]
	xor edx, edx
	SYS SYS_waitpid
	cmp rax, r12
	jne .f2
	cmp dword [rel .status], 2 << 8		; W_EXITCODE(2): what the child saw was right
	jne .f3
	cmp qword [rel .var], 3			; and its writes stayed its own
	jne .f4
	pop rax
	cmp rax, 0x11
	jne .f5
	EXIT_WITH 0
.child:
	SYS SYS_getppid
	cmp rax, r13
	jne .cf
	cmp qword [rel .var], 1
	jne .cf
	pop rax
	cmp rax, 0x11
	jne .cf
	push 0x22
	mov qword [rel .var], 2
	EXIT_WITH 2
.cf:	EXIT_WITH 9
.f1:	EXIT_WITH 1
.f2:	EXIT_WITH 2
.f3:	EXIT_WITH 3
.f4:	EXIT_WITH 4
.f5:	EXIT_WITH 5
.var:	dq 0
	times (4096 - ($ - ktest_prog_fork_cow) % 4096) % 4096 db 0
.status: dd 0
END fork_cow

; fork while the test holds (nearly) all memory: exit 0 when it worked (the child exits
; 0 and is reaped), else the error number.
PROG fork_nomem
	SYS SYS_fork
	test rax, rax
	jz .child
	js .err
	mov rdi, rax
	xor esi, esi
	xor edx, edx
	SYS SYS_waitpid
	EXIT_WITH 0
.child:	EXIT_WITH 0
.err:	neg eax
	mov edi, eax
	SYS SYS_exit
END fork_nomem

; Forks, then the child writes to a page it shares with its parent after the test has
; taken all memory: the copy cannot be made, and the child must die of it (SIGKILL),
; by its own store or (with an argument) by the kernel's copy of getcwd. The parent
; sleeps until killed, so that the page stays shared.
PROG cow_oom
	mov r12, rdi				; argc
	SYS SYS_fork
	test rax, rax
	jz .child
.wait:	mov edi, 1000
	SYS SYS_sleep_ms
	jmp .wait
.child:	mov edi, 30				; the test takes the memory meanwhile
	SYS SYS_sleep_ms
	cmp r12, 1
	jne .kernel
	mov qword [rel .var], 1
	EXIT_WITH 0
.kernel:
	lea rdi, [rel .var]
	mov esi, 8
	SYS SYS_getcwd
	EXIT_WITH 0
.var:	dq 0
END cow_oom

; execve with everything a hostile caller could pass, each of which must fail and leave
; us running, then for real: /ktest/fdcheck with one argument and one environment string.
; Exit with a bit set for each failed check if we are still here.
PROG exec_bad
	xor r12d, r12d
	mov edi, 0x10				; execve(0x10, NULL, NULL)
	xor esi, esi
	xor edx, edx
	SYS SYS_execve
	CHECK -EFAULT, 0
	lea rdi, [rel .missing]			; a program that is not there
	xor esi, esi
	xor edx, edx
	SYS SYS_execve
	CHECK -ENOENT, 1
	lea rdi, [rel .garbage]			; ELF magic, then garbage
	xor esi, esi
	xor edx, edx
	SYS SYS_execve
	CHECK -ENOEXEC, 2
	lea rdi, [rel .path]			; argv at a bad address
	mov esi, 0x10
	xor edx, edx
	SYS SYS_execve
	CHECK -EFAULT, 3
	lea rdi, [rel .path]			; envp with a kernel pointer
	xor esi, esi
	lea rdx, [rel .argv_bad]
	SYS SYS_execve
	CHECK -EFAULT, 4
	lea rdi, [rel .path]			; envp in kernel space
	xor esi, esi
	mov rdx, KERNEL_VMA
	SYS SYS_execve
	CHECK -EFAULT, 5
	lea rdi, [rel .slash]			; a directory
	xor esi, esi
	xor edx, edx
	SYS SYS_execve
	CHECK -EACCES, 6
	lea rdi, [rel .path]
	lea rsi, [rel .argv]
	lea rdx, [rel .envp]
	lea rax, [rel .arg0]
	mov [rsi], rax
	lea rax, [rel .arg1]
	mov [rsi + 8], rax
	lea rax, [rel .env0]
	mov [rdx], rax
	SYS SYS_execve
	bts r12, 7				; still here
	mov edi, r12d
	SYS SYS_exit
.path:	db "/ktest/fdcheck", 0
.missing: db "/ktest/no-such-program", 0
.garbage: db "/ktest/garbage", 0
.slash:	db "/", 0
.arg0:	db "fdcheck", 0
.arg1:	db "x", 0
.env0:	db "K=v", 0
align 8
.argv_bad: dq KERNEL_VMA, 0
.argv:	dq 0, 0, 0
.envp:	dq 0, 0
END exec_bad

; What exec_bad's execve must give: fd 3 (close-on-exec) closed, fd 4 open, argc 2,
; argv[1] "x", envp { "K=v" }, the directory kept (/ktest). Exit 42, or 64 + the check.
PROG fdcheck
	mov rbx, rsp				; argc, argv..., NULL, envp..., NULL
	mov edi, 3
	lea rsi, [rel .st]
	SYS SYS_fstat
	cmp rax, -EBADF
	jne .f1
	mov edi, 4
	lea rsi, [rel .st]
	SYS SYS_fstat
	test rax, rax
	jnz .f2
	cmp qword [rbx], 2
	jne .f3
	mov rax, [rbx + 16]			; argv[1]
	cmp word [rax], 'x'			; "x" and its NUL
	jne .f4
	cmp qword [rbx + 24], 0			; argv's NULL
	jne .f4
	mov rax, [rbx + 32]			; envp[0]
	cmp dword [rax], 'K=v'			; "K=v" and its NUL
	jne .f5
	cmp qword [rbx + 40], 0			; envp's NULL
	jne .f5
	lea rdi, [rel .cwd]
	mov esi, 64
	SYS SYS_getcwd
	cmp rax, 6				; "/ktest"
	jne .f6
	cmp dword [rel .cwd + 2], 'test'
	jne .f6
	EXIT_WITH 42
.f1:	EXIT_WITH 65
.f2:	EXIT_WITH 66
.f3:	EXIT_WITH 67
.f4:	EXIT_WITH 68
.f5:	EXIT_WITH 69
.f6:	EXIT_WITH 70
align 8
.st:	times 128 db 0
.cwd:	times 64 db 0
END fdcheck

section .note.GNU-stack noalloc noexec nowrite progbits
