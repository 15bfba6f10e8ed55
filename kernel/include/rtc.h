/*
 * The real-time clock (drivers/rtc.c): the PC's CMOS clock, read once at boot, then
 * carried forward by the timer. It gives file times (ramfs) and clock_gettime's
 * KEEL_CLOCK_REALTIME.
 */
#ifndef KEEL_RTC_H
#define KEEL_RTC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Reads the CMOS clock and logs the date unless quiet. Returns 0, or -EIO when the clock
 * reads as no date (then the time counts from 1970-01-01 at boot, and a warning says so).
 */
int rtc_init(bool quiet);

/* Seconds since 1970-01-01 00:00:00 UTC now; before rtc_init, 0. */
int64_t rtc_seconds(void);

/* The same, with the nanoseconds of the current second in *nsec. */
int64_t rtc_time(uint32_t *nsec);

/*
 * The calendar's arithmetic, shared with the host tests: the seconds since the epoch of a
 * UTC date and time (year >= 1970, month 1-12, day 1-31). Does not check its arguments.
 */
int64_t rtc_epoch_seconds(int year, int month, int day, int hour, int min, int sec);

#endif
