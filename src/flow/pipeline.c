/* pipeline.c: wiring of the stages for one source. See pipeline.h.
**
**   bytes -> pass-through -> lines -> envelope -> [per stream: splice -> runs] -> store
**
** A stream is what the envelope tells apart (a syslog pid, a container's stdout and
** stderr): pieces of trace lines are rejoined within a stream, and its processes are
** separated into runs by its own tracker. Plain input is one stream. */
#include "pipeline.h"

#include "detect.h"
#include "envelope.h"
#include "live.h"
#include "limits.h"
#include "lines.h"
#include "procsample.h"
#include "runs.h"
#include "safetext.h"
#include "sha256.h"
#include "splice.h"
#include "walltime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct stream {
  int used;
  long key;       /* envelope stream key */
  long last_use;
  gcw_splice *splice;
  gcw_runs *runs;
} stream;

struct gcw_pipeline {
  gcw_pipeline_opts opts;
  gcw_recog *recog; /* borrowed */
  gcw_store *store; /* borrowed */
  gcw_lines *lines;
  gcw_envelope *env;
  gcw_detect *detect;
  gcw_live live;      /* where and how findings are printed */
  /* Child mode passes PROG's stderr through to the stream live lines go to: a live line
  ** waits in `held` until the pass-through is at the start of a line, so that it is never
  ** glued to half of one of PROG's lines. */
  FILE *held_f;       /* live.f then: a memory stream (NULL: live lines go out at once) */
  char *held;
  size_t held_len;
  int at_bol;         /* the last byte passed through was a newline (or none yet) */
  long long bytes_seen; /* of every source (the summary) */
  long cycles_seen;   /* gc lines of every source (the summary) */
  long runs_seen;
  long long first_run, last_run;
  long findings[GCW_NSEVERITIES]; /* ended findings by severity */
  long joined;        /* ended symptoms explained in a memlimit_thrash finding */
  stream streams[GCW_STREAMS_OPEN];
  stream *cur;        /* the stream whose lines are being spliced */
  const char *wall;   /* wall time of the text being spliced (NULL: none) */
  char wall_copy[40]; /* the envelope's time outlives its callback here */
  long clock;
  int ordinals;       /* runs started in this source */
  long long source_id;
  char path[256];     /* the source's name, for notices */
  gcw_sha256 sha;
  gcw_source_totals totals;
  gcw_source_totals file_start; /* totals when the current file began */
  double mono_s;      /* monotonic time of the current chunk (metrics: silent runs) */
  gcw_err err;        /* first failure of reading or storing; stops all further work */
  gcw_err out_err;    /* output failed (EPIPE: its reader left): output stops, the input
                      ** already read is still parsed and stored */
  char errmsg[320];
  char arrival[GCW_WALL_MAX]; /* arrival time of the current chunk (watch mode) */
  gcw_spans spans;
  int told_full;      /* CEILING_* bits: the ceilings this source has passed (one notice each) */
  struct {            /* issue 15: process samples (gcw_pipeline_sample_pid) */
    gcw_procsample *ps; /* NULL: not sampling (any more) */
    pid_t pid;
    double every_ms, last_ms;
    long long run_id;   /* the run of the latest gc line, 0: none open */
    double run_t;       /* its @t */
    int notice_end;
  } sample;
  const gcw_resume *resume; /* the run to go on with, until the first stream takes it */
};

/* The ceilings of limits.h an input can pass; each is told once per source. */
enum { CEILING_STREAMS = 1, CEILING_RUNS = 2, CEILING_DETECT = 4 };

enum { NOTICES_PER_SOURCE = 5 };

static void set_err(gcw_pipeline *p, gcw_err e, const char *msg) {
  if (p->err)
    return;
  p->err = e;
  snprintf(p->errmsg, sizeof p->errmsg, "%s", msg);
}

const char *gcw_pipeline_errmsg(const gcw_pipeline *p) { return p->errmsg; }

