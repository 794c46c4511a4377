/* stats.c: the statistics of one run. See stats.h; definitions in docs/stats.md. */
#include "stats.h"

#include "store_db.h"
#include "percentile.h"
#include "stats_rss.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const gcw_stat_info gcw_stats_infos[GCW_STAT_COUNT] = {
    [GCW_STAT_CYCLES] = {"cycles", "count"},
    [GCW_STAT_DURATION_S] = {"duration_s", "s"},
    [GCW_STAT_PAUSE_P50_MS] = {"pause_p50_ms", "ms"},
    [GCW_STAT_PAUSE_P90_MS] = {"pause_p90_ms", "ms"},
    [GCW_STAT_PAUSE_P99_MS] = {"pause_p99_ms", "ms"},
    [GCW_STAT_PAUSE_MAX_MS] = {"pause_max_ms", "ms"},
    [GCW_STAT_PAUSE_MAX_GC] = {"pause_max_gc", "gc"},
    [GCW_STAT_PAUSE_TOTAL_MS] = {"pause_total_ms", "ms"},
    [GCW_STAT_GC_CPU_PCT_FINAL] = {"gc_cpu_pct_final", "%"},
    [GCW_STAT_GC_CPU_WIN_MAX] = {"gc_cpu_window_pct_max", "%"},
    [GCW_STAT_GC_CPU_WIN_END] = {"gc_cpu_window_end_t_s", "s"},
    [GCW_STAT_GC_CPU_WIN_S] = {"gc_cpu_window_s", "s"},
    [GCW_STAT_GC_CPU_MS_TOTAL] = {"gc_cpu_total_ms", "ms"},
    [GCW_STAT_ASSIST_SHARE] = {"assist_share_pct", "%"},
    [GCW_STAT_CYCLES_PER_MIN] = {"cycles_per_min", "/min"},
    [GCW_STAT_INTERVAL_P50_MS] = {"interval_p50_ms", "ms"},
    [GCW_STAT_INTERVAL_P90_MS] = {"interval_p90_ms", "ms"},
    [GCW_STAT_INTERVAL_P99_MS] = {"interval_p99_ms", "ms"},
    [GCW_STAT_ALLOC_RATE] = {"alloc_rate_mb_s", "MB/s"},
    [GCW_STAT_ALLOC_RUN] = {"alloc_run_mb_s", "MB/s"},
    [GCW_STAT_ALLOC_WIN_MAX] = {"alloc_window_max_mb_s", "MB/s"},
    [GCW_STAT_LIVE_MIN_MB] = {"live_min_mb", "MB"},
    [GCW_STAT_LIVE_MAX_MB] = {"live_max_mb", "MB"},
    [GCW_STAT_LIVE_FINAL_MB] = {"live_final_mb", "MB"},
    [GCW_STAT_LIVE_TREND] = {"live_trend_mb_min", "MB/min"},
    [GCW_STAT_GOAL_LIVE_P50] = {"goal_live_ratio_p50", "ratio"},
    [GCW_STAT_GOAL_LIVE_MIN] = {"goal_live_ratio_min", "ratio"},
    [GCW_STAT_MMU_1MS] = {"mmu_1ms", "fraction"},
    [GCW_STAT_MMU_10MS] = {"mmu_10ms", "fraction"},
    [GCW_STAT_MMU_100MS] = {"mmu_100ms", "fraction"},
    [GCW_STAT_MMU_1S] = {"mmu_1s", "fraction"},
    [GCW_STAT_SCAV_RELEASED] = {"scav_released_mb", "MB"},
    [GCW_STAT_SCAV_NOW_FINAL] = {"scav_released_now_final_mb", "MB"},
    [GCW_STAT_SCAV_RETAINED] = {"scav_retained_final_mb", "MB"},
    [GCW_STAT_SCAV_MAX] = {"scav_release_max_mb", "MB"},
    [GCW_STAT_SCAV_MAX_T_S] = {"scav_release_max_t_s", "s"},
    [GCW_STAT_SCAV_LAG_S] = {"scav_release_lag_s", "s"},
    [GCW_STAT_RSS_SAMPLES] = {"rss_samples", "count"},
    [GCW_STAT_RSS_MAX_MB] = {"rss_max_mb", "MB"},
    [GCW_STAT_RSS_MAX_T_S] = {"rss_max_t_s", "s"},
    [GCW_STAT_RSS_MAX_LIVE_MB] = {"rss_max_live_mb", "MB"},
    [GCW_STAT_RSS_MAX_GOAL_MB] = {"rss_max_goal_mb", "MB"},
    [GCW_STAT_RSS_MAX_GAP_MB] = {"rss_max_unexplained_mb", "MB"},
    [GCW_STAT_RSS_FINAL_MB] = {"rss_final_mb", "MB"},
    [GCW_STAT_RSS_FINAL_T_S] = {"rss_final_t_s", "s"},
    [GCW_STAT_RSS_FINAL_LIVE_MB] = {"rss_final_live_mb", "MB"},
    [GCW_STAT_RSS_FINAL_GOAL_MB] = {"rss_final_goal_mb", "MB"},
    [GCW_STAT_RSS_FINAL_GAP_MB] = {"rss_final_unexplained_mb", "MB"},
    [GCW_STAT_RSS_FINAL_ANON_MB] = {"rss_final_anon_mb", "MB"},
    [GCW_STAT_RSS_FINAL_FILE_MB] = {"rss_final_file_mb", "MB"},
    [GCW_STAT_LAZYFREE_FINAL_MB] = {"lazyfree_final_mb", "MB"},
    [GCW_STAT_VSZ_MAX_MB] = {"vsz_max_mb", "MB"},
    [GCW_STAT_CGROUP_MAX_MB] = {"cgroup_max_mb", "MB"},
    [GCW_STAT_CGROUP_PEAK_MB] = {"cgroup_current_max_mb", "MB"},
};

