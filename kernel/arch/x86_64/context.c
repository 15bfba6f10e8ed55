/*
 * What the process layer needs from the CPU: user mode entered and left (the syscall
 * MSRs, the first entry of a new process), kernel stacks to switch between, the stack
 * the CPU takes on entry from ring 3, and the x87/SSE state that user C code uses.
 */
#include "arch.h"
#include "lib.h"
#include "cpu.h"
#include "layout.h"
#include "x86_64.h"

/* Intel SDM 1 10.5.1, table 10-2: where the control words sit in the FXSAVE area. */
#define FX_FCW		0
#define FX_MXCSR	24
#define FCW_DEFAULT	0x037f	/* what FNINIT loads: all x87 exceptions masked */
#define MXCSR_DEFAULT	0x1f80	/* all SSE exceptions masked, round to nearest */

/* Where arch_context_switch's pops find their registers (switch.asm). */
struct switch_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

/*
 * The flags syscall clears on entry (Intel SDM 2B, SYSCALL: RFLAGS &= ~MSR_FMASK): IF, so
 * that nothing runs before we are on the kernel stack; TF, DF and NT, which the kernel does
 * not expect; AC, which would switch SMAP off for the kernel.
 */
#define FMASK (RFLAGS_IF | (1UL << 8) | (1UL << 10) | (1UL << 14) | (1UL << 18))

extern char syscall_entry[], context_first_entry[], kthread_entry[];
extern uint64_t syscall_kernel_rsp;

static struct {
	syscall_handler_t syscall;
} ctx;

void arch_fpu_init(void)
{
	/* Intel SDM 3A 13.1.3-13.1.4: no x87 emulation, FXSAVE/SSE and its exceptions on. */
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

void arch_fpu_init_state(void *area)
{
	uint8_t *fx = area;

	memset(fx, 0, ARCH_FPU_SIZE);
	*(uint16_t *)(fx + FX_FCW) = FCW_DEFAULT;
	*(uint32_t *)(fx + FX_MXCSR) = MXCSR_DEFAULT;
}

void arch_fpu_save(void *area)
{
	fxsave(area);
}

void arch_fpu_restore(const void *area)
{
	fxrstor(area);
}

void arch_set_kernel_stack(uint64_t top)
{
	tss_set_rsp0(top);
	syscall_kernel_rsp = top;
}

/* Fills tf with a fresh entry to user mode at rip: every register zero but the two arguments. */
static void user_frame(struct trap_frame *tf, uint64_t rip, uint64_t rsp, uint64_t arg0,
		       uint64_t arg1)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = rip;
	tf->cs = SEL_USER_CS;
	tf->rflags = RFLAGS_IF | 0x2;	/* bit 1 is always set (Intel SDM 1 3.4.3) */
	tf->rsp = rsp;
	tf->ss = SEL_USER_SS;
	tf->rdi = arg0;
	tf->rsi = arg1;
}

/* Puts a switch frame below tf that "returns" to context_first_entry (switch.asm). */
static uint64_t first_entry(struct trap_frame *tf)
{
	struct switch_frame *sf = (struct switch_frame *)tf - 1;

	memset(sf, 0, sizeof(*sf));
	sf->rip = (uint64_t)context_first_entry;
	return (uint64_t)sf;
}

uint64_t arch_context_new(void *kstack_top, uint64_t rip, uint64_t rsp, uint64_t arg0,
			  uint64_t arg1)
{
	struct trap_frame *tf = (struct trap_frame *)kstack_top - 1;

	user_frame(tf, rip, rsp, arg0, arg1);
	return first_entry(tf);
}

/*
 * Every way in from ring 3 (syscall.asm, isr.asm) saves the user's registers as a
 * trap_frame at the very top of the process's kernel stack (TSS.RSP0 and the syscall
 * stack are that top), so the parent's frame is found there.
 */
uint64_t arch_context_fork(void *kstack_top, const void *parent_kstack_top)
{
	struct trap_frame *tf = (struct trap_frame *)kstack_top - 1;

	*tf = *((const struct trap_frame *)parent_kstack_top - 1);
	tf->rax = 0;
	return first_entry(tf);
}

/*
 * The system call's return takes rip, rsp and rflags from the frame (sysret leaves the
 * entry in rcx and the flags in r11, as after any system call).
 */
void arch_context_exec(void *kstack_top, uint64_t rip, uint64_t rsp, uint64_t arg0,
		       uint64_t arg1)
{
	user_frame((struct trap_frame *)kstack_top - 1, rip, rsp, arg0, arg1);
}

/* The switch frame "returns" to kthread_entry (switch.asm), which calls rbx. */
uint64_t arch_kthread_new(void *kstack_top, void (*fn)(void))
{
	struct switch_frame *sf = (struct switch_frame *)kstack_top - 1;

	memset(sf, 0, sizeof(*sf));
	sf->rbx = (uint64_t)fn;
	sf->rip = (uint64_t)kthread_entry;
	return (uint64_t)sf;
}

void arch_syscall_init(syscall_handler_t fn)
{
	ctx.syscall = fn;
	/* Intel SDM 2B, SYSCALL/SYSRET; layout.h explains the selector order. */
	wrmsr(MSR_STAR, ((uint64_t)(SEL_UCODE32 | 3) << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, FMASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* Called by syscall.asm with interrupts on, on the process's kernel stack. */
void syscall_trap(struct trap_frame *tf);
void syscall_trap(struct trap_frame *tf)
{
	const uint64_t args[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };

	tf->rax = (uint64_t)ctx.syscall(tf->rax, args);
	trap_user_return();
	/*
	 * Nothing in the kernel changes a frame's rip, but sysret with a return address
	 * outside user space would be a ring-0 fault on a user stack (syscall.asm): treat
	 * it as the process's fault.
	 */
	if (tf->rip >= USER_END)
		trap_user_fault(tf);
}
