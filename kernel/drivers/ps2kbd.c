/*
 * The PS/2 keyboard of kbd_ps2.h, on the 8042 controller's first port (OSDev "8042 PS/2
 * Controller" and "PS/2 Keyboard"; IBM PS/2 Hardware Interface Technical Reference,
 * "Keyboard/Auxiliary Device Controller"). Port 0x64 reads the status and takes commands,
 * port 0x60 carries data. The keyboard speaks scan code set 2; the controller translates
 * it to set 1 (configuration byte bit 6), which lib/kbd.c reads.
 *
 * Each byte arrives with IRQ 1 and goes straight into the tty's input, as the serial
 * line's bytes do, in the interrupt handler. The translation state (struct kbd) is only
 * touched there, with interrupts off, and by ps2kbd_init before IRQ 1 is on.
 */
#include "arch.h"
#include "kbd.h"
#include "kbd_ps2.h"
#include "lib.h"
#include "tty.h"

#define PS2_DATA		0x60
#define PS2_STATUS		0x64	/* read */
#define PS2_COMMAND		0x64	/* write */
#define STATUS_OUT_FULL		0x01	/* a byte waits at PS2_DATA */
#define STATUS_IN_FULL		0x02	/* the controller has not taken the last byte */
#define STATUS_AUX		0x20	/* the waiting byte is the mouse's */
#define CMD_READ_CONFIG		0x20
#define CMD_WRITE_CONFIG	0x60
#define CMD_ENABLE_PORT1	0xae
#define CONFIG_IRQ1		0x01
#define CONFIG_PORT1_OFF	0x10	/* the first port's clock is off */
#define CONFIG_TRANSLATE	0x40
#define KBD_IRQ			1
#define PS2_SPIN_MAX		100000	/* a controller that takes longer is not there */
#define PS2_FLUSH_MAX		64	/* stale bytes read away at start */

static struct kbd kbd;

static bool wait_status(uint8_t bit, bool set)
{
	for (int i = 0; i < PS2_SPIN_MAX; i++)
		if (((inb(PS2_STATUS) & bit) != 0) == set)
			return true;
	return false;
}

static bool send_command(uint8_t cmd)
{
	if (!wait_status(STATUS_IN_FULL, false))
		return false;
	outb(PS2_COMMAND, cmd);
	return true;
}

/* Turns on IRQ 1, the first port and translation in the configuration byte. */
static bool configure(void)
{
	uint8_t config;

	for (int i = 0; i < PS2_FLUSH_MAX && (inb(PS2_STATUS) & STATUS_OUT_FULL); i++)
		inb(PS2_DATA);
	if (!send_command(CMD_READ_CONFIG) || !wait_status(STATUS_OUT_FULL, true))
		return false;
	config = inb(PS2_DATA);
	config = (uint8_t)((config | CONFIG_IRQ1 | CONFIG_TRANSLATE) & ~CONFIG_PORT1_OFF);
	if (!send_command(CMD_WRITE_CONFIG) || !wait_status(STATUS_IN_FULL, false))
		return false;
	outb(PS2_DATA, config);
	return send_command(CMD_ENABLE_PORT1);
}

static void ps2kbd_irq(void)
{
	uint8_t status;

	while ((status = inb(PS2_STATUS)) & STATUS_OUT_FULL) {
		uint8_t code = inb(PS2_DATA);
		char out[KBD_OUT_MAX];
		size_t n;

		if (status & STATUS_AUX)
			continue;	/* a mouse byte: no mouse driver */
		n = kbd_scancode(&kbd, code, out);
		for (size_t i = 0; i < n; i++)
			tty_input((uint8_t)out[i]);
	}
}

bool ps2kbd_init(const char *layout)
{
	/* No controller: the status port floats to all ones (OSDev "8042", "Initialising"). */
	if (inb(PS2_STATUS) == 0xff)
		return false;
	if (layout && *layout && !kbd_layout_find(layout))
		kprintf("[!!] keyboard: no layout called '%s' (there are: %s); using us\n", layout,
			kbd_layout_names);
	kbd_init(&kbd, layout);
	if (!configure())
		return false;
	irq_set_handler(KBD_IRQ, ps2kbd_irq);
	return true;
}

const char *ps2kbd_layout(void)
{
	return kbd.layout->name;
}
