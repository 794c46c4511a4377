/* report.c: the report and compare, formatted from the store. See report.h; the JSON
** schema is docs/report-json.md, the statistics docs/stats.md. */
#include "report.h"

#include "compare.h"
#include "json.h"
#include "safetext.h"
#include "severity.h"
#include "stats.h"
#include "store_read.h"
#include "writer.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __GNUC__
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---- output ---- */

/* Output through writer.h: colours on terminals without NO_COLOR, the first failed write
** remembered and later ones skipped. */
typedef gcw_writer printer;

static void emit(printer *p, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void emit(printer *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gcw_vwritef(p, fmt, ap);
  va_end(ap);
}

/* An ANSI attribute (1 bold, 0 reset), on terminals only. */
static void sgr(printer *p, int code) {
  char attr[8];
  snprintf(attr, sizeof attr, "%d", code);
  gcw_sgr(p, attr);
}

static printer printer_for(FILE *out) {
  printer p = gcw_writer_to_file(out, NULL, 0);
  p.colour = gcw_colour_wanted(out);
  return p;
}

static gcw_err printer_end(printer *p) { return gcw_writer_end(p); }

/* Text from the store (a path may hold anything): control characters (C0, DEL, C1;
** safetext.h) shown as '?', in pieces that never cut a C1 apart. */
static void emit_clean_n(printer *p, const unsigned char *s, size_t len) {
  char buf[256];
  for (size_t i = 0; i < len;) {
    size_t k = len - i < sizeof buf - 2 ? len - i : sizeof buf - 2;
    if (k < len - i && gcw_control_at(s + i + k - 1, len - i - k + 1) == 2)
      k--; /* a C1 control's first byte: keep it with its second */
    gcw_safe_text_q(buf, sizeof buf, (const char *)s + i, k);
    emit(p, "%s", buf);
    i += k;
  }
}

static void emit_clean(printer *p, const unsigned char *s) {
  if (s)
    emit_clean_n(p, s, strlen((const char *)s));
}

/* Findings' sentences are wrapped at this column. */
enum { WRAP = 100 };

/* Text from the store, cleaned and wrapped at WRAP: the caller has written `col` columns
** of the first line; later lines start with `indent` blanks. */
static void emit_wrapped(printer *p, const unsigned char *s, int col, int indent) {
  int start = col;
  while (s && *s) {
    while (*s == ' ')
      s++;
    size_t w = 0;
    while (s[w] && s[w] != ' ')
      w++;
    if (!w)
      break;
    if (col > start && col + 1 + (int)w > WRAP) {
      emit(p, "\n%*s", indent, "");
      col = start = indent;
    } else if (col > start) {
      emit(p, " ");
      col++;
    }
    emit_clean_n(p, s, w);
    col += (int)w;
    s += w;
  }
}

/* A number for people: whole numbers as such, else `digits` significant digits (97.06,
** 0.09, 320.5 with 4), and no decimals from 1000 up. */
static const char *num(char *buf, size_t n, double v, int digits) {
  if (!isfinite(v))
    snprintf(buf, n, "-");
  else if ((v == floor(v) && fabs(v) < 1e15) || fabs(v) >= 1000)
    snprintf(buf, n, "%.0f", v);
  else
    snprintf(buf, n, "%.*g", digits, v);
  return buf;
}

/* The shortest decimal that reads back as the same double (JSON); whole numbers bare. */
static void json_num(printer *p, double v) {
  char buf[40];
  if (!isfinite(v)) {
    emit(p, "null");
    return;
  }
  if (v == floor(v) && fabs(v) < 1e15) {
    emit(p, "%.0f", v);
    return;
  }
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v)
      break;
  }
  emit(p, "%s", buf);
}

/* A JSON string by the one rule of json.h (bytes that are not UTF-8 become U+FFFD). */
static void json_str(printer *p, const unsigned char *s) {
  gcw_json_string(p, s ? s : (const unsigned char *)"", s ? strlen((const char *)s) : 0);
}

/* A result column as a JSON value of its own type. */
static void json_col(printer *p, gcw_rows *st, int c) {
  switch (gcw_rows_type(st, c)) {
  case GCW_TYPE_NULL: emit(p, "null"); break;
  case GCW_TYPE_INT: emit(p, "%lld", (long long)gcw_rows_int(st, c)); break;
  case GCW_TYPE_REAL: json_num(p, gcw_rows_real(st, c)); break;
  default: json_str(p, gcw_rows_text(st, c)); break;
  }
}

/* Every column of the current row as "name": value, named by the query's aliases. */
static void json_row(printer *p, gcw_rows *st, const char *indent) {
  int n = gcw_rows_ncols(st);
  for (int c = 0; c < n; c++) {
    emit(p, "%s%s", c ? ",\n" : "", indent);
    json_str(p, (const unsigned char *)gcw_rows_name(st, c));
    emit(p, ": ");
    json_col(p, st, c);
  }
}

