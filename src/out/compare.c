/* compare.c: the figures of `compare` and their verdicts (compare.h). */
#include "compare.h"

#include <math.h>
#include <stddef.h>

/* What gcw_rows_next() returns. */
enum { ROW = 1, DONE = 0, FAILED = -1 };

/* Open query q for one run; NULL on a database error. */
static gcw_rows *open_run(gcw_db *db, enum gcw_query q, long long run) {
  gcw_rows *r = NULL;
  return gcw_rows_open(db, &r, q, run, 0) == GCW_OK ? r : NULL;
}

enum { C_PEAK, C_GOAL, C_LIVE_P50, C_LIVE_MAX, C_CPU, C_CYCLES_MIN, C_INTERVAL_P50, C_PAUSE_P50,
       C_PAUSE_P99, C_PAUSE_MAX, C_FINDINGS, C_CYCLES, C_DURATION, C_ALLOC, NKEYS };

_Static_assert((int)NKEYS == (int)GCW_CMP_NKEYS, "compare.h's GCW_CMP_NKEYS counts the figures");

const gcw_cmp_key gcw_cmp_keys[GCW_CMP_NKEYS] = {
    [C_PEAK] = {"peak heap", "peak_heap_mb", "MB", 0, -1, 1},
    [C_GOAL] = {"max heap goal", "goal_max_mb", "MB", 0, -1, 1},
    [C_LIVE_P50] = {"live heap p50", "live_p50_mb", "MB", 0, -1, 1},
    [C_LIVE_MAX] = {"live heap max", "live_max_mb", "MB", 0, -1, 1},
    [C_CPU] = {"GC CPU", "gc_cpu_pct", "%", 1, -1, 0.1},
    [C_CYCLES_MIN] = {"cycles/min", "cycles_per_min", "/min", 1, -1, 0},
    [C_PAUSE_P50] = {"pause p50", "pause_p50_ms", "ms", 2, -1, 0.001},
    [C_PAUSE_P99] = {"pause p99", "pause_p99_ms", "ms", 2, -1, 0.001},
    [C_PAUSE_MAX] = {"pause max", "pause_max_ms", "ms", 2, -1, 0.001},
    [C_INTERVAL_P50] = {"interval p50", "interval_p50_ms", "ms", 1, +1, 1},
    [C_FINDINGS] = {"findings (warn, error)", "findings", "count", 2, -1, 0},
    [C_CYCLES] = {"cycles", "cycles", "count", 3, 0, 0},
    [C_DURATION] = {"duration", "duration_s", "s", 3, 0, 0},
    [C_ALLOC] = {"alloc rate", "alloc_run_mb_s", "MB/s", 3, 0, 0},
};
const char *const gcw_cmp_groups[GCW_CMP_NGROUPS] = {"memory", "CPU", "latency", "workload"};

static void key_from_stat(gcw_cmp_side *x, int k, enum gcw_stat st) {
  x->v[k] = x->s.v[st];
  x->has[k] = x->s.has[st];
}