int gcw_stats_lookup(const char *name) {
  for (int i = 0; i < GCW_STAT_COUNT; i++)
    if (strcmp(gcw_stats_infos[i].name, name) == 0)
      return i;
  return -1;
}

/* The sliding window of gc_cpu_window_pct_max, and the MMU window sizes. */
#define CPU_WINDOW_MS 10000.0
enum { NMMU = 4 };
static const double mmu_window_ms[NMMU] = {1, 10, 100, 1000};

typedef gcw_stat_values result;

/* Keep a value, rounded to 12 significant digits: the runtime prints at most 6, so this
** only removes the noise of binary fractions (283.99999999999983 ms becomes 284). */
void gcw_stats_put(gcw_stat_values *r, enum gcw_stat id, double v) {
  char buf[32];
  if (!isfinite(v))
    return;
  snprintf(buf, sizeof buf, "%.12g", v);
  r->v[id] = strtod(buf, NULL);
  r->set[id] = 1;
}

static int is_null(sqlite3_stmt *st, int c) { return sqlite3_column_type(st, c) == SQLITE_NULL; }
static double col(sqlite3_stmt *st, int c) { return sqlite3_column_double(st, c); }

/* A statement with ?1 bound to the run; NULL on error. */
static sqlite3_stmt *prepare_run(sqlite3 *db, const char *sql, long long run) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    sqlite3_finalize(st);
    return NULL;
  }
  sqlite3_bind_int64(st, 1, run);
  return st;
}

/* ---- stop-the-world periods (the main pass and the MMU walk place them alike) ---- */

/* The stop-the-world periods of one cycle: start and length, ms. See "minimum mutator
** utilization" below for why a cycle may be moved. */
typedef struct periods {
  double start[2], len[2];
  int n;
} periods;

/* Place a cycle at @t (ms), moved past *cycle_end, and give its non-empty periods. */
static void cycle_periods(double *cycle_end, double t, sqlite3_stmt *st, int c_sweep, int c_mid,
                          int c_term, int c_pause, periods *out) {
  if (t < *cycle_end)
    t = *cycle_end;
  double start[2] = {t, t}, len[2] = {0, 0};
  if (!is_null(st, c_sweep) && !is_null(st, c_term)) {
    len[0] = col(st, c_sweep);
    start[1] = t + len[0] + col(st, c_mid);
    len[1] = col(st, c_term);
  } else if (!is_null(st, c_pause)) {
    len[0] = col(st, c_pause);
    start[1] = t + len[0];
  }
  *cycle_end = start[1] + len[1]; /* the cycle ends with mark termination, even a 0 ms one */
  out->n = 0;
  for (int i = 0; i < 2; i++)
    if (len[i] > 0) {
      out->start[out->n] = start[i];
      out->len[out->n++] = len[i];
    }
}

/* ---- the main pass: one ordered walk over the run's cycles ---- */

/* What the main pass gathers. */
typedef struct totals {
  long long cycles;
  long long pauses;             /* cycles with a pause_ms */
  double pause_max_ms, pause_max_gc, pause_total_ms;
  long long timed;              /* cycles with @t */
  double t_first_s, t_last_s;   /* @t of the first and last timed cycles */
  long long gc_first, gc_last;  /* their cycle numbers */
  double cycle_end_ms;          /* end of the last timed cycle (mark termination), placed
                                ** as the MMU walk places it */
  double stw_end_ms, stw_total_ms; /* end of the last STW period, and their total */
  int has_cpu_pct;
  double cpu_pct_last;
  long long lives;              /* cycles with a heap_live_mb */
  double live_min, live_max, live_last;
  long long trend_n;            /* cycles with both heap_live_mb and @t */
  double mean_t, mean_y, m2_t, c_ty; /* Welford sums for the live-heap slope (t in s) */
  int has_mark_cpu;
  double cpu_total_ms, assist_ms, bg_ms, idle_ms;
} totals;

/* Columns of main_sql. */
enum { M_GC, M_T, M_PAUSE, M_CPU_PCT, M_LIVE, M_CPU_STW, M_ASSIST, M_BG, M_IDLE, M_SWEEP,
       M_MID, M_TERM };

static const char main_sql[] =
    "SELECT gc, t_s, pause_ms, cpu_pct, heap_live_mb, "
    "coalesce(cpu_sweep_term_ms, 0) + coalesce(cpu_scan_ms, 0) + coalesce(cpu_mark_term_ms, 0), "
    "cpu_assist_ms, cpu_bg_ms, cpu_idle_ms, sweep_term_ms, "
    "coalesce(scan_ms, 0) + coalesce(install_wb_ms, 0) + coalesce(mark_ms, 0), "
    "mark_term_ms FROM gc_cycles WHERE run_id = ?1 ORDER BY gc";

static void add_pause(totals *t, sqlite3_stmt *st) {
  if (is_null(st, M_PAUSE))
    return;
  double p = col(st, M_PAUSE);
  if (t->pauses++ == 0 || p > t->pause_max_ms) {
    t->pause_max_ms = p;
    t->pause_max_gc = col(st, M_GC);
  }
  t->pause_total_ms += p;
}