/* ---- what is read ---- */

typedef gcw_stat_row stat_row; /* compare.h */

static gcw_err load_stats(gcw_db *db, long long run, stat_row *s) {
  return gcw_db_stats_load(db, run, s->v, s->has);
}

/* What gcw_rows_next() returns. */
enum { ROW = 1, DONE = 0, FAILED = -1 };

/* Open query q for one run; NULL on a database error. */
static gcw_rows *open_run(gcw_db *db, enum gcw_query q, long long run) {
  gcw_rows *r = NULL;
  return gcw_rows_open(db, &r, q, run, 0) == GCW_OK ? r : NULL;
}

/* ---- text: one line of the summary ---- */

typedef struct line {
  char buf[600];
  size_t n;
} line;

static void append(line *l, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void append(line *l, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (l->n < sizeof l->buf) {
    int k = vsnprintf(l->buf + l->n, sizeof l->buf - l->n, fmt, ap);
    l->n += k > 0 ? (size_t)k : 0;
  }
  va_end(ap);
  if (l->n >= sizeof l->buf)
    l->n = sizeof l->buf - 1;
}

/* Significant digits shown: 4 for times and sizes (97.06 ms), 3 for shares and rates. */
enum { EXACT = 4, ROUGH = 3 };

/* One statistic (times scale) into fmt's %s, after ", " if the line has something. */
static void part_scaled(line *l, const stat_row *s, enum gcw_stat id, double scale, int digits,
                        const char *fmt) {
  char b[32];
  if (!s->has[id])
    return;
  if (l->n)
    append(l, ", ");
  append(l, fmt, num(b, sizeof b, s->v[id] * scale, digits));
}

static void part(line *l, const stat_row *s, enum gcw_stat id, int digits, const char *fmt) {
  part_scaled(l, s, id, 1, digits, fmt);
}

/* The same, without the separator: a detail of the part before it. */
static void detail(line *l, const stat_row *s, enum gcw_stat id, int digits, const char *fmt) {
  char b[32];
  if (s->has[id] && l->n)
    append(l, fmt, num(b, sizeof b, s->v[id], digits));
}

static void print_line(printer *p, const char *label, const line *l) {
  emit(p, "  %-11s", label);
  emit_clean(p, (const unsigned char *)(l->n ? l->buf : "-"));
  emit(p, "\n");
}

static int has_col(gcw_rows *st, int c) { return !gcw_rows_null(st, c); }

/* ---- text: the summary ---- */

/* --label labels and child mode's program, when the run has them. */
static void run_meta_text(printer *p, gcw_db *db, long long run) {
  char buf[16384];
  gcw_store_labels_text(db, run, buf, sizeof buf);
  if (buf[0]) {
    emit(p, "labels: ");
    emit_clean(p, (const unsigned char *)buf);
    emit(p, "\n");
  }
  gcw_store_program_json(db, run, buf, sizeof buf);
  if (strcmp(buf, "null") != 0) {
    emit(p, "program: ");
    emit_clean(p, (const unsigned char *)buf);
    emit(p, "\n");
  }
}

static void text_header(printer *p, gcw_db *db, gcw_rows *r) {
  sgr(p, 1);
  emit(p, "run %lld (id %lld) of ", (long long)gcw_rows_int(r, GCW_R_ORDINAL),
       (long long)gcw_rows_int(r, GCW_R_ID));
  emit_clean(p, has_col(r, GCW_R_SOURCE) ? gcw_rows_text(r, GCW_R_SOURCE)
                                     : (const unsigned char *)"?");
  emit(p, ": ");
  if (gcw_rows_int(r, GCW_R_OPEN))
    emit(p, "open: still being written, or its writer stopped before closing it");
  else
    emit_clean(p, has_col(r, GCW_R_FORMAT) ? gcw_rows_text(r, GCW_R_FORMAT)
                                       : (const unsigned char *)"format unknown");
  if (has_col(r, GCW_R_PROCS))
    emit(p, ", %lld P", (long long)gcw_rows_int(r, GCW_R_PROCS));
  sgr(p, 0);
  emit(p, "\n");
  run_meta_text(p, db, gcw_rows_int(r, GCW_R_ID));
}

static void text_cycles(printer *p, gcw_rows *r, const stat_row *s) {
  line l = {"", 0};
  append(&l, "%lld", (long long)gcw_rows_int(r, GCW_R_CYCLES));
  if (has_col(r, GCW_R_FIRST_GC))
    append(&l, " (gc %lld..%lld)", (long long)gcw_rows_int(r, GCW_R_FIRST_GC),
           (long long)gcw_rows_int(r, GCW_R_LAST_GC));
  /* wall time when the run has it, @t otherwise: never the two mixed */
  if (has_col(r, GCW_R_FIRST_WALL) && has_col(r, GCW_R_LAST_WALL))
    append(&l, " %s..%s", (const char *)gcw_rows_text(r, GCW_R_FIRST_WALL),
           (const char *)gcw_rows_text(r, GCW_R_LAST_WALL));
  else if (has_col(r, GCW_R_FIRST_T))
    append(&l, " @%.3fs..@%.3fs", gcw_rows_real(r, GCW_R_FIRST_T),
           gcw_rows_real(r, GCW_R_LAST_T));
  detail(&l, s, GCW_STAT_DURATION_S, EXACT, " (%s s)");
  part(&l, s, GCW_STAT_CYCLES_PER_MIN, ROUGH, "%s/min");
  print_line(p, "cycles", &l);
}

/* The counts that are not zero; the quality ones summed up when they all are. */
static void text_lines(printer *p, gcw_rows *r) {
  static const struct {
    int col;
    const char *what;
  } counts[] = {{GCW_R_SCAV, "scavenger"}, {GCW_R_PACER, "pacer"}, {GCW_R_FORCED, "GC forced"},
                {GCW_R_REPAIRED, "repaired"}, {GCW_R_MISSING, "missing cycles"},
                {GCW_R_UNKNOWN, "unknown parts"}, {GCW_R_UNPARSED, "unparsed in the source"}};
  line l = {"", 0};
  int quality = 0;
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
    long long v = gcw_rows_int(r, counts[i].col);
    quality += v != 0 && counts[i].col != GCW_R_SCAV && counts[i].col != GCW_R_PACER &&
               counts[i].col != GCW_R_FORCED;
    if (v)
      append(&l, "%s%lld %s", l.n ? ", " : "", v, counts[i].what);
  }
  if (!quality)
    append(&l, "%snothing repaired, missing or unparsed", l.n ? "; " : "");
  print_line(p, "lines", &l);
}

