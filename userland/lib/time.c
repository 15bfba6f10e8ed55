/*
 * time.h: the clocks (clock_gettime over the kernel's CMOS-based clock), the calendar in
 * UTC, and strftime in the C locale. The day arithmetic counts from 1 March in 400-year
 * eras, as the kernel's rtc_epoch_seconds does (drivers/rtc.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "syscall.h"

int
clock_gettime(clockid_t clock, struct timespec *ts)
{
	long r = syscall2(SYS_clock_gettime, clock, (long)ts);

	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

time_t
time(time_t *t)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return (time_t)-1;
	if (t != NULL)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

int
timespec_get(struct timespec *ts, int base)
{
	return base == TIME_UTC && clock_gettime(CLOCK_REALTIME, ts) == 0 ? base : 0;
}

clock_t
clock(void)
{
	static struct timespec start;
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) < 0)
		return (clock_t)-1;
	if (start.tv_sec == 0 && start.tv_nsec == 0)
		start = now;
	return (clock_t)((now.tv_sec - start.tv_sec) * CLOCKS_PER_SEC +
			 (now.tv_nsec - start.tv_nsec) / 1000);
}

double difftime(time_t a, time_t b) { return (double)(a - b); }

/* Days since 1970-01-01 of a date (month 1-12); any year, proleptic Gregorian. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

struct tm *
gmtime_r(const time_t *t, struct tm *tm)
{
	int64_t days = *t / 86400, secs = *t % 86400, era, doe, yoe, y, doy, mp;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	tm->tm_wday = (int)((days % 7 + 11) % 7);	/* 1970-01-01 was a Thursday */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	y = yoe + era * 400 + (tm->tm_mon <= 1);
	tm->tm_year = (int)(y - 1900);
	tm->tm_yday = (int)(days_from_civil(y, tm->tm_mon + 1, tm->tm_mday) -
			    days_from_civil(y, 1, 1));
	tm->tm_isdst = 0;
	return tm;
}

struct tm *
gmtime(const time_t *t)
{
	static struct tm tm;

	return gmtime_r(t, &tm);
}

struct tm *localtime_r(const time_t *t, struct tm *out) { return gmtime_r(t, out); }
struct tm *localtime(const time_t *t) { return gmtime(t); }

time_t
timegm(struct tm *tm)
{
	int64_t mon = tm->tm_mon, y = (int64_t)tm->tm_year + 1900 + mon / 12;
	time_t t;

	mon %= 12;
	if (mon < 0) {
		mon += 12;
		y--;
	}
	t = (days_from_civil(y, (int)mon + 1, 1) + tm->tm_mday - 1) * 86400 +
	    (int64_t)tm->tm_hour * 3600 + (int64_t)tm->tm_min * 60 + tm->tm_sec;
	gmtime_r(&t, tm);
	return t;
}

time_t mktime(struct tm *tm) { return timegm(tm); }

static const char *const day_names[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};
static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December",
};

/* ISO 8601 week-based year and week (%G, %V): weeks start on Monday, week 1 has 4 January. */
static void
iso_week(const struct tm *tm, int64_t *year, int *week)
{
	int64_t y = (int64_t)tm->tm_year + 1900;
	int wday = (tm->tm_wday + 6) % 7;	/* Monday 0 */
	int w = (tm->tm_yday - wday + 10) / 7;

	if (w < 1) {
		int64_t py = y - 1;
		int pdays = 365 + is_leap(py);
		w = (tm->tm_yday + pdays - wday + 10) / 7;
		y = py;
	} else if (w == 53) {
		int days = 365 + is_leap(y);
		if (tm->tm_yday - wday + 3 >= days) {	/* that Thursday is next year's */
			w = 1;
			y++;
		}
	}
	*year = y;
	*week = w;
}

struct out {
	char *buf;
	size_t max, len;
};

static void
put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len + n < o->max)
		memcpy(o->buf + o->len, s, n);
	o->len += n;
}

