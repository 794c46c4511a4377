/* scan.c: the common shapes without a regular expression. See scan.h.
**
** Each shape below is the grammar's head followed by its parts in the order the runtime
** prints them, every part exactly once; the era of each head and part is the MIN-MAX of
** its line in grammar/gc.pcre or grammar/scav.pcre (quoted next to it). Anything else,
** including these parts in another order, a missing or repeated part, or an unknown one,
** is left to the grammar (return 0). A number is the same text span the grammar's group
** would capture, converted by the same functions. */
#include "scan.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decimal without exponent parsed exactly as strtod would (one correctly rounded
** division); anything else goes to strtod. */
double gcw_scan_real(const char *s, size_t n) {
  uint64_t mant = 0;
  uint64_t scale = 1;
  int digits = 0, seen_dot = 0, neg = 0;
  size_t i = 0;
  if (n && (s[0] == '-' || s[0] == '+'))
    neg = s[i++] == '-';
  for (; i < n; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9' && digits < 15) {
      mant = mant * 10 + (uint64_t)(c - '0');
      digits++;
      if (seen_dot)
        scale *= 10;
    } else if (c == '.' && !seen_dot) {
      seen_dot = 1;
    } else {
      char tmp[64];
      size_t m = n < sizeof tmp - 1 ? n : sizeof tmp - 1;
      memcpy(tmp, s, m);
      tmp[m] = '\0';
      return strtod(tmp, NULL);
    }
  }
  double v = (double)mant / (double)scale;
  return neg ? -v : v;
}

double gcw_scan_int(const char *s, size_t n, int base) {
  int neg = n && s[0] == '-';
  uint64_t v = 0;
  for (size_t i = neg; i < n; i++) {
    char c = s[i];
    int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    if (v > ((uint64_t)1 << 53) / (uint64_t)base)
      return HUGE_VAL;
    v = v * (uint64_t)base + (uint64_t)d;
  }
  if (v > (uint64_t)1 << 53) /* not exact in a double: out of range, not rounded */
    return HUGE_VAL;
  return neg ? -(double)v : (double)v;
}

int gcw_scan_in_range(int field, double v) {
  double max = gcw_field_infos[field].type == GCW_INT ? GCW_INT_MAX : GCW_REAL_MAX;
  if (field == GCW_F_procs)
    max = GCW_PROCS_MAX;
  return isfinite(v) && fabs(v) <= max;
}

typedef struct cur {
  const char *s;
  size_t n, i;
  gcw_event *ev;
} cur;

static inline int is_digit(char c) { return c >= '0' && c <= '9'; }

/* The literal l (a string constant) next: skip it, 1; else 0. A macro, so that memcmp sees
** a constant length and the compiler compares inline. */
#define LIT(c, l)                                                                           \
  ((c)->n - (c)->i >= sizeof(l) - 1 && memcmp((c)->s + (c)->i, l, sizeof(l) - 1) == 0       \
       ? ((c)->i += sizeof(l) - 1, 1)                                                       \
       : 0)

/* \d+, and its value as gcw_scan_int(s, n, 10) computes it. More than 15 digits: 0, the
** line is left to the grammar (which refuses a number out of range, recog.c), so the
** value here never wraps. */
static inline int digits_v(cur *c, size_t *a, uint64_t *v) {
  size_t i = c->i;
  uint64_t x = 0;
  while (i < c->n && is_digit(c->s[i]))
    x = x * 10 + (uint64_t)(c->s[i++] - '0');
  if (i == c->i || i - c->i > 15)
    return 0;
  *a = c->i;
  *v = x;
  c->i = i;
  return 1;
}

static inline int digits(cur *c, size_t *a) {
  uint64_t v;
  return digits_v(c, a, &v);
}

static inline void set(cur *c, gcw_field f, double v) {
  c->ev->v[f] = v;
  c->ev->present[f] = 1;
}

/* \d+ into an INT field */
static inline int int_field(cur *c, gcw_field f) {
  size_t a;
  uint64_t v;
  if (!digits_v(c, &a, &v))
    return 0;
  set(c, f, (double)v);
  return 1;
}