static void text_pause(printer *p, const stat_row *s) {
  line l = {"", 0};
  part(&l, s, GCW_STAT_PAUSE_P50_MS, EXACT, "p50 %s ms");
  part(&l, s, GCW_STAT_PAUSE_P90_MS, EXACT, "p90 %s ms");
  part(&l, s, GCW_STAT_PAUSE_P99_MS, EXACT, "p99 %s ms");
  part(&l, s, GCW_STAT_PAUSE_MAX_MS, EXACT, "max %s ms");
  detail(&l, s, GCW_STAT_PAUSE_MAX_GC, EXACT, " (gc %s)");
  part(&l, s, GCW_STAT_PAUSE_TOTAL_MS, EXACT, "total %s ms");
  print_line(p, "STW pause", &l);
  l.n = 0;
  part(&l, s, GCW_STAT_INTERVAL_P50_MS, EXACT, "p50 %s ms");
  part(&l, s, GCW_STAT_INTERVAL_P90_MS, EXACT, "p90 %s ms");
  part(&l, s, GCW_STAT_INTERVAL_P99_MS, EXACT, "p99 %s ms");
  print_line(p, "interval", &l);
}

static void text_cpu(printer *p, const stat_row *s) {
  line l = {"", 0};
  part(&l, s, GCW_STAT_GC_CPU_PCT_FINAL, ROUGH, "%s%% since start (runtime)");
  part(&l, s, GCW_STAT_GC_CPU_WIN_MAX, ROUGH, "max %s%%");
  detail(&l, s, GCW_STAT_GC_CPU_WIN_S, ROUGH, " over %s s");
  detail(&l, s, GCW_STAT_GC_CPU_WIN_END, EXACT, " to @%ss");
  part(&l, s, GCW_STAT_ASSIST_SHARE, ROUGH, "assists %s%% of mark");
  print_line(p, "GC CPU", &l);
  l.n = 0;
  part_scaled(&l, s, GCW_STAT_MMU_1MS, 100, ROUGH, "1 ms %s%%");
  part_scaled(&l, s, GCW_STAT_MMU_10MS, 100, ROUGH, "10 ms %s%%");
  part_scaled(&l, s, GCW_STAT_MMU_100MS, 100, ROUGH, "100 ms %s%%");
  part_scaled(&l, s, GCW_STAT_MMU_1S, 100, ROUGH, "1 s %s%%");
  print_line(p, "MMU", &l);
}

