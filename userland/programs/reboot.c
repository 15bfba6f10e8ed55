/* reboot: halt.c under another name; it resets the machine when called reboot. */
#include "halt.c"
