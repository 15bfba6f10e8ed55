# The kernel, built with KERNEL_CC in freestanding mode (DESIGN.md, "Build"). With
# -nostdinc it sees no C library's headers, only the compiler's freestanding ones
# (configure finds them: KERNEL_CC_INCLUDE); kernel/lib is its C library, and the part
# of it that user space and the host tools share is declared in include/uapi/keel/.
#
# It is linked twice: the first link gives the addresses of all functions, from which
# ksyms.sh writes the symbol table that backtraces print; the second link adds that table
# after all code and read-only data, so no function moves (the rule checks that).

KCFLAGS = -std=gnu11 -m64 -O2 -g -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	-mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-avx -mno-3dnow -fno-stack-protector \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls -fno-asynchronous-unwind-tables \
	-nostdlib -nostdinc -isystem $(KERNEL_CC_INCLUDE) \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -MMD -MP \
	-I$(top_builddir) -I$(top_srcdir)/kernel/include -I$(top_srcdir)/kernel/include/uapi \
	$(KEEL_PREFIX_MAPS)
# Where the tree was built leaves no trace in keel.elf or the programs (doc/images.md,
# "Reproducible images"; userland/local.mk uses these too): __FILE__ in assertions and
# panics and the DWARF file names say kernel/main.c, the compilation directory says ".",
# whatever the build and source directories are. gdb finds the sources from the top of an
# in-tree build, or with `directory SRCDIR`.
KEEL_PREFIX_MAPS = -ffile-prefix-map=$(abs_top_builddir)=. \
	-ffile-prefix-map=$(abs_top_builddir)/= -ffile-prefix-map=$(abs_top_srcdir)/= \
	-ffile-prefix-map=$(top_srcdir)/=
# NASM has no such map: its objects name their source (an STT_FILE symbol) as make gave
# it, with the source directory in front in a VPATH build. This renames it after the fact.
KEEL_NASM_FILE_SYM = $(OBJCOPY) --redefine-sym '$<=$(patsubst $(srcdir)/%,%,$<)' $@
# No DWARF for the NASM files: NASM describes boot.asm, which spans two sections, as one
# address range, and gdb then warned "pc ... in read in CU, but not in symtab" at every
# stop; the ELF symbols name the assembly code well enough (tests/debug.test).
KNASMFLAGS = -f elf64 -Werror -Ikernel/gen/
# Only the architecture's own files see its private headers (cpu.h, layout.h, x86_64.h);
# the rest of the kernel asks for what it needs through kernel/include (arch.h).
KARCH_INCLUDE = $(top_srcdir)/kernel/arch/x86_64
KERNEL_LDSCRIPT = $(top_srcdir)/kernel/arch/x86_64/kernel.ld
KLDFLAGS = -m elf_x86_64 -nostdlib -static --build-id=none -z max-page-size=0x1000 \
	-z noexecstack -T $(KERNEL_LDSCRIPT)

KERNEL_ASM_SRCS = \
	kernel/arch/x86_64/boot.asm \
	kernel/arch/x86_64/isr.asm \
	kernel/arch/x86_64/syscall.asm \
	kernel/arch/x86_64/switch.asm \
	kernel/ktest/user_progs.asm