static void add_time(totals *t, sqlite3_stmt *st) {
  if (is_null(st, M_T))
    return;
  double ts = col(st, M_T);
  if (t->timed++ == 0) {
    t->t_first_s = ts;
    t->gc_first = sqlite3_column_int64(st, M_GC);
  }
  t->t_last_s = ts;
  t->gc_last = sqlite3_column_int64(st, M_GC);
  periods p;
  if (t->timed == 1)
    t->cycle_end_ms = -INFINITY;
  cycle_periods(&t->cycle_end_ms, ts * 1000, st, M_SWEEP, M_MID, M_TERM, M_PAUSE, &p);
  for (int i = 0; i < p.n; i++) {
    t->stw_total_ms += p.len[i];
    t->stw_end_ms = p.start[i] + p.len[i];
  }
}

/* Live heap range and Welford's running co-moments for the slope over @t. */
static void add_live(totals *t, sqlite3_stmt *st) {
  if (is_null(st, M_LIVE))
    return;
  double y = col(st, M_LIVE);
  if (t->lives++ == 0 || y < t->live_min)
    t->live_min = y;
  if (t->lives == 1 || y > t->live_max)
    t->live_max = y;
  t->live_last = y;
  if (is_null(st, M_T))
    return;
  double x = col(st, M_T), n = (double)++t->trend_n;
  double dx = x - t->mean_t;
  t->mean_t += dx / n;
  t->mean_y += (y - t->mean_y) / n;
  t->c_ty += dx * (y - t->mean_y);
  t->m2_t += dx * (x - t->mean_t);
}

static void add_cpu(totals *t, sqlite3_stmt *st) {
  if (!is_null(st, M_CPU_PCT)) {
    t->has_cpu_pct = 1;
    t->cpu_pct_last = col(st, M_CPU_PCT);
  }
  if (is_null(st, M_BG))
    return;
  t->has_mark_cpu = 1;
  t->assist_ms += col(st, M_ASSIST);
  t->bg_ms += col(st, M_BG);
  t->idle_ms += col(st, M_IDLE);
  t->cpu_total_ms += col(st, M_CPU_STW) + col(st, M_ASSIST) + col(st, M_BG);
}

static void add_cycle(totals *t, sqlite3_stmt *st) {
  t->cycles++;
  add_pause(t, st);
  add_time(t, st);
  add_live(t, st);
  add_cpu(t, st);
}

static gcw_err main_pass(sqlite3 *db, long long run, totals *t) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, main_sql, -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, run);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      add_cycle(t, st);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}

static void main_stats(const totals *t, result *r) {
  gcw_stats_put(r, GCW_STAT_CYCLES, (double)t->cycles);
  if (t->pauses) {
    gcw_stats_put(r, GCW_STAT_PAUSE_MAX_MS, t->pause_max_ms);
    gcw_stats_put(r, GCW_STAT_PAUSE_MAX_GC, t->pause_max_gc);
    gcw_stats_put(r, GCW_STAT_PAUSE_TOTAL_MS, t->pause_total_ms);
  }
  if (t->timed) {
    double span = t->t_last_s - t->t_first_s;
    gcw_stats_put(r, GCW_STAT_DURATION_S, span);
    if (span > 0)
      gcw_stats_put(r, GCW_STAT_CYCLES_PER_MIN, (double)(t->gc_last - t->gc_first) * 60.0 / span);
  }
  if (t->has_cpu_pct)
    gcw_stats_put(r, GCW_STAT_GC_CPU_PCT_FINAL, t->cpu_pct_last);
  if (t->has_mark_cpu) {
    double mark = t->assist_ms + t->bg_ms + t->idle_ms;
    gcw_stats_put(r, GCW_STAT_GC_CPU_MS_TOTAL, t->cpu_total_ms);
    if (mark > 0)
      gcw_stats_put(r, GCW_STAT_ASSIST_SHARE, t->assist_ms * 100.0 / mark);
  }
  if (t->lives) {
    gcw_stats_put(r, GCW_STAT_LIVE_MIN_MB, t->live_min);
    gcw_stats_put(r, GCW_STAT_LIVE_MAX_MB, t->live_max);
    gcw_stats_put(r, GCW_STAT_LIVE_FINAL_MB, t->live_last);
    if (t->m2_t > 0)
      gcw_stats_put(r, GCW_STAT_LIVE_TREND, t->c_ty / t->m2_t * 60.0);
  }
}

/* ---- percentiles: nearest rank, from one sorted walk per series ---- */

/* Each series is a SELECT whose column `v` holds the values; ?1 is the run. */
static const char pause_series[] =
    "SELECT pause_ms AS v FROM gc_cycles WHERE run_id = ?1 AND pause_ms IS NOT NULL";
/* Pairs of consecutively numbered cycles only: a gap in the numbers is not an interval. */
static const char interval_series[] =
    "SELECT v FROM (SELECT (t_s - lag(t_s) OVER w) * 1000 AS v, gc - lag(gc) OVER w AS dg "
    "FROM gc_cycles WHERE run_id = ?1 AND t_s IS NOT NULL WINDOW w AS (ORDER BY gc)) "
    "WHERE dg = 1";
