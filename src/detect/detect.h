/*
** detect.h: the detectors: streaming judgement of each run's cycles and scavenger lines.
** Owns:   per open run, one state block per detector (freed when the run closes).
** Input:  events with their run (from the pipeline), thresholds (defaults, --threshold).
** Output: findings through the sink: opened when an episode begins, updated while it
**         lasts (its peak), closed when it ends or the run ends. One finding per episode.
** Never:  reads text, touches the store, or formats reports (report.c does).
**
** Each detector is one file detect_<kind>.c with its rule, and one row in the registry
** (detect.c). Its thresholds are named "<kind>.<param>" (docs/findings.md gives each one's
** default and the reasoning behind it) and can be set with --threshold NAME=VALUE.
*/
#ifndef GCW_DETECT_H
#define GCW_DETECT_H

#include "err.h"
#include "event.h"
#include "severity.h"
#include "procsample.h"

#include <stddef.h>
#include <stdio.h>

/* What a detector sees of a gc line (Go 1.5+ fields; absent ones are -1). */
typedef struct gcw_cycle {
  long gc;
  double t_s;             /* -1: no time (Go <= 1.4) */
  const char *wall;       /* NULL when unknown */
  double pause_ms, sweep_term_ms, mark_ms, mark_term_ms;
  double cpu_sweep_term_ms, cpu_assist_ms, cpu_bg_ms, cpu_idle_ms, cpu_mark_term_ms;
  double cpu_pct;         /* the runtime's cumulative GC CPU % */
  double heap_start_mb, heap_end_mb, heap_live_mb, goal_mb;
  double stacks_mb, globals_mb; /* Go 1.18+ */
  int forced;
  int procs;
} gcw_cycle;

/* What a detector sees of a scavenger line. */
typedef struct gcw_scav {
  double released_mb;     /* memory currently released to the OS (scav total/now, scvg
                          ** released:), -1 if the line does not say */
  double work_mb;         /* released by this line (scav work, scvg N MB released), or 0 */
  int forced;             /* debug.FreeOSMemory() */
  const char *wall;
} gcw_scav;


typedef struct gcw_finding {
  const char *kind;
  gcw_severity severity;
  long gc;                /* the cycle where the episode began (-1: none) */
  double t_s;             /* its @t (-1: none) */
  char wall[40];          /* its wall time, or "" */
  double value;           /* the measured value (the episode's peak) */
  double threshold;
  const char *unit;
  char message[600];      /* what was seen, in plain language */
  char next_step[400];    /* what to do about it */
  long end_gc;            /* where it ended (-1: open) */
  double end_t_s;
  long long part_of;      /* a symptom joined to this memlimit_thrash finding (its handle), or 0:
                          ** stored, explained in that finding, not announced on its own */
} gcw_finding;

/* What an update of a finding means for someone watching live (live.c prints the last
** two; the store records every one). */
typedef enum gcw_finding_change {
  GCW_CHANGE_QUIET,  /* its peak or message changed, not materially */
  GCW_CHANGE_WORSE,  /* severity up, or the value twice as bad as when last announced */
  GCW_CHANGE_CLOSED  /* it ended (end_gc >= 0): absent for its hold time */
} gcw_finding_change;
const char *gcw_change_name(gcw_finding_change c); /* "update", "worse", "close" */

typedef struct gcw_detect_sink {
  void *ctx;
  /* A new finding; returns a handle for updates (its store id), or 0. */
  long long (*opened)(void *ctx, long long run_id, const gcw_finding *f);
  /* Its peak value or message changed, it got materially worse, or it ended. */
  void (*updated)(void *ctx, long long run_id, long long handle, const gcw_finding *f,
                  gcw_finding_change change);
  /* GCW_RUNS_LIVE runs have state and another begins: the least recently active one is
  ** ended first (may be NULL). */
  void (*full)(void *ctx);
} gcw_detect_sink;

typedef struct gcw_detect gcw_detect;

/* thresholds: "kind.param=value" strings (from --threshold); an unknown name or a bad
** value fails with *msg set. pause_slo_ms > 0 adds the pause_slo check. */
gcw_err gcw_detect_new(gcw_detect **out, gcw_detect_sink sink, const char *const *thresholds,
                       int nthresholds, double pause_slo_ms, char *msg, size_t msglen);
void gcw_detect_free(gcw_detect **pp);
/* An event of run run_id (the store's id), with the wall time of its line or NULL. */
void gcw_detect_event(gcw_detect *d, long long run_id, const gcw_event *ev, const char *wall);
/* A sample of the process's memory (procsample.h) during run run_id. */
void gcw_detect_sample(gcw_detect *d, long long run_id, const gcw_proc_sample *s);
/* The run ended: close its episodes, give end-of-run findings, free its state. */
void gcw_detect_run_end(gcw_detect *d, long long run_id);

