# Boot images and the machines that boot them.
#
#   keel.iso   hybrid BIOS+UEFI ISO (GRUB 2) with the kernel and ramfs.img (userland/local.mk),
#              what `make run` boots; built by `make`
#   esp.img    an EFI System Partition image (`make esp.img`, `make run-esp`)
#
# KEEL_CMDLINE holds extra kernel command-line words, e.g. `make run KEEL_CMDLINE=quiet`.
# QEMU_ACCEL is tcg by default (KVM guests hang on the machines this is developed on).

MKBOOT = tools/mkboot/mkboot
KEEL_CMDLINE =
GDB_PORT = 1234
mkboot_image_args = --kernel kernel/keel.elf --ramfs ramfs.img --cmdline '$(KEEL_CMDLINE)'

noinst_DATA += keel.iso
CLEANFILES += keel.iso esp.img

# The command line is part of the image, so a changed KEEL_CMDLINE must rebuild it.
keel.cmdline: FORCE
	@echo '$(KEEL_CMDLINE)' | cmp -s - $@ 2>/dev/null || echo '$(KEEL_CMDLINE)' > $@
CLEANFILES += keel.cmdline
FORCE:
.PHONY: FORCE

keel.iso: kernel/keel.elf ramfs.img $(MKBOOT) keel.cmdline
	$(AM_V_GEN)$(MKBOOT) --iso $@ $(mkboot_image_args)

esp.img: kernel/keel.elf ramfs.img $(MKBOOT) keel.cmdline
	$(AM_V_GEN)$(MKBOOT) --esp $@ $(mkboot_image_args)

# make run and friends boot through serialterm, which starts QEMU (TCG, restricted user
# networking, isa-debug-exit) with COM1 on your terminal and stops it when you quit with
# Ctrl-] q. Extra QEMU arguments: make run QEMU_ARGS='-m 1G'.
SERIALTERM = tools/serialterm/serialterm
QEMU_ARGS =
serialterm_env = QEMU='$(QEMU)' QEMU_ACCEL='$(QEMU_ACCEL)' OVMF_CODE='$(OVMF_CODE)' \
	OVMF_VARS='$(OVMF_VARS)'

# disk.img: the disk that Keel mounts at /disk (userland/etc/fstab), where files survive a
# reboot. Made once by mkboot --disk when absent and kept between runs (make clean keeps
# it too; delete it for a fresh one; make distclean removes it with the rest of the build).
# DISK_SIZE sets the size of a new one.
DISK_IMG = disk.img
DISTCLEANFILES = $(DISK_IMG)
DISK_SIZE = 64M
disk_args = -boot d -drive file=$(DISK_IMG),format=raw,if=none,id=disk0 \
	-device nvme,serial=keel-disk,drive=disk0

$(DISK_IMG): | $(MKBOOT)
	$(AM_V_GEN)$(MKBOOT) --disk $@ --size $(DISK_SIZE)

run: keel.iso $(SERIALTERM) | $(DISK_IMG)
	$(serialterm_env) $(SERIALTERM) --boot keel.iso -- $(disk_args) $(QEMU_ARGS)

run-uefi: keel.iso $(SERIALTERM) | $(DISK_IMG)
	$(serialterm_env) $(SERIALTERM) --boot keel.iso --uefi -- $(disk_args) $(QEMU_ARGS)

run-esp: esp.img $(SERIALTERM)
	$(serialterm_env) $(SERIALTERM) --boot esp.img --uefi -- -snapshot $(QEMU_ARGS)

debug: keel.iso $(SERIALTERM) | $(DISK_IMG)
	@echo "QEMU waits for gdb on port $(GDB_PORT). In another terminal run:"
	@echo "  gdb -ex 'directory $(abs_top_srcdir):$(abs_top_builddir)' $(abs_top_builddir)/kernel/keel.elf -ex 'target remote localhost:$(GDB_PORT)'"
	$(serialterm_env) $(SERIALTERM) --boot keel.iso -- -gdb tcp:localhost:$(GDB_PORT) -S $(disk_args) $(QEMU_ARGS)

.PHONY: run run-uefi run-esp debug
