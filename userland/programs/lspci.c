/*
 * lspci: lists the PCI functions the kernel found, one a line: bus:slot.function, class,
 * vendor:device, revision, interrupt line and the kernel's driver for it, if any.
 */
#include <err.h>
#include <keel.h>
#include <stdio.h>

/* PCI Code and ID Assignment Specification: the classes one meets in a PC or QEMU. */
static const char *
class_name(unsigned cls, unsigned sub)
{
	switch (cls) {
	case 0x00: return "Unclassified device";
	case 0x01: return sub == 0x01 ? "IDE interface" : sub == 0x06 ? "SATA controller" :
			  "Mass storage controller";
	case 0x02: return sub == 0x00 ? "Ethernet controller" : "Network controller";
	case 0x03: return sub == 0x00 ? "VGA compatible controller" : "Display controller";
	case 0x04: return "Multimedia controller";
	case 0x05: return "Memory controller";
	case 0x06: return sub == 0x00 ? "Host bridge" : sub == 0x01 ? "ISA bridge" :
			  sub == 0x04 ? "PCI bridge" : sub == 0x80 ? "Bridge" : "Bridge";
	case 0x07: return "Communication controller";
	case 0x08: return "System peripheral";
	case 0x0c: return sub == 0x03 ? "USB controller" : sub == 0x05 ? "SMBus" :
			  "Serial bus controller";
	default:   return "Device";
	}
}

int
main(void)
{
	struct keel_pciinfo p;
	int r, i;

	for (i = 0; (r = pciinfo(i, &p)) > 0; i++) {
		printf("%02x:%02x.%x %s [%02x%02x]: %04x:%04x (rev %02x)", p.bus, p.slot, p.func,
		       class_name(p.class_code, p.subclass), p.class_code, p.subclass, p.vendor,
		       p.device, p.revision);
		if (p.irq_pin && p.irq_line < 16)
			printf(" irq %u", p.irq_line);
		if (p.driver[0])
			printf(" [%s]", p.driver);
		printf("\n");
	}
	if (r < 0)
		err(1, "pciinfo");
	return 0;
}
