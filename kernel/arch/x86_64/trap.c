/*
 * Where every interrupt and exception arrives (from isr.asm): PIC lines go to their
 * handlers; a fault at an instruction listed in the exception table (copy_fixup in cpu.h)
 * resumes at its fixup; a fault of user code goes to the process layer; any other
 * exception in the kernel is reported with its name, error code, registers and a
 * symbolized backtrace, and stops the machine.
 */
#include "arch.h"
#include "console.h"
#include "ksyms.h"
#include "lib.h"
#include "memlayout.h"
#include "panic.h"
#include "uaccess.h"
#include "vm.h"
#include "cpu.h"
#include "layout.h"
#include "x86_64.h"

/* Intel SDM 3A 6.3.1, table 6-1. */
static const char *const exception_names[NR_EXCEPTIONS] = {
	[0] = "Divide Error", [1] = "Debug", [2] = "Non-Maskable Interrupt",
	[3] = "Breakpoint", [4] = "Overflow", [5] = "BOUND Range Exceeded",
	[6] = "Invalid Opcode", [7] = "Device Not Available", [8] = "Double Fault",
	[9] = "Coprocessor Segment Overrun", [10] = "Invalid TSS",
	[11] = "Segment Not Present", [12] = "Stack-Segment Fault",
	[13] = "General Protection", [14] = "Page Fault", [15] = "Reserved (15)",
	[16] = "x87 Floating-Point Error", [17] = "Alignment Check", [18] = "Machine Check",
	[19] = "SIMD Floating-Point Exception", [20] = "Virtualization Exception",
	[21] = "Control Protection Exception", [22] = "Reserved (22)", [23] = "Reserved (23)",
	[24] = "Reserved (24)", [25] = "Reserved (25)", [26] = "Reserved (26)",
	[27] = "Reserved (27)", [28] = "Hypervisor Injection Exception",
	[29] = "VMM Communication Exception", [30] = "Security Exception",
	[31] = "Reserved (31)",
};

static const char *const exception_mnemonics[NR_EXCEPTIONS] = {
	"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", "CSO", "TS", "NP", "SS", "GP",
	"PF", "15", "MF", "AC", "MC", "XM", "VE", "CP", "22", "23", "24", "25", "26", "27",
	"HV", "VC", "SX", "31",
};

static irq_handler_t irq_handlers[NR_IRQS];

static struct {
	user_fault_handler_t user_fault;
	copy_fault_handler_t copy_fault;
	user_return_handler_t user_return;
	struct fixup_record last_fixup;
} trap;

extern const struct extable_entry __extable_start[], __extable_end[];

volatile uint64_t trap_breakpoints;

/* Stacks reserved in boot.asm, with the guard page below each. */
extern char kstack_guard[], kstack_bottom[], kstack_top[];
extern char ist_df_guard[], ist_df_top[], ist_nmi_guard[], ist_nmi_top[];
extern char ist_mc_guard[], ist_mc_top[];

static const struct {
	const char *name;
	char *guard, *top;
} kernel_stacks[] = {
	{ "boot kernel stack", kstack_guard, kstack_top },
	{ "double-fault stack", ist_df_guard, ist_df_top },
	{ "NMI stack", ist_nmi_guard, ist_nmi_top },
	{ "machine-check stack", ist_mc_guard, ist_mc_top },
};

bool kernel_stack_contains(uint64_t addr, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernel_stacks); i++) {
		uint64_t lo = (uint64_t)kernel_stacks[i].guard + PAGE_SIZE;
		uint64_t hi = (uint64_t)kernel_stacks[i].top;
		if (addr >= lo && addr <= hi && len <= hi - addr)
			return true;
	}
	return kstack_contains(addr, len);
}

const char *kernel_stack_guard_hit(uint64_t addr)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernel_stacks); i++) {
		uint64_t g = (uint64_t)kernel_stacks[i].guard;
		if (addr >= g && addr < g + PAGE_SIZE)
			return kernel_stacks[i].name;
	}
	return kstack_guard_hit(addr) ? "kernel stack" : NULL;
}

