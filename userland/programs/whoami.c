/* whoami: prints the name of the user the program runs as (its uid when /etc/passwd has none). */
#include <stdio.h>
#include <unistd.h>

#include <keel/passwd.h>

int
main(void)
{
	static char text[PASSWD_FILE_MAX];
	struct passwd_entry e;
	unsigned uid = getuid();

	if (passwd_read(text, sizeof(text)) == 0 && passwd_find_uid(text, uid, &e) == 0)
		printf("%s\n", e.name);
	else
		printf("%u\n", uid);
	return 0;
}
