/*
 * The PC's real-time clock: the Motorola MC146818 (or a chipset's copy of it) behind the
 * CMOS ports, read once at boot. From then on the time is that reading plus the timer's
 * uptime: reading the CMOS again would be slow (it can take 2 ms to get a stable value)
 * and would add nothing at Keel's accuracy of a PIT tick.
 *
 * The register facts, from the MC146818 datasheet as the IBM PC and its successors
 * document it (Ralf Brown's CMOS.LST; the IBM PS/2 and 770 technical references):
 *
 *	0x00 seconds, 0x02 minutes, 0x04 hours, 0x07 day of month, 0x08 month, 0x09 year
 *	(two digits), 0x32 century (the IBM convention: BCD 19 or 20; ACPI's FADT may name
 *	another register, which this driver does not look up).
 *	Status A (0x0a) bit 7, UIP: an update of the registers is under way and they read
 *	as undefined; once it is 0, no update starts for at least 244 us.
 *	Status B (0x0b) bit 2: 1 binary, 0 BCD values; bit 1: 1 24-hour, 0 12-hour, where
 *	bit 7 of the hours is PM.
 *
 * Index port 0x70 (its bit 7 masks NMIs; left 0 here), data port 0x71.
 */
#include "arch.h"
#include "lib.h"
#include "rtc.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"
#include <keel/errno.h>
#include <keel/syscall.h>

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71

#define RTC_SECONDS	0x00
#define RTC_MINUTES	0x02
#define RTC_HOURS	0x04
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_STATUS_A	0x0a
#define RTC_STATUS_B	0x0b
#define RTC_CENTURY	0x32

#define RTC_A_UIP	0x80	/* update in progress */
#define RTC_B_24HOUR	0x02
#define RTC_B_BINARY	0x04
#define RTC_HOURS_PM	0x80	/* in 12-hour mode */

/* Tries to wait out an update: one lasts under 2 ms, and a port read about 1 us. */
#define RTC_UIP_SPINS	100000
#define RTC_READ_TRIES	5

struct rtc_reading {
	uint8_t sec, min, hour, day, month, year, century, status_b;
};

static struct {
	bool set;
	int64_t boot_seconds;	/* the CMOS time when it was read */
	uint64_t boot_us;	/* uptime_us() then */
} rtc;

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

/* Reads the registers once an update is not under way. Returns false if one never ends. */
static bool read_registers(struct rtc_reading *r)
{
	int spins = 0;

	while (cmos_read(RTC_STATUS_A) & RTC_A_UIP)
		if (++spins == RTC_UIP_SPINS)
			return false;
	r->sec = cmos_read(RTC_SECONDS);
	r->min = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->day = cmos_read(RTC_DAY);
	r->month = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = cmos_read(RTC_CENTURY);
	r->status_b = cmos_read(RTC_STATUS_B);
	return true;
}

static int from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

int64_t rtc_epoch_seconds(int year, int month, int day, int hour, int min, int sec)
{
	/*
	 * Days since 1970-01-01 of a proleptic Gregorian date: count from 1 March, so that
	 * the leap day ends a year, in eras of 400 years (146097 days).
	 */
	int y = year - (month <= 2);
	int era = y / 400, yoe = y - era * 400;
	int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + doe - 719468;

	return days * 86400 + hour * 3600 + min * 60 + sec;
}

struct rtc_date {
	int year, month, day, hour, min, sec;
};

/* Decodes a reading into *d. Returns false when it is no date. */
static bool reading_date(const struct rtc_reading *r, struct rtc_date *d)
{
	bool bcd = !(r->status_b & RTC_B_BINARY);
	int hour_raw = r->hour & ~RTC_HOURS_PM;
	int sec = bcd ? from_bcd(r->sec) : r->sec, min = bcd ? from_bcd(r->min) : r->min;
	int hour = bcd ? from_bcd((uint8_t)hour_raw) : hour_raw;
	int day = bcd ? from_bcd(r->day) : r->day, month = bcd ? from_bcd(r->month) : r->month;
	int year = bcd ? from_bcd(r->year) : r->year;
	int century = bcd ? from_bcd(r->century) : r->century;

	if (!(r->status_b & RTC_B_24HOUR))	/* 12 AM is 0 h, 12 PM is 12 h */
		hour = hour % 12 + ((r->hour & RTC_HOURS_PM) ? 12 : 0);
	if (century < 19 || century > 30)	/* no century register: 1970-2069 */
		century = year < 70 ? 20 : 19;
	year += century * 100;
	*d = (struct rtc_date){ year, month, day, hour, min, sec };
	return sec <= 59 && min <= 59 && hour <= 23 && day >= 1 && day <= 31 && month >= 1 &&
	       month <= 12 && year >= 1970;
}

int rtc_init(bool quiet)
{
	struct rtc_reading a, b;
	struct rtc_date d;
	bool ok = false;

	/* Two equal readings in a row: none was torn by an update between the registers. */
	for (int i = 0; i < RTC_READ_TRIES && !ok; i++) {
		if (!read_registers(&a) || !read_registers(&b))
			break;
		ok = a.sec == b.sec && a.min == b.min && a.hour == b.hour && a.day == b.day &&
		     a.month == b.month && a.year == b.year && a.century == b.century;
	}
	rtc.boot_us = uptime_us();
	if (!ok || !reading_date(&a, &d)) {
		kprintf("[!!] rtc: the CMOS clock gives no date; the time starts at 1970-01-01\n");
		rtc.boot_seconds = 0;
		rtc.set = true;
		return -EIO;
	}
	rtc.boot_seconds = rtc_epoch_seconds(d.year, d.month, d.day, d.hour, d.min, d.sec);
	rtc.set = true;
	if (!quiet)
		kprintf("[ok] rtc: %04d-%02d-%02d %02d:%02d:%02d UTC (CMOS)\n", d.year, d.month,
			d.day, d.hour, d.min, d.sec);
	return 0;
}

int64_t rtc_time(uint32_t *nsec)
{
	uint64_t us;

	if (!rtc.set) {
		*nsec = 0;
		return 0;
	}
	us = uptime_us() - rtc.boot_us;
	*nsec = (uint32_t)(us % 1000000) * 1000;
	return rtc.boot_seconds + (int64_t)(us / 1000000);
}

int64_t rtc_seconds(void)
{
	uint32_t nsec;

	return rtc_time(&nsec);
}

long sys_clock_gettime(const uint64_t *a)
{
	struct keel_timespec ts;
	uint32_t nsec;

	switch (a[0]) {
	case KEEL_CLOCK_REALTIME:
		ts.tv_sec = rtc_time(&nsec);
		ts.tv_nsec = nsec;
		break;
	case KEEL_CLOCK_MONOTONIC: {
		uint64_t us = uptime_us();

		ts.tv_sec = (int64_t)(us / 1000000);
		ts.tv_nsec = (int64_t)(us % 1000000) * 1000;
		break;
	}
	default:
		return -EINVAL;
	}
	return copy_to_user((void *)a[1], &ts, sizeof(ts));
}
