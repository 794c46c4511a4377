/*
** pipeline.h: one source's bytes through every stage, in one direction:
**   bytes -> pass-through (raw, before anything else) -> lines -> splice/recognize
**         -> runs -> store
** Owns:   the line reader, splicer and run tracker of the current source, its digest.
** Input:  bytes of one source at a time (gcw_pipeline_feed), then its end.
** Output: rows in the store; in watch mode the input on stdout (raw or --strip).
** Never:  parses text itself or writes SQL.
*/
#ifndef GCW_PIPELINE_H
#define GCW_PIPELINE_H

#include "err.h"
#include "metrics.h"
#include "recog.h"
#include "runs.h"
#include "sha256.h"
#include "store.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

typedef enum gcw_passthrough {
  GCW_PASS_NONE,  /* analyze: nothing to stdout while reading */
  GCW_PASS_RAW,   /* watch: every byte to stdout as it arrives */
  GCW_PASS_STRIP  /* watch --strip: everything but the trace lines */
} gcw_passthrough;

typedef struct gcw_pipeline_opts {
  gcw_passthrough pass;
  FILE *out;         /* where pass-through goes: stdout (watch) or stderr (child mode) */
  int stamp_arrival; /* watch mode: wall time = arrival time of the line */
  int quiet;         /* no notices on stderr (errors still) */
  int envelope;      /* gcw_envelope_kind: GCW_ENV_AUTO (0) detects it per source */
  struct gcw_detect_opts {
    const char *const *thresholds; /* --threshold NAME=VALUE */
    int nthresholds;
    double pause_slo_ms;           /* --pause-slo, 0: none */
    int live;                      /* print findings on stderr as they open, worsen, end */
    int json;                      /* --findings-format json */
  } detect;
  gcw_metrics *metrics; /* --metrics: fed with every event, published on each tick; NULL: none */
  const gcw_run_meta *meta;        /* labels (and child mode's program) of every run; NULL */
} gcw_pipeline_opts;

typedef struct gcw_source_totals {
  long long bytes;
  long lines, overlong, events, gc_lines, scav_lines, pacer_lines, forced_lines, unparsed;
  long repaired, runs;
  long long nul_bytes;  /* NUL bytes seen: a binary file, not a log */
  long bad_records;     /* envelope records that did not decode */
  int envelope;         /* the envelope kind used (gcw_envelope_kind) */
  char sha256[65];      /* of all bytes read (set by gcw_pipeline_source_end) */
} gcw_source_totals;

typedef struct gcw_pipeline gcw_pipeline;

/* A bad --threshold is GCW_EUSAGE with the message in gcw_pipeline_errmsg(). */
gcw_err gcw_pipeline_new(gcw_pipeline **out, gcw_recog *r, gcw_store *s, gcw_pipeline_opts o);
void gcw_pipeline_free(gcw_pipeline **pp);
gcw_err gcw_pipeline_source_begin(gcw_pipeline *p, const char *path, const char *kind,
                                  long long *source_id);
/* A source continued where its last import stopped (a log that grew): its rows keep
** their source id, lines are numbered on, the last run goes on (if its next cycle follows
** on), and the digest covers the whole file. */
typedef struct gcw_resume {
  long long source_id;
  long long bytes;     /* read before */
  long lines, overlong;
  int ordinals;        /* runs the source has */
  int have_run;
  gcw_run run;         /* its last run, as stored */
  gcw_sha256 sha;      /* of the bytes read before */
} gcw_resume;
gcw_err gcw_pipeline_source_resume(gcw_pipeline *p, const char *path, const gcw_resume *r);
/* GCW_EPIPE: stdout was closed by its reader; GCW_EDB/GCW_EWRITE: see message. */
gcw_err gcw_pipeline_feed(gcw_pipeline *p, const char *bytes, size_t n);
gcw_err gcw_pipeline_source_end(gcw_pipeline *p, gcw_source_totals *totals);
/* A source read from several files as one stream: mark where each file starts, and at its
** end store its line range (source_files) and get what it alone contributed. */
void gcw_pipeline_file_begin(gcw_pipeline *p);
gcw_err gcw_pipeline_file_end(gcw_pipeline *p, int ordinal, const char *path, const char *kind,
                              gcw_source_totals *file);
/* End the current line here even without a newline: a file that failed or is not text
** must not glue its last partial line to the next file's first. */
void gcw_pipeline_end_line(gcw_pipeline *p);
/* Watch mode: commit if due, flush stdout. */
gcw_err gcw_pipeline_tick(gcw_pipeline *p);
const char *gcw_pipeline_errmsg(const gcw_pipeline *p);
/* issue 15: sample process pid's memory (procsample.h) every interval_s seconds (0: only
** at gc lines; the pump ticks at least every GCW_COMMIT_MS) and at every gc line (at most
** one per GCW_SAMPLE_MIN_MS), into the run of the latest gc line. When the process is
** gone or /proc stops answering, sampling stops (a notice if notice_end and not quiet).
** GCW_EREAD with the message in gcw_pipeline_errmsg() when pid cannot be read at all. */
gcw_err gcw_pipeline_sample_pid(gcw_pipeline *p, pid_t pid, double interval_s, int notice_end);
/* How long the pump may wait for input before the next tick: at most max_ms, less when a
** process sample is due sooner. */
int gcw_pipeline_wait_ms(const gcw_pipeline *p, int max_ms);
/* What the live session did so far (cycles, runs, findings by severity); db is set by the
** caller. Adds to *s, so several pipelines (follow mode) sum up. */
struct gcw_live_summary;
void gcw_pipeline_summary(const gcw_pipeline *p, struct gcw_live_summary *s);
/* Lines read so far from the current source. */
long gcw_pipeline_lines(const gcw_pipeline *p);

#endif