/* ---- for the detector files ---------------------------------------------------- */

typedef struct gcw_threshold_def {
  const char *name;       /* "factor" -> "pause_spike.factor" */
  double value;           /* default */
  const char *unit;
  const char *why;        /* one line of reasoning (docs/findings.md has the rest) */
} gcw_threshold_def;

/* An episode of a detector (all zero: none). `open` is what the detector sees; detect.c
** keeps the rest: an episode the detector closes is *held* for its kind's hold_s (absent
** that long, it ends; back before that, it goes on as the same finding), and an episode of
** a symptom of an open memlimit_thrash is *joined* to it (no finding of its own). */
typedef struct gcw_episode {
  long long handle;
  int open;
  int held;                /* closed by the detector, not yet ended */
  int joined;              /* part of the run's memlimit_thrash: ends when it ends */
  long long part_of;       /* that thrash finding's handle (0: not joined) */
  long held_cycles;        /* cycles since it was closed */
  long start_gc;           /* where the finding began (kept when it resumes) */
  double start_t_s;
  char start_wall[40];
  double peak;             /* the worst value so far */
  gcw_severity worst;
  double shown_value;      /* value and severity when last announced (open or worse) */
  gcw_severity shown_sev;
  gcw_finding f;
} gcw_episode;

typedef struct gcw_detect_ctx gcw_detect_ctx; /* passed to detectors to report through */

void gcw_episode_open(gcw_detect_ctx *c, gcw_episode *e);
void gcw_episode_update(gcw_detect_ctx *c, gcw_episode *e);
void gcw_episode_close(gcw_detect_ctx *c, gcw_episode *e, long gc, double t_s);
/* Open the episode, or update it when it is open already. */
void gcw_episode_report(gcw_detect_ctx *c, gcw_episode *e);
/* A finding that begins and ends at once (e.g. "no scavenger lines"). */
void gcw_finding_once(gcw_detect_ctx *c, gcw_finding *f);

typedef struct gcw_detector_def {
  const char *kind;
  size_t state_size;
  const gcw_threshold_def *params;
  int nparams;
  void (*cycle)(gcw_detect_ctx *c, void *state, const double *thr, const gcw_cycle *cy);
  void (*scav)(gcw_detect_ctx *c, void *state, const double *thr, const gcw_scav *sc);
  void (*end)(gcw_detect_ctx *c, void *state, const double *thr);
  size_t episode_at;      /* offsetof(state, its gcw_episode) */
} gcw_detector_def;

/* The registry: one row per finding kind, each the detector gcw_detect_<kind> of a file
** detect_*.c whose kind string is "<kind>" (detect.c checks it). Its order is the order of
** --threshold's names and of the thresholds' list (docs/findings.md). Adding a kind: a
** row here and its file; nothing else lists the kinds. */
#define GCW_DETECTORS(X)                                                                   \
  X(pause_spike)                                                                           \
  X(pause_slo)                                                                             \
  X(shrinking_interval)                                                                    \
  X(memlimit_thrash)                                                                       \
  X(delayed_release)                                                                       \
  X(heap_growth)                                                                           \
  X(gc_cpu_high)                                                                           \
  X(assist_heavy)                                                                          \
  X(forced_gc_storm)                                                                       \
  X(rss_not_released)                                                                      \
  X(rss_near_limit)

#define GCW_DETECT_DECLARE_(kind) extern const gcw_detector_def gcw_detect_##kind;
GCW_DETECTORS(GCW_DETECT_DECLARE_)
#undef GCW_DETECT_DECLARE_

/* A detector of the registry that also judges process samples (procsample.h): its
** sample() gets the same state and thresholds as its cycle() and scav(). */
typedef struct gcw_sample_detector {
  const gcw_detector_def *def;
  void (*sample)(gcw_detect_ctx *c, void *state, const double *thr, const gcw_proc_sample *s);
} gcw_sample_detector;
extern const gcw_sample_detector gcw_sample_rss_not_released, gcw_sample_rss_near_limit;

/* Copy a finding's start from a cycle. */
void gcw_finding_start(gcw_finding *f, const char *kind, gcw_severity sev, const gcw_cycle *cy);



/* Every threshold as "kind.param<TAB>default<TAB>unit<TAB>why" lines (docs, tests). */
void gcw_detect_list_thresholds(FILE *out);

/* Median of n values (n <= GCW_MEDIAN_MAX; more are cut; the input is not changed). */
enum { GCW_MEDIAN_MAX = 64 };
double gcw_median(const double *v, int n);
#endif