/* Allocated between the starts of cycles i-1 and i: during i-1's mark (its heap grew
** from heap_start to heap_end) plus after it (from the marked heap_live to i's start). */
static const char alloc_series[] =
    "SELECT v FROM (SELECT (heap_start_mb + lag(heap_end_mb - heap_start_mb - heap_live_mb) "
    "OVER w) / (t_s - lag(t_s) OVER w) AS v, gc - lag(gc) OVER w AS dg, "
    "t_s - lag(t_s) OVER w AS dt FROM gc_cycles WHERE run_id = ?1 AND t_s IS NOT NULL "
    "AND heap_live_mb IS NOT NULL AND heap_start_mb IS NOT NULL AND heap_end_mb IS NOT NULL "
    "WINDOW w AS (ORDER BY gc)) WHERE dg = 1 AND dt > 0";
static const char goal_live_series[] =
    "SELECT CAST(goal_mb AS REAL) / heap_live_mb AS v FROM gc_cycles "
    "WHERE run_id = ?1 AND goal_mb IS NOT NULL AND heap_live_mb > 0";

typedef struct pct_want {
  int permille;     /* 500 = p50; 0 = the minimum; ascending within a list */
  enum gcw_stat id;
} pct_want;

/* Walk the series in ascending order (SQLite sorts, spilling to disk when large) and take
** the value at the nearest rank (percentile.h) for each wanted percentile. n comes
** with the first row (count(*) OVER ()), saving a second evaluation of the series. */
static gcw_err percentiles(sqlite3 *db, const char *series, long long run,
                           const pct_want *want, int nwant, result *r) {
  char sql[1024];
  snprintf(sql, sizeof sql, "SELECT v, count(*) OVER () FROM (%s) ORDER BY v", series);
  sqlite3_stmt *st = prepare_run(db, sql, run);
  if (!st)
    return GCW_EDB;
  int rc = SQLITE_DONE, i = 0;
  long long k = 0;
  while (i < nwant && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    long long n = sqlite3_column_int64(st, 1);
    k++;
    for (; i < nwant; i++) {
      if (gcw_nearest_rank(want[i].permille, n) != k)
        break;
      gcw_stats_put(r, want[i].id, col(st, 0));
    }
  }
  if (i == nwant)
    rc = SQLITE_DONE;
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}

static gcw_err all_percentiles(sqlite3 *db, long long run, result *r) {
  static const pct_want pause[] = {
      {500, GCW_STAT_PAUSE_P50_MS}, {900, GCW_STAT_PAUSE_P90_MS}, {990, GCW_STAT_PAUSE_P99_MS}};
  static const pct_want interval[] = {
      {500, GCW_STAT_INTERVAL_P50_MS},
      {900, GCW_STAT_INTERVAL_P90_MS},
      {990, GCW_STAT_INTERVAL_P99_MS}};
  static const pct_want alloc[] = {{500, GCW_STAT_ALLOC_RATE}};
  static const pct_want goal[] = {{0, GCW_STAT_GOAL_LIVE_MIN}, {500, GCW_STAT_GOAL_LIVE_P50}};
  gcw_err e = percentiles(db, pause_series, run, pause, 3, r);
  if (!e)
    e = percentiles(db, interval_series, run, interval, 3, r);
  if (!e)
    e = percentiles(db, alloc_series, run, alloc, 1, r);
  if (!e)
    e = percentiles(db, goal_live_series, run, goal, 2, r);
  return e;
}

/* ---- allocation over time: sums, not a median of pairs ---- */

/* Pairs of consecutively numbered cycles: what was allocated from the start of one to the
** start of the next (MB, whole) and the time between them in whole milliseconds (@t as
** printed, SQLite's round()). Integers, so that the sums are exact whatever the order of
** the addition: statrun.c adds them in line order and must agree to the bit. */
static const char alloc_pairs[] =
    "SELECT gc, t_ms, alloc, dt_ms FROM (SELECT gc, CAST(round(t_s * 1000) AS INTEGER) AS t_ms, "
    "heap_start_mb + lag(heap_end_mb - heap_start_mb - heap_live_mb) OVER w AS alloc, "
    "CAST(round(t_s * 1000) AS INTEGER) - lag(CAST(round(t_s * 1000) AS INTEGER)) OVER w "
    "AS dt_ms, gc - lag(gc) OVER w AS dg FROM gc_cycles WHERE run_id = ?1 AND t_s IS NOT NULL "
    "AND heap_live_mb IS NOT NULL AND heap_start_mb IS NOT NULL AND heap_end_mb IS NOT NULL "
    "WINDOW w AS (ORDER BY gc)) WHERE dg = 1";

/* Over the run, and over 10 s windows from the first pair (a window counts with at least
** GCW_ALLOC_WINDOW_MIN_MS of pairs in it). */
static gcw_err alloc_over_time(sqlite3 *db, long long run, result *r) {
  char sql[2048];
  snprintf(sql, sizeof sql,
           "WITH p AS (%s), t0 AS (SELECT t_ms FROM p ORDER BY gc LIMIT 1) "
           "SELECT (SELECT sum(alloc) FROM p), (SELECT sum(dt_ms) FROM p), "
           "(SELECT max(a * 1000.0 / d) FROM (SELECT sum(alloc) AS a, sum(dt_ms) AS d FROM p, t0 "
           "GROUP BY (p.t_ms - t0.t_ms) / %d) WHERE d >= %d)",
           alloc_pairs, GCW_ALLOC_WINDOW_MS, GCW_ALLOC_WINDOW_MIN_MS);
  sqlite3_stmt *st = prepare_run(db, sql, run);
  if (!st)
    return GCW_EDB;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    long long a = sqlite3_column_int64(st, 0), d = sqlite3_column_int64(st, 1);
    if (d > 0)
      gcw_stats_put(r, GCW_STAT_ALLOC_RUN, (double)a * 1000.0 / (double)d);
    if (sqlite3_column_type(st, 2) != SQLITE_NULL)
      gcw_stats_put(r, GCW_STAT_ALLOC_WIN_MAX, sqlite3_column_double(st, 2));
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? GCW_OK : GCW_EDB;
}