/* A phase time, %T% of gc.pcre: \d+(?:\.\d{1,3})?, into a REAL field. Up to 15 digits
** the value is gcw_scan_real()'s, mantissa / 10^decimals, formed while scanning. */
static inline int phase(cur *c, gcw_field f) {
  static const double scale[4] = {1, 10, 100, 1000};
  size_t a;
  uint64_t v;
  if (!digits_v(c, &a, &v))
    return 0;
  size_t k = 0;
  if (c->i + 1 < c->n && c->s[c->i] == '.' && is_digit(c->s[c->i + 1])) {
    size_t i = c->i + 1;
    while (i < c->n && k < 3 && is_digit(c->s[i]))
      v = v * 10 + (uint64_t)(c->s[i++] - '0'), k++;
    c->i = i;
  }
  size_t ndigits = c->i - a - (k ? 1 : 0);
  set(c, f, ndigits <= 15 ? (double)v / scale[k] : gcw_scan_real(c->s + a, c->i - a));
  return 1;
}

static int flag(cur *c, gcw_field f, int on) {
  set(c, f, on);
  return 1;
}

static void narrow(gcw_event *ev, int lo, int hi) {
  if (lo > ev->era_min)
    ev->era_min = lo;
  if (hi < ev->era_max)
    ev->era_max = hi;
}

/* @t: \d+\.\d{3} (up to 15 digits as gcw_scan_real(): mantissa / 1000) */
static int at_time(cur *c) {
  size_t a, b;
  uint64_t whole, frac;
  if (!digits_v(c, &a, &whole) || !LIT(c, "."))
    return 0;
  if (!digits_v(c, &b, &frac) || c->i - b != 3)
    return 0;
  size_t ndigits = c->i - a - 1;
  set(c, GCW_F_t_s, ndigits <= 15 ? (double)(whole * 1000 + frac) / 1000.0
                                  : gcw_scan_real(c->s + a, c->i - a));
  return 1;
}

/* head gc 5-99: gc (?<gc>\d+) @(?<t_s>\d+\.\d{3})s (?<cpu_pct>\d+)%(?<leak_check> \(checking
** for goroutine leaks\))?:\x20 */
static int gc_head(cur *c) {
  return LIT(c, "gc ") && int_field(c, GCW_F_gc) && LIT(c, " @") && at_time(c) &&
         LIT(c, "s ") && int_field(c, GCW_F_cpu_pct) && LIT(c, "%") &&
         flag(c, GCW_F_leak_check, LIT(c, " (checking for goroutine leaks)")) && LIT(c, ": ");
}

/* part gc 6-99 ... ms clock, part gc 6-99 ... ms cpu, part gc 5-99 ... MB,
** part gc 5-99 ... MB goal */
static int gc_parts(cur *c) {
  return phase(c, GCW_F_sweep_term_ms) && LIT(c, "+") && phase(c, GCW_F_mark_ms) &&
         LIT(c, "+") && phase(c, GCW_F_mark_term_ms) && LIT(c, " ms clock, ") &&
         phase(c, GCW_F_cpu_sweep_term_ms) && LIT(c, "+") && phase(c, GCW_F_cpu_assist_ms) &&
         LIT(c, "/") && phase(c, GCW_F_cpu_bg_ms) && LIT(c, "/") &&
         phase(c, GCW_F_cpu_idle_ms) && LIT(c, "+") && phase(c, GCW_F_cpu_mark_term_ms) &&
         LIT(c, " ms cpu, ") && int_field(c, GCW_F_heap_start_mb) && LIT(c, "->") &&
         int_field(c, GCW_F_heap_end_mb) && LIT(c, "->") && int_field(c, GCW_F_heap_live_mb) &&
         LIT(c, " MB, ") && int_field(c, GCW_F_goal_mb) && LIT(c, " MB goal, ");
}

/* part gc 18-99 # MB stacks, part gc 18-99 # MB globals: both (1.18+) or neither. */
static int gc_stacks(cur *c) {
  size_t at = c->i;
  if (int_field(c, GCW_F_stacks_mb) && LIT(c, " MB stacks, ")) {
    if (!int_field(c, GCW_F_globals_mb) || !LIT(c, " MB globals, "))
      return -1;
    narrow(c->ev, 18, 99);
    return 1;
  }
  c->ev->present[GCW_F_stacks_mb] = 0;
  c->i = at;
  return 0;
}