long gcw_pipeline_lines(const gcw_pipeline *p) { return p->lines ? gcw_lines_count(p->lines) : 0; }

static void check_store(gcw_pipeline *p, gcw_err e) {
  if (!e)
    return;
  set_err(p, e, gcw_store_errmsg(p->store));
  if (p->opts.metrics) {
    gcw_metrics_store_dropped(p->opts.metrics, 1);
    gcw_metrics_store_ok(p->opts.metrics, 0);
  }
}

/* For gcw_metrics_rename_runs: a run's series take its database id once it has one. */
static long long shown_id(void *store, long long run_id) {
  return gcw_store_run_shown(store, run_id);
}

static void count_family(gcw_source_totals *t, gcw_family f) {
  switch (f) {
  case GCW_FAM_GC:
  case GCW_FAM_GC_LEGACY: t->gc_lines++; break;
  case GCW_FAM_SCAV:
  case GCW_FAM_SCVG: t->scav_lines++; break;
  case GCW_FAM_PACER: t->pacer_lines++; break;
  case GCW_FAM_FORCED:
  case GCW_FAM_FORCED_OLD: t->forced_lines++; break;
  case GCW_NFAMILIES: break;
  }
}

/* ---- process samples (issue 15) --------------------------------------------------- */

static double mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sample_stop(gcw_pipeline *p, const char *why) {
  if (p->sample.notice_end && !p->opts.quiet)
    gcw_warn("gctrace-watch: process %d %s: memory sampling stopped\n", (int)p->sample.pid,
            why);
  gcw_procsample_close(&p->sample.ps);
}

/* A sample now if one is due (at_gc: a gc line arrived, due unless one was just taken). */
static void sample_if_due(gcw_pipeline *p, int at_gc) {
  if (!p->sample.ps || p->err || !p->sample.run_id)
    return;
  double now = mono_ms(), since = now - p->sample.last_ms;
  if (since < GCW_SAMPLE_MIN_MS || (!at_gc && (p->sample.every_ms <= 0 || since < p->sample.every_ms)))
    return;
  gcw_proc_sample s;
  int gone = gcw_procsample_read(p->sample.ps, &s) < 0;
  /* the spacing counts from after the read, whose t_s was taken in it: samples are never
  ** closer than GCW_SAMPLE_MIN_MS on the t_s axis, however the read was scheduled */
  p->sample.last_ms = mono_ms();
  if (gone) {
    sample_stop(p, "has ended or /proc cannot be read");
    return;
  }
  /* A gc line whose @t is later than the process's age is not this process's (watch
  ** --pid on a stream of several processes): its run does not get the sample. */
  if (p->sample.run_t > s.t_s + 1)
    return;
  check_store(p, gcw_store_sample(p->store, p->sample.run_id, &s));
  gcw_detect_sample(p->detect, p->sample.run_id, &s);
}

gcw_err gcw_pipeline_sample_pid(gcw_pipeline *p, pid_t pid, double interval_s, int notice_end) {
  char msg[200];
  gcw_procsample_close(&p->sample.ps);
  p->sample.pid = pid;
  p->sample.every_ms = interval_s * 1000;
  p->sample.notice_end = notice_end;
  gcw_err e = gcw_procsample_open(&p->sample.ps, pid, msg, sizeof msg);
  if (e)
    snprintf(p->errmsg, sizeof p->errmsg, "%s", msg);
  return e;
}

int gcw_pipeline_wait_ms(const gcw_pipeline *p, int max_ms) {
  if (!p->sample.ps || p->sample.every_ms <= 0 || !p->sample.run_id)
    return max_ms;
  double left = p->sample.last_ms + p->sample.every_ms - mono_ms();
  return left <= 0 ? 0 : left < max_ms ? (int)left + 1 : max_ms;
}

/* ---- sinks of the stages --------------------------------------------------- */