/* ---- GC CPU over a sliding window: two statements walk the same ordered rows ---- */

/* GC CPU of a cycle as the runtime counts it: the STW phases (procs x wall), the 1.5
** stack scan, assists and background marking; idle marking is excluded. */
static const char cpu_sql[] =
    "SELECT t_s * 1000, coalesce(cpu_sweep_term_ms, 0) + coalesce(cpu_scan_ms, 0) "
    "+ coalesce(cpu_assist_ms, 0) + cpu_bg_ms + coalesce(cpu_mark_term_ms, 0), procs "
    "FROM gc_cycles WHERE run_id = ?1 AND t_s IS NOT NULL AND cpu_bg_ms IS NOT NULL "
    "ORDER BY gc";

/* Window length: 10 s, or the process time up to the end of the last cycle when the
** process ran less than that (then the one window is the whole run). */
static double cpu_window_ms(const totals *t) {
  double end = t->cycle_end_ms;
  return end > 0 && end < CPU_WINDOW_MS ? end : CPU_WINDOW_MS;
}

typedef struct cpu_walk {
  double w_ms;
  double sum_ms;          /* GC CPU of the cycles in (lead - w, lead] */
  double best_pct, best_end_s;
  int found;
} cpu_walk;

/* Take the cycles that fell out of (t_ms - w, t_ms] off the sum. The trailing statement
** stays on the oldest cycle still inside the window (*pending = 1: its row is unread). */
static int cpu_trail(cpu_walk *c, sqlite3_stmt *trail, int *pending, double t_ms) {
  for (;;) {
    if (!*pending) {
      int rc = sqlite3_step(trail);
      if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 0 : -1;
      *pending = 1;
    }
    if (col(trail, 0) > t_ms - c->w_ms)
      return 0;
    c->sum_ms -= col(trail, 1);
    *pending = 0;
  }
}

static void cpu_consider(cpu_walk *c, sqlite3_stmt *lead) {
  double procs = col(lead, 2);
  if (!(procs > 0))
    return;
  double pct = c->sum_ms / (c->w_ms * procs) * 100.0;
  if (!c->found || pct > c->best_pct) {
    c->best_pct = pct;
    c->best_end_s = col(lead, 0) / 1000.0;
    c->found = 1;
  }
}

static gcw_err cpu_window(sqlite3 *db, long long run, const totals *t, result *r) {
  cpu_walk c = {cpu_window_ms(t), 0, 0, 0, 0};
  sqlite3_stmt *lead = prepare_run(db, cpu_sql, run), *trail = prepare_run(db, cpu_sql, run);
  int rc = lead && trail ? SQLITE_ROW : SQLITE_ERROR, pending = 0;
  while (rc == SQLITE_ROW && (rc = sqlite3_step(lead)) == SQLITE_ROW) {
    c.sum_ms += col(lead, 1);
    if (cpu_trail(&c, trail, &pending, col(lead, 0)) < 0)
      rc = SQLITE_ERROR;
    else
      cpu_consider(&c, lead);
  }
  sqlite3_finalize(lead);
  sqlite3_finalize(trail);
  if (rc != SQLITE_DONE)
    return GCW_EDB;
  if (c.found) {
    gcw_stats_put(r, GCW_STAT_GC_CPU_WIN_MAX, c.best_pct);
    gcw_stats_put(r, GCW_STAT_GC_CPU_WIN_END, c.best_end_s);
    gcw_stats_put(r, GCW_STAT_GC_CPU_WIN_S, c.w_ms / 1000.0);
  }
  return GCW_OK;
}

/* ---- minimum mutator utilization: exact, over the stop-the-world periods ----
**
** A cycle stops the world twice (Go 1.5+): sweep termination [t, t + sweep_term] and
** mark termination, which starts when the concurrent phases (1.5: scan, install the
** write barrier, mark; 1.6+: mark) are over. Shapes without phases (Go <= 1.4) have one
** period of pause_ms at t; those runs carry no @t, so their MMU is NULL anyway. Times
** are in ms since the process started.
**
** @t is truncated to the millisecond, so a cycle may seem to start before the previous
** one ended; cycles never overlap, so such a cycle is moved to start when the previous
** one ended (its true @t lies in that millisecond). The periods are then sorted and
** disjoint, and with P(x) = stop-the-world time before x, the STW time in a window
** [x, x + w] is S(x) = P(x + w) - P(x), for x in [T0, T1 - w] (T0 the first @t, T1 the
** last period's end). S is piecewise linear: it rises while the window's end is inside
** a period and falls while its start is. Where it stops rising, either the start has
** just entered a period (x is a period's start) or the end has just left one; in the
** latter case S stays flat to the right until the start enters a period or x reaches
** T1 - w, or the end enters a period and S rises again. So its maximum is at a period's
** start, at T0 or at T1 - w. One statement walks the periods as candidates (giving P(x)
** as it goes) and one per window size evaluates P(x + w) ahead of it, each moving
** forward only: O(n) per window size and no rows held. */

