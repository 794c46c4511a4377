/* om_export.c: stored runs as timestamped OpenMetrics. See om_export.h.
**
** OpenMetrics wants each family's samples together, so each run is replayed once and
** every family's samples go to a temporary file of its own (tmpfile(): created
** exclusively, already unlinked); at the end the families are written one after the other. */
#include "om_export.h"

#include "metrics.h"
#include "replay.h"
#include "walltime.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_RUNS = 100000, MAX_FINDINGS = 4096, MAX_FAMILIES = 64 };

typedef struct exporter {
  gcw_metrics *m;
  FILE *fam[MAX_FAMILIES];
  int nfam;
  gcw_metrics_text text;
  long long run_id;
  gcw_replay_run_info info;
  long long anchor_ms;   /* runs without wall time: the time of their last cycle */
  long long pending_ts;  /* the sample waiting to be written (-1: none) */
  gcw_replay_finding *findings;
  int nfindings;
  int write_failed;
} exporter;

/* A normalized wall time (walltime.h) as Unix milliseconds, or -1. */
static long long wall_ms(const char *w) {
  double t = w ? gcw_wall_seconds(w) : NAN;
  return isnan(t) || t < 0 ? -1 : llround(t * 1000.0);
}

/* Every family's samples of the registry's run at ts, each to its family's file. */
static void flush_sample(exporter *x, long long ts) {
  for (int f = 0; f < x->nfam; f++) {
    if (!x->fam[f])
      continue;
    x->text.len = 0;
    gcw_metrics_render_family(x->m, f, GCW_OM_OPENMETRICS, 0, ts, &x->text);
    if (x->text.len && fwrite(x->text.buf, 1, x->text.len, x->fam[f]) != x->text.len)
      x->write_failed = 1;
  }
}

static long long timestamp_of(exporter *x, const gcw_event *ev, const char *wall) {
  if (x->info.has_wall) {
    long long t = wall_ms(wall);
    if (t >= 0)
      return t;
  } else if (ev->present[GCW_F_t_s] && x->info.last_t_s >= 0) {
    return x->anchor_ms - llround((x->info.last_t_s - ev->v[GCW_F_t_s]) * 1000.0);
  }
  return x->pending_ts >= 0 ? x->pending_ts : x->anchor_ms; /* joins the sample before */
}

/* Findings that begin at cycle gc open, those that end there close (-1: the run's end). */
static void findings_at(exporter *x, long gc) {
  for (int i = 0; i < x->nfindings; i++) {
    gcw_replay_finding *f = &x->findings[i];
    if (f->gc == gc)
      gcw_metrics_finding_open(x->m, x->run_id, f->kind, f->severity, f->gc);
    if (f->end_gc == gc || (gc == -1 && f->gc == -1))
      gcw_metrics_finding_update(x->m, x->run_id, f->kind, f->severity, f->gc, 1);
  }
}

static int on_row(void *ctx, const gcw_event *ev, const char *wall) {
  exporter *x = ctx;
  long long ts = timestamp_of(x, ev, wall);
  if (x->pending_ts >= 0 && ts > x->pending_ts)
    flush_sample(x, x->pending_ts);
  if (x->pending_ts > ts)
    ts = x->pending_ts;
  gcw_metrics_event(x->m, x->run_id, ev, 0);
  if (ev->family == GCW_FAM_GC && ev->present[GCW_F_gc])
    findings_at(x, (long)ev->v[GCW_F_gc]);
  x->pending_ts = ts;
  return x->write_failed;
}

static gcw_err export_run(exporter *x, gcw_db *db, long long run_id) {
  x->run_id = run_id;
  x->pending_ts = -1;
  gcw_err e = gcw_replay_info(db, run_id, &x->info);
  if (!e)
    e = gcw_replay_findings(db, run_id, x->findings, MAX_FINDINGS, &x->nfindings);
  if (e)
    return e;
  x->anchor_ms = wall_ms(x->info.added_at);
  if (x->anchor_ms < 0)
    x->anchor_ms = 0;
  gcw_metrics_reset_runs(x->m);
  gcw_metrics_run_open(x->m, run_id, 0);
  e = gcw_replay_run(db, run_id, on_row, x);
  if (!e && x->pending_ts >= 0) {
    findings_at(x, -1);
    flush_sample(x, x->pending_ts);
  }
  return e;
}

/* The families one after the other: HELP/TYPE/UNIT, then what their file holds. */
static void write_out(exporter *x, FILE *out) {
  char buf[65536];
  gcw_metrics_reset_runs(x->m);
  for (int f = 0; f < x->nfam; f++) {
    if (!x->fam[f])
      continue;
    x->text.len = 0;
    gcw_metrics_render_family(x->m, f, GCW_OM_OPENMETRICS, 1, -1, &x->text);
    if (fwrite(x->text.buf, 1, x->text.len, out) != x->text.len)
      x->write_failed = 1;
    rewind(x->fam[f]);
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, x->fam[f])) > 0)
      if (fwrite(buf, 1, n, out) != n)
        x->write_failed = 1;
    if (ferror(x->fam[f]))
      x->write_failed = 1;
  }
  fputs("# EOF\n", out);
}

static gcw_err setup(exporter *x, char *msg, size_t msglen) {
  if (gcw_metrics_new(&x->m, NULL, 0, msg, msglen))
    return GCW_ENOMEM;
  x->nfam = gcw_metrics_families();
  if (x->nfam > MAX_FAMILIES)
    x->nfam = MAX_FAMILIES;
  for (int f = 0; f < x->nfam; f++)
    if (gcw_metrics_family_per_run(f) && !(x->fam[f] = tmpfile())) {
      snprintf(msg, msglen, "temporary file: %s", strerror(errno));
      return GCW_EWRITE;
    }
  x->findings = malloc(MAX_FINDINGS * sizeof *x->findings);
  return x->findings ? GCW_OK : GCW_ENOMEM;
}

static void teardown(exporter *x) {
  for (int f = 0; f < x->nfam; f++)
    if (x->fam[f])
      fclose(x->fam[f]);
  free(x->findings);
  gcw_metrics_text_free(&x->text);
  gcw_metrics_free(&x->m);
}

gcw_err gcw_om_export(gcw_db *db, long long run_id, FILE *out, char *msg, size_t msglen) {
  exporter x;
  memset(&x, 0, sizeof x);
  long long *ids = malloc(MAX_RUNS * sizeof *ids);
  int n = 0;
  gcw_err e = ids ? setup(&x, msg, msglen) : GCW_ENOMEM;
  if (!e)
    e = gcw_replay_run_ids(db, run_id, ids, MAX_RUNS, &n);
  for (int i = 0; !e && i < n && !x.write_failed; i++)
    e = export_run(&x, db, ids[i]);
  if (e == GCW_EDB)
    snprintf(msg, msglen, "cannot read the database");
  if (!e && !x.write_failed)
    write_out(&x, out);
  if (!e && (x.write_failed || x.text.failed || fflush(out) != 0)) {
    e = x.text.failed ? GCW_ENOMEM : GCW_EWRITE;
    snprintf(msg, msglen, "%s", x.text.failed ? "out of memory" : strerror(errno));
  }
  teardown(&x);
  free(ids);
  return e;
}
