/* uptime: how long ago Keel booted, and how many processes there are. */
#include <err.h>
#include <keel.h>
#include <stdio.h>

int
main(void)
{
	struct keel_procinfo p;
	uint64_t ms = uptime_ms(), s = ms / 1000;
	int n = 0;

	while (procinfo(n, &p) > 0)
		n++;
	printf("up %lu:%02lu:%02lu.%03lu, %d process%s\n", (unsigned long)(s / 3600),
	       (unsigned long)(s / 60 % 60), (unsigned long)(s % 60), (unsigned long)(ms % 1000),
	       n, n == 1 ? "" : "es");
	return 0;
}
