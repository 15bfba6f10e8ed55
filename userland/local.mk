# User space (doc/userland.md): Keel's C runtime, its programs, the host tool mkpasswd and
# the ramfs image that holds them.
#
# Programs are built with KERNEL_CC in freestanding mode (user code may use SSE) against
# the runtime's own headers, and linked with KERNEL_LD and userland/user.ld into static
# ELF64 executables whose segments are R-X, R-- and RW-. The objects live under userland/
# and are made by the pattern rules below; the host-side objects of mkpasswd and the unit
# tests get per-target names from automake, so the two never meet.

USER_LIBGCC := $(shell $(KERNEL_CC) -print-libgcc-file-name)
UCFLAGS = -std=gnu11 -m64 -O2 -ffunction-sections -fdata-sections -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -nostdlib -nostdinc -isystem $(KERNEL_CC_INCLUDE) \
	-I$(top_srcdir)/userland/include -I$(top_srcdir)/userland/lib \
	-I$(top_srcdir)/kernel/include/uapi \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -MMD -MP $(KEEL_PREFIX_MAPS)
UNASMFLAGS = -f elf64 -Werror
USER_LDSCRIPT = $(top_srcdir)/userland/user.ld
ULDFLAGS = -m elf_x86_64 -static -nostdlib --gc-sections --build-id=none -z max-page-size=4096 \
	-z noexecstack -T $(USER_LDSCRIPT)

# The runtime: crt0 and a static library of everything else, which includes the code it
# shares with the kernel: kernel/lib's sources built with these flags, as userland/klib/.
ULIB_SHARED_SRCS = \
	kernel/lib/string.c \
	kernel/lib/format.c \
	kernel/lib/sha256.c \
	kernel/lib/pwhash.c \
	kernel/lib/passwd.c
ULIB_SRCS = \
	userland/lib/syscalls.c \
	userland/lib/start.c \
	userland/lib/env.c \
	userland/lib/err.c \
	userland/lib/strerror.c \
	userland/lib/string.c \
	userland/lib/stdlib.c \
	userland/lib/stdlib_c11.c \
	userland/lib/strmore.c \
	userland/lib/time.c \
	userland/lib/stdio.c \
	userland/lib/malloc.c \
	userland/lib/getopt.c \
	userland/lib/getpw.c \
	userland/lib/inet.c \
	userland/lib/linereader.c \
	userland/lib/outbuf.c \
	userland/lib/poll.c \
	userland/lib/qsort.c \
	userland/lib/fileutil.c \
	userland/lib/http.c
# The runtime's headers, as the SDK installs them too (sdk/local.mk): in keel/, keel/sys/.
ULIB_PUBLIC_HDRS = \
	userland/include/assert.h \
	userland/include/ctype.h \
	userland/include/err.h \
	userland/include/errno.h \
	userland/include/fcntl.h \
	userland/include/fileutil.h \
	userland/include/getopt.h \
	userland/include/keel.h \
	userland/include/limits.h \
	userland/include/linereader.h \
	userland/include/outbuf.h \
	userland/include/poll.h \
	userland/include/signal.h \
	userland/include/stdio.h \
	userland/include/stdlib.h \
	userland/include/string.h \
	userland/include/time.h \
	userland/include/unistd.h
ULIB_SYS_HDRS = userland/include/sys/stat.h userland/include/sys/wait.h
ULIB_HDRS = userland/lib/syscall.h userland/lib/http.h $(ULIB_PUBLIC_HDRS) $(ULIB_SYS_HDRS)
UCRT0 = userland/lib/crt0.o
ULIB = userland/lib/libkeel.a
ULIB_OBJS = $(ULIB_SRCS:.c=.o) $(ULIB_SHARED_SRCS:kernel/lib/%.c=userland/klib/%.o)

# The programs: one source file each in userland/programs/, but the shell.
USERLAND_SIMPLE_NAMES = init login ls cat echo ps kill mem uptime whoami rm mkdir \
	hexdump sysbench true crash syscheck spawnloop ttycheck seccheck \
	ping ifconfig udpecho lspci nc \
	wc grep head tail sort uniq seq tee yes sleep false cp mv touch env date \
	dd lsblk sync \
	mount umount sha256sum rmdir halt reboot fsbench \
	httpd fetch netstat \
	tcpcheck
