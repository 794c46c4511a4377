/*
** rssgap.h: the part of a process's RSS the GC trace does not explain, and why.
** Owns:   nothing (pure functions over figures the caller gives).
** Input:  RSS and its parts from a process sample, the heap figures of the latest cycle,
**         the scavenger's, and the Go release range of the run.
** Output: the unexplained megabytes, and the explanation that fits them, in words.
** Never:  reads anything: the detectors (rss_not_released) and the report use the same
**         words for the same figures.
**
** "Explained" = heap + stacks + globals, where the heap is the goal in force: between
** cycle N and N+1 the runtime lets the heap grow up to the goal of cycle N+1 (printed on
** N+1's line; a gc line's goal is that cycle's own, set when it started), and pages it
** grew into stay resident in between. That is an upper bound of the heap, so the
** unexplained part is a lower bound. Before N+1's line is known the goal is estimated
** (gcw_rss_next_goal).
*/
#ifndef GCW_RSSGAP_H
#define GCW_RSSGAP_H

#include <stddef.h>

typedef struct gcw_rss_gap {
  double rss_mb;        /* VmRSS */
  double heap_mb;       /* heap: the goal in force (above; -1: no cycle yet) */
  double stacks_mb;     /* of that cycle, Go 1.18+ (-1: not printed) */
  double globals_mb;    /* of that cycle, Go 1.18+ (-1: not printed) */
  double lazyfree_mb;   /* LazyFree of smaps_rollup (-1: not reported) */
  double rss_file_mb;   /* RssFile (-1: not reported) */
  double retained_mb;   /* freed heap the runtime still keeps from the OS, as the scavenger
                        ** lines tell it (-1: no scavenger figures) */
  double released_mb;   /* heap currently released to the OS, as of the latest line (-1) */
  int era_min, era_max; /* Go 1.era_min .. 1.era_max (0, 99: unknown) */
} gcw_rss_gap;

/* The goal of the cycle after one with live heap live_mb and goal goal_mb, whose goal was
** set from the live heap prev_live_mb of the cycle before it: live_mb times the same ratio
** (1 + GOGC/100), at least the runtime's 4 MB minimum; goal_mb when the ratio is not known
** (prev_live_mb <= 0). */
double gcw_rss_next_goal(double live_mb, double goal_mb, double prev_live_mb);

/* RSS - heap - stacks - globals, never below 0; -1 when there is no cycle yet. */
double gcw_rss_unexplained(const gcw_rss_gap *g);

/* The explanation that fits the gap (one or two sentences) into buf; returns buf. */
const char *gcw_rss_explain(const gcw_rss_gap *g, char *buf, size_t n);

/* Below this, the trace accounts for RSS (the binary, runtime metadata and a few spans
** make up some MB in every Go process). */
#define GCW_RSS_GAP_SMALL_MB 32.0

#endif