static void on_event(void *ctx, const gcw_event *ev) {
  gcw_pipeline *p = ctx;
  long cycle;
  if (p->err)
    return;
  gcw_run *run = gcw_runs_assign(p->cur->runs, ev, &cycle);
  p->totals.events++;
  p->totals.repaired += ev->repaired != 0;
  count_family(&p->totals, ev->family);
  /* a rejoined line is emitted while a later line is read: its own time came with it */
  const char *wall = ev->wall[0] ? ev->wall : NULL;
  check_store(p, gcw_store_event(p->store, run->id, cycle, ev, wall));
  if (p->opts.metrics)
    gcw_metrics_event(p->opts.metrics, run->id, ev, p->mono_s);
  p->cycles_seen += ev->family == GCW_FAM_GC || ev->family == GCW_FAM_GC_LEGACY;
  /* A run the store could not open has no id (0), and the detectors key their state by
  ** it: judging it would share (and crash on) an empty slot. */
  if (run->id > 0)
    gcw_detect_event(p->detect, run->id, ev, wall);
  if (p->sample.ps && (ev->family == GCW_FAM_GC || ev->family == GCW_FAM_GC_LEGACY)) {
    p->sample.run_id = run->id;
    p->sample.run_t = ev->present[GCW_F_t_s] ? ev->v[GCW_F_t_s] : 0;
    sample_if_due(p, 1);
  }
}

static void on_unparsed(void *ctx, long line, const char *text, size_t len, const char *why) {
  gcw_pipeline *p = ctx;
  if (p->err)
    return;
  p->totals.unparsed++;
  if (p->opts.metrics)
    gcw_metrics_unparsed(p->opts.metrics);
  check_store(p, gcw_store_unparsed(p->store, p->source_id, line, text, len, why));
}

/* An input passed a ceiling of limits.h: say so once per source (even with --quiet, like
** a record that does not decode: the analysis of this input is not what it would be). */
static void ceiling_passed(gcw_pipeline *p, int which, const char *what) {
  if (p->told_full & which)
    return;
  p->told_full |= which;
  gcw_warn("gctrace-watch: %s: %s\n", p->path, what);
}

static void on_runs_full(void *ctx) {
  gcw_pipeline *p = ctx;
  ceiling_passed(p, CEILING_RUNS,
                 "more than " GCW_STR(GCW_RUNS_OPEN) " processes open in one stream: the least "
                 "recently active run is closed (limits.h GCW_RUNS_OPEN)");
}

static void on_detect_full(void *ctx) {
  gcw_pipeline *p = ctx;
  ceiling_passed(p, CEILING_DETECT,
                 "more than " GCW_STR(GCW_RUNS_LIVE) " runs live at once: the least recently "
                 "active run's detectors end early (limits.h GCW_RUNS_LIVE)");
}

static void on_run_opened(void *ctx, gcw_run *run) {
  gcw_pipeline *p = ctx;
  p->totals.runs++;
  check_store(p, gcw_store_run_open(p->store, p->source_id, run));
  if (p->opts.metrics)
    gcw_metrics_run_open(p->opts.metrics, run->id, p->mono_s);
  if (!p->err)
    check_store(p, gcw_store_run_meta(p->store, run->id, p->opts.meta));
  p->runs_seen++;
  if (!p->first_run)
    p->first_run = run->id;
  p->last_run = run->id;
}

static void on_run_closed(void *ctx, const gcw_run *run) {
  gcw_pipeline *p = ctx;
  if (p->sample.run_id == run->id)
    p->sample.run_id = 0;
  if (run->id > 0)
    gcw_detect_run_end(p->detect, run->id);
  check_store(p, gcw_store_run_close(p->store, run));
  if (p->opts.metrics)
    gcw_metrics_run_end(p->opts.metrics, run->id);
}