SH_SRCS = \
	userland/sh/main.c \
	userland/sh/input.c \
	userland/sh/edit.c \
	userland/sh/history.c \
	userland/sh/parse.c \
	userland/sh/builtin.c \
	userland/sh/run.c \
	userland/sh/vars.c
SH_HDRS = userland/sh/sh.h userland/sh/edit.h userland/sh/history.h userland/sh/parse.h
SH_OBJS = $(SH_SRCS:.c=.o)
USERLAND_C_NAMES = $(USERLAND_SIMPLE_NAMES) sh
USERLAND_SIMPLE_SRCS = $(USERLAND_SIMPLE_NAMES:%=userland/programs/%.c)
USERLAND_BINS = $(USERLAND_C_NAMES:%=userland/bin/%)

# The flat binaries of userland/asm/ (ones, twos, hello), made by asm2flat in
# userland/asm/local.mk: each NAME.bin goes into the image as /bin/NAME. That fragment is
# read after this one, hence the second expansion of the image's prerequisites below.
USERLAND_ASM_IMAGES = $(USERLAND_ASM_BINS)

USERLAND_OBJS = $(UCRT0) $(ULIB_OBJS) $(SH_OBJS) $(USERLAND_SIMPLE_SRCS:.c=.o)

# Quiet-rule prefixes in the style of automake's AM_V_CC (make V=1 shows the commands).
uv_cc = $(uv_cc_@AM_V@)
uv_cc_ = $(uv_cc_@AM_DEFAULT_V@)
uv_cc_0 = @echo "  UCC     " $@;
uv_cc_1 =
uv_as = $(uv_as_@AM_V@)
uv_as_ = $(uv_as_@AM_DEFAULT_V@)
uv_as_0 = @echo "  UNASM   " $@;
uv_as_1 =
uv_ld = $(uv_ld_@AM_V@)
uv_ld_ = $(uv_ld_@AM_DEFAULT_V@)
uv_ld_0 = @echo "  ULD     " $@;
uv_ld_1 =
uv_ar = $(uv_ar_@AM_V@)
uv_ar_ = $(uv_ar_@AM_DEFAULT_V@)
uv_ar_0 = @echo "  UAR     " $@;
uv_ar_1 =

userland/%.o: userland/%.c
	@$(MKDIR_P) $(@D)
	$(uv_cc)$(KERNEL_CC) $(UCFLAGS) -c -o $@ $<

userland/klib/%.o: kernel/lib/%.c
	@$(MKDIR_P) $(@D)
	$(uv_cc)$(KERNEL_CC) $(UCFLAGS) -c -o $@ $<

userland/%.o: userland/%.asm
	@$(MKDIR_P) $(@D)
	$(uv_as)$(NASM) $(UNASMFLAGS) -o $@ $< && $(KEEL_NASM_FILE_SYM)

$(ULIB): $(ULIB_OBJS)
	$(uv_ar)rm -f $@ && $(AR) rc $@ $(ULIB_OBJS) && $(RANLIB) $@

userland/bin/%: userland/programs/%.o $(UCRT0) $(ULIB) $(USER_LDSCRIPT)
	@$(MKDIR_P) $(@D)
	$(uv_ld)$(KERNEL_LD) $(ULDFLAGS) -o $@ $(UCRT0) $< $(ULIB) $(USER_LIBGCC)

userland/bin/sh: $(SH_OBJS) $(UCRT0) $(ULIB) $(USER_LDSCRIPT)
	@$(MKDIR_P) $(@D)
	$(uv_ld)$(KERNEL_LD) $(ULDFLAGS) -o $@ $(UCRT0) $(SH_OBJS) $(ULIB) $(USER_LIBGCC)

# The programs' objects are kept, so that a relink does not recompile them.
.SECONDARY: $(USERLAND_SIMPLE_SRCS:.c=.o)
-include $(USERLAND_OBJS:.o=.d)

