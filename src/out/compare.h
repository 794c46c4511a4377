/*
** compare.h: the figures `compare` sets side by side, and their verdicts.
** Owns:   nothing beyond one call (a side is the caller's).
** Input:  a run's `stats` row and three figures read here (peak heap, max goal, live p50),
**         GC CPU from the cycles' own CPU figures, the count of its findings.
** Output: gcw_cmp_side (the values, each with whether it is known) and the verdict of B
**         against A per figure and per group; report.c formats them (text, JSON).
** Never:  prints: the layout is report.c's (docs/report-json.md, "compare").
*/
#ifndef GCW_COMPARE_H
#define GCW_COMPARE_H

#include "err.h"
#include "stats.h"
#include "store_read.h"

/* One run's statistics as the report reads them (0 in has[]: no row, or NULL). */
typedef struct gcw_stat_row {
  double v[GCW_STAT_COUNT];
  unsigned char has[GCW_STAT_COUNT];
} gcw_stat_row;

enum { GCW_CMP_NKEYS = 14, GCW_CMP_NGROUPS = 4 };

typedef struct gcw_cmp_key {
  const char *label, *name, *unit;
  int group;         /* 0 memory, 1 CPU, 2 latency, 3 workload (no verdict) */
  int better;        /* -1 lower is better, +1 higher is better, 0 neither */
  double resolution; /* changes within this are "same": the figure's own precision */
} gcw_cmp_key;

/* The figures in their order, and the groups' names. */
extern const gcw_cmp_key gcw_cmp_keys[GCW_CMP_NKEYS];
extern const char *const gcw_cmp_groups[GCW_CMP_NGROUPS];

typedef struct gcw_cmp_side {
  long long id; /* runs.id, set by the caller */
  gcw_stat_row s;
  double v[GCW_CMP_NKEYS];
  unsigned char has[GCW_CMP_NKEYS];
} gcw_cmp_side;

/* Read the figures of run x->id. GCW_OK or GCW_EDB. */
gcw_err gcw_cmp_load_side(gcw_db *db, gcw_cmp_side *x);
/* Figure k of B against A: -1 worse, 0 same, 1 better, 2 no verdict (no value, or a
** figure of the workload). A change within the figure's resolution or 5% of A is same. */
int gcw_cmp_verdict(const gcw_cmp_side *a, const gcw_cmp_side *b, int k);
const char *gcw_cmp_verdict_word(int v);
/* A group's verdict: better or worse when its figures agree (or are the same), mixed when
** they disagree, same when nothing moved; "-" when it has no figure on both sides. */
const char *gcw_cmp_group_verdict(const gcw_cmp_side *a, const gcw_cmp_side *b, int g);

#endif