static long long on_finding(void *ctx, long long run_id, const gcw_finding *f) {
  gcw_pipeline *p = ctx;
  long long id = 0;
  if (p->err)
    return 0;
  if (p->opts.metrics)
    gcw_metrics_finding_open(p->opts.metrics, run_id, f->kind, gcw_severity_name(f->severity),
                             f->gc);
  check_store(p, gcw_store_finding_add(p->store, run_id, f, &id));
  if (f->part_of) { /* a symptom explained in its memlimit_thrash finding: stored, not printed */
    check_store(p, gcw_store_finding_part(p->store, id, f->part_of));
    return id;
  }
  /* the number printed is the run's id: the one `report --run` and every command take */
  if (p->opts.detect.live)
    gcw_live_finding(&p->live, "open", gcw_store_run_shown(p->store, run_id), f);
  return id;
}

/* Write the live lines waiting in `held` (the pass-through is at the start of a line). */
static void flush_held(gcw_pipeline *p) {
  if (!p->held_f || fflush(p->held_f) != 0 || p->held_len == 0)
    return;
  fwrite(p->held, 1, p->held_len, p->opts.out);
  fflush(p->opts.out);
  fclose(p->held_f);
  free(p->held);
  p->held = NULL;
  p->held_len = 0;
  p->held_f = open_memstream(&p->held, &p->held_len);
  p->live.f = p->held_f ? p->held_f : p->opts.out;
}

static void on_finding_update(void *ctx, long long run_id, long long id, const gcw_finding *f,
                              gcw_finding_change change) {
  gcw_pipeline *p = ctx;
  if (p->opts.metrics)
    gcw_metrics_finding_update(p->opts.metrics, run_id, f->kind, gcw_severity_name(f->severity),
                               f->gc, change == GCW_CHANGE_CLOSED);
  if (!p->err && id > 0)
    check_store(p, gcw_store_finding_update(p->store, id, f));
  if (change == GCW_CHANGE_CLOSED && f->part_of)
    p->joined++;
  else if (change == GCW_CHANGE_CLOSED && f->severity <= GCW_SEV_ERROR)
    p->findings[f->severity]++;
  if (p->opts.detect.live && change != GCW_CHANGE_QUIET && !f->part_of)
    gcw_live_finding(&p->live, change == GCW_CHANGE_CLOSED ? "close" : "update",
                     gcw_store_run_shown(p->store, run_id), f);
}

void gcw_pipeline_summary(const gcw_pipeline *p, gcw_live_summary *s) {
  s->bytes += p->bytes_seen;
  s->cycles += p->cycles_seen;
  s->runs += p->runs_seen;
  /* the ids `report --run` takes (a run opened while the database was unavailable got its
  ** id when it was written; one never written is left out) */
  long long first = gcw_store_run_shown(p->store, p->first_run);
  long long last = gcw_store_run_shown(p->store, p->last_run);
  if (first > 0 && (!s->first_run || first < s->first_run))
    s->first_run = first;
  if (last > s->last_run)
    s->last_run = last;
  for (int i = 0; i < GCW_NSEVERITIES; i++)
    s->findings[i] += p->findings[i];
  s->joined += p->joined;
}


/* ---- streams ----------------------------------------------------------------- */

static void stream_close(gcw_pipeline *p, stream *s) {
  if (!s->used)
    return;
  p->cur = s;
  gcw_splice_finish(s->splice);
  gcw_runs_finish(s->runs);
  gcw_splice_free(&s->splice);
  gcw_runs_free(&s->runs);
  s->used = 0;
}