typedef struct pause_cur {
  sqlite3_stmt *st;
  periods p;        /* the current cycle's */
  int next;         /* the next of p to give */
  double cycle_end; /* where the previous cycle ended (its mark termination) */
} pause_cur;

/* Columns of pause_sql. */
enum { P_T, P_SWEEP, P_MID, P_TERM, P_PAUSE };

static const char pause_sql[] =
    "SELECT t_s * 1000, sweep_term_ms, "
    "coalesce(scan_ms, 0) + coalesce(install_wb_ms, 0) + coalesce(mark_ms, 0), "
    "mark_term_ms, pause_ms FROM gc_cycles WHERE run_id = ?1 AND t_s IS NOT NULL ORDER BY gc";

static int pause_open(pause_cur *c, sqlite3 *db, long long run) {
  memset(c, 0, sizeof *c);
  c->cycle_end = -INFINITY;
  c->st = prepare_run(db, pause_sql, run);
  return c->st ? 0 : -1;
}

static void pause_close(pause_cur *c) {
  sqlite3_finalize(c->st);
  c->st = NULL;
}

/* The next stop-the-world period: 1, 0 at the end, -1 on error. */
static int pause_next(pause_cur *c, double *start, double *end) {
  while (c->next == c->p.n) {
    int rc = sqlite3_step(c->st);
    if (rc != SQLITE_ROW)
      return rc == SQLITE_DONE ? 0 : -1;
    cycle_periods(&c->cycle_end, col(c->st, P_T), c->st, P_SWEEP, P_MID, P_TERM, P_PAUSE,
                  &c->p);
    c->next = 0;
  }
  *start = c->p.start[c->next];
  *end = *start + c->p.len[c->next++];
  return 1;
}

/* P(x) for non-decreasing x, on its own statement. */
typedef struct prefix {
  pause_cur c;
  double s, e;    /* the first period not wholly before the last x */
  int have;
  double before;  /* STW time of the periods before it */
} prefix;

static int prefix_open(prefix *p, sqlite3 *db, long long run) {
  p->before = 0;
  if (pause_open(&p->c, db, run))
    return -1;
  p->have = pause_next(&p->c, &p->s, &p->e);
  return p->have < 0 ? -1 : 0;
}

static int prefix_at(prefix *p, double x, double *out) {
  while (p->have > 0 && p->e <= x) {
    p->before += p->e - p->s;
    p->have = pause_next(&p->c, &p->s, &p->e);
  }
  if (p->have < 0)
    return -1;
  *out = p->before + (p->have && x > p->s ? x - p->s : 0);
  return 0;
}

typedef struct mmu_walk {
  double t0, t1, total;  /* the traced time [T0, T1] and its STW time */
  int fits[NMMU];        /* the window fits in [T0, T1] */
  double worst[NMMU];    /* most STW time found in one window */
  prefix ahead[NMMU];    /* P(x + w) */
  int tail_done[NMMU];   /* P(T1 - w) is known: the window [T1 - w, T1] was considered */
  int failed;
} mmu_walk;

static void mmu_consider(mmu_walk *m, int k, double stw) {
  if (stw > m->worst[k])
    m->worst[k] = stw;
}

/* The window [x, x + w]; before = P(x). */
static void mmu_window(mmu_walk *m, int k, double x, double before) {
  double v;
  if (prefix_at(&m->ahead[k], x + mmu_window_ms[k], &v))
    m->failed = 1;
  else
    mmu_consider(m, k, v - before);
}

/* The candidates of one period [s, e]; before = P(s). */
static void mmu_period(mmu_walk *m, double s, double e, double before) {
  for (int k = 0; k < NMMU && !m->failed; k++) {
    double last = m->t1 - mmu_window_ms[k]; /* the last window start */
    if (!m->fits[k])
      continue;
    if (!m->tail_done[k] && e > last) { /* [T1 - w, T1]: P(T1) - P(T1 - w) */
      mmu_consider(m, k, m->total - (before + (last > s ? last - s : 0)));
      m->tail_done[k] = 1;
    }
    if (s <= last)
      mmu_window(m, k, s, before);
  }
}

static void mmu_walk_all(mmu_walk *m, sqlite3 *db, long long run) {
  pause_cur lead;
  double s, e, before = 0;
  int rc = pause_open(&lead, db, run);
  for (int k = 0; k < NMMU && !rc; k++)
    rc = m->fits[k] ? prefix_open(&m->ahead[k], db, run) : 0;
  m->failed = rc != 0;
  for (int k = 0; k < NMMU && !m->failed; k++)
    if (m->fits[k])
      mmu_window(m, k, m->t0, 0);
  while (!m->failed && (rc = pause_next(&lead, &s, &e)) > 0) {
    mmu_period(m, s, e, before);
    before += e - s;
  }
  m->failed |= rc < 0;
  for (int k = 0; k < NMMU; k++) {
    if (m->fits[k] && !m->tail_done[k]) /* no period reaches into [T1 - w, T1] */
      mmu_consider(m, k, 0);
    pause_close(&m->ahead[k].c);
  }
  pause_close(&lead);
}