/* The figures of one run: its statistics and three read here (peak, goal, live p50). */
gcw_err gcw_cmp_load_side(gcw_db *db, gcw_cmp_side *x) {
  gcw_err e = gcw_db_stats_load(db, x->id, x->s.v, x->s.has);
  if (e)
    return e;
  static const struct { int key; enum gcw_stat st; } from_stats[] = {
      {C_LIVE_MAX, GCW_STAT_LIVE_MAX_MB},     {C_CPU, GCW_STAT_GC_CPU_PCT_FINAL},
      {C_CYCLES_MIN, GCW_STAT_CYCLES_PER_MIN}, {C_PAUSE_P50, GCW_STAT_PAUSE_P50_MS},
      {C_PAUSE_P99, GCW_STAT_PAUSE_P99_MS},   {C_PAUSE_MAX, GCW_STAT_PAUSE_MAX_MS},
      {C_INTERVAL_P50, GCW_STAT_INTERVAL_P50_MS}, {C_ALLOC, GCW_STAT_ALLOC_RUN},
      {C_CYCLES, GCW_STAT_CYCLES},            {C_DURATION, GCW_STAT_DURATION_S}};
  for (size_t i = 0; i < sizeof from_stats / sizeof *from_stats; i++)
    key_from_stat(x, from_stats[i].key, from_stats[i].st);
  /* GC CPU as a share of all CPU over the run, from the cycles' own CPU figures: the
  ** runtime's cumulative percentage is whole numbers (0% for both of two light runs) */
  gcw_rows *r = open_run(db, GCW_Q_RUN, x->id);
  int rc = r ? gcw_rows_next(r) : FAILED;
  double procs = rc == ROW && !gcw_rows_null(r, GCW_R_PROCS) ? gcw_rows_real(r, GCW_R_PROCS) : 0;
  gcw_rows_close(&r);
  if (rc == FAILED)
    return GCW_EDB;
  const double *v = x->s.v;
  if (procs > 0 && x->s.has[GCW_STAT_GC_CPU_MS_TOTAL] && x->s.has[GCW_STAT_DURATION_S] &&
      v[GCW_STAT_DURATION_S] > 0)
    x->v[C_CPU] = 100 * v[GCW_STAT_GC_CPU_MS_TOTAL] / (v[GCW_STAT_DURATION_S] * 1000 * procs);
  r = open_run(db, GCW_Q_HEAP_PEAK, x->id);
  rc = r ? gcw_rows_next(r) : FAILED;
  long long lives = 0;
  if (rc == ROW) {
    x->has[C_PEAK] = !gcw_rows_null(r, 0) && gcw_rows_int(r, 2) > 0;
    x->v[C_PEAK] = gcw_rows_real(r, 0);
    x->has[C_GOAL] = !gcw_rows_null(r, 1);
    x->v[C_GOAL] = gcw_rows_real(r, 1);
    lives = gcw_rows_int(r, 2);
  }
  gcw_rows_close(&r);
  if (rc == FAILED)
    return GCW_EDB;
  if (lives > 0) { /* nearest-rank median, as docs/stats.md's percentiles */
    if (gcw_rows_open(db, &r, GCW_Q_LIVE_AT_RANK, x->id, (lives + 1) / 2 - 1))
      return GCW_EDB;
    rc = gcw_rows_next(r);
    x->has[C_LIVE_P50] = rc == ROW;
    x->v[C_LIVE_P50] = rc == ROW ? gcw_rows_real(r, 0) : 0;
    gcw_rows_close(&r);
    if (rc == FAILED)
      return GCW_EDB;
  }
  if (!(r = open_run(db, GCW_Q_FINDING_COUNTS, x->id)))
    return GCW_EDB;
  rc = gcw_rows_next(r);
  x->has[C_FINDINGS] = rc == ROW;
  x->v[C_FINDINGS] = rc == ROW ? (double)(gcw_rows_int(r, 1) + gcw_rows_int(r, 2)) : 0;
  gcw_rows_close(&r);
  return rc == FAILED ? GCW_EDB : GCW_OK;
}

int gcw_cmp_verdict(const gcw_cmp_side *a, const gcw_cmp_side *b, int k) {
  if (!a->has[k] || !b->has[k] || gcw_cmp_keys[k].better == 0)
    return 2;
  double diff = b->v[k] - a->v[k], same = fmax(gcw_cmp_keys[k].resolution, 0.05 * fabs(a->v[k]));
  if (fabs(diff) <= same)
    return 0;
  return (diff > 0) == (gcw_cmp_keys[k].better > 0) ? 1 : -1;
}

const char *gcw_cmp_verdict_word(int v) {
  return v == 1 ? "better" : v == -1 ? "worse" : v == 0 ? "same" : "-";
}

const char *gcw_cmp_group_verdict(const gcw_cmp_side *a, const gcw_cmp_side *b, int g) {
  int better = 0, worse = 0, same = 0;
  for (int k = 0; k < NKEYS; k++) {
    if (gcw_cmp_keys[k].group != g)
      continue;
    int v = gcw_cmp_verdict(a, b, k);
    better += v == 1;
    worse += v == -1;
    same += v == 0;
  }
  return better && worse ? "mixed" : better ? "better" : worse ? "worse" : same ? "same" : "-";
}