static void text_heap(printer *p, const stat_row *s) {
  line l = {"", 0};
  part(&l, s, GCW_STAT_LIVE_MIN_MB, EXACT, "min %s");
  part(&l, s, GCW_STAT_LIVE_MAX_MB, EXACT, "max %s");
  part(&l, s, GCW_STAT_LIVE_FINAL_MB, EXACT, "final %s MB");
  part(&l, s, GCW_STAT_LIVE_TREND, ROUGH,
       s->v[GCW_STAT_LIVE_TREND] > 0 ? "trend +%s MB/min" : "trend %s MB/min");
  part(&l, s, GCW_STAT_ALLOC_RUN, ROUGH, "alloc %s MB/s over the run");
  detail(&l, s, GCW_STAT_ALLOC_WIN_MAX, ROUGH, " (max %s MB/s over 10 s)");
  print_line(p, "live heap", &l);
  l.n = 0;
  part(&l, s, GCW_STAT_GOAL_LIVE_P50, ROUGH, "p50 %s");
  part(&l, s, GCW_STAT_GOAL_LIVE_MIN, ROUGH, "min %s");
  print_line(p, "goal/live", &l);
}

/* Go <= 1.13 print the retained heap; for later releases stats.c estimates it. */
static void text_scav(printer *p, gcw_rows *r, const stat_row *s) {
  line l = {"", 0};
  int exact = has_col(r, GCW_R_ERA_MAX) && gcw_rows_int(r, GCW_R_ERA_MAX) <= 13;
  part(&l, s, GCW_STAT_SCAV_RELEASED, EXACT, "released %s MB in all");
  part(&l, s, GCW_STAT_SCAV_NOW_FINAL, EXACT, "last line: %s MB released");
  part(&l, s, GCW_STAT_SCAV_RETAINED, EXACT, exact ? "%s MB retained" : "~%s MB retained");
  if (!l.n && gcw_rows_int(r, GCW_R_SCAV) == 0)
    append(&l, "no scavenger lines");
  print_line(p, "scavenger", &l);
  if (!s->has[GCW_STAT_SCAV_MAX_T_S])
    return;
  l.n = 0;
  part(&l, s, GCW_STAT_SCAV_MAX, EXACT, "largest %s MB");
  detail(&l, s, GCW_STAT_SCAV_MAX_T_S, EXACT, " @%ss");
  detail(&l, s, GCW_STAT_SCAV_LAG_S, ROUGH, ", %s s after the heap shrank");
  print_line(p, "release", &l);
}

/* ---- issue 15: RSS vs heap ---- */

/* Why RSS exceeds the heap at the last sample (stats_rss.h); NULL without samples. */
static const char *rss_explanation(gcw_rows *r, const stat_row *s, char *buf, size_t n) {
  int lo = has_col(r, GCW_R_ERA_MIN) ? (int)gcw_rows_int(r, GCW_R_ERA_MIN) : 0;
  int hi = has_col(r, GCW_R_ERA_MAX) ? (int)gcw_rows_int(r, GCW_R_ERA_MAX) : 99;
  return gcw_stats_rss_explain(s->v, s->has, lo, hi, buf, n);
}

/* RSS at its highest and at the end, beside the heap then, and the part left over. */
static void text_rss(printer *p, gcw_rows *r, const stat_row *s) {
  static const struct { const char *label; enum gcw_stat rss, t, goal, live; } at[] = {
      {"max", GCW_STAT_RSS_MAX_MB, GCW_STAT_RSS_MAX_T_S, GCW_STAT_RSS_MAX_GOAL_MB,
       GCW_STAT_RSS_MAX_LIVE_MB},
      {"final", GCW_STAT_RSS_FINAL_MB, GCW_STAT_RSS_FINAL_T_S, GCW_STAT_RSS_FINAL_GOAL_MB,
       GCW_STAT_RSS_FINAL_LIVE_MB}};
  char why[600];
  if (!s->has[GCW_STAT_RSS_SAMPLES])
    return;
  line l = {"", 0};
  for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
    line one = {"", 0};
    part(&one, s, at[i].rss, EXACT, "%s MB");
    detail(&one, s, at[i].t, EXACT, " @%ss");
    detail(&one, s, at[i].goal, EXACT, " (heap goal %s MB");
    detail(&one, s, at[i].live, EXACT, ", live %s MB)");
    if (one.n)
      append(&l, "%s%s %s", l.n ? "; " : "", at[i].label, one.buf);
  }
  print_line(p, "RSS", &l);
  l.n = 0;
  part(&l, s, GCW_STAT_RSS_MAX_GAP_MB, EXACT, "at max %s MB");
  part(&l, s, GCW_STAT_RSS_FINAL_GAP_MB, EXACT, "final %s MB (RSS - heap goal - stacks - globals)");
  print_line(p, "RSS - heap", &l);
  l.n = 0;
  part(&l, s, GCW_STAT_RSS_FINAL_ANON_MB, EXACT, "final anon %s MB");
  part(&l, s, GCW_STAT_RSS_FINAL_FILE_MB, EXACT, "file %s MB");
  part(&l, s, GCW_STAT_LAZYFREE_FINAL_MB, EXACT, "lazy-free %s MB");
  part(&l, s, GCW_STAT_SCAV_NOW_FINAL, EXACT, "released by the scavenger %s MB");
  part(&l, s, GCW_STAT_VSZ_MAX_MB, EXACT, "VSZ max %s MB");
  part(&l, s, GCW_STAT_CGROUP_MAX_MB, EXACT, "cgroup limit %s MB");
  detail(&l, s, GCW_STAT_CGROUP_PEAK_MB, EXACT, " (peak use %s MB)");
  print_line(p, "RSS parts", &l);
  emit(p, "  %-11s", "why");
  emit_wrapped(p, (const unsigned char *)rss_explanation(r, s, why, sizeof why), 13, 13);
  emit(p, "\n");
}