/* The stream with this key, opened on first use; the least recently used one is closed
** when all GCW_STREAMS_OPEN are taken. Consecutive lines of one stream are the common
** case: the current stream is tried first. */
static stream *stream_for(gcw_pipeline *p, long key) {
  if (p->cur && p->cur->used && p->cur->key == key)
    return p->cur;
  stream *free_slot = NULL, *lru = &p->streams[0];
  for (int i = 0; i < GCW_STREAMS_OPEN; i++) {
    stream *s = &p->streams[i];
    if (s->used && s->key == key)
      return s;
    if (!s->used && !free_slot)
      free_slot = s;
    if (s->last_use < lru->last_use)
      lru = s;
  }
  if (!free_slot) {
    ceiling_passed(p, CEILING_STREAMS,
                   "more than " GCW_STR(GCW_STREAMS_OPEN) " streams interleaved: the least "
                   "recently active one is closed and its runs end (limits.h GCW_STREAMS_OPEN)");
    stream_close(p, lru);
    free_slot = lru;
  }
  gcw_splice_sink ss = {p, on_event, on_unparsed};
  gcw_runs_sink rs = {p, on_run_opened, on_run_closed, on_runs_full};
  if (gcw_splice_new(&free_slot->splice, p->recog, ss) ||
      gcw_runs_new(&free_slot->runs, rs, &p->ordinals)) {
    gcw_splice_free(&free_slot->splice);
    gcw_runs_free(&free_slot->runs);
    set_err(p, GCW_ENOMEM, "out of memory");
    return NULL;
  }
  free_slot->used = 1;
  free_slot->key = key;
  if (p->resume && p->resume->have_run)
    gcw_runs_resume(free_slot->runs, &p->resume->run);
  p->resume = NULL;
  return free_slot;
}

/* ---- lines ------------------------------------------------------------------------ */

static void on_text(void *ctx, const char *text, size_t len, long line_no, const char *wall,
                    long key) {
  gcw_pipeline *p = ctx;
  if (p->err)
    return;
  stream *s = stream_for(p, key);
  if (!s)
    return;
  s->last_use = ++p->clock;
  p->cur = s;
  if (wall)
    snprintf(p->wall_copy, sizeof p->wall_copy, "%s", wall);
  p->wall = wall ? p->wall_copy : p->opts.stamp_arrival ? p->arrival : NULL;
  /* spans (for --strip) index the physical line: only plain text maps onto it */
  int plain = gcw_envelope_kind_of(p->env) == GCW_ENV_PLAIN;
  gcw_splice_line(s->splice, text, len, line_no, p->wall, plain ? &p->spans : NULL);
}

/* For the envelope: whether text begins a trace line or a piece of one (decides prefix
** envelopes). The valid beginning must reach past the start literal by a few bytes
** ("gc 1 @", "gc 2026" of a cut line), so that an application's "gc 5 items" or "gcc"
** does not count. */
static int text_is_trace(void *ctx, const char *text, size_t len) {
  gcw_pipeline *p = ctx;
  if (!gcw_recog_at_start(p->recog, text, len))
    return 0;
  return gcw_recog_prefix(p->recog, text, len, NULL) >=
         gcw_recog_start_len(p->recog, text, len) + 3;
}

/* A record that does not decode is an input error (even with --quiet): the first few are
** named with their line, the rest counted. */
static void on_bad_record(void *ctx, long line_no, const char *why) {
  gcw_pipeline *p = ctx;
  if (p->totals.bad_records < NOTICES_PER_SOURCE)
    gcw_warn("gctrace-watch: %s:%ld: %s (kept as plain text)\n", p->path, line_no, why);
  p->totals.bad_records++;
}

/* A closed reader (EPIPE) ends the program quietly: clear the stream's error so the last
** check in main() does not report it; anything else is an output error. Either way what
** was read is still stored: output failures are not p->err. */
static void out_failed(gcw_pipeline *p) {
  int e = errno;
  if (e == EPIPE)
    clearerr(p->opts.out);
  if (!p->out_err) {
    p->out_err = e == EPIPE ? GCW_EPIPE : GCW_EWRITE;
    if (!p->err)
      snprintf(p->errmsg, sizeof p->errmsg, "%s", strerror(e));
  }
}

/* The first failure to report: reading/storing first, then output. */
static gcw_err status_of(const gcw_pipeline *p) { return p->err ? p->err : p->out_err; }

static void out_write(gcw_pipeline *p, const char *b, size_t n) {
  if (p->out_err || n == 0)
    return;
  if (fwrite(b, 1, n, p->opts.out) != n)
    out_failed(p);
  p->at_bol = b[n - 1] == '\n';
}