static gcw_err mmu(sqlite3 *db, long long run, const totals *t, result *r) {
  static const enum gcw_stat ids[NMMU] = {GCW_STAT_MMU_1MS, GCW_STAT_MMU_10MS,
                                          GCW_STAT_MMU_100MS, GCW_STAT_MMU_1S};
  mmu_walk m;
  if (t->timed == 0)
    return GCW_OK;
  memset(&m, 0, sizeof m);
  m.t0 = t->t_first_s * 1000;
  m.t1 = t->stw_end_ms > t->t_last_s * 1000 ? t->stw_end_ms : t->t_last_s * 1000;
  m.total = t->stw_total_ms;
  for (int k = 0; k < NMMU; k++)
    m.fits[k] = m.t1 - m.t0 >= mmu_window_ms[k];
  mmu_walk_all(&m, db, run);
  if (m.failed)
    return GCW_EDB;
  for (int k = 0; k < NMMU; k++) {
    double u = 1.0 - m.worst[k] / mmu_window_ms[k];
    if (m.fits[k])
      gcw_stats_put(r, ids[k], u < 0 ? 0 : u > 1 ? 1 : u);
  }
  return GCW_OK;
}

/* ---- the scavenger ---- */

/* What one scavenger line says was returned to the OS since the line before, in KiB:
** `# KiB work` (1.14-1.20), `(bg)` + `(eager)` (1.21+), `# KB released` (go1.14beta1),
** `# MB released` (<= 1.13, truncated to whole MB: a lower bound). */
#define SCAV_WORK_KIB                                                                      \
  "(coalesce(work_kib, 0) + coalesce(work_bg_kib, 0) + coalesce(work_eager_kib, 0) "       \
  "+ coalesce(released_kb, 0) + coalesce(released_mb, 0) * 1024)"

/* Run one query with ?1 = run (and ?2, ?3 if given); fn reads its row, if any. */
static gcw_err query_row(sqlite3 *db, const char *sql, long long run, const double *args,
                         int nargs, void (*fn)(sqlite3_stmt *, void *), void *ctx) {
  sqlite3_stmt *st = prepare_run(db, sql, run);
  if (!st)
    return GCW_EDB;
  for (int i = 0; i < nargs; i++)
    sqlite3_bind_double(st, i + 2, args[i]);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    fn(st, ctx);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}

typedef struct scav {
  result *r;
  long long lines;
  int has_now;
  double now_mb;       /* released now, at the last line that says */
  int consumed;        /* that line is a `scvg` line with consumed_mb */
  double consumed_mb;
  int has_gc;          /* that line came after a cycle */
  double gc;
  double max_kib, max_gc, max_t_s;
  int max_has_gc, max_has_t;
  double heap_peak_mb;  /* largest heap_start_mb / heap_end_mb up to the last line */
} scav;

/* Lines, the sum of their releases, and the largest (the first, on a tie). */
static gcw_err scav_walk(sqlite3 *db, long long run, scav *s) {
  static const char sql[] =
      "SELECT " SCAV_WORK_KIB ", gc FROM scavenger WHERE run_id = ?1 ORDER BY line";
  sqlite3_stmt *st = prepare_run(db, sql, run);
  int rc = st ? SQLITE_ROW : SQLITE_ERROR;
  double sum = 0;
  while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    double k = col(st, 0);
    sum += k;
    if (s->lines++ == 0 || k > s->max_kib) {
      s->max_kib = k;
      s->max_has_gc = !is_null(st, 1);
      s->max_gc = col(st, 1);
    }
  }
  sqlite3_finalize(st);
  if (s->lines > 0)
    gcw_stats_put(s->r, GCW_STAT_SCAV_RELEASED, sum / 1024.0);
  return rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}

static void scav_now_row(sqlite3_stmt *st, void *ctx) {
  scav *s = ctx;
  s->has_now = 1;
  s->now_mb = is_null(st, 0) ? col(st, 1) : col(st, 0) / 1024.0;
  s->consumed = !is_null(st, 2);
  s->consumed_mb = col(st, 2);
  s->has_gc = !is_null(st, 3);
  s->gc = col(st, 3);
}

static void scav_peak_row(sqlite3_stmt *st, void *ctx) {
  scav *s = ctx;
  if (!is_null(st, 0))
    s->heap_peak_mb = col(st, 0);
}

static void scav_max_row(sqlite3_stmt *st, void *ctx) {
  scav *s = ctx;
  s->max_has_t = !is_null(st, 0);
  s->max_t_s = col(st, 0);
}

static void scav_lag_row(sqlite3_stmt *st, void *ctx) {
  scav *s = ctx;
  if (!is_null(st, 0))
    gcw_stats_put(s->r, GCW_STAT_SCAV_LAG_S, s->max_t_s - col(st, 0));
}

/* Released now and retained, as of the last line that says. Go <= 1.13 print
** `consumed:` (sys - released); 1.14+ print no size of the heap, so retained is
** estimated as the largest heap seen by then (the heap memory obtained from the OS is at
** least that) minus what is released now: a lower bound. */
static gcw_err scav_final(sqlite3 *db, long long run, scav *s) {
  static const char sql[] =
      "SELECT released_kib, heap_released_mb, consumed_mb, gc FROM scavenger WHERE run_id = ?1 "
      "AND (released_kib IS NOT NULL OR heap_released_mb IS NOT NULL) ORDER BY line DESC LIMIT 1";
  static const char peak_sql[] =
      "SELECT max(max(coalesce(heap_start_mb, 0), coalesce(heap_end_mb, 0))) FROM gc_cycles "
      "WHERE run_id = ?1 AND gc <= ?2";
  gcw_err e = query_row(db, sql, run, NULL, 0, scav_now_row, s);
  if (e || !s->has_now)
    return e;
  gcw_stats_put(s->r, GCW_STAT_SCAV_NOW_FINAL, s->now_mb);
  if (!s->consumed && s->has_gc)
    e = query_row(db, peak_sql, run, &s->gc, 1, scav_peak_row, s);
  if (e)
    return e;
  if (s->consumed)
    gcw_stats_put(s->r, GCW_STAT_SCAV_RETAINED, s->consumed_mb);
  else if (s->heap_peak_mb > 0)
    gcw_stats_put(s->r, GCW_STAT_SCAV_RETAINED,
        s->heap_peak_mb > s->now_mb ? s->heap_peak_mb - s->now_mb : 0);
  return GCW_OK;
}

