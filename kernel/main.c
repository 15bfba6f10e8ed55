/*
 * kmain: where the kernel's C code starts, called by boot.asm in long mode on the boot
 * kernel stack with the Multiboot2 magic and the physical address of the boot information.
 * It brings the machine up in order, prints the boot log, and runs what the command line
 * asks for: the self-tests (ktest), a deliberate fault (crashtest=NAME), or /bin/init
 * (init=PATH), staying on as the kernel's process (pid 0) that reaps orphans.
 */
#include "config.h"
#include "arch.h"
#include "bootinfo.h"
#include "console.h"
#include "heap.h"
#include "kbd_ps2.h"
#include "ktest.h"
#include "lib.h"
#include "mm.h"
#include "net.h"
#include "block.h"
#include "panic.h"
#include "pmm.h"
#include "pci.h"
#include "proc.h"
#include "proto.h"
#include "dev.h"
#include "ramfs.h"
#include "rtc.h"
#include "screen.h"
#include "syscall.h"
#include "tty.h"
#include "cpio_reader.h"
#include "serial.h"
#include "timer.h"
#include "vfs.h"
#include <keel/errno.h>
#include <keel/multiboot2.h>

#define BOOT_ARG_MAX 64
#define INIT_DEFAULT		"/bin/init"
#define INIT_RESPAWN_MIN_MS	1000	/* an init that ends sooner is not started again */

static struct {
	struct bootinfo info;
	uint64_t info_phys;
	struct mm_boot mm;
	int info_status;	/* 0, or -EINVAL when the information was damaged */
	bool quiet;
	bool verbose;	/* the details too: memory map, reservations, files, PCI */
	bool proto_started;
} boot;

const struct bootinfo *bootinfo_get(void)
{
	return &boot.info;
}

