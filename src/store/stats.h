/*
** stats.h: the statistics of one run, computed from its rows and stored in `stats`.
** Owns:   the statements of one call; a few numbers per pass, never a run's rows.
** Input:  a database holding the run's gc_cycles and scavenger rows.
** Output: one `stats(run_id, name, value, unit)` row per name of gcw_stats_infos[],
**         every name every time (value NULL when the run cannot say), so a run with
**         any stats row has all of them.
** Never:  judges (detect_*.c do) or formats (report.c does). Memory does not grow with
**         the run: rows are streamed with sqlite3_step(); percentiles are ranks taken
**         by SQL (ORDER BY ... LIMIT 1 OFFSET k); sliding windows walk the same ordered
**         query with two or more statements at once instead of buffering rows.
**
** Definitions, units and their reasons: docs/stats.md.
*/
#ifndef GCW_STATS_H
#define GCW_STATS_H

#include "err.h"

#include <stddef.h>

typedef struct gcw_db gcw_db; /* store_read.h */

/* The statistics, in report order; the comment gives each one's unit (docs/stats.md). */
enum gcw_stat {
  GCW_STAT_CYCLES,           /* count: gc lines of the run */
  GCW_STAT_DURATION_S,       /* s: @t of the last cycle - @t of the first */
  GCW_STAT_PAUSE_P50_MS,     /* ms: STW per cycle (pause_ms), nearest-rank percentiles */
  GCW_STAT_PAUSE_P90_MS,     /* ms */
  GCW_STAT_PAUSE_P99_MS,     /* ms */
  GCW_STAT_PAUSE_MAX_MS,     /* ms */
  GCW_STAT_PAUSE_MAX_GC,     /* gc: cycle number of the longest pause (first on a tie) */
  GCW_STAT_PAUSE_TOTAL_MS,   /* ms: sum of pause_ms */
  GCW_STAT_GC_CPU_PCT_FINAL, /* %: the runtime's cumulative GC CPU at the last cycle */
  GCW_STAT_GC_CPU_WIN_MAX,   /* %: highest GC CPU over a sliding 10 s window */
  GCW_STAT_GC_CPU_WIN_END,   /* s: @t of the last cycle of that window */
  GCW_STAT_GC_CPU_WIN_S,     /* s: the window's length: 10, or the run's length if shorter */
  GCW_STAT_GC_CPU_MS_TOTAL,  /* ms: GC CPU of all cycles (idle mark excluded) */
  GCW_STAT_ASSIST_SHARE,     /* %: assist CPU / (assist + background + idle) mark CPU */
  GCW_STAT_CYCLES_PER_MIN,   /* /min: cycle numbers advanced per minute of @t */
  GCW_STAT_INTERVAL_P50_MS,  /* ms: @t of a cycle - @t of the one numbered before it */
  GCW_STAT_INTERVAL_P90_MS,  /* ms */
  GCW_STAT_INTERVAL_P99_MS,  /* ms */
  GCW_STAT_ALLOC_RATE,       /* MB/s: median allocation rate between consecutive cycles */
  GCW_STAT_ALLOC_RUN,        /* MB/s: allocated over the run / its time (pairs summed) */
  GCW_STAT_ALLOC_WIN_MAX,    /* MB/s: the same over the run's 10 s windows: the highest */
  GCW_STAT_LIVE_MIN_MB,      /* MB: marked live heap (heap_live_mb) */
  GCW_STAT_LIVE_MAX_MB,      /* MB */
  GCW_STAT_LIVE_FINAL_MB,    /* MB: of the last cycle */
  GCW_STAT_LIVE_TREND,       /* MB/min: least-squares slope of heap_live_mb over @t */
  GCW_STAT_GOAL_LIVE_P50,    /* ratio: goal_mb / heap_live_mb of the same cycle */
  GCW_STAT_GOAL_LIVE_MIN,    /* ratio */
  GCW_STAT_MMU_1MS,          /* fraction 0..1: minimum mutator utilization, 1 ms windows */
  GCW_STAT_MMU_10MS,         /* fraction */
  GCW_STAT_MMU_100MS,        /* fraction */
  GCW_STAT_MMU_1S,           /* fraction */
  GCW_STAT_SCAV_RELEASED,    /* MB: returned to the OS over the run (the lines' work, summed) */
  GCW_STAT_SCAV_NOW_FINAL,   /* MB: heap memory released (returned) as of the last line */
  GCW_STAT_SCAV_RETAINED,    /* MB: heap memory kept from the OS at the end (<=1.13 exact) */
  GCW_STAT_SCAV_MAX,         /* MB: the largest single release (one line) */
  GCW_STAT_SCAV_MAX_T_S,     /* s: @t of the cycle printed before that line */
  GCW_STAT_SCAV_LAG_S,       /* s: from the cycle that freed that memory to its release */
  /* issue 15: process samples (stats_rss.c); NULL without them */
  GCW_STAT_RSS_SAMPLES,      /* count: rows of process_samples */
  GCW_STAT_RSS_MAX_MB,       /* MB: the highest RSS sampled */
  GCW_STAT_RSS_MAX_T_S,      /* s: its @t */
  GCW_STAT_RSS_MAX_LIVE_MB,  /* MB: live heap of the latest cycle at or before it */
  GCW_STAT_RSS_MAX_GOAL_MB,  /* MB: goal of that cycle */
  GCW_STAT_RSS_MAX_GAP_MB,   /* MB: RSS - goal - stacks - globals then (rssgap.h) */
  GCW_STAT_RSS_FINAL_MB,     /* MB: RSS of the last sample */
  GCW_STAT_RSS_FINAL_T_S,    /* s */
  GCW_STAT_RSS_FINAL_LIVE_MB, /* MB */
  GCW_STAT_RSS_FINAL_GOAL_MB, /* MB */
  GCW_STAT_RSS_FINAL_GAP_MB, /* MB */
  GCW_STAT_RSS_FINAL_ANON_MB, /* MB: RssAnon of the last sample */
  GCW_STAT_RSS_FINAL_FILE_MB, /* MB: RssFile */
  GCW_STAT_LAZYFREE_FINAL_MB, /* MB: LazyFree */
  GCW_STAT_VSZ_MAX_MB,       /* MB: the highest VmSize */
  GCW_STAT_CGROUP_MAX_MB,    /* MB: memory.max of the last sample that has one */
  GCW_STAT_CGROUP_PEAK_MB,   /* MB: the highest memory.current */
  GCW_STAT_COUNT
};

