/* walltime.c: reading and writing wall times. See walltime.h. */
#include "walltime.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { MINUTES_PER_DAY = 1440 };

int gcw_is_digit(char c) { return c >= '0' && c <= '9'; }

/* The k-digit decimal number at p (the caller checked the bytes exist), or -1. */
int gcw_digits(const char *p, int k) {
  int v = 0;
  for (int i = 0; i < k; i++) {
    if (!gcw_is_digit(p[i]))
      return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

/* p matches shape, where 'd' is any digit and other characters stand for themselves. */
int gcw_fits_shape(const char *p, size_t n, const char *shape) {
  size_t k = strlen(shape);
  if (n < k)
    return 0;
  for (size_t i = 0; i < k; i++)
    if (shape[i] == 'd' ? !gcw_is_digit(p[i]) : p[i] != shape[i])
      return 0;
  return 1;
}

/* ---- calendar (proleptic Gregorian; H. Hinnant's days_from_civil) --------------- */

static long days_from_civil(long y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, gcw_civil *c) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
  c->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
  c->year = (int)(yoe + era * 400 + (c->mon <= 2));
}

int gcw_days_in_month(int y, int m) {
  static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

/* Apply the offset: the same instant in UTC. */
static void to_utc(gcw_civil *c) {
  if (c->off_min == 0)
    return;
  long long m = (long long)days_from_civil(c->year, c->mon, c->day) * MINUTES_PER_DAY +
                c->hour * 60 + c->min - c->off_min;
  long long d = m >= 0 ? m / MINUTES_PER_DAY : -((-m + MINUTES_PER_DAY - 1) / MINUTES_PER_DAY);
  m -= d * MINUTES_PER_DAY;
  civil_from_days((long)d, c);
  c->hour = (int)(m / 60);
  c->min = (int)(m % 60);
  c->off_min = 0;
}

/* ---- wall times ------------------------------------------------------------- */

char *gcw_put_digits(char *o, int v, int width) {
  for (int i = width - 1; i >= 0; i--, v /= 10)
    o[i] = (char)('0' + v % 10);
  return o + width;
}

/* "YYYY-MM-DDThh:mm:ss.mmmZ" in UTC; 0 if the year leaves 0000-9999 on the way. */
int gcw_wall_format(gcw_civil c, char wall[GCW_WALL_MAX]) {
  to_utc(&c);
  if (c.year < 0 || c.year > 9999)
    return 0;
  char *o = gcw_put_digits(wall, c.year, 4);
  *o++ = '-';
  o = gcw_put_digits(o, c.mon, 2);
  *o++ = '-';
  o = gcw_put_digits(o, c.day, 2);
  *o++ = 'T';
  o = gcw_put_digits(o, c.hour, 2);
  *o++ = ':';
  o = gcw_put_digits(o, c.min, 2);
  *o++ = ':';
  o = gcw_put_digits(o, c.sec, 2);
  *o++ = '.';
  o = gcw_put_digits(o, c.ms, 3);
  memcpy(o, "Z", 2);
  return 1;
}

/* ".ddd…": milliseconds (sub-millisecond digits are cut off); bytes used, 0 if malformed. */
static size_t parse_fraction(const char *p, size_t n, int *ms) {
  size_t i = 1;
  int v = 0;
  for (; i < n && gcw_is_digit(p[i]); i++)
    if (i <= 3)
      v = v * 10 + (p[i] - '0');
  for (size_t k = i; k <= 3; k++)
    v *= 10;
  *ms = v;
  return i > 1 ? i : 0;
}

/* "Z" or "+hh:mm" / "-hh:mm"; bytes used, 0 if malformed. */
static size_t parse_zone(const char *p, size_t n, int *off_min) {
  if (n >= 1 && p[0] == 'Z') {
    *off_min = 0;
    return 1;
  }
  if (n < 6 || (p[0] != '+' && p[0] != '-') || !gcw_fits_shape(p + 1, n - 1, "dd:dd"))
    return 0;
  int h = gcw_digits(p + 1, 2), m = gcw_digits(p + 4, 2);
  if (h > 23 || m > 59)
    return 0;
  *off_min = (p[0] == '-' ? -1 : 1) * (h * 60 + m);
  return 6;
}

/* An RFC 3339 time (optional fraction) at p; bytes used, 0 if there is none. */
size_t gcw_rfc3339_parse(const char *p, size_t n, gcw_civil *c) {
  if (!gcw_fits_shape(p, n, "dddd-dd-ddTdd:dd:dd"))
    return 0;
  c->year = gcw_digits(p, 4);
  c->mon = gcw_digits(p + 5, 2);
  c->day = gcw_digits(p + 8, 2);
  c->hour = gcw_digits(p + 11, 2);
  c->min = gcw_digits(p + 14, 2);
  c->sec = gcw_digits(p + 17, 2);
  c->ms = 0;
  if (c->mon < 1 || c->mon > 12 || c->day < 1 || c->day > gcw_days_in_month(c->year, c->mon) ||
      c->hour > 23 || c->min > 59 || c->sec > 60)
    return 0;
  size_t i = 19;
  if (i < n && p[i] == '.') {
    size_t f = parse_fraction(p + i, n - i, &c->ms);
    if (!f)
      return 0;
    i += f;
  }
  size_t z = parse_zone(p + i, n - i, &c->off_min);
  return z ? i + z : 0;
}


/* Seconds since the epoch of a civil time in UTC (no offset, no leap seconds). */
static double epoch_seconds(const gcw_civil *c) {
  return (double)days_from_civil(c->year, c->mon, c->day) * 86400.0 + c->hour * 3600.0 +
         c->min * 60.0 + c->sec + c->ms / 1000.0;
}

double gcw_wall_seconds(const char *wall) {
  gcw_civil c;
  size_t n = wall ? strlen(wall) : 0;
  if (!n || gcw_rfc3339_parse(wall, n, &c) != n || c.off_min != 0)
    return NAN;
  return epoch_seconds(&c);
}

void gcw_wall_now(char wall[GCW_WALL_MAX]) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  gcw_civil c = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec, (int)(ts.tv_nsec / 1000000), 0};
  if (!gcw_wall_format(c, wall))
    wall[0] = '\0';
}

const char *gcw_utc_text(double epoch_s, const char *fmt, char *buf, size_t n) {
  time_t t = (time_t)floor(epoch_s);
  struct tm tm;
  if (!isfinite(epoch_s) || !gmtime_r(&t, &tm) || !strftime(buf, n, fmt, &tm))
    snprintf(buf, n, "?");
  return buf;
}