static void print_symbol(uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		kprintf("  [<%016lx>] %s+0x%lx\n", addr, name, off);
	else
		kprintf("  [<%016lx>] ?\n", addr);
}

#define BACKTRACE_MAX 24

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	kprintf("backtrace:\n");
	print_symbol(rip);
	/* Each frame: [rbp] = the caller's rbp, [rbp + 8] = the return address. */
	for (int depth = 0; depth < BACKTRACE_MAX; depth++) {
		if (rbp == 0 || (rbp & 7) || !kernel_stack_contains(rbp, 16))
			return;
		const uint64_t *frame = (const uint64_t *)rbp;
		if (frame[1] == 0)
			return;
		/* A return address points after the call; look up the call itself. */
		uint64_t off;
		const char *name = ksym_lookup(frame[1] - 1, &off);
		kprintf("  [<%016lx>] %s+0x%lx\n", frame[1], name ? name : "?", off + 1);
		rbp = frame[0];
	}
	kprintf("  ...\n");
}

/* Intel SDM 3A 4.7, figure 4-12: the page-fault error code. */
static void print_page_fault(const struct trap_frame *tf)
{
	uint64_t cr2 = read_cr2();
	const char *stack = kernel_stack_guard_hit(cr2);

	kprintf("cr2 %016lx: %s, %s, %s mode%s, rip %016lx\n", cr2,
		(tf->error & 0x10) ? "instruction fetch" : (tf->error & 2) ? "write" : "read",
		(tf->error & 1) ? "protection violation" : "page not present",
		(tf->error & 4) ? "user" : "kernel",
		(tf->error & 8) ? ", reserved bit set" : "", tf->rip);
	if (stack)
		kprintf("cr2 is in the guard page of the %s: kernel stack overflow\n", stack);
}

static void print_registers(const struct trap_frame *tf)
{
	kprintf("rip %016lx  cs  %04lx  rflags %016lx\n", tf->rip, tf->cs, tf->rflags);
	kprintf("rsp %016lx  ss  %04lx  cr3    %016lx\n", tf->rsp, tf->ss, read_cr3());
	kprintf("rax %016lx  rbx %016lx  rcx %016lx\n", tf->rax, tf->rbx, tf->rcx);
	kprintf("rdx %016lx  rsi %016lx  rdi %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	kprintf("rbp %016lx  r8  %016lx  r9  %016lx\n", tf->rbp, tf->r8, tf->r9);
	kprintf("r10 %016lx  r11 %016lx  r12 %016lx\n", tf->r10, tf->r11, tf->r12);
	kprintf("r13 %016lx  r14 %016lx  r15 %016lx\n", tf->r13, tf->r14, tf->r15);
}

static void __attribute__((noreturn)) kernel_exception(const struct trap_frame *tf)
{
	unsigned v = tf->vector;

	console_fatal();
	kprintf("\n*** kernel exception: %s (#%s, vector %u), error code 0x%lx\n",
		exception_names[v], exception_mnemonics[v], v, tf->error);
	if (v == VEC_PF)
		print_page_fault(tf);
	if (v == VEC_DF) {
		/*
		 * A page fault that cannot be delivered because its own frame would land in a
		 * guard page becomes a double fault; CR2 still holds the faulting address.
		 */
		uint64_t cr2 = read_cr2();
		const char *stack = kernel_stack_guard_hit(cr2);
		if (!stack)
			stack = kernel_stack_guard_hit(tf->rsp - 8);
		if (stack)
			kprintf("kernel stack overflow: the %s ran into its guard page "
				"(cr2 %016lx, rsp %016lx)\n", stack, cr2, tf->rsp);
	}
	print_registers(tf);
	backtrace_print(tf->rip, tf->rbp);
	panic_stop();
}

/*
 * A page fault of a copy on a user page that the process layer can fix (a write to a
 * copy-on-write page): true when the copy may go on where it stopped (rep movsb resumes
 * with its registers as the fault left them).
 */
static bool copy_fault_fixed(const struct trap_frame *tf)
{
	struct user_fault f = {
		.vector = VEC_PF, .rip = tf->rip, .addr = read_cr2(),
		.write = tf->error & 2, .present = tf->error & 1,
	};

	return tf->vector == VEC_PF && f.addr < USER_END && trap.copy_fault &&
	       trap.copy_fault(&f);
}

/*
 * A kernel fault at an instruction of the exception table resumes at its fixup, unless
 * the fault could be fixed and the instruction goes on. Returns true when tf may resume.
 * Page faults (a bad or protected address) and general protection faults (a
 * non-canonical one) are the faults a copy can take.
 */
static bool fixup(struct trap_frame *tf)
{
	if (tf->vector != VEC_PF && tf->vector != VEC_GP)
		return false;
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->insn == tf->rip) {
			if (copy_fault_fixed(tf))
				return true;
			trap.last_fixup.count++;
			trap.last_fixup.vector = tf->vector;
			trap.last_fixup.addr = tf->vector == VEC_PF ? read_cr2() : 0;
			trap.last_fixup.error = tf->error;
			trap.last_fixup.rip = tf->rip;
			tf->rip = e->fixup;
			return true;
		}
	return false;
}

