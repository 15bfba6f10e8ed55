/*
 * PCI enumeration by configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2):
 * an address written to port 0xcf8 selects a dword of a function's configuration space,
 * which port 0xcfc then reads or writes. Bus 0 is scanned, and every bus behind a
 * PCI-to-PCI bridge, recursively; each function found goes into a table for drivers and
 * for lspci (pciinfo).
 */
#include "arch.h"
#include "lib.h"
#include "pci.h"

#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc
#define PCI_ENABLE		0x80000000u	/* bit 31 of CONFIG_ADDRESS */
#define PCI_SLOTS		32
#define PCI_FUNCS		8
#define PCI_BUSES		256
#define PCI_NO_VENDOR		0xffff
#define PCI_MULTIFUNCTION	0x80	/* header type bit 7 */
#define PCI_CLASS_BRIDGE	0x06
#define PCI_SUBCLASS_P2P	0x04

static struct {
	struct pci_dev devs[PCI_DEVICES_MAX];
	int count;
	int dropped;			/* functions found beyond PCI_DEVICES_MAX */
	bool scanned[PCI_BUSES];	/* so that a looping bridge setup ends */
} pci;

static uint32_t config_address(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off)
{
	return PCI_ENABLE | (uint32_t)bus << 16 | (uint32_t)slot << 11 | (uint32_t)func << 8 |
	       (off & 0xfc);
}

static uint32_t config_read(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off)
{
	outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, func, off));
	return inl(PCI_CONFIG_DATA);
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
	return config_read(d->bus, d->slot, d->func, off);
}

uint16_t pci_read16(const struct pci_dev *d, uint8_t off)
{
	return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_dev *d, uint8_t off)
{
	return (uint8_t)(pci_read32(d, off) >> ((off & 3) * 8));
}

void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
	uint32_t old = pci_read32(d, off), shift = (off & 2) * 8;

	outl(PCI_CONFIG_ADDRESS, config_address(d->bus, d->slot, d->func, off));
	outl(PCI_CONFIG_DATA, (old & ~(0xffffu << shift)) | (uint32_t)v << shift);
}

/* What lspci and the boot log call a class (PCI Code and ID Assignment Specification). */
static const char *class_name(uint8_t cls, uint8_t sub)
{
	switch (cls) {
	case 0x01: return sub == 0x01 ? "IDE controller" : sub == 0x06 ? "SATA controller" :
			  "storage controller";
	case 0x02: return sub == 0x00 ? "Ethernet controller" : "network controller";
	case 0x03: return "display controller";
	case 0x04: return "multimedia controller";
	case 0x06: return sub == 0x00 ? "host bridge" : sub == 0x01 ? "ISA bridge" :
			  sub == 0x04 ? "PCI bridge" : "bridge";
	case 0x0c: return sub == 0x03 ? "USB controller" : sub == 0x05 ? "SMBus" :
			  "serial bus controller";
	default:   return "device";
	}
}

static void scan_bus(uint8_t bus);

static void add_function(uint8_t bus, uint8_t slot, uint8_t func)
{
	struct pci_dev *d;
	struct keel_pciinfo *pi;

	if (pci.count == PCI_DEVICES_MAX) {
		pci.dropped++;
		return;
	}
	d = &pci.devs[pci.count++];
	d->bus = bus;
	d->slot = slot;
	d->func = func;
	pi = &d->info;
	memset(pi, 0, sizeof(*pi));
	pi->bus = bus;
	pi->slot = slot;
	pi->func = func;
	pi->vendor = pci_read16(d, PCI_VENDOR);
	pi->device = pci_read16(d, PCI_DEVICE);
	pi->revision = pci_read8(d, PCI_REVISION);
	pi->prog_if = pci_read8(d, PCI_PROG_IF);
	pi->subclass = pci_read8(d, PCI_SUBCLASS);
	pi->class_code = pci_read8(d, PCI_CLASS);
	pi->header = pci_read8(d, PCI_HEADER_TYPE);
	pi->irq_line = pci_read8(d, PCI_IRQ_LINE);
	pi->irq_pin = pci_read8(d, PCI_IRQ_PIN);
	if ((pi->header & 0x7f) == 0)
		for (int i = 0; i < 6; i++)
			pi->bar[i] = pci_read32(d, PCI_BAR0 + 4 * i);
	if (pi->class_code == PCI_CLASS_BRIDGE && pi->subclass == PCI_SUBCLASS_P2P) {
		uint8_t secondary = pci_read8(d, PCI_SECONDARY_BUS);
		if (secondary != 0)
			scan_bus(secondary);
	}
}

static void scan_bus(uint8_t bus)
{
	if (pci.scanned[bus])
		return;
	pci.scanned[bus] = true;
	for (uint8_t slot = 0; slot < PCI_SLOTS; slot++) {
		if ((config_read(bus, slot, 0, PCI_VENDOR) & 0xffff) == PCI_NO_VENDOR)
			continue;
		uint8_t header = (uint8_t)(config_read(bus, slot, 0, PCI_HEADER_TYPE) >> 16);
		int funcs = header & PCI_MULTIFUNCTION ? PCI_FUNCS : 1;
		for (uint8_t func = 0; func < funcs; func++)
			if ((config_read(bus, slot, func, PCI_VENDOR) & 0xffff) != PCI_NO_VENDOR)
				add_function(bus, slot, func);
	}
}

void pci_init(bool quiet)
{
	scan_bus(0);
	for (int i = 0; i < pci.count && !quiet; i++) {
		const struct keel_pciinfo *pi = &pci.devs[i].info;
		kprintf("[ok] pci: %02x:%02x.%x %04x:%04x %s (class %02x.%02x)", pi->bus, pi->slot,
			pi->func, pi->vendor, pi->device, class_name(pi->class_code, pi->subclass),
			pi->class_code, pi->subclass);
		if (pi->irq_pin && pi->irq_line < 16)
			kprintf(" irq %u", pi->irq_line);
		kprintf("\n");
	}
	if (pci.dropped)
		kprintf("[!!] pci: %d functions beyond the first %d ignored\n", pci.dropped,
			PCI_DEVICES_MAX);
}

struct pci_dev *pci_at(int index)
{
	return index >= 0 && index < pci.count ? &pci.devs[index] : NULL;
}

uint64_t pci_bar(const struct pci_dev *d, int bar, bool *io)
{
	uint32_t v = pci_read32(d, PCI_BAR0 + 4 * bar);

	*io = v & 1;
	if (*io)
		return v & ~3u;
	/* Memory BAR type 2 (bits 1-2) is 64 bits wide: the next BAR holds the high half. */
	if (((v >> 1) & 3) == 2 && bar < 5)
		return (uint64_t)pci_read32(d, PCI_BAR0 + 4 * (bar + 1)) << 32 | (v & ~0xfu);
	return v & ~0xfu;
}

unsigned pci_enable(struct pci_dev *d, const char *driver)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	cmd |= PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	cmd &= ~PCI_COMMAND_INTX_OFF;
	pci_write16(d, PCI_COMMAND, cmd);
	size_t n = strlen(driver);
	if (n >= sizeof(d->info.driver))
		n = sizeof(d->info.driver) - 1;
	memcpy(d->info.driver, driver, n);
	d->info.driver[n] = '\0';
	if (d->info.irq_pin == 0 || d->info.irq_line >= 16)
		return PCI_IRQ_NONE;
	return d->info.irq_line;
}