/* gc # @#s #%: #+#+# ms clock, #+#/#/#+# ms cpu, #->#-># MB, # MB goal[, # MB stacks,
** # MB globals], # P[ (forced)] */
static int scan_gc(cur *c) {
  if (!gc_head(c) || !gc_parts(c) || gc_stacks(c) < 0)
    return 0;
  /* part gc 5-99 (?<procs>\d+) P(?<forced> \(forced\))? */
  if (!int_field(c, GCW_F_procs) || !LIT(c, " P"))
    return 0;
  flag(c, GCW_F_forced, LIT(c, " (forced)"));
  if (c->i != c->n)
    return 0;
  narrow(c->ev, 6, 99); /* head 5-99, clock and cpu parts 6-99, the rest 5-99 */
  c->ev->family = GCW_FAM_GC;
  return 1;
}

/* scav [GEN ]# KiB work, # KiB total, #% util[...] (1.14-1.20, GEN 1.15-1.18) or
** scav # KiB work (bg), # KiB work (eager), # KiB now, #% util[...] (1.21+) */
static int scan_scav(cur *c) {
  size_t a, b;
  if (!LIT(c, "scav ") || !digits(c, &a))
    return 0;
  size_t a_end = c->i;
  if (c->i + 1 < c->n && c->s[c->i] == ' ' && is_digit(c->s[c->i + 1])) {
    /* part scav 15-18 (?<gen>\d+) (?<work_kib>\d+) KiB work */
    c->i++;
    if (!digits(c, &b))
      return 0;
    size_t b_end = c->i;
    if (!LIT(c, " KiB work, "))
      return 0;
    set(c, GCW_F_gen, gcw_scan_int(c->s + a, a_end - a, 10));
    set(c, GCW_F_work_kib, gcw_scan_int(c->s + b, b_end - b, 10));
    narrow(c->ev, 15, 18);
    /* part scav 14-20 (?<released_kib>\d+) KiB total */
    if (!int_field(c, GCW_F_released_kib) || !LIT(c, " KiB total, "))
      return 0;
    narrow(c->ev, 14, 20);
  } else if (LIT(c, " KiB work, ")) {
    /* part scav 14-20 (?<work_kib>\d+) KiB work, part scav 14-20 ... KiB total */
    set(c, GCW_F_work_kib, gcw_scan_int(c->s + a, a_end - a, 10));
    if (!int_field(c, GCW_F_released_kib) || !LIT(c, " KiB total, "))
      return 0;
    narrow(c->ev, 14, 20);
  } else if (LIT(c, " KiB work (bg), ")) {
    /* part scav 21-99 ... KiB work (bg), ... KiB work (eager), ... KiB now */
    set(c, GCW_F_work_bg_kib, gcw_scan_int(c->s + a, a_end - a, 10));
    if (!int_field(c, GCW_F_work_eager_kib) || !LIT(c, " KiB work (eager), ") ||
        !int_field(c, GCW_F_released_kib) || !LIT(c, " KiB now, "))
      return 0;
    narrow(c->ev, 21, 99);
  } else {
    return 0;
  }
  /* part scav 14-99 (?<util_pct>\d+)% util(?:(?<forced> \(forced\))|(?<controller_reset>
  ** \[controller reset\]))? */
  if (!int_field(c, GCW_F_util_pct) || !LIT(c, "% util"))
    return 0;
  int forced = LIT(c, " (forced)");
  flag(c, GCW_F_forced, forced);
  flag(c, GCW_F_controller_reset, !forced && LIT(c, " [controller reset]"));
  if (c->i != c->n)
    return 0;
  narrow(c->ev, 14, 99); /* head scav 14-99 */
  c->ev->family = GCW_FAM_SCAV;
  return 1;
}

int gcw_scan_line(const char *text, size_t len, gcw_event *ev) {
  cur c = {text, len, 0, ev};
  if (len < 8 || (text[0] != 'g' && text[0] != 's'))
    return 0;
  memset(ev->present, 0, sizeof ev->present);
  ev->unknown_parts = 0;
  ev->nexcl = 0;
  ev->era_min = 0;
  ev->era_max = 99;
  ev->out_of_range = 0;
  if (!(text[0] == 'g' ? scan_gc(&c) : scan_scav(&c)))
    return 0;
  /* A number beyond its type: the grammar reads the line and marks it out of range
  ** (recog.c). Only GOMAXPROCS can be one here: digits_v() leaves numbers of more than 15
  ** digits to the grammar, so every other value is below 1e15 (test_scan compares the
  ** two on every corpus line and the fuzz seeds, out-of-range marks included). */
  return !ev->present[GCW_F_procs] || gcw_scan_in_range(GCW_F_procs, ev->v[GCW_F_procs]);
}