/* alloc_window_max_mb_s: windows of this length from the run's first pair of cycles, and
** only those holding at least GCW_ALLOC_WINDOW_MIN_MS of time between pairs (docs/stats.md). */
enum { GCW_ALLOC_WINDOW_MS = 10000, GCW_ALLOC_WINDOW_MIN_MS = 1000 };

typedef struct gcw_stat_info {
  const char *name; /* the `stats.name`, unit as its suffix where there is one */
  const char *unit; /* the `stats.unit`: ms, s, MB, MB/s, MB/min, %, /min, ratio, ... */
} gcw_stat_info;

/* Every statistic, indexed by enum gcw_stat. */
extern const gcw_stat_info gcw_stats_infos[GCW_STAT_COUNT];
/* The enum gcw_stat of a `stats.name`, or -1 for a name this program does not know. */
int gcw_stats_lookup(const char *name);

/* Values of every statistic of one run; set[i] 0: NULL. */
typedef struct gcw_stat_values {
  double v[GCW_STAT_COUNT];
  unsigned char set[GCW_STAT_COUNT];
} gcw_stat_values;

/* Set one value, rounded to 12 significant digits (not set if not finite). */
void gcw_stats_put(gcw_stat_values *r, enum gcw_stat id, double v);

/* Compute every statistic of run_id and INSERT OR REPLACE them into `stats` with one
** statement, so on failure none is written. Works inside or outside the caller's
** transaction (it opens none). Returns GCW_OK, or GCW_EDB with gcw_db_errmsg(db) saying
** why. Cost: about a dozen ordered walks over the run's cycles; call it after the
** gc_cycles(run_id, gc) index exists (store close) for large runs. */
gcw_err gcw_stats_compute(gcw_db *db, long long run_id);

/* 1 if run_id has rows in `stats` (the store writes them as the run closes). */
int gcw_stats_present(gcw_db *db, long long run_id);
/* issue 15 (stats_rss.c): the explanation (rssgap.h) of the unexplained RSS at the last
** sample, from a run's statistics v[]/has[] and its Go release range; NULL when the run has
** no samples. The report's "why" line and rss_explanation in JSON. */
const char *gcw_stats_rss_explain(const double *v, const unsigned char *has, int era_min,
                                  int era_max, char *buf, size_t n);

#endif