/* The largest single release, when it was printed, and how long after the memory was
** freed: back to the latest cycle (at or before the release's) whose collection freed
** at least half as much (heap_end_mb - heap_live_mb). */
static gcw_err scav_largest(sqlite3 *db, long long run, scav *s) {
  static const char t_sql[] = "SELECT t_s FROM gc_cycles WHERE run_id = ?1 AND gc = ?2";
  static const char lag_sql[] =
      "SELECT t_s FROM gc_cycles WHERE run_id = ?1 AND gc <= ?2 AND t_s IS NOT NULL "
      "AND heap_end_mb - heap_live_mb >= ?3 ORDER BY gc DESC LIMIT 1";
  gcw_stats_put(s->r, GCW_STAT_SCAV_MAX, s->max_kib / 1024.0);
  if (!s->max_has_gc || !(s->max_kib > 0))
    return GCW_OK;
  gcw_err e = query_row(db, t_sql, run, &s->max_gc, 1, scav_max_row, s);
  if (e || !s->max_has_t)
    return e;
  gcw_stats_put(s->r, GCW_STAT_SCAV_MAX_T_S, s->max_t_s);
  double args[2] = {s->max_gc, s->max_kib / 1024.0 / 2.0};
  return query_row(db, lag_sql, run, args, 2, scav_lag_row, s);
}

static gcw_err scavenger(sqlite3 *db, long long run, result *r) {
  scav s;
  memset(&s, 0, sizeof s);
  s.r = r;
  gcw_err e = scav_walk(db, run, &s);
  if (e || s.lines == 0)
    return e;
  e = scav_final(db, run, &s);
  return e ? e : scav_largest(db, run, &s);
}

/* ---- storing ---- */

/* One INSERT of every row: a statement is atomic, so a failure keeps none of them (also
** inside the caller's transaction) and leaves its message in sqlite3_errmsg(). ?1 is
** the run; each row then takes name, value, unit. */
gcw_err gcw_stats_write(sqlite3 *db, long long run, const gcw_stat_values *r) {
  char sql[64 + GCW_STAT_COUNT * 32];
  size_t n = (size_t)snprintf(sql, sizeof sql,
                              "INSERT OR REPLACE INTO stats(run_id, name, value, unit) VALUES");
  for (int i = 0; i < GCW_STAT_COUNT && n < sizeof sql; i++)
    n += (size_t)snprintf(sql + n, sizeof sql - n, "%s(?1, ?%d, ?%d, ?%d)", i ? ", " : "",
                          3 * i + 2, 3 * i + 3, 3 * i + 4);
  sqlite3_stmt *st = NULL;
  int rc = n < sizeof sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_TOOBIG;
  if (rc != SQLITE_OK)
    return GCW_EDB;
  sqlite3_bind_int64(st, 1, run);
  for (int i = 0; i < GCW_STAT_COUNT; i++) {
    sqlite3_bind_text(st, 3 * i + 2, gcw_stats_infos[i].name, -1, SQLITE_STATIC);
    if (r->set[i])
      sqlite3_bind_double(st, 3 * i + 3, r->v[i]);
    sqlite3_bind_text(st, 3 * i + 4, gcw_stats_infos[i].unit, -1, SQLITE_STATIC);
  }
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}

/* Reads each query on its own (no transaction of ours: the caller may hold one, and a
** rollback would replace the error message), then one INSERT. */
gcw_err gcw_stats_compute(gcw_db *handle, long long run_id) {
  sqlite3 *db = gcw_db_conn(handle);
  totals t;
  result r;
  memset(&t, 0, sizeof t);
  memset(&r, 0, sizeof r);
  gcw_err e = main_pass(db, run_id, &t);
  if (e)
    return e;
  main_stats(&t, &r);
  e = all_percentiles(db, run_id, &r);
  if (!e)
    e = alloc_over_time(db, run_id, &r);
  if (!e)
    e = cpu_window(db, run_id, &t, &r);
  if (!e)
    e = mmu(db, run_id, &t, &r);
  if (!e)
    e = scavenger(db, run_id, &r);
  if (!e) { /* issue 15 */
    double v[GCW_STAT_COUNT];
    unsigned char set[GCW_STAT_COUNT] = {0};
    e = gcw_stats_rss(db, run_id, v, set);
    for (int i = 0; i < GCW_STAT_COUNT; i++)
      if (set[i])
        gcw_stats_put(&r, (enum gcw_stat)i, v[i]);
  }
  return e ? e : gcw_stats_write(db, run_id, &r);
}

int gcw_stats_present(gcw_db *handle, long long run_id) {
  sqlite3_stmt *st = prepare_run(gcw_db_conn(handle),
                                 "SELECT 1 FROM stats WHERE run_id = ?1 LIMIT 1", run_id);
  int has = st && sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return has;
}
