/*
** runs.h: which process (run) each trace line belongs to.
** Owns:   at most GCW_RUNS_OPEN open runs of one stream (limits.h), the table grown on demand.
** Input:  events in input order.
** Output: for each event its run and the cycle it belongs to; run open/close calls to
**         the sink (which stores them).
** Never:  looks at text or at sinks' data.
**
** The rule (docs/schema.md, "runs"): cycle numbers count up from 1 in every process and
** @t is seconds since that process started. For a gc line numbered N at @t:
**  1. it continues the open run whose last cycle is N-1 and whose last @t is not later
**     than t (the most recently active one when several can);
**  2. else, a run begun by scavenger/pacer lines that has no gc line yet takes it;
**  3. else "gc 1" starts a new run;
**  4. else it continues the open run with the highest last cycle below N whose last @t is
**     not later than t; the gap counts in missing_cycles;
**  5. else (N not above any open run's last cycle, or @t going back) a new run starts.
** Lines of Go <= 1.4 have no @t: only the numbers count. Scavenger, pacer and "GC forced"
** lines carry no number or time: they go to the run of the latest gc line. When more
** than GCW_RUNS_OPEN runs are open, the least recently active one is closed.
*/
#ifndef GCW_RUNS_H
#define GCW_RUNS_H

#include "err.h"
#include "event.h"

typedef struct gcw_run {
  long long id;        /* the sink's id (the store's runs.id) */
  int ordinal;         /* 1, 2, ... within the source */
  long first_line, last_line;
  long cycles, missing, repaired, unknown_parts;
  long scav_lines, pacer_lines, forced_lines;
  long first_gc, last_gc;
  double first_t, last_t; /* @t of the first and last cycle (-1: none) */
  int procs;              /* GOMAXPROCS of the last cycle (0: unknown) */
  int era_min, era_max;   /* Go 1.x minor releases consistent with every line */
  int era_conflict;       /* lines of incompatible releases were seen */
  int nexcl;              /* releases some line excluded (applied to era_min/max) */
  int excl_min[4], excl_max[4];
  long last_use;          /* for closing the least recently used */
} gcw_run;

typedef struct gcw_runs_sink {
  void *ctx;
  void (*opened)(void *ctx, gcw_run *run);       /* sets run->id */
  void (*closed)(void *ctx, const gcw_run *run); /* final figures */
  /* GCW_RUNS_OPEN runs are open and a new one starts: the least recently active is
  ** closed first (may be NULL). */
  void (*full)(void *ctx);
} gcw_runs_sink;

typedef struct gcw_runs gcw_runs;

/* ordinals: the source-wide counter of runs (several trackers of one source share it). */
gcw_err gcw_runs_new(gcw_runs **out, gcw_runs_sink sink, int *ordinals);
void gcw_runs_free(gcw_runs **pp);
/* The run of ev; *cycle gets the cycle the line belongs to (for lines without a number,
** the latest cycle of the run, or -1). */
gcw_run *gcw_runs_assign(gcw_runs *rs, const gcw_event *ev, long *cycle);
/* Open a run again as it was stored (its id and figures), as the latest run: a log that
** grew is continued by the same run when its next cycle follows on. */
void gcw_runs_resume(gcw_runs *rs, const gcw_run *run);
/* Close every open run (end of a source). */
void gcw_runs_finish(gcw_runs *rs);

/* "go1.19-1.20", "go1.18+", "go1.13", or "unknown"; buf needs 24 bytes. */
const char *gcw_era_text(int era_min, int era_max, int conflict, char *buf, size_t n);

#endif