void arch_last_fixup(struct fixup_record *r)
{
	*r = trap.last_fixup;
}

void arch_set_user_fault_handler(user_fault_handler_t fn)
{
	trap.user_fault = fn;
}

void arch_set_copy_fault_handler(copy_fault_handler_t fn)
{
	trap.copy_fault = fn;
}

void arch_set_user_return_handler(user_return_handler_t fn)
{
	trap.user_return = fn;
}

/* Runs the process layer's checks (kill, reschedule) before a return to user mode. */
void trap_user_return(void)
{
	if (trap.user_return)
		trap.user_return();
}

/* Intel SDM 3A 6.15: a fault with CS.RPL 3 came from user code. */
static void user_fault(const struct trap_frame *tf)
{
	struct user_fault f = {
		.vector = tf->vector < NR_EXCEPTIONS ? tf->vector : VEC_GP, .rip = tf->rip,
		.addr = tf->vector == VEC_PF ? read_cr2() : 0,
		.write = tf->vector == VEC_PF && (tf->error & 2),
		.exec = tf->vector == VEC_PF && (tf->error & 0x10),
		.present = tf->vector == VEC_PF && (tf->error & 1),
	};

	if (trap.user_fault) {
		trap.user_fault(&f);
		return;
	}
	kprintf("\n*** user exception: %s (#%s) at rip %016lx, address %016lx, no process "
		"layer to take it\n", exception_names[f.vector], exception_mnemonics[f.vector],
		f.rip, f.addr);
	panic_stop();
}

void trap_user_fault(const struct trap_frame *tf)
{
	user_fault(tf);
}

void trap_dispatch(struct trap_frame *tf)
{
	unsigned v = tf->vector;
	bool from_user = (tf->cs & 3) == 3;

	/*
	 * Interrupt gates do not clear RFLAGS.AC (Intel SDM 3A 6.12.1.2), so user code could
	 * enter the kernel with SMAP's override on; take it off.
	 */
	if (from_user && uaccess_smap())
		clac();
	if (v >= IRQ_BASE && v < IRQ_BASE + NR_IRQS) {
		unsigned irq = v - IRQ_BASE;
		if (pic_spurious(irq))
			return;
		if (irq_handlers[irq])
			irq_handlers[irq]();
		pic_eoi(irq);
	} else if (v == VEC_BP) {
		trap_breakpoints++;
	} else if (v < NR_EXCEPTIONS && from_user) {
		user_fault(tf);
	} else if (!fixup(tf)) {
		kernel_exception(tf);
	}
	/* The end of the interrupt is signalled first: a switch away may last a while. */
	if (from_user)
		trap_user_return();
}

void irq_set_handler(unsigned irq, irq_handler_t fn)
{
	if (irq >= NR_IRQS)
		panic("irq_set_handler: no line %u", irq);
	irq_handlers[irq] = fn;
	pic_unmask(irq);
}

irq_handler_t irq_get_handler(unsigned irq)
{
	return irq < NR_IRQS ? irq_handlers[irq] : NULL;
}
