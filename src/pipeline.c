/* pipeline.c: wiring of the stages for one source. See pipeline.h. */
#include "pipeline.h"

#include "limits.h"
#include "lines.h"
#include "runs.h"
#include "sha256.h"
#include "splice.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct gcw_pipeline {
  gcw_pipeline_opts opts;
  gcw_recog *recog; /* borrowed */
  gcw_store *store; /* borrowed */
  gcw_lines *lines;
  gcw_splice *splice;
  gcw_runs *runs;
  long long source_id;
  char path[256];    /* the source's name, for notices */
  gcw_sha256 sha;
  gcw_source_totals totals;
  gcw_err err;       /* first failure; stops all further work */
  char errmsg[320];
  char wall[40];     /* arrival time of the current chunk (watch mode) */
  gcw_spans spans;
};

static void set_err(gcw_pipeline *p, gcw_err e, const char *msg) {
  if (p->err)
    return;
  p->err = e;
  snprintf(p->errmsg, sizeof p->errmsg, "%s", msg);
}

const char *gcw_pipeline_errmsg(const gcw_pipeline *p) { return p->errmsg; }

static void check_store(gcw_pipeline *p, gcw_err e) {
  if (e)
    set_err(p, e, gcw_store_errmsg(p->store));
}

/* ---- sinks of the stages --------------------------------------------------- */

static void on_event(void *ctx, const gcw_event *ev) {
  gcw_pipeline *p = ctx;
  long cycle;
  if (p->err)
    return;
  gcw_run *run = gcw_runs_assign(p->runs, ev, &cycle);
  p->totals.events++;
  p->totals.repaired += ev->repaired != 0;
  switch (ev->family) {
  case GCW_FAM_GC:
  case GCW_FAM_GC_LEGACY: p->totals.gc_lines++; break;
  case GCW_FAM_SCAV:
  case GCW_FAM_SCVG: p->totals.scav_lines++; break;
  case GCW_FAM_PACER: p->totals.pacer_lines++; break;
  case GCW_FAM_FORCED:
  case GCW_FAM_FORCED_OLD: p->totals.forced_lines++; break;
  case GCW_NFAMILIES: break;
  }
  check_store(p, gcw_store_event(p->store, run->id, cycle, ev,
                                 p->opts.stamp_arrival ? p->wall : NULL));
}

static void on_unparsed(void *ctx, long line, const char *text, size_t len, const char *why) {
  gcw_pipeline *p = ctx;
  if (p->err)
    return;
  p->totals.unparsed++;
  check_store(p, gcw_store_unparsed(p->store, p->source_id, line, text, len, why));
}

static void on_run_opened(void *ctx, gcw_run *run) {
  gcw_pipeline *p = ctx;
  p->totals.runs++;
  check_store(p, gcw_store_run_open(p->store, p->source_id, run));
}

static void on_run_closed(void *ctx, const gcw_run *run) {
  gcw_pipeline *p = ctx;
  check_store(p, gcw_store_run_close(p->store, run));
}

static void out_write(gcw_pipeline *p, const char *b, size_t n) {
  if (p->err || n == 0)
    return;
  if (fwrite(b, 1, n, stdout) != n)
    set_err(p, errno == EPIPE ? GCW_EPIPE : GCW_EWRITE, strerror(errno));
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

enum { NOTICES_PER_SOURCE = 5 };

static void notice_overlong(gcw_pipeline *p, long line) {
  if (p->opts.quiet || p->totals.overlong > NOTICES_PER_SOURCE)
    return;
  if (p->totals.overlong == NOTICES_PER_SOURCE)
    fprintf(stderr, "gctrace-watch: %s: more lines over %d MiB; counted in sources.overlong_lines\n",
            p->path, GCW_LINE_MAX >> 20);
  else
    fprintf(stderr,
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
  gcw_splice_line(p->splice, text, len, info->no, &p->spans);
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
  p->recog = r;
  p->store = s;
  return GCW_OK;
}

static void free_stages(gcw_pipeline *p) {
  gcw_lines_free(&p->lines);
  gcw_splice_free(&p->splice);
  gcw_runs_free(&p->runs);
}

void gcw_pipeline_free(gcw_pipeline **pp) {
  if (!pp || !*pp)
    return;
  free_stages(*pp);
  free(*pp);
  *pp = NULL;
}

gcw_err gcw_pipeline_source_begin(gcw_pipeline *p, const char *path, const char *kind,
                                  long long *source_id) {
  free_stages(p);
  memset(&p->totals, 0, sizeof p->totals);
  snprintf(p->path, sizeof p->path, "%s", path);
  gcw_sha256_init(&p->sha);
  gcw_err e = gcw_store_source_begin(p->store, path, kind, &p->source_id);
  if (e) {
    set_err(p, e, gcw_store_errmsg(p->store));
    return e;
  }
  *source_id = p->source_id;
  gcw_splice_sink ss = {p, on_event, on_unparsed};
  gcw_runs_sink rs = {p, on_run_opened, on_run_closed};
  gcw_lines_sink ls = {p, on_line, on_overflow};
  if (gcw_splice_new(&p->splice, p->recog, ss) || gcw_runs_new(&p->runs, rs) ||
      gcw_lines_new(&p->lines, ls)) {
    set_err(p, GCW_ENOMEM, "out of memory");
    return GCW_ENOMEM;
  }
  return GCW_OK;
}

static void stamp_now(gcw_pipeline *p) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(p->wall, sizeof p->wall, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(p->wall + n, sizeof p->wall - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

gcw_err gcw_pipeline_feed(gcw_pipeline *p, const char *bytes, size_t n) {
  if (p->err)
    return p->err;
  /* Pass-through comes first and works on raw bytes: identical by construction. */
  if (p->opts.pass == GCW_PASS_RAW) {
    out_write(p, bytes, n);
    if (!p->err && fflush(stdout) != 0)
      set_err(p, errno == EPIPE ? GCW_EPIPE : GCW_EWRITE, strerror(errno));
  }
  if (p->opts.stamp_arrival)
    stamp_now(p);
  gcw_sha256_update(&p->sha, bytes, n);
  p->totals.bytes += (long long)n;
  gcw_lines_feed(p->lines, bytes, n);
  return p->err;
}

gcw_err gcw_pipeline_tick(gcw_pipeline *p) {
  if (p->err)
    return p->err;
  if (p->opts.pass != GCW_PASS_NONE && fflush(stdout) != 0)
    set_err(p, errno == EPIPE ? GCW_EPIPE : GCW_EWRITE, strerror(errno));
  check_store(p, gcw_store_tick(p->store, 0));
  return p->err;
}

gcw_err gcw_pipeline_source_end(gcw_pipeline *p, gcw_source_totals *totals) {
  char hex[65];
  if (p->lines) {
    gcw_lines_finish(p->lines);
    gcw_splice_finish(p->splice);
    gcw_runs_finish(p->runs);
    p->totals.lines = gcw_lines_count(p->lines);
  }
  gcw_sha256_hex(&p->sha, hex);
  if (!p->err || p->err == GCW_EPIPE)
    check_store(p, gcw_store_source_end(p->store, p->source_id, p->totals.bytes, hex,
                                        p->totals.lines, p->totals.overlong));
  if (p->opts.pass != GCW_PASS_NONE && !p->err)
    fflush(stdout);
  if (totals)
    *totals = p->totals;
  return p->err;
}