size_t
strftime(char *buf, size_t max, const char *fmt, const struct tm *tm)
{
	struct out o = { buf, max, 0 };
	char tmp[64];
	int64_t year = (int64_t)tm->tm_year + 1900, gyear;
	int week, hour12 = tm->tm_hour % 12 ? tm->tm_hour % 12 : 12;
	const char *wd = tm->tm_wday >= 0 && tm->tm_wday < 7 ? day_names[tm->tm_wday] : "?";
	const char *mn = tm->tm_mon >= 0 && tm->tm_mon < 12 ? month_names[tm->tm_mon] : "?";

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%' || fmt[1] == '\0') {
			tmp[0] = *fmt;
			tmp[1] = '\0';
			put(&o, tmp);
			continue;
		}
		tmp[0] = '\0';
		switch (*++fmt) {
		case 'a': snprintf(tmp, sizeof tmp, "%.3s", wd); break;
		case 'A': snprintf(tmp, sizeof tmp, "%s", wd); break;
		case 'b': case 'h': snprintf(tmp, sizeof tmp, "%.3s", mn); break;
		case 'B': snprintf(tmp, sizeof tmp, "%s", mn); break;
		case 'c':
			snprintf(tmp, sizeof tmp, "%.3s %.3s %2d %02d:%02d:%02d %lld", wd, mn,
				 tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, (long long)year);
			break;
		case 'C': snprintf(tmp, sizeof tmp, "%02lld", (long long)(year / 100)); break;
		case 'd': snprintf(tmp, sizeof tmp, "%02d", tm->tm_mday); break;
		case 'D': case 'x':
			snprintf(tmp, sizeof tmp, "%02d/%02d/%02d", tm->tm_mon + 1, tm->tm_mday,
				 (int)(year % 100));
			break;
		case 'e': snprintf(tmp, sizeof tmp, "%2d", tm->tm_mday); break;
		case 'F':
			snprintf(tmp, sizeof tmp, "%04lld-%02d-%02d", (long long)year, tm->tm_mon + 1,
				 tm->tm_mday);
			break;
		case 'g': case 'G': case 'V':
			iso_week(tm, &gyear, &week);
			if (*fmt == 'V')
				snprintf(tmp, sizeof tmp, "%02d", week);
			else if (*fmt == 'G')
				snprintf(tmp, sizeof tmp, "%lld", (long long)gyear);
			else
				snprintf(tmp, sizeof tmp, "%02d", (int)(gyear % 100));
			break;
		case 'H': snprintf(tmp, sizeof tmp, "%02d", tm->tm_hour); break;
		case 'I': snprintf(tmp, sizeof tmp, "%02d", hour12); break;
		case 'j': snprintf(tmp, sizeof tmp, "%03d", tm->tm_yday + 1); break;
		case 'k': snprintf(tmp, sizeof tmp, "%2d", tm->tm_hour); break;
		case 'l': snprintf(tmp, sizeof tmp, "%2d", hour12); break;
		case 'm': snprintf(tmp, sizeof tmp, "%02d", tm->tm_mon + 1); break;
		case 'M': snprintf(tmp, sizeof tmp, "%02d", tm->tm_min); break;
		case 'n': strcpy(tmp, "\n"); break;
		case 'p': strcpy(tmp, tm->tm_hour < 12 ? "AM" : "PM"); break;
		case 'P': strcpy(tmp, tm->tm_hour < 12 ? "am" : "pm"); break;
		case 'r':
			snprintf(tmp, sizeof tmp, "%02d:%02d:%02d %s", hour12, tm->tm_min, tm->tm_sec,
				 tm->tm_hour < 12 ? "AM" : "PM");
			break;
		case 'R': snprintf(tmp, sizeof tmp, "%02d:%02d", tm->tm_hour, tm->tm_min); break;
		case 's': {
			struct tm copy = *tm;
			snprintf(tmp, sizeof tmp, "%lld", (long long)timegm(&copy));
			break;
		}
		case 'S': snprintf(tmp, sizeof tmp, "%02d", tm->tm_sec); break;
		case 't': strcpy(tmp, "\t"); break;
		case 'T': case 'X':
			snprintf(tmp, sizeof tmp, "%02d:%02d:%02d", tm->tm_hour, tm->tm_min,
				 tm->tm_sec);
			break;
		case 'u': snprintf(tmp, sizeof tmp, "%d", tm->tm_wday ? tm->tm_wday : 7); break;
		case 'U':
			snprintf(tmp, sizeof tmp, "%02d", (tm->tm_yday + 7 - tm->tm_wday) / 7);
			break;
		case 'w': snprintf(tmp, sizeof tmp, "%d", tm->tm_wday); break;
		case 'W':
			snprintf(tmp, sizeof tmp, "%02d", (tm->tm_yday + 7 - (tm->tm_wday + 6) % 7) / 7);
			break;
		case 'y': snprintf(tmp, sizeof tmp, "%02d", (int)(year % 100)); break;
		case 'Y': snprintf(tmp, sizeof tmp, "%lld", (long long)year); break;
		case 'z': strcpy(tmp, "+0000"); break;
		case 'Z': strcpy(tmp, "UTC"); break;
		case '%': strcpy(tmp, "%"); break;
		default:	/* unknown: kept as written, as glibc does */
			snprintf(tmp, sizeof tmp, "%%%c", *fmt);
			break;
		}
		put(&o, tmp);
	}
	if (o.len >= max)
		return 0;
	buf[o.len] = '\0';
	return o.len;
}

char *
asctime(const struct tm *tm)
{
	static char buf[64];

	strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y\n", tm);
	return buf;
}

char *ctime(const time_t *t) { return asctime(gmtime(t)); }
