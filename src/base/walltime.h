/*
** walltime.h: wall times, the one place they are read and written.
** The normalized wall time of the whole tool is "YYYY-MM-DDThh:mm:ss.mmmZ" (UTC): the
** envelope writes it from a record's RFC 3339 time, watch mode from the arrival clock,
** the store keeps it, plots read it back as seconds since the epoch. Syslog times have no
** year: "--MM-DDThh:mm:ss" (docs/schema.md), which gcw_wall_seconds does not read.
** Calendar: proleptic Gregorian (H. Hinnant's days_from_civil), no time zone database.
*/
#ifndef GCW_WALLTIME_H
#define GCW_WALLTIME_H

#include <stddef.h>

/* "YYYY-MM-DDThh:mm:ss.mmmZ" (24 bytes) and its NUL, with room. */
enum { GCW_WALL_MAX = 32 };

typedef struct gcw_civil {
  int year, mon, day, hour, min, sec, ms;
  int off_min; /* minutes east of UTC */
} gcw_civil;

/* ---- scanning ---- */
int gcw_is_digit(char c);
/* The k-digit decimal number at p (the caller checked the bytes exist), or -1. */
int gcw_digits(const char *p, int k);
/* p matches shape, where 'd' is any digit and other characters stand for themselves. */
int gcw_fits_shape(const char *p, size_t n, const char *shape);
/* v as exactly width digits at o (leading zeros); past them. */
char *gcw_put_digits(char *o, int v, int width);

/* ---- the calendar ---- */
int gcw_days_in_month(int y, int m);

/* ---- reading ---- */
/* An RFC 3339 time (optional fraction, cut to milliseconds) at p; bytes used, 0 if there
** is none. */
size_t gcw_rfc3339_parse(const char *p, size_t n, gcw_civil *c);
/* A normalized wall time as seconds since the epoch; NAN when it is not one. */
double gcw_wall_seconds(const char *wall);

/* ---- writing ---- */
/* c in UTC as the normalized wall time; 0 if the year leaves 0000-9999 on the way. */
int gcw_wall_format(gcw_civil c, char wall[GCW_WALL_MAX]);
/* The clock now as the normalized wall time (watch mode's arrival time). */
void gcw_wall_now(char wall[GCW_WALL_MAX]);
/* Seconds since the epoch in UTC with a strftime format ("%Y-%m-%d %H:%M:%S"); "?" when
** it cannot be shown. Returns buf. */
const char *gcw_utc_text(double epoch_s, const char *fmt, char *buf, size_t n);

#endif
