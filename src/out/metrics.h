/*
** metrics.h: the Prometheus view of what is being read: a registry of per-run series,
** a snapshot for another thread, and the exposition text (OpenMetrics 1.0 or the
** Prometheus 0.0.4 text format). No HTTP here (metrics_http.c serves it).
** Owns:   the live state (written by the reading thread only) and one published copy
**         (behind a mutex) that a scrape copies out and renders on its own thread.
** Input:  events with their run id, run open/close, findings opened/updated, unparsed
**         lines, rows the store could not write; the --label pairs.
** Output: text: HELP, TYPE (and UNIT in OpenMetrics) for every family, base units
**         (seconds, bytes), "# EOF" in OpenMetrics; optional sample timestamps (export).
** Never:  blocks the reading thread: publishing takes the lock only if it is free
**         (pthread_mutex_trylock) and otherwise tries again at the next publish; the
**         scrape side holds it for one memcpy of a fixed-size state, never during I/O.
**
** Series: one set per run (label run="<runs.id>"), at most GCW_METRICS_RUNS at once.
** A run that ended (closed by the run tracker, or silent for GCW_METRICS_STALE_S, more
** than twice the Go runtime's 2-minute forced-GC period) stays until a new run opens,
** which replaces it; when every slot holds a live run the least recently active goes.
*/
#ifndef GCW_METRICS_H
#define GCW_METRICS_H

#include "err.h"
#include "event.h"

#include <stddef.h>

typedef struct gcw_metrics gcw_metrics;

typedef enum gcw_metrics_format {
  GCW_OM_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
  GCW_OM_TEXT004      /* text/plain; version=0.0.4 */
} gcw_metrics_format;

/* The Content-Type of a format. */
const char *gcw_metrics_content_type(gcw_metrics_format f);
/* The format a scrape asked for by its Accept header (NULL: none): OpenMetrics unless
** only the 0.0.4 text format (text/plain) is asked for. */
gcw_metrics_format gcw_metrics_negotiate(const char *accept);

/* labels: "name=value" strings added to every series (the --label pairs); a name that is
** not a valid Prometheus label name, starts with "__" or is one of ours fails with GCW_EUSAGE
** and a message in msg. */
gcw_err gcw_metrics_new(gcw_metrics **out, const char *const *labels, int nlabels, char *msg,
                        size_t msglen);
void gcw_metrics_free(gcw_metrics **pp);

/* ---- the reading thread: feeding ------------------------------------------------ */

/* now_s: a monotonic clock in seconds (staleness of runs); export passes 0. */
void gcw_metrics_run_open(gcw_metrics *m, long long run_id, double now_s);
void gcw_metrics_run_end(gcw_metrics *m, long long run_id);
/* Relabel runs: each run's id becomes shown(ctx, id) where that is positive and differs
** (fail-open store: a run opened while the database was unavailable has a provisional id
** until it is written, then the database's). */
void gcw_metrics_rename_runs(gcw_metrics *m, long long (*shown)(void *ctx, long long id),
                             void *ctx);
void gcw_metrics_event(gcw_metrics *m, long long run_id, const gcw_event *ev, double now_s);
/* A physical line read (all lines, trace or not) and a line kept as unparsed. */
void gcw_metrics_lines(gcw_metrics *m, long n);
void gcw_metrics_unparsed(gcw_metrics *m);
/* A row the store did not write (its database failed); ok: the store works at all. */
void gcw_metrics_store_dropped(gcw_metrics *m, long rows);
void gcw_metrics_store_ok(gcw_metrics *m, int ok);
/* The fail-open store's state (store.h gcw_store_health): up, rows waiting in memory, rows
** lost; the lost rows are counted in gctrace_store_dropped_rows_total. */
void gcw_metrics_store_health(gcw_metrics *m, int up, long waiting, long lost);
/* Findings: kind is a static string (the detector's), severity "info"/"warn"/"error";
** start_gc identifies the episode within its run. */
void gcw_metrics_finding_open(gcw_metrics *m, long long run_id, const char *kind,
                              const char *severity, long start_gc);
void gcw_metrics_finding_update(gcw_metrics *m, long long run_id, const char *kind,
                                const char *severity, long start_gc, int ended);
/* Copy the live state for scrapes if the lock is free and something changed; never waits.
** Returns 0 when the lock was busy (the copy is left for the next call), else 1. */
int gcw_metrics_publish(gcw_metrics *m);

/* ---- rendering -------------------------------------------------------------------- */

/* The families, in the order they are written (export writes them one by one). */
int gcw_metrics_families(void);
/* 1 if family fam has a series per run (the others describe the whole stream). */
int gcw_metrics_family_per_run(int fam);

typedef struct gcw_metrics_text {
  char *buf;
  size_t len, cap;
  int failed; /* out of memory: the text is incomplete */
} gcw_metrics_text;

void gcw_metrics_text_free(gcw_metrics_text *t);

/* Scrape side: the published state, rendered whole (every family, "# EOF" in OpenMetrics). */
gcw_err gcw_metrics_scrape(gcw_metrics *m, gcw_metrics_format f, gcw_metrics_text *out);

/* Export side (one thread, live state): family fam's samples of every run, each with the
** timestamp ts_ms (Unix milliseconds; written as seconds in OpenMetrics); header: also its
** HELP/TYPE/UNIT lines. "# EOF" is the caller's. */
void gcw_metrics_render_family(gcw_metrics *m, int fam, gcw_metrics_format f, int header,
                               long long ts_ms, gcw_metrics_text *out);
/* Forget every run (export: the next run starts from zero). */
void gcw_metrics_reset_runs(gcw_metrics *m);

#endif
