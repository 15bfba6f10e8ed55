/*
 * PCI: the functions found on the buses by configuration mechanism #1 (the 0xcf8/0xcfc
 * ports), their configuration space, and what the drivers need to start one: its BARs,
 * its interrupt line, bus mastering. Drivers claim functions by vendor and device ID.
 */
#ifndef KEEL_PCI_H
#define KEEL_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <keel/net.h>

#define PCI_DEVICES_MAX		64	/* functions remembered; the rest are counted only */

/* Configuration space offsets (PCI Local Bus Specification 3.0, 6.1). */
#define PCI_VENDOR		0x00
#define PCI_DEVICE		0x02
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_REVISION		0x08
#define PCI_PROG_IF		0x09
#define PCI_SUBCLASS		0x0a
#define PCI_CLASS		0x0b
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_SECONDARY_BUS	0x19	/* PCI-to-PCI bridges (header type 1) */
#define PCI_IRQ_LINE		0x3c
#define PCI_IRQ_PIN		0x3d

#define PCI_COMMAND_IO		0x0001
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_INTX_OFF	0x0400

#define PCI_IRQ_NONE		0xff

struct pci_dev {
	uint8_t bus, slot, func;
	struct keel_pciinfo info;	/* what pciinfo reports; info.driver set by the claimant */
};

/* Finds every function on every bus reachable from bus 0 and logs one line for each. */
void pci_init(bool quiet);

/* Returns the index-th function found (0-based), or NULL past the last. */
struct pci_dev *pci_at(int index);

uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);
uint8_t pci_read8(const struct pci_dev *d, uint8_t off);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);

/*
 * Returns the address a BAR decodes: the I/O port base for an I/O BAR, the physical
 * address of a memory BAR (64-bit ones included); 0 when the BAR is unset. *io says which.
 */
uint64_t pci_bar(const struct pci_dev *d, int bar, bool *io);

/*
 * Turns on I/O and memory decoding and bus mastering (the device may then DMA), and
 * records the driver's name for lspci. Returns the interrupt line (0-15), or PCI_IRQ_NONE
 * when the firmware routed none.
 */
unsigned pci_enable(struct pci_dev *d, const char *driver);

#endif