/* --strip: write the line without the spans that belong to trace lines. */
static void write_stripped(gcw_pipeline *p, const char *text, size_t len,
                           const gcw_line_info *info) {
  const gcw_spans *sp = &p->spans;
  if (sp->whole)
    return;
  size_t at = 0;
  for (int i = 0; i < sp->n; i++) {
    out_write(p, text + at, sp->a[i] - at);
    at = sp->b[i];
  }
  out_write(p, text + at, len - at);
  if (info->cr)
    out_write(p, "\r", 1);
  if (info->newline)
    out_write(p, "\n", 1);
}

static void notice_overlong(gcw_pipeline *p, long line) {
  if (p->opts.quiet || p->totals.overlong > NOTICES_PER_SOURCE)
    return;
  if (p->totals.overlong == NOTICES_PER_SOURCE)
    gcw_warn("gctrace-watch: %s: more lines over %d MiB; counted in sources.overlong_lines\n",
            p->path, GCW_LINE_MAX >> 20);
  else
    gcw_warn(
            "gctrace-watch: %s:%ld: line longer than %d MiB; analysed its first %d MiB "
            "(passed through whole)\n",
            p->path, line, GCW_LINE_MAX >> 20, GCW_LINE_MAX >> 20);
}

static void on_line(void *ctx, const char *text, size_t len, const gcw_line_info *info) {
  gcw_pipeline *p = ctx;
  if (p->err)
    return;
  if (info->overlong) {
    notice_overlong(p, info->no);
    p->totals.overlong++;
  }
  p->spans.n = 0;
  p->spans.whole = 0;
  if (p->opts.metrics)
    gcw_metrics_lines(p->opts.metrics, 1);
  gcw_envelope_line(p->env, text, len, info->no);
  if (p->opts.pass != GCW_PASS_STRIP)
    return;
  if (info->overlong)
    out_write(p, text, len); /* the rest follows through on_overflow, unstripped */
  else
    write_stripped(p, text, len, info);
}

static void on_overflow(void *ctx, const char *bytes, size_t n) {
  gcw_pipeline *p = ctx;
  if (p->opts.pass == GCW_PASS_STRIP)
    out_write(p, bytes, n);
}

/* ---- life cycle -------------------------------------------------------------- */

gcw_err gcw_pipeline_new(gcw_pipeline **out, gcw_recog *r, gcw_store *s, gcw_pipeline_opts o) {
  gcw_pipeline *p = calloc(1, sizeof *p);
  *out = p;
  if (!p)
    return GCW_ENOMEM;
  p->opts = o;
  if (!p->opts.out)
    p->opts.out = stdout;
  p->recog = r;
  p->store = s;
  p->live.f = stderr;
  p->at_bol = 1;
  if (o.detect.live && p->opts.out == stderr && o.pass != GCW_PASS_NONE &&
      (p->held_f = open_memstream(&p->held, &p->held_len)))
    p->live.f = p->held_f;
  p->live.colour = gcw_live_colour(stderr);
  p->live.json = o.detect.json;
  if (o.meta) {
    p->live.labels = o.meta->labels;
    p->live.nlabels = o.meta->nlabels;
  }
  gcw_detect_sink ds = {p, on_finding, on_finding_update, on_detect_full};
  gcw_err e = gcw_detect_new(&p->detect, ds, o.detect.thresholds, o.detect.nthresholds,
                             o.detect.pause_slo_ms, p->errmsg, sizeof p->errmsg);
  if (e)
    p->err = e;
  return e;
}

static void free_stages(gcw_pipeline *p) {
  for (int i = 0; i < GCW_STREAMS_OPEN; i++) {
    gcw_splice_free(&p->streams[i].splice);
    gcw_runs_free(&p->streams[i].runs);
    p->streams[i].used = 0;
  }
  gcw_lines_free(&p->lines);
  gcw_envelope_free(&p->env);
}

