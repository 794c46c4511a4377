/*
** statrun.h: the statistics of each open run, computed in one pass as its lines arrive.
** Owns:   per open run, a few running sums and small bounded buffers (below).
** Input:  every gc and scavenger event the store writes, with its run; run open/close.
** Output: at a run's close, the values stats.c would compute from the run's rows
**         (gcw_stats_compute, kept as the oracle): the same definitions, the same
**         floating-point operations in the same order, so the values are identical
**         (docs/stats.md, "Computed while reading"; tests/test_statrun.c compares both).
** Never:  reads or writes SQL (store.c writes the values); holds a run's rows. Where
**         exactness would need more than its bounds, it gives up on that run and says so
**         (gcw_statrun_close returns 0): the report then computes it from the rows.
**
** Bounds per run: percentiles keep each distinct value with its count, at most
** GCW_STATRUN_DISTINCT per series; the MMU keeps the stop-the-world periods of the last
** second, the GC CPU window the cycles of the last 10 s, at most GCW_STATRUN_WINDOW each.
** A run with no line among the last GCW_STATRUN_IDLE lines (a process that ended; runs.c
** keeps its run open in case it goes on) keeps only its values: if it does go on, its
** statistics are left to SQL. So memory is one busy run's, however many runs are open.
*/
#ifndef GCW_STATRUN_H
#define GCW_STATRUN_H

#include "err.h"
#include "event.h"
#include "stats.h"

enum { GCW_STATRUN_DISTINCT = 4096, GCW_STATRUN_WINDOW = 1 << 17, GCW_STATRUN_IDLE = 1 << 14 };

typedef struct gcw_statrun_set gcw_statrun_set;

gcw_err gcw_statrun_set_new(gcw_statrun_set **out);
void gcw_statrun_set_free(gcw_statrun_set **pp);
/* A run opened (its runs.id). Without memory for it, its statistics are left to SQL. */
void gcw_statrun_open(gcw_statrun_set *s, long long run_id);
/* A gc line of the run (families gc and gc_legacy), with the pause_ms the store keeps. */
void gcw_statrun_gc(gcw_statrun_set *s, long long run_id, const gcw_event *ev, int has_pause,
                    double pause_ms);
/* A scavenger line (scav, scvg) of the run; cycle: its `gc` column (-1: NULL). */
void gcw_statrun_scav(gcw_statrun_set *s, long long run_id, long cycle, const gcw_event *ev);
/* The run's values no longer hold (a fail-open store replayed, queued or lost some of its
** rows): from now on it is handled as a run over a bound (no values at its close). */
void gcw_statrun_break(gcw_statrun_set *s, long long run_id);
/* The run closed: 1 and *out filled, or 0 when its statistics were not kept (unknown run,
** out of memory, or a bound exceeded). The run's state is freed either way. */
int gcw_statrun_close(gcw_statrun_set *s, long long run_id, gcw_stat_values *out);

#endif