KERNEL_C_SRCS = \
	kernel/main.c \
	kernel/arch/x86_64/arch.c \
	kernel/arch/x86_64/gdt.c \
	kernel/arch/x86_64/idt.c \
	kernel/arch/x86_64/trap.c \
	kernel/arch/x86_64/pic.c \
	kernel/arch/x86_64/pit.c \
	kernel/arch/x86_64/paging.c \
	kernel/arch/x86_64/cpu.c \
	kernel/arch/x86_64/crashtest.c \
	kernel/arch/x86_64/context.c \
	kernel/arch/x86_64/arch_tests.c \
	kernel/boot/multiboot2.c \
	kernel/boot/cmdline.c \
	kernel/drivers/serial.c \
	kernel/drivers/console.c \
	kernel/drivers/tty.c \
	kernel/drivers/screen.c \
	kernel/drivers/ps2kbd.c \
	kernel/drivers/pci.c \
	kernel/drivers/rtc.c \
	kernel/drivers/e1000.c \
	kernel/drivers/rtl8139.c \
	kernel/drivers/block.c kernel/drivers/bcache.c kernel/drivers/virtio_blk.c \
	kernel/drivers/nvme.c kernel/fs/part.c \
	kernel/net/net.c \
	kernel/net/wire.c \
	kernel/net/tcpbuf.c \
	kernel/net/tcprules.c \
	kernel/net/tcpcc.c \
	kernel/net/tcp.c \
	kernel/net/tcp_input.c \
	kernel/net/tcp_user.c \
	kernel/net/arp.c \
	kernel/net/ipv4.c \
	kernel/net/udp.c \
	kernel/net/dhcp.c \
	kernel/net/socket.c \
	kernel/net/sysnet.c \
	kernel/fs/perm.c \
	kernel/fs/vfs.c \
	kernel/fs/fat.c kernel/fs/fat_dir.c kernel/fs/fat_file.c kernel/fs/fat_fmt.c \
	kernel/fs/sysmount.c \
	kernel/fs/ramfs.c \
	kernel/fs/dev.c \
	kernel/fs/file.c \
	kernel/fs/pipe.c \
	kernel/fs/poll.c \
	kernel/fs/vfile.c \
	kernel/fs/sysfile.c \
	kernel/panic.c \
	kernel/lib/cpio.c \
	kernel/lib/format.c \
	kernel/lib/kprintf.c \
	kernel/lib/string.c \
	kernel/lib/sha256.c \
	kernel/lib/pwhash.c \
	kernel/lib/passwd.c \
	kernel/lib/ksyms.c \
	kernel/lib/ring.c \
	kernel/lib/ldisc.c \
	kernel/lib/vt.c \
	kernel/lib/kbd.c \
	kernel/lib/proto.c \
	kernel/lib/path.c \
	kernel/proto/proto.c \
	kernel/mm/memmap.c \
	kernel/mm/pmm.c \
	kernel/mm/pmm_ref.c \
	kernel/mm/vm.c \
	kernel/mm/heap.c \
	kernel/mm/usercopy.c \
	kernel/mm/mm.c \
	kernel/proc/proc.c \
	kernel/proc/sched.c \
	kernel/proc/loader.c \
	kernel/proc/lock.c \
	kernel/proc/syscall.c \
	kernel/ktest/ktest.c \
	kernel/ktest/lib_tests.c \
	kernel/ktest/mm_tests.c \
	kernel/ktest/proc_tests.c \
	kernel/ktest/fork_tests.c \
	kernel/ktest/bench_mm.c \
	kernel/ktest/ramfs_tests.c \
	kernel/ktest/bcache_tests.c

# The screen console's font, made from the PSF font configure found (--with-console-font)
# by psf2c at build time: the font stays in its Debian package, not in this tree.
KERNEL_GEN_OBJS = kernel/gen/font8x16.o
KERNEL_OBJS = $(KERNEL_ASM_SRCS:.asm=.o) $(KERNEL_C_SRCS:.c=.o) $(KERNEL_GEN_OBJS)
KERNEL_GEN_INCS = kernel/gen/multiboot2.inc kernel/gen/layout.inc kernel/gen/syscall.inc \
	kernel/gen/memlayout.inc kernel/gen/uart16550.inc

EXTRA_DIST += $(KERNEL_ASM_SRCS) $(KERNEL_C_SRCS) $(KERNEL_LDSCRIPT) kernel/ksyms.sh \
	kernel/h2inc.sed kernel/include kernel/arch/x86_64/cpu.h \
	kernel/arch/x86_64/layout.h kernel/arch/x86_64/x86_64.h kernel/arch/x86_64/trapframe.inc
noinst_DATA += kernel/keel.elf
CLEANFILES += kernel/gen/font8x16.c kernel/keel.elf kernel/keel.pass1.elf kernel/ksyms.S kernel/ksyms.o \
	$(KERNEL_OBJS) $(KERNEL_OBJS:.o=.d) $(KERNEL_GEN_INCS)

# Quiet-rule prefixes in the style of automake's AM_V_CC (make V=1 shows the commands).
kv_cc = $(kv_cc_@AM_V@)
kv_cc_ = $(kv_cc_@AM_DEFAULT_V@)
kv_cc_0 = @echo "  KCC     " $@;
kv_cc_1 =
kv_as = $(kv_as_@AM_V@)
kv_as_ = $(kv_as_@AM_DEFAULT_V@)
kv_as_0 = @echo "  NASM    " $@;
kv_as_1 =
kv_ld = $(kv_ld_@AM_V@)
kv_ld_ = $(kv_ld_@AM_DEFAULT_V@)
kv_ld_0 = @echo "  KLD     " $@;
kv_ld_1 =

