# Boot images and the machines that boot them.
#
#   keel.iso   hybrid BIOS+UEFI ISO (GRUB 2), what `make run` boots; built by `make`
#   esp.img    an EFI System Partition image (`make esp.img`, `make run-esp`)
#
# KEEL_CMDLINE holds extra kernel command-line words, e.g. `make run KEEL_CMDLINE=quiet`.
# QEMU_ACCEL is tcg by default (KVM guests hang on the machines this is developed on).

MKBOOT = tools/mkboot/mkboot
KEEL_CMDLINE =
QEMU_MEM = 256M
GDB_PORT = 1234
mkboot_image_args = --kernel kernel/keel.elf --cmdline '$(KEEL_CMDLINE)'

noinst_DATA += keel.iso
CLEANFILES += keel.iso esp.img

# The command line is part of the image, so a changed KEEL_CMDLINE must rebuild it.
keel.cmdline: FORCE
	@echo '$(KEEL_CMDLINE)' | cmp -s - $@ 2>/dev/null || echo '$(KEEL_CMDLINE)' > $@
CLEANFILES += keel.cmdline
FORCE:
.PHONY: FORCE

keel.iso: kernel/keel.elf $(MKBOOT) keel.cmdline
	$(AM_V_GEN)$(MKBOOT) --iso $@ $(mkboot_image_args)

esp.img: kernel/keel.elf $(MKBOOT) keel.cmdline
	$(AM_V_GEN)$(MKBOOT) --esp $@ $(mkboot_image_args)

# QEMU as the tests run it, less the console: TCG, no traffic off this machine.
qemu_base = $(QEMU) -accel $(QEMU_ACCEL) -m $(QEMU_MEM) -no-reboot \
	-nic user,model=e1000,restrict=on -device isa-debug-exit,iobase=0xf4,iosize=0x04
ovmf_pflash = -drive if=pflash,format=raw,readonly=on,file=$(OVMF_CODE) \
	-drive if=pflash,format=raw,file=ovmf-vars.fd

ovmf-vars.fd:
	$(AM_V_GEN)cp $(OVMF_VARS) $@ && chmod u+w $@
CLEANFILES += ovmf-vars.fd

run: keel.iso
	$(qemu_base) -display none -serial mon:stdio -cdrom keel.iso

run-uefi: keel.iso ovmf-vars.fd
	$(qemu_base) $(ovmf_pflash) -display none -serial mon:stdio -cdrom keel.iso

run-esp: esp.img ovmf-vars.fd
	$(qemu_base) $(ovmf_pflash) -display none -serial mon:stdio -drive format=raw,file=esp.img

debug: keel.iso
	@echo "QEMU waits for gdb on port $(GDB_PORT). In another terminal run:"
	@echo "  gdb $(abs_top_builddir)/kernel/keel.elf -ex 'target remote localhost:$(GDB_PORT)'"
	$(qemu_base) -display none -serial mon:stdio -cdrom keel.iso -gdb tcp:localhost:$(GDB_PORT) -S

.PHONY: run run-uefi run-esp debug