# mkpasswd: a host tool that makes /etc/passwd lines, with the runtime's own SHA-256.
noinst_PROGRAMS += userland/mkpasswd
userland_mkpasswd_SOURCES = userland/mkpasswd.c kernel/lib/sha256.c kernel/lib/pwhash.c \
	kernel/include/uapi/keel/sha256.h kernel/include/uapi/keel/pwhash.h \
	kernel/include/uapi/keel/string.h
userland_mkpasswd_CPPFLAGS = $(AM_CPPFLAGS) -DKEEL_HOST_TEST

# The users' passwords come from configure (--with-root-password, --with-guest-password);
# these defaults only cover a Makefile from before those options.
userland_root_password = $(if $(ROOT_PASSWORD),$(ROOT_PASSWORD),keel)
userland_guest_password = $(if $(GUEST_PASSWORD),$(GUEST_PASSWORD),guest)

# A changed password changes the Makefile (configure writes it), which remakes passwd and
# shadow: the public fields in the one, the hashes in the other (doc/security.md).
userland/etc/passwd: userland/mkpasswd$(EXEEXT) Makefile
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)rm -f userland/etc/shadow.tmp && \
	{ printf '%s\n' '$(userland_root_password)' | \
	    userland/mkpasswd$(EXEEXT) --shadow userland/etc/shadow.tmp --uid 0 --gid 0 \
	      --home /root root && \
	  printf '%s\n' '$(userland_guest_password)' | \
	    userland/mkpasswd$(EXEEXT) --shadow userland/etc/shadow.tmp --uid 1000 --gid 1000 \
	      --home /home/guest guest; \
	} > $@.tmp && mv userland/etc/shadow.tmp userland/etc/shadow && mv $@.tmp $@
userland/etc/shadow: userland/etc/passwd
	@test -f $@ || { rm -f userland/etc/passwd; $(MAKE) $(AM_MAKEFLAGS) userland/etc/passwd; }

# The image: a gen_init_cpio-style list (see mkramfs(1)) so that modes and owners are
# exactly these, whatever the build tree's files have.
MKRAMFS = tools/mkramfs/mkramfs$(EXEEXT)
.SECONDEXPANSION:
ramfs.img: $(USERLAND_BINS) $$(USERLAND_ASM_IMAGES) userland/etc/passwd userland/etc/shadow \
		$(srcdir)/userland/etc/motd $(srcdir)/userland/etc/fstab $(MKRAMFS) Makefile
	$(AM_V_GEN){ \
	  echo 'dir bin 0755 0 0'; \
	  for p in $(USERLAND_BINS) $(USERLAND_ASM_IMAGES); do \
	    n=$${p##*/}; echo "file bin/$${n%.bin} $$p 0755 0 0"; done; \
	  echo 'dir etc 0755 0 0'; \
	  echo 'file etc/passwd userland/etc/passwd 0644 0 0'; \
	  echo 'file etc/shadow userland/etc/shadow 0600 0 0'; \
	  echo 'file etc/motd $(srcdir)/userland/etc/motd 0644 0 0'; \
	  echo 'file etc/fstab $(srcdir)/userland/etc/fstab 0644 0 0'; \
	  echo 'dir disk 0755 0 0'; \
	  echo 'dir home 0755 0 0'; \
	  echo 'dir home/guest 0755 1000 1000'; \
	  echo 'dir root 0700 0 0'; \
	  echo 'dir tmp 1777 0 0'; \
	} > userland/ramfs.list && $(MKRAMFS) -o $@ -F userland/ramfs.list

noinst_DATA += ramfs.img
EXTRA_DIST += $(ULIB_SRCS) $(ULIB_HDRS) userland/lib/crt0.asm $(SH_SRCS) $(SH_HDRS) \
	$(USERLAND_SIMPLE_SRCS) userland/user.ld userland/etc/motd userland/etc/fstab userland/local.mk
CLEANFILES += ramfs.img userland/ramfs.list userland/etc/passwd userland/etc/shadow $(USERLAND_BINS) $(ULIB) \
	$(USERLAND_OBJS) $(USERLAND_OBJS:.o=.d)

include $(srcdir)/tests/userland/local.mk