.SECONDARY: $(KERNEL_GEN_INCS) kernel/gen/font8x16.c

noinst_PROGRAMS += tools/psf2c/psf2c
tools_psf2c_psf2c_SOURCES = tools/psf2c/psf2c.c

kernel/gen/font8x16.c: tools/psf2c/psf2c$(EXEEXT)
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)case '$(CONSOLE_FONT)' in \
	  *.gz) gzip -dc '$(CONSOLE_FONT)' ;; *) cat '$(CONSOLE_FONT)' ;; esac | \
	  tools/psf2c/psf2c$(EXEEXT) font8x16 > $@.tmp && mv $@.tmp $@

kernel/%.o: kernel/%.c
	@$(MKDIR_P) $(@D)
	$(kv_cc)$(KERNEL_CC) $(KCFLAGS) -c -o $@ $<

kernel/arch/%.o: kernel/arch/%.c
	@$(MKDIR_P) $(@D)
	$(kv_cc)$(KERNEL_CC) $(KCFLAGS) -I$(KARCH_INCLUDE) -c -o $@ $<

kernel/%.o: kernel/%.asm $(KERNEL_GEN_INCS)
	@$(MKDIR_P) $(@D)
	$(kv_as)$(NASM) $(KNASMFLAGS) -MD $(@:.o=.d) -MP -o $@ $< && $(KEEL_NASM_FILE_SYM)

kernel/arch/%.o: kernel/arch/%.asm $(KERNEL_GEN_INCS)
	@$(MKDIR_P) $(@D)
	$(kv_as)$(NASM) $(KNASMFLAGS) -I$(KARCH_INCLUDE)/ -MD $(@:.o=.d) -MP -o $@ $< && \
	  $(KEEL_NASM_FILE_SYM)

# NASM sources see the #define lines of the uapi headers, of neutral headers such as
# memlayout.h and of the architecture's layout.h as %define lines, so each number is
# written once, in C.
kernel/gen/%.inc: kernel/include/uapi/keel/%.h $(top_srcdir)/kernel/h2inc.sed
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)$(SED) -n -f $(top_srcdir)/kernel/h2inc.sed $< > $@.tmp && mv $@.tmp $@

kernel/gen/%.inc: kernel/include/%.h $(top_srcdir)/kernel/h2inc.sed
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)$(SED) -n -f $(top_srcdir)/kernel/h2inc.sed $< > $@.tmp && mv $@.tmp $@

kernel/gen/%.inc: kernel/arch/x86_64/%.h $(top_srcdir)/kernel/h2inc.sed
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)$(SED) -n -f $(top_srcdir)/kernel/h2inc.sed $< > $@.tmp && mv $@.tmp $@

kernel/keel.elf: $(KERNEL_OBJS) $(KERNEL_LDSCRIPT) $(top_srcdir)/kernel/ksyms.sh
	$(kv_ld)$(KERNEL_LD) $(KLDFLAGS) -o kernel/keel.pass1.elf $(KERNEL_OBJS) && \
	$(NM) -n --defined-only kernel/keel.pass1.elf | $(SHELL) $(top_srcdir)/kernel/ksyms.sh > kernel/ksyms.S && \
	$(KERNEL_CC) -c -o kernel/ksyms.o kernel/ksyms.S && \
	$(KERNEL_LD) $(KLDFLAGS) -o $@.tmp $(KERNEL_OBJS) kernel/ksyms.o && \
	$(NM) -n --defined-only kernel/keel.pass1.elf | $(GREP) ' [tT] ' > kernel/ksyms.pass1 && \
	$(NM) -n --defined-only $@.tmp | $(GREP) ' [tT] ' > kernel/ksyms.pass2 && \
	{ cmp -s kernel/ksyms.pass1 kernel/ksyms.pass2 || \
	  { echo "kernel/keel.elf: functions moved between the two links" >&2; exit 1; }; } && \
	rm -f kernel/ksyms.pass1 kernel/ksyms.pass2 && mv $@.tmp $@

-include $(KERNEL_OBJS:.o=.d)