/* One line of the boot log: "[ok] " and the message, unless the quiet word is given. */
static void __printf(1, 2) boot_log(const char *fmt, ...)
{
	va_list ap;

	if (boot.quiet)
		return;
	kprintf("[ok] ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

static void read_boot_info(uint32_t magic, uint64_t info_phys)
{
	char err[160];

	boot.info.cmdline = boot.info.loader = "";
	if (magic != MB2_BOOT_MAGIC) {
		/* boot.asm stops on a bad magic; this is only reachable from a broken stub. */
		panic("kmain: boot magic %#x is not Multiboot2's", magic);
	}
	if (info_phys >= direct_map_limit()) {
		kprintf("[!!] boot information at %#lx is beyond the early direct map; ignored\n",
			info_phys);
		boot.info_status = -EINVAL;
		return;
	}
	boot.info_phys = info_phys;
	boot.info_status = mb2_parse(phys_to_virt(info_phys), direct_map_limit() - info_phys,
				     &boot.info, err, sizeof(err));
	boot.quiet = cmdline_has(boot.info.cmdline, "quiet");
	boot.verbose = cmdline_has(boot.info.cmdline, "verbose") && !boot.quiet;
	if (boot.info_status != 0)
		kprintf("[!!] boot information damaged, using what came before: %s\n", err);
}

static void log_boot_info(void)
{
	const struct bootinfo *bi = &boot.info;
	uint64_t usable = 0;
	size_t regions = 0;

	boot_log("boot loader: %s", *bi->loader ? bi->loader : "(unnamed)");
	boot_log("command line: %s", *bi->cmdline ? bi->cmdline : "(empty)");
	for (size_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == MB2_MEM_AVAILABLE) {
			usable += bi->mmap[i].length;
			regions++;
		}
	boot_log("memory: %lu MiB usable in %zu regions (%zu map entries)", usable >> 20,
		 regions, bi->mmap_count);
	for (size_t i = 0; i < bi->module_count; i++)
		boot_log("module: %s at %#lx, %lu KiB", *bi->modules[i].name ?
			 bi->modules[i].name : "(unnamed)", bi->modules[i].start,
			 (bi->modules[i].end - bi->modules[i].start + 1023) / 1024);
	if (bi->module_count == 0)
		boot_log("modules: none");
	if (bi->dropped)
		kprintf("[!!] %zu memory map entries or modules beyond the kernel's limits ignored\n",
			bi->dropped);
}

static const char *map_type_name(uint32_t type)
{
	static const char *const names[] = {
		[MB2_MEM_AVAILABLE] = "available", [MB2_MEM_RESERVED] = "reserved",
		[MB2_MEM_ACPI] = "ACPI data", [MB2_MEM_NVS] = "ACPI NVS", [MB2_MEM_BAD] = "bad",
	};

	return type < ARRAY_SIZE(names) && names[type] ? names[type] : "other";
}

/*
 * Brings up the memory manager and logs what it found; with the verbose word entry by
 * entry like Linux's "BIOS-e820" lines, so that a test can recompute the totals from the
 * map alone.
 */
static void memory_init(void)
{
	const struct bootinfo *bi = &boot.info;
	struct mm_boot *mb = &boot.mm;
	const struct vm_info *v = &mb->vm;

	for (size_t i = 0; i < bi->mmap_count && boot.verbose; i++)
		boot_log("map: [mem 0x%016lx-0x%016lx] %s (type %u)", bi->mmap[i].base,
			 bi->mmap[i].base + bi->mmap[i].length - 1, map_type_name(bi->mmap[i].type),
			 bi->mmap[i].type);
	if (mm_init(bi, boot.info_phys, mb) != 0)
		panic("mm_init: not enough memory below 4 GiB to start");
	for (size_t i = 0; i < mb->nreserved && boot.verbose; i++)
		boot_log("reserved: [mem 0x%016lx-0x%016lx] %s", mb->reserved[i].start,
			 mb->reserved[i].end - 1, mb->reserved[i].what);
	boot_log("direct map: %lu MiB in %s pages, no-execute %s; %lu page-table frames; "
		 "SMEP %s, SMAP %s", v->direct_map_bytes >> 20,
		 v->page_size == (1UL << 30) ? "1 GiB" : "2 MiB", v->nx ? "on" : "off",
		 v->table_frames, v->smep ? "on" : "off", v->smap ? "on" : "off");
	boot_log("frames: %lu free of %lu usable (%lu MiB usable)", mb->free_frames,
		 mb->usable_frames, mb->usable_frames >> 8);
	if (mb->dropped)
		kprintf("[!!] memory: %zu map ranges beyond the kernel's limits ignored\n",
			mb->dropped);
}

#define TREE_DEPTH_MAX	16	/* levels tree_list shows: each takes a frame of the boot stack */

/* The path tree_list is at, grown by a name on the way down and cut back on the way up. */
static char tree_path[KEEL_PATH_MAX + 1];

/*
 * Prints the tree under tree_path (its first len bytes; "" for the root), one line per
 * entry, as ls -lR would show it in short (verbose).
 */
static void tree_list(size_t len, int depth)
{
	const char *child = tree_path;
	struct keel_dirent d;
	struct keel_stat st;
	struct vnode *dir;

	if (depth >= TREE_DEPTH_MAX) {
		kprintf("  %s/... (not shown: more than %d levels)\n", tree_path, TREE_DEPTH_MAX);
		return;
	}
	if (vfs_lookup(len ? tree_path : "/", false, 0, &dir) != 0)
		return;
	for (uint64_t i = 0; dir->ops->readdir && dir->ops->readdir(dir, i, &d) == 1; i++) {
		size_t n = strlen(d.name);
		tree_path[len] = '\0';
		if (len + 1 + n > KEEL_PATH_MAX)
			continue;
		tree_path[len] = '/';
		memcpy(tree_path + len + 1, d.name, n + 1);
		if (vfs_stat(child, false, 0, &st) != 0)
			continue;
		char perm[11] = "-rwxrwxrwx";
		perm[0] = KEEL_S_ISDIR(st.mode) ? 'd' : KEEL_S_ISLNK(st.mode) ? 'l' :
			  KEEL_S_ISCHR(st.mode) ? 'c' : '-';
		for (int b = 0; b < 9; b++)
			if (!(st.mode & (0400 >> b)))
				perm[1 + b] = '-';
		if (st.mode & 01000)
			perm[9] = perm[9] == 'x' ? 't' : 'T';	/* sticky, as ls shows it */
		kprintf("  %s %4u %4u %8lu %s\n", perm, st.uid, st.gid, st.size, child);
		if (KEEL_S_ISDIR(st.mode))
			tree_list(len + 1 + n, depth + 1);
	}
	tree_path[len] = '\0';
	vnode_put(dir);
}

/*
 * Mounts the module called "ramfs" (mkboot names it so) as the root file system. A damaged
 * image is reported entry by entry and the entries before the damage stay; boot goes on.
 */
/* The ramfs gives back the boot image's pages that no file reads from any more. */
static void module_page_release(void *page)
{
	uint64_t pa = (uint64_t)page - (uint64_t)phys_to_virt(0);
	int err = pmm_give(pa);

	if (err != 0)
		kprintf("[!!] ramfs: the image page at %#lx stays out of use (error %d)\n", pa, -err);
}

static void ramfs_start(void)
{
	const struct bootinfo *bi = &boot.info;
	struct ramfs_stats rs;
	char err[CPIO_ERR_MAX + 64];
	struct mem_info mi;
	uint64_t t0, limit, reserve;
	size_t i;
	int released;

	mem_info_get(&mi);
	reserve = MIN(mi.free, MAX(MEM_ROOT_RESERVE_MIN, mi.free / MEM_ROOT_RESERVE_DIV));
	limit = mi.free - reserve;
	ramfs_set_limits(limit, limit / RAMFS_USER_DIV);
	proc_set_mem_limits(mi.free / PROC_USER_MEM_DIV / FRAME_SIZE, reserve / FRAME_SIZE);
	if (vfs_mount("/", &ramfs_type) != 0)
		panic("ramfs_start: no memory for the root directory");
	for (i = 0; i < bi->module_count; i++)
		if (strcmp(bi->modules[i].name, "ramfs") == 0)
			break;
	if (i == bi->module_count) {
		boot_log("ramfs: no module called ramfs; the file system is empty");
		return;
	}
	t0 = uptime_ms();
	const struct boot_module *m = &bi->modules[i];
	if (ramfs_mount_image(phys_to_virt(m->start), m->end - m->start, err, sizeof(err)) != 0)
		kprintf("[!!] ramfs: image damaged, keeping the entries before: %s\n", err);
	released = ramfs_image_release(module_page_release);
	ramfs_get_stats(&rs);
	boot_log("ramfs: %zu files, %zu directories, %zu symlinks, %lu KiB (%lu KiB read in place) "
		 "from a %lu KiB image in %lu ms; %d KiB of it given back", rs.files, rs.dirs,
		 rs.symlinks, rs.bytes >> 10, rs.image_bytes >> 10, (m->end - m->start) >> 10,
		 uptime_ms() - t0, released * 4);
	if (rs.skipped)
		kprintf("[!!] ramfs: %zu entries of other types (devices, pipes) skipped\n",
			rs.skipped);
	boot_log("ramfs: files may take %lu KiB, %lu KiB for each user but root",
		 limit >> 10, (limit / RAMFS_USER_DIV) >> 10);
	if (boot.verbose)
		tree_list(0, 0);
}

/* Mounts the devices at /dev, making the directory when the image has none. */
static void dev_start(void)
{
	int err = vfs_create(DEV_DIR, KEEL_S_IFDIR | 0755, 0, NULL);

	if ((err == 0 || err == -EEXIST) && (err = vfs_mount(DEV_DIR, &devfs_type)) == 0)
		return;
	kprintf("[!!] devfs: cannot mount at %s (error %d): no /dev/null, no /dev/tty\n",
		DEV_DIR, -err);
}

/* The kernel's own memory use, last in the boot log (a figure of `make bench`). */
static void log_memory_use(void)
{
	struct mem_info mi;

	mem_info_get(&mi);
	boot_log("memory use: kernel image %lu KiB, page tables and bitmap %lu KiB, heap %lu KiB "
		 "(%lu blocks, %lu bytes in use); %lu KiB free", mi.kernel_image >> 10,
		 mi.kernel_tables >> 10, mi.heap_held >> 10, mi.heap_blocks, mi.heap_in_use,
		 mi.free >> 10);
}

/*
 * The screen half of the console: taken as soon as the boot information says where it
 * is, unless console=serial leaves it out; console=screen leaves COM1's output out.
 */
static void screen_console_init(void)
{
	char which[BOOT_ARG_MAX] = "";
	bool given = cmdline_get(boot.info.cmdline, "console", which, sizeof(which)) >= 0;

	if (strcmp(which, "serial") != 0 && boot.info.have_framebuffer)
		screen_init(&boot.info.framebuffer);
	if (!given)
		return;
	switch (console_select(which)) {
	case -1:
		kprintf("[!!] console=%s: not serial or screen; using both\n", which);
		break;
	case -2:
		kprintf("[!!] console=screen: no screen to draw on; COM1 stays the console\n");
		break;
	}
}

/* The keyboard half: the PS/2 keyboard into the tty, with the keymap= layout. */
static void keyboard_init(void)
{
	char layout[BOOT_ARG_MAX] = "";

	if (!console_has_screen())
		return;		/* console=serial, or no screen to see what one types */
	cmdline_get(boot.info.cmdline, "keymap", layout, sizeof(layout));
	if (ps2kbd_init(layout))
		boot_log("keyboard: PS/2 on IRQ 1, layout %s", ps2kbd_layout());
	else
		boot_log("keyboard: no PS/2 controller answers");
}

/* Runs the self-tests and ends QEMU with their verdict. */
static void __attribute__((noreturn)) run_ktest(void)
{
	char suite[BOOT_ARG_MAX] = "";
	int failed;

	cmdline_get(boot.info.cmdline, "ktest", suite, sizeof(suite));
	failed = ktest_run(suite);
	/* QEMU's status says the same to scripts: 1 all passed, 3 not (isa-debug-exit). */
	if (failed < 0)
		kprintf("ktest: no suite called '%s'\n", suite);
	else if (failed == 0)
		kprintf("ktest: all tests passed\n");
	else
		kprintf("ktest: %d %s failed\n", failed, failed == 1 ? "test" : "tests");
	qemu_exit(failed == 0 ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
	kprintf("ktest: no isa-debug-exit device; halting\n");
	arch_halt();
}

/* Runs the benchmarks of `make bench` (kbench[=NAME]) and ends QEMU. */
static void __attribute__((noreturn)) run_kbench(void)
{
	char name[BOOT_ARG_MAX] = "";

	cmdline_get(boot.info.cmdline, "kbench", name, sizeof(name));
	if (kbench_run(name) < 0)
		kprintf("kbench: no benchmark called '%s'\n", name);
	qemu_exit(QEMU_EXIT_PASS);
	arch_halt();
}

/* Without init, the console echoes what is typed (the tty does), so a person sees it is alive. */
static void __attribute__((noreturn)) console_echo(void)
{
	char line[TTY_LINE_MAX];

	for (;;)
		tty_read(line, sizeof(line));
}

static const char *spawn_error(int err)
{
	switch (err) {
	case -ENOENT:	return "no such file";
	case -ENOEXEC:	return "not a flat binary or a static ELF64 executable";
	case -EACCES:	return "not a regular file";
	case -ENOMEM:	return "out of memory";
	default:	return "cannot start it";
	}
}

/*
 * Starts init (/bin/init, or the init= word) with the console on descriptors 0-2, then
 * reaps: orphans silently, init with a line. An init that ran for a second or more is
 * started again; one that ended sooner would only end again, so the machine halts.
 */
static void __attribute__((noreturn)) init_run(void)
{
	char path[KEEL_PATH_MAX + 1] = INIT_DEFAULT;
	struct proc *kernel = proc_current();
	const char *argv[1] = { path };
	int pid, status, r;

	cmdline_get(boot.info.cmdline, "init", path, sizeof(path));
	if ((r = file_open_console(kernel)) != 0)
		panic("init_run: cannot open /dev/tty for init (error %d)", -r);
	for (;;) {
		uint64_t started = uptime_ms();
		if ((pid = proc_spawn(path, 1, argv, NULL)) < 0) {
			kprintf("[!!] no init: %s: %s (error %d); the console echoes\n", path,
				spawn_error(pid), -pid);
			console_echo();
		}
		/* The serial protocol's thread comes after init, which keeps pid 1. */
		if (!boot.proto_started && (boot.proto_started = true) && proto_init() != 0)
			kprintf("[!!] serial protocol: cannot start its thread; text only\n");
		while ((r = proc_wait(-1, &status, 0)) != pid)
			if (r < 0)
				panic("init_run: lost init (pid %d): %d", pid, r);
		if (WIFEXITED(status))
			kprintf("keel: init (pid %d) exited with status %d\n", pid,
				WEXITSTATUS(status));
		else
			kprintf("keel: init (pid %d) was killed by signal %d\n", pid,
				WTERMSIG(status));
		if (uptime_ms() - started < INIT_RESPAWN_MIN_MS) {
			kprintf("keel: init ended within %d ms of starting; halting\n",
				INIT_RESPAWN_MIN_MS);
			arch_halt();
		}
		kprintf("keel: starting %s again\n", path);
	}
}

void kmain(uint32_t magic, uint64_t info_phys)
{
	char word[BOOT_ARG_MAX];
	bool have_serial;

	console_init();
	/* The clock starts here, so "ready in" counts from (almost) the kernel's first line. */
	have_serial = serial_init();
	arch_init();
	arch_irq_init();
	serial_enable_rx();
	read_boot_info(magic, info_phys);
	screen_console_init();

	if (!boot.quiet)
		kprintf("Keel %s (x86-64)\n", PACKAGE_VERSION);
	if (have_serial)
		boot_log("serial: COM1 at 115200 8N1, FIFOs on, receiving by IRQ 4");
	boot_log("GDT: kernel and user segments, TSS with 3 interrupt stacks");
	boot_log("IDT: 32 exceptions, 16 IRQs");
	boot_log("PIC: IRQs at vectors 0x20-0x2f; PIT: %d Hz", TIMER_HZ);
	log_boot_info();
	rtc_init(boot.quiet);
	memory_init();
	screen_start(boot.quiet);
	ramfs_start();
	dev_start();
	proc_init();
	tty_init();
	keyboard_init();

	if (cmdline_has(boot.info.cmdline, "ktest") || cmdline_has(boot.info.cmdline, "crashtest") ||
	    cmdline_has(boot.info.cmdline, "kbench"))
		panic_exit_qemu(true);
	if (cmdline_get(boot.info.cmdline, "crashtest", word, sizeof(word)) >= 0 &&
	    crashtest_run(word) < 0)
		kprintf("[!!] crashtest: no test called '%s' (pf, de, ud, stack)\n", word);
	if (cmdline_has(boot.info.cmdline, "ktest"))
		run_ktest();

	pci_init(!boot.verbose);	/* one line a PCI function: a detail */
	net_init(boot.info.cmdline, boot.quiet);
	block_init(boot.quiet);
	log_memory_use();
	if (cmdline_has(boot.info.cmdline, "kbench"))
		run_kbench();
	kprintf("keel: ready in %lu ms\n", uptime_ms());
	init_run();
}