void gcw_pipeline_free(gcw_pipeline **pp) {
  if (!pp || !*pp)
    return;
  free_stages(*pp);
  gcw_procsample_close(&(*pp)->sample.ps);
  gcw_detect_free(&(*pp)->detect);
  flush_held(*pp);
  if ((*pp)->held_f)
    fclose((*pp)->held_f);
  free((*pp)->held);
  free(*pp);
  *pp = NULL;
}

gcw_err gcw_pipeline_source_begin(gcw_pipeline *p, const char *path, const char *kind,
                                  long long *source_id) {
  free_stages(p);
  memset(&p->totals, 0, sizeof p->totals);
  p->ordinals = 0;
  p->told_full = 0;
  p->cur = NULL;
  p->out_err = GCW_OK;
  snprintf(p->path, sizeof p->path, "%s", path);
  gcw_sha256_init(&p->sha);
  gcw_err e = gcw_store_source_begin(p->store, path, kind, &p->source_id);
  if (e) {
    set_err(p, e, gcw_store_errmsg(p->store));
    return e;
  }
  *source_id = p->source_id;
  gcw_lines_sink ls = {p, on_line, on_overflow};
  gcw_envelope_sink es = {p, on_text, on_bad_record};
  if (gcw_lines_new(&p->lines, ls) ||
      gcw_envelope_new(&p->env, (gcw_envelope_kind)p->opts.envelope, es)) {
    set_err(p, GCW_ENOMEM, "out of memory");
    return GCW_ENOMEM;
  }
  gcw_envelope_set_trace_probe(p->env, text_is_trace, p);
  return GCW_OK;
}

gcw_err gcw_pipeline_source_resume(gcw_pipeline *p, const char *path, const gcw_resume *r) {
  free_stages(p);
  memset(&p->totals, 0, sizeof p->totals);
  p->ordinals = r->ordinals;
  p->told_full = 0;
  p->cur = NULL;
  p->out_err = GCW_OK;
  snprintf(p->path, sizeof p->path, "%s", path);
  p->sha = r->sha;
  p->source_id = r->source_id;
  p->totals.bytes = r->bytes;
  p->totals.overlong = r->overlong;
  p->resume = r;
  gcw_lines_sink ls = {p, on_line, on_overflow};
  gcw_envelope_sink es = {p, on_text, on_bad_record};
  if (gcw_lines_new(&p->lines, ls) ||
      gcw_envelope_new(&p->env, (gcw_envelope_kind)p->opts.envelope, es)) {
    set_err(p, GCW_ENOMEM, "out of memory");
    return GCW_ENOMEM;
  }
  gcw_envelope_set_trace_probe(p->env, text_is_trace, p);
  gcw_lines_start_after(p->lines, r->lines);
  return GCW_OK;
}


static void stamp_now(gcw_pipeline *p) { gcw_wall_now(p->arrival); }

static double mono_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void count_nul(gcw_pipeline *p, const char *bytes, size_t n) {
  for (const char *z = memchr(bytes, '\0', n); z;
       z = memchr(z + 1, '\0', n - (size_t)(z + 1 - bytes)))
    p->totals.nul_bytes++;
}

gcw_err gcw_pipeline_feed(gcw_pipeline *p, const char *bytes, size_t n) {
  if (p->err)
    return p->err;
  /* Pass-through comes first and works on raw bytes: identical by construction. */
  if (p->opts.pass == GCW_PASS_RAW && !p->out_err) {
    /* live lines waiting for a line to end go out right after its newline */
    const char *nl = p->held_len && !p->at_bol ? memchr(bytes, '\n', n) : NULL;
    size_t head = nl ? (size_t)(nl - bytes) + 1 : 0;
    out_write(p, bytes, head);
    if (p->at_bol)
      flush_held(p);
    out_write(p, bytes + head, n - head);
    if (!p->out_err && fflush(p->opts.out) != 0)
      out_failed(p);
  }
  if (p->opts.stamp_arrival)
    stamp_now(p);
  if (p->opts.metrics)
    p->mono_s = mono_now();
  gcw_sha256_update(&p->sha, bytes, n);
  p->totals.bytes += (long long)n;
  p->bytes_seen += (long long)n;
  count_nul(p, bytes, n);
  gcw_lines_feed(p->lines, bytes, n);
  if (p->at_bol)
    flush_held(p);
  return status_of(p);
}

