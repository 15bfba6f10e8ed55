# Checks of Keel's configure script that autoconf has no macro for. Each failure names the
# Debian package that provides what is missing.

# KEEL_REQUIRE_PROG(VAR, PROGRAMS, PACKAGE)
# Finds the first of PROGRAMS on PATH (or takes VAR from the environment) and stops
# configure with the package's name when none is there.
AC_DEFUN([KEEL_REQUIRE_PROG], [
  AC_ARG_VAR([$1], [path of $2])
  AC_PATH_PROGS([$1], [$2])
  AS_IF([test -z "$$1"],
        [AC_MSG_ERROR([$2 is missing (Debian package: $3)])])
])

# KEEL_CHECK_KERNEL_CC
# The kernel compiler must build freestanding x86-64 code for the kernel code model.
AC_DEFUN([KEEL_CHECK_KERNEL_CC], [
  AC_MSG_CHECKING([whether $KERNEL_CC builds freestanding x86-64 kernel code])
  cat > conftest.c <<_KEEL_EOF
extern char far_away[[]];
long f(void) { return (long)far_away; }
_KEEL_EOF
  AS_IF([$KERNEL_CC -m64 -ffreestanding -fno-pic -mcmodel=kernel -mno-red-zone -mno-sse -mno-mmx \
           -fno-stack-protector -nostdlib -c conftest.c -o conftest.o >&AS_MESSAGE_LOG_FD 2>&1 &&
         od -An -tx1 -j4 -N1 conftest.o | grep -q 02 &&
         od -An -tx1 -j18 -N1 conftest.o | grep -q 3e],
        [AC_MSG_RESULT([yes])],
        [AC_MSG_RESULT([no])
         AC_MSG_ERROR([$KERNEL_CC cannot build x86-64 ELF kernel code; install gcc (Debian package: gcc) or set KERNEL_CC to an x86_64-elf cross compiler])])
  rm -f conftest.c conftest.o
])

# KEEL_CHECK_KERNEL_LD
AC_DEFUN([KEEL_CHECK_KERNEL_LD], [
  AC_MSG_CHECKING([whether $KERNEL_LD links elf_x86_64])
  AS_IF([$KERNEL_LD -V 2>/dev/null | grep -q elf_x86_64],
        [AC_MSG_RESULT([yes])],
        [AC_MSG_RESULT([no])
         AC_MSG_ERROR([$KERNEL_LD cannot link elf_x86_64 objects (Debian package: binutils), or set KERNEL_LD])])
])

# KEEL_CHECK_NASM_ELF64
AC_DEFUN([KEEL_CHECK_NASM_ELF64], [
  AC_MSG_CHECKING([whether $NASM assembles elf64])
  echo 'bits 64' > conftest.asm
  AS_IF([$NASM -f elf64 -o conftest.o conftest.asm >&AS_MESSAGE_LOG_FD 2>&1],
        [AC_MSG_RESULT([yes])],
        [AC_MSG_RESULT([no])
         AC_MSG_ERROR([$NASM cannot write elf64 objects (Debian package: nasm)])])
  rm -f conftest.asm conftest.o
])

# KEEL_CHECK_GRUB_PLATFORMS
# grub-mkrescue makes a hybrid image only when both platforms' modules are installed.
AC_DEFUN([KEEL_CHECK_GRUB_PLATFORMS], [
  AC_ARG_VAR([GRUB_LIBDIR], [directory holding GRUB's i386-pc and x86_64-efi modules])
  AC_MSG_CHECKING([for GRUB modules])
  AS_IF([test -z "$GRUB_LIBDIR"],
        [for d in /usr/lib/grub /usr/lib/grub2 /usr/share/grub /usr/local/lib/grub; do
           AS_IF([test -d "$d/i386-pc" || test -d "$d/x86_64-efi"], [GRUB_LIBDIR=$d; break])
         done])
  AC_MSG_RESULT([${GRUB_LIBDIR:-none}])
  AS_IF([test ! -f "$GRUB_LIBDIR/i386-pc/multiboot2.mod"],
        [AC_MSG_ERROR([GRUB's BIOS modules (i386-pc) are missing (Debian package: grub-pc-bin)])])
  AS_IF([test ! -f "$GRUB_LIBDIR/x86_64-efi/multiboot2.mod"],
        [AC_MSG_ERROR([GRUB's UEFI modules (x86_64-efi) are missing (Debian package: grub-efi-amd64-bin)])])
])

# KEEL_FIND_OVMF
# Finds the UEFI firmware QEMU boots: a code image and a template of its variable store.
AC_DEFUN([KEEL_FIND_OVMF], [
  AC_ARG_WITH([ovmf],
    [AS_HELP_STRING([--with-ovmf=DIR], [directory holding OVMF_CODE*.fd and OVMF_VARS*.fd])],
    [ovmf_dirs=$withval],
    [ovmf_dirs="/usr/share/OVMF /usr/share/ovmf /usr/share/edk2/ovmf /usr/share/edk2-ovmf/x64 /usr/share/qemu"])
  AC_ARG_VAR([OVMF_CODE], [OVMF firmware code image])
  AC_ARG_VAR([OVMF_VARS], [OVMF variable store template])
  AC_MSG_CHECKING([for OVMF firmware])
  AS_IF([test -z "$OVMF_CODE"], [
    for d in $ovmf_dirs; do
      for pair in OVMF_CODE_4M.fd:OVMF_VARS_4M.fd OVMF_CODE.fd:OVMF_VARS.fd; do
        code=${pair%%:*} vars=${pair##*:}
        AS_IF([test -f "$d/$code" && test -f "$d/$vars"],
              [OVMF_CODE=$d/$code OVMF_VARS=$d/$vars; break 2])
      done
    done])
  AC_MSG_RESULT([${OVMF_CODE:-no}])
  AS_IF([test -z "$OVMF_CODE" || test ! -f "$OVMF_CODE"],
        [AC_MSG_ERROR([OVMF firmware was not found in $ovmf_dirs (Debian package: ovmf), or give --with-ovmf=DIR])])
])
