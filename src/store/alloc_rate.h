/*
** alloc_rate.h: the allocation rate over a run and its busiest 10-s window, added up pair
**               by pair of consecutive cycles as they arrive (statrun.c). stats.c computes
**               the same with SQL, the definition of docs/stats.md; both add whole MB and
**               whole milliseconds, so they agree to the bit.
*/
#ifndef GCW_ALLOC_RATE_H
#define GCW_ALLOC_RATE_H

typedef struct gcw_alloc_acc {
  long long sum, dt;             /* MB and ms of every pair */
  long long t0, win, win_sum, win_dt;
  long long pairs;
  int has_max;
  double max;                    /* MB/s of the busiest window so far */
} gcw_alloc_acc;

/* @t in whole milliseconds, rounded as SQLite's round() does. */
long long gcw_alloc_t_ms(double t_s);
/* One pair: alloc MB allocated in dt_ms, the later cycle at t_ms. */
void gcw_alloc_pair(gcw_alloc_acc *a, long long alloc, long long t_ms, long long dt_ms);
/* The run ended: *run and *max (MB/s) and whether each is known. */
void gcw_alloc_finish(gcw_alloc_acc *a, int *has_run, double *run, int *has_max, double *max);

#endif
