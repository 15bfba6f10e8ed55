/* The runner of ktest.h: walks the .ktest section the linker collects and prints TAP. */
#include "ktest.h"

extern const struct ktest __ktest_start[], __ktest_end[];

static struct {
	int failures;		/* of the running test */
} ktest_state;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	ktest_state.failures++;
	kprintf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

static bool selected(const struct ktest *t, const char *suite)
{
	return !suite || !*suite || strcmp(t->suite, suite) == 0;
}

int ktest_run(const char *suite)
{
	int planned = 0, number = 0, failed = 0;

	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++)
		planned += selected(t, suite);
	if (planned == 0)
		return -1;
	kprintf("1..%d\n", planned);
	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++) {
		if (!selected(t, suite))
			continue;
		ktest_state.failures = 0;
		t->run();
		number++;
		failed += ktest_state.failures != 0;
		kprintf("%sok %d - %s: %s\n", ktest_state.failures ? "not " : "", number,
			t->suite, t->name);
	}
	return failed;
}