static void text_summary(printer *p, gcw_db *db, gcw_rows *r, const stat_row *s) {
  text_header(p, db, r);
  text_cycles(p, r, s);
  text_lines(p, r);
  text_pause(p, s);
  text_cpu(p, s);
  text_heap(p, s);
  text_scav(p, r, s);
  text_rss(p, r, s);
}

/* ---- text: the findings ---- */

static void severity_tag(printer *p, const unsigned char *sev) {
  const char *s = sev ? (const char *)sev : "?";
  char up[8];
  size_t i = 0;
  for (; i < sizeof up - 1 && s[i]; i++)
    up[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
  up[i] = '\0';
  emit(p, "  ");
  gcw_sgr(p, gcw_severity_colour(s));
  emit(p, "%-5s", up);
  sgr(p, 0);
}

/* "gc 231 @70.012s", "gc 231 at WALL", with " to gc 240 @72.000s" when it is closed. */
static void where(line *l, gcw_rows *f) {
  if (has_col(f, GCW_F_GC))
    append(l, "gc %lld", (long long)gcw_rows_int(f, GCW_F_GC));
  if (has_col(f, GCW_F_WALL))
    append(l, "%sat %s", l->n ? " " : "", (const char *)gcw_rows_text(f, GCW_F_WALL));
  else if (has_col(f, GCW_F_T))
    append(l, "%s@%.3fs", l->n ? " " : "", gcw_rows_real(f, GCW_F_T));
  int same = has_col(f, GCW_F_END_GC) && has_col(f, GCW_F_GC) &&
             gcw_rows_int(f, GCW_F_END_GC) == gcw_rows_int(f, GCW_F_GC);
  if (has_col(f, GCW_F_END_GC) && !same)
    append(l, " to gc %lld", (long long)gcw_rows_int(f, GCW_F_END_GC));
  if (has_col(f, GCW_F_WALL) && has_col(f, GCW_F_END_WALL) && !same)
    append(l, " at %s", (const char *)gcw_rows_text(f, GCW_F_END_WALL));
  else if (!has_col(f, GCW_F_WALL) && has_col(f, GCW_F_END_T) && !same)
    append(l, "%s@%.3fs", has_col(f, GCW_F_END_GC) ? " " : " to ", gcw_rows_real(f, GCW_F_END_T));
  if (!l->n)
    append(l, "whole run");
}

static void measured(line *l, gcw_rows *f) {
  char v[32];
  const char *unit = has_col(f, GCW_F_UNIT) ? (const char *)gcw_rows_text(f, GCW_F_UNIT) : "";
  const char *sp = *unit && *unit != '%' ? " " : "";
  if (has_col(f, GCW_F_VALUE))
    append(l, ": %s%s%s", num(v, sizeof v, gcw_rows_real(f, GCW_F_VALUE), EXACT), sp, unit);
  if (has_col(f, GCW_F_THRESHOLD))
    append(l, " (threshold %s%s%s)",
           num(v, sizeof v, gcw_rows_real(f, GCW_F_THRESHOLD), EXACT), sp, unit);
}

static void text_finding(printer *p, gcw_rows *f) {
  line l = {"", 0};
  severity_tag(p, gcw_rows_text(f, GCW_F_SEVERITY));
  emit(p, " ");
  emit_clean(p, gcw_rows_text(f, GCW_F_KIND));
  where(&l, f);
  measured(&l, f);
  emit(p, " ");
  emit_clean(p, (const unsigned char *)l.buf);
  emit(p, "\n         ");
  emit_wrapped(p, gcw_rows_text(f, GCW_F_MESSAGE), 9, 9);
  emit(p, "\n");
  if (has_col(f, GCW_F_NEXT)) {
    emit(p, "         next: ");
    emit_wrapped(p, gcw_rows_text(f, GCW_F_NEXT), 15, 15);
    emit(p, "\n");
  }
}

static gcw_err finding_counts(gcw_db *db, long long run, printer *p) {
  gcw_rows *st = open_run(db, GCW_Q_FINDING_COUNTS, run);
  int rc = st ? gcw_rows_next(st) : FAILED;
  if (rc == ROW && gcw_rows_int(st, 0) == 0)
    emit(p, "  %-11snone\n", "findings");
  else if (rc == ROW)
    emit(p, "  %-11s%lld: %lld error, %lld warn, %lld info\n", "findings",
         (long long)gcw_rows_int(st, 0), (long long)gcw_rows_int(st, 1),
         (long long)gcw_rows_int(st, 2), (long long)gcw_rows_int(st, 3));
  gcw_rows_close(&st);
  return rc == ROW ? GCW_OK : GCW_EDB;
}

static gcw_err text_findings(gcw_db *db, long long run, printer *p) {
  gcw_err e = finding_counts(db, run, p);
  gcw_rows *st = e ? NULL : open_run(db, GCW_Q_FINDINGS, run);
  int rc = st ? ROW : FAILED;
  while (rc == ROW && !p->err_no && (rc = gcw_rows_next(st)) == ROW)
    text_finding(p, st);
  gcw_rows_close(&st);
  return rc == DONE || (rc == ROW && p->err_no) ? GCW_OK : GCW_EDB;
}

static gcw_err text_run(gcw_db *db, long long run, printer *p, int first) {
  stat_row s;
  gcw_err e = load_stats(db, run, &s);
  gcw_rows *r = e ? NULL : open_run(db, GCW_Q_RUN, run);
  int rc = r ? gcw_rows_next(r) : FAILED;
  if (rc == ROW) {
    emit(p, "%s", first ? "" : "\n");
    text_summary(p, db, r, &s);
  }
  gcw_rows_close(&r);
  if (rc == DONE)
    emit(p, "%sno run with id %lld\n", first ? "" : "\n", run);
  if (rc != ROW)
    return rc == DONE ? GCW_OK : GCW_EDB;
  return text_findings(db, run, p);
}

/* ---- JSON ---- */

static void json_units(printer *p) {
  emit(p, "  \"units\": {");
  for (int i = 0; i < GCW_STAT_COUNT; i++) {
    emit(p, "%s\n    ", i ? "," : "");
    json_str(p, (const unsigned char *)gcw_stats_infos[i].name);
    emit(p, ": ");
    json_str(p, (const unsigned char *)gcw_stats_infos[i].unit);
  }
  emit(p, "\n  },\n");
}

static void json_stats(printer *p, const stat_row *s) {
  emit(p, ",\n      \"stats\": {");
  for (int i = 0; i < GCW_STAT_COUNT; i++) {
    emit(p, "%s\n        ", i ? "," : "");
    json_str(p, (const unsigned char *)gcw_stats_infos[i].name);
    emit(p, ": ");
    if (s->has[i])
      json_num(p, s->v[i]);
    else
      emit(p, "null");
  }
  emit(p, "\n      }");
}

static gcw_err json_findings(gcw_db *db, long long run, printer *p) {
  gcw_rows *st = open_run(db, GCW_Q_FINDINGS, run);
  int rc = st ? ROW : FAILED, n = 0;
  emit(p, ",\n      \"findings\": [");
  while (rc == ROW && !p->err_no && (rc = gcw_rows_next(st)) == ROW) {
    emit(p, "%s\n        {\n", n++ ? "," : "");
    json_row(p, st, "          ");
    emit(p, "\n        }");
  }
  emit(p, "%s]", n ? "\n      " : "");
  gcw_rows_close(&st);
  return rc == DONE || (rc == ROW && p->err_no) ? GCW_OK : GCW_EDB;
}

/* A run id with no row still gets an object: {"id": N, "missing": true}. */
/* The run's labels and program, built by SQLite as JSON text (labels.c): copied as is. */
static void json_run_meta(printer *p, gcw_db *db, long long run, const char *indent) {
  char buf[16384];
  gcw_store_labels_json(db, run, buf, sizeof buf);
  emit(p, ",\n%s\"labels\": %s", indent, buf);
  gcw_store_program_json(db, run, buf, sizeof buf);
  emit(p, ",\n%s\"program\": %s", indent, buf);
}

static gcw_err json_run(gcw_db *db, long long run, printer *p, int first) {
  stat_row s;
  char why[600];
  const char *rss_why = NULL;
  gcw_err e = load_stats(db, run, &s);
  gcw_rows *r = e ? NULL : open_run(db, GCW_Q_RUN, run);
  int rc = r ? gcw_rows_next(r) : FAILED;
  emit(p, "%s\n    {\n", first ? "" : ",");
  if (rc == ROW) {
    json_row(p, r, "      ");
    rss_why = rss_explanation(r, &s, why, sizeof why);
  } else if (rc == DONE) {
    emit(p, "      \"id\": %lld,\n      \"missing\": true", run);
  }
  gcw_rows_close(&r);
  if (rc != ROW && rc != DONE)
    return GCW_EDB;
  if (rc == ROW)
    json_run_meta(p, db, run, "      ");
  json_stats(p, &s);
  /* issue 15: why RSS exceeds the heap, in words (null: no process samples) */
  emit(p, ",\n      \"rss_explanation\": ");
  if (rss_why)
    json_str(p, (const unsigned char *)rss_why);
  else
    emit(p, "null");
  e = json_findings(db, run, p);
  emit(p, "\n    }");
  return e;
}

gcw_err gcw_report_print(gcw_db *db, const long long *run_ids, int n, int json, FILE *out) {
  printer p = printer_for(out);
  gcw_err e = GCW_OK;
  if (json) {
    p.colour = 0;
    emit(&p, "{\n  \"version\": 1,\n");
    json_units(&p);
    emit(&p, "  \"runs\": [");
  }
  for (int i = 0; i < n && !e && !p.err_no; i++)
    e = json ? json_run(db, run_ids[i], &p, i == 0) : text_run(db, run_ids[i], &p, i == 0);
  if (json && !e)
    emit(&p, "%s]\n}\n", n ? "\n  " : "");
  gcw_err w = printer_end(&p);
  return e ? e : w;
}

/* ---- compare ----
** What a GOGC (or GOMEMLIMIT, or release) decision weighs, side by side: the memory a run
** needed against the CPU and latency it paid. Each figure says whether B is better or
** worse than A; a change within the figure's resolution or 5% of A is "same". */

static const char *change_text(char *buf, size_t n, const gcw_cmp_side *a,
                               const gcw_cmp_side *b, int k) {
  char d[32];
  if (!a->has[k] || !b->has[k])
    return "-";
  double diff = b->v[k] - a->v[k];
  num(d, sizeof d, diff, EXACT);
  if (a->v[k] != 0 && diff != 0)
    snprintf(buf, n, "%s%s (%+.1f%%)", diff > 0 ? "+" : "", d, diff / fabs(a->v[k]) * 100.0);
  else
    snprintf(buf, n, "%s%s", diff > 0 ? "+" : "", d);
  return buf;
}

/* "A: run 1 (id 1) of SOURCE: FORMAT, N P", and the file it began in when the source was
** several files read as one (two runs of one `analyze a.log b.log` differ only there). */
static gcw_err compare_header(gcw_db *db, printer *p, const char *tag, long long run) {
  gcw_rows *r = open_run(db, GCW_Q_RUN, run);
  int rc = r ? gcw_rows_next(r) : FAILED;
  if (rc == ROW) {
    emit(p, "%s: ", tag);
    text_header(p, db, r);
  }
  gcw_rows_close(&r);
  if (rc != ROW)
    return GCW_EDB;
  r = open_run(db, GCW_Q_RUN_FILE, run);
  rc = r ? gcw_rows_next(r) : FAILED;
  if (rc == ROW) {
    emit(p, "   from the file ");
    emit_clean(p, gcw_rows_text(r, 0));
    emit(p, "\n");
  }
  gcw_rows_close(&r);
  return rc == FAILED ? GCW_EDB : GCW_OK;
}

/* One line per figure, grouped: memory, CPU, latency, then the workload (no verdict). */
static void compare_text_table(printer *p, const gcw_cmp_side *a, const gcw_cmp_side *b) {
  char ha[32], hb[32], va[32], vb[32], ch[64];
  snprintf(ha, sizeof ha, "A: id %lld", a->id);
  snprintf(hb, sizeof hb, "B: id %lld", b->id);
  emit(p, "\n%-22s %-8s %-6s %11s %11s  %-18s %s\n", "figure", "group", "unit", ha, hb,
       "change (B - A)", "B is");
  for (int g = 0; g < 4; g++)
    for (int k = 0; k < GCW_CMP_NKEYS && !p->err_no; k++)
      if (gcw_cmp_keys[k].group == g)
        emit(p, "%-22s %-8s %-6s %11s %11s  %-18s %s\n", gcw_cmp_keys[k].label,
             gcw_cmp_groups[g], gcw_cmp_keys[k].unit,
             a->has[k] ? num(va, sizeof va, a->v[k], EXACT) : "-",
             b->has[k] ? num(vb, sizeof vb, b->v[k], EXACT) : "-",
             change_text(ch, sizeof ch, a, b, k), gcw_cmp_verdict_word(gcw_cmp_verdict(a, b, k)));
  emit(p, "\nB against A: memory %s, CPU %s, latency %s (workload figures: what the "
          "program asked for, no verdict)\n",
       gcw_cmp_group_verdict(a, b, 0), gcw_cmp_group_verdict(a, b, 1),
       gcw_cmp_group_verdict(a, b, 2));
}

/* Finding kinds with their counts in A and B; which = 0: only in A, 1: only in B, 2: both. */
static gcw_err compare_kinds(gcw_db *db, printer *p, long long a, long long b, int which,
                             int json) {
  static const char *const heads[] = {"went away (only in A)", "appeared (only in B)",
                                      "in both"};
  static const char *const json_keys[] = {"only_a", "only_b", "both"};
  gcw_rows *st = NULL;
  int rc = gcw_rows_open(db, &st, GCW_Q_KINDS, a, b) == GCW_OK ? ROW : FAILED, n = 0;
  if (json)
    emit(p, "%s    \"%s\": [", which ? ",\n" : "", json_keys[which]);
  else
    emit(p, "  %s:", heads[which]);
  while (rc == ROW && (rc = gcw_rows_next(st)) == ROW) {
    long long na = gcw_rows_int(st, 1), nb = gcw_rows_int(st, 2);
    if (!((which == 0 && nb == 0) || (which == 1 && na == 0) || (which == 2 && na && nb)))
      continue;
    if (json) {
      emit(p, "%s{\"kind\": ", n++ ? ", " : "");
      json_str(p, gcw_rows_text(st, 0));
      emit(p, ", \"a\": %lld, \"b\": %lld}", na, nb);
    } else {
      emit(p, "%s ", n++ ? "," : "");
      emit_clean(p, gcw_rows_text(st, 0));
      emit(p, " (A %lld, B %lld)", na, nb);
    }
  }
  emit(p, "%s", json ? "]" : n ? "\n" : " none\n");
  gcw_rows_close(&st);
  return rc == DONE ? GCW_OK : GCW_EDB;
}

static void json_value(printer *p, const gcw_cmp_side *x, int k) {
  if (x->has[k])
    json_num(p, x->v[k]);
  else
    emit(p, "null");
}

static gcw_err json_side(gcw_db *db, printer *p, const char *tag, const gcw_cmp_side *x) {
  gcw_rows *r = open_run(db, GCW_Q_RUN, x->id);
  int rc = r ? gcw_rows_next(r) : FAILED;
  emit(p, "  \"%s\": {\n", tag);
  if (rc == ROW)
    json_row(p, r, "    ");
  gcw_rows_close(&r);
  if (rc == ROW) /* as a run of the report: named by its labels (issue 14) */
    json_run_meta(p, db, x->id, "    ");
  json_stats(p, &x->s);
  emit(p, "\n  },\n");
  return rc == ROW ? GCW_OK : GCW_EDB;
}

static void json_figures(printer *p, const gcw_cmp_side *a, const gcw_cmp_side *b) {
  emit(p, "  \"figures\": [");
  for (int k = 0; k < GCW_CMP_NKEYS; k++) {
    emit(p, "%s\n    {\"name\": \"%s\", \"group\": \"%s\", \"unit\": \"%s\", \"a\": ",
         k ? "," : "", gcw_cmp_keys[k].name, gcw_cmp_groups[gcw_cmp_keys[k].group],
         gcw_cmp_keys[k].unit);
    json_value(p, a, k);
    emit(p, ", \"b\": ");
    json_value(p, b, k);
    emit(p, ", \"verdict\": ");
    int v = gcw_cmp_verdict(a, b, k);
    if (v == 2)
      emit(p, "null}");
    else
      emit(p, "\"%s\"}", gcw_cmp_verdict_word(v));
  }
  emit(p, "\n  ],\n  \"verdict\": {\"memory\": \"%s\", \"cpu\": \"%s\", \"latency\": \"%s\"},\n",
       gcw_cmp_group_verdict(a, b, 0), gcw_cmp_group_verdict(a, b, 1),
       gcw_cmp_group_verdict(a, b, 2));
}

gcw_err gcw_report_compare(gcw_db *db, long long a, long long b, int json, FILE *out) {
  printer p = printer_for(out);
  gcw_cmp_side sa, sb;
  memset(&sa, 0, sizeof sa);
  memset(&sb, 0, sizeof sb);
  sa.id = a;
  sb.id = b;
  gcw_err e = gcw_cmp_load_side(db, &sa);
  if (!e)
    e = gcw_cmp_load_side(db, &sb);
  if (json) {
    p.colour = 0;
    emit(&p, "{\n  \"version\": 1,\n");
    if (!e)
      e = json_side(db, &p, "a", &sa);
    if (!e)
      e = json_side(db, &p, "b", &sb);
    if (!e)
      json_figures(&p, &sa, &sb);
    emit(&p, "  \"findings\": {\n");
  } else {
    if (!e)
      e = compare_header(db, &p, "A", a);
    if (!e)
      e = compare_header(db, &p, "B", b);
    if (!e)
      compare_text_table(&p, &sa, &sb);
    if (!e)
      emit(&p, "\nfindings\n");
  }
  for (int which = 0; which < 3 && !e; which++)
    e = compare_kinds(db, &p, a, b, which, json);
  if (json)
    emit(&p, "\n  }\n}\n");
  gcw_err w = printer_end(&p);
  return e ? e : w;
}
