/*
 * Time of Keel's C runtime, as C11 7.27 and POSIX have it, in UTC only: Keel has no time
 * zones, so localtime is gmtime and mktime is timegm. The wall clock comes from the
 * kernel's CMOS real-time clock (clock_gettime's CLOCK_REALTIME, doc/sdk.md).
 */
#ifndef KEEL_USER_TIME_H
#define KEEL_USER_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <keel/syscall.h>	/* KEEL_CLOCK_*, struct keel_timespec */

typedef int64_t time_t;
typedef long clock_t;
typedef int clockid_t;

#define CLOCKS_PER_SEC	1000000L
#define CLOCK_REALTIME	KEEL_CLOCK_REALTIME
#define CLOCK_MONOTONIC	KEEL_CLOCK_MONOTONIC
#define TIME_UTC	1

/* The same layout as the kernel's struct keel_timespec. */
struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

struct tm {
	int tm_sec;	/* 0-60 */
	int tm_min;	/* 0-59 */
	int tm_hour;	/* 0-23 */
	int tm_mday;	/* 1-31 */
	int tm_mon;	/* 0-11 */
	int tm_year;	/* years since 1900 */
	int tm_wday;	/* 0-6, Sunday 0 */
	int tm_yday;	/* 0-365 */
	int tm_isdst;	/* always 0 */
};

/* Seconds since 1970-01-01 00:00:00 UTC, also stored in *t when t is not NULL. */
time_t time(time_t *t);
int clock_gettime(clockid_t clock, struct timespec *ts);
int timespec_get(struct timespec *ts, int base);
/* The time since the program started, as CPU time would be counted with no other program. */
clock_t clock(void);
double difftime(time_t a, time_t b);

struct tm *gmtime(const time_t *t);
struct tm *gmtime_r(const time_t *t, struct tm *out);
struct tm *localtime(const time_t *t);		/* UTC: gmtime */
struct tm *localtime_r(const time_t *t, struct tm *out);
time_t timegm(struct tm *tm);			/* normalises tm, fills tm_wday and tm_yday */
time_t mktime(struct tm *tm);			/* UTC: timegm */

/*
 * strftime in the C locale: %a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %k %l %m %M
 * %n %p %P %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %% (%Z is "UTC"). Returns
 * the length written, or 0 when it does not fit in max bytes.
 */
size_t strftime(char *buf, size_t max, const char *fmt, const struct tm *tm);
char *asctime(const struct tm *tm);
char *ctime(const time_t *t);

#endif
