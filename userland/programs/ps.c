/* ps: lists every process: pid, parent, user, state, memory, CPU time and name. */
#include <err.h>
#include <keel.h>
#include <stdio.h>

#include <keel/passwd.h>

static const char *const states[] = {
	[PROC_RUNNABLE] = "ready",
	[PROC_RUNNING] = "run",
	[PROC_SLEEPING] = "sleep",
	[PROC_ZOMBIE] = "zombie",
};

#define PS_USERS_MAX	64

static struct passwd_entry users[PS_USERS_MAX];
static int nusers;

/* Prints the user's name, or the uid when /etc/passwd does not know it. */
static void
print_user(unsigned uid)
{
	for (int i = 0; i < nusers; i++) {
		if (users[i].uid == uid) {
			printf("%-8s ", users[i].name);
			return;
		}
	}
	printf("%-8u ", uid);
}

int
main(void)
{
	static char text[PASSWD_FILE_MAX];
	struct keel_procinfo p;
	int r, i;

	if (passwd_read(text, sizeof(text)) == 0)
		nusers = passwd_all(text, users, PS_USERS_MAX);
	printf("%5s %5s %-8s %-6s %8s %9s %s\n", "PID", "PPID", "USER", "STATE", "MEM(KiB)",
	       "CPU(s)", "NAME");
	for (i = 0; (r = procinfo(i, &p)) > 0; i++) {
		printf("%5d %5d ", p.pid, p.ppid);
		print_user(p.uid);
		printf("%-6s %8lu %5lu.%03lu %.*s\n",
		       p.state < sizeof(states) / sizeof(states[0]) ? states[p.state] : "?",
		       (unsigned long)(p.memory / 1024), (unsigned long)(p.cpu_ms / 1000),
		       (unsigned long)(p.cpu_ms % 1000), PROC_NAME_MAX + 1, p.name);
	}
	if (r < 0)
		err(1, "procinfo");
	return 0;
}
