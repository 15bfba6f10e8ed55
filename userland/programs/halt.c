/*
 * halt and reboot (one program, two names in /bin): write the disks back, unmount every
 * file system on a disk that nothing holds open, and halt the machine (under QEMU: end
 * it) or reset it. Root only. A volume still busy is written back all the same.
 */
#include <err.h>
#include <keel.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int how = strcmp(name, "reboot") == 0 ? KEEL_REBOOT_RESTART : KEEL_REBOOT_HALT;
	struct keel_mountinfo m;

	(void)argc;
	if (getuid() != 0)
		errx(1, "only root may %s", name);
	sync();
	/* Last mounted first: a mount on a mount comes off before the one under it. */
	for (int i = 16 - 1; i >= 0; i--)
		if (mountinfo(i, &m) == 1 && strncmp(m.dev, "/dev/", 5) == 0 && umount(m.dir) < 0)
			warn("%s stays mounted (written back all the same)", m.dir);
	reboot(how);
	err(1, "%s", name);
}