gcw_err gcw_pipeline_tick(gcw_pipeline *p) {
  if (p->err) {
    if (p->opts.metrics) /* the failure itself is news for the scrapes (gctrace_store_up) */
      gcw_metrics_publish(p->opts.metrics);
    return p->err;
  }
  if (p->opts.pass != GCW_PASS_NONE && !p->out_err && fflush(p->opts.out) != 0)
    out_failed(p);
  sample_if_due(p, 0);
  if (p->at_bol)
    flush_held(p);
  check_store(p, gcw_store_tick(p->store, 0));
  if (p->opts.metrics) {
    gcw_store_health h = gcw_store_health_now(p->store);
    gcw_metrics_rename_runs(p->opts.metrics, shown_id, p->store);
    gcw_metrics_store_health(p->opts.metrics, h.up, h.waiting, h.lost);
    gcw_metrics_publish(p->opts.metrics);
  }
  return status_of(p);
}

static gcw_source_totals totals_now(gcw_pipeline *p) {
  gcw_source_totals t = p->totals;
  t.lines = p->lines ? gcw_lines_count(p->lines) : 0;
  return t;
}

void gcw_pipeline_file_begin(gcw_pipeline *p) { p->file_start = totals_now(p); }

void gcw_pipeline_end_line(gcw_pipeline *p) {
  if (p->lines && !p->err)
    gcw_lines_finish(p->lines);
}

gcw_err gcw_pipeline_file_end(gcw_pipeline *p, int ordinal, const char *path, const char *kind,
                              gcw_source_totals *file) {
  gcw_source_totals now = totals_now(p), *a = &p->file_start, d;
  memset(&d, 0, sizeof d);
  d.bytes = now.bytes - a->bytes;
  d.lines = now.lines - a->lines;
  d.events = now.events - a->events;
  d.unparsed = now.unparsed - a->unparsed;
  d.nul_bytes = now.nul_bytes - a->nul_bytes;
  d.bad_records = now.bad_records - a->bad_records;
  if (file)
    *file = d;
  if (!p->err)
    check_store(p, gcw_store_source_file(p->store, p->source_id, ordinal, path, kind,
                                         a->lines + 1, d.lines, d.bytes));
  return p->err;
}

gcw_err gcw_pipeline_source_end(gcw_pipeline *p, gcw_source_totals *totals) {
  char hex[65];
  if (p->lines) {
    gcw_lines_finish(p->lines);
    gcw_envelope_finish(p->env);
    /* close streams in the order they opened, so runs close in a natural order */
    for (int i = 0; i < GCW_STREAMS_OPEN; i++)
      stream_close(p, &p->streams[i]);
    p->totals.lines = gcw_lines_count(p->lines);
    p->totals.envelope = gcw_envelope_kind_of(p->env);
  }
  gcw_sha256_hex(&p->sha, hex);
  memcpy(p->totals.sha256, hex, sizeof hex);
  if (!p->err)
    check_store(p, gcw_store_source_end(p->store, p->source_id, p->totals.bytes, hex,
                                        p->totals.lines, p->totals.overlong));
  if (p->opts.pass != GCW_PASS_NONE && !p->out_err && fflush(p->opts.out) != 0)
    out_failed(p);
  if (p->opts.metrics)
    gcw_metrics_publish(p->opts.metrics);
  /* The input ended: nothing more can end its last line. A program that exited mid-line
  ** (cut short, corpus-like: "... ms cpu, ") would have our next line glued to its piece;
  ** our lines start lines of their own, so a newline of ours ends the piece first. */
  if (p->held_len && !p->at_bol && p->opts.pass != GCW_PASS_NONE && !p->out_err)
    fputc('\n', p->opts.out);
  flush_held(p);
  if (totals)
    *totals = p->totals;
  return status_of(p);
}
