/*
** cmd_judge.c: --threshold and --pause-slo for the commands that read a stored run
**              (report, plot): its cycles judged again with them.
** Why:    the thresholds a run was read with are the ones its stored findings answer to;
**         a CI gate (`report --pause-slo 1 --fail-on error`) must judge by its own. The
**         stored cycles are replayed through the detectors (store_replay.h) and this
**         connection then shows the new findings; the file keeps the old ones.
*/
#include "cmd.h"

#include "detect.h"
#include "safetext.h"
#include "store_read.h"
#include "store_replay.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The findings one run gets when judged again, in the order they opened. */
typedef struct judged {
  gcw_detect *d;
  long long run;
  gcw_finding *f;
  int n, cap, nomem;
  gcw_rows *samples; /* the run's process samples in time order (issue 15), or NULL */
  int more;          /* 1 while samples has a row not yet fed */
} judged;

static long long judged_open(void *ctx, long long run, const gcw_finding *f) {
  judged *j = ctx;
  (void)run;
  if (j->n == j->cap) {
    int cap = j->cap ? j->cap * 2 : 16;
    gcw_finding *g = realloc(j->f, (size_t)cap * sizeof *g);
    if (!g) {
      j->nomem = 1;
      return 0;
    }
    j->f = g;
    j->cap = cap;
  }
  j->f[j->n++] = *f;
  return j->n; /* the handle: its index + 1 */
}

static void judged_update(void *ctx, long long run, long long handle, const gcw_finding *f,
                          gcw_finding_change change) {
  judged *j = ctx;
  (void)run;
  (void)change;
  if (handle > 0 && handle <= j->n)
    j->f[handle - 1] = *f;
}

static double or_none(const gcw_rows *r, int c) {
  return gcw_rows_null(r, c) ? -1 : gcw_rows_real(r, c);
}

/* Feed the detectors the stored process samples up to @t `until` (issue 15), so they
** see samples and cycles in the order they first did. GOMEMLIMIT is not stored: the
** samples go back as if it were unset (docs/findings.md, rss_near_limit). */
static void feed_samples(judged *j, double until) {
  while (j->samples && j->more == 1 && gcw_rows_real(j->samples, GCW_PP_T) <= until) {
    gcw_proc_sample s;
    memset(&s, 0, sizeof s);
    const unsigned char *w = gcw_rows_text(j->samples, GCW_PP_WALL);
    snprintf(s.wall, sizeof s.wall, "%s", w ? (const char *)w : "");
    s.t_s = gcw_rows_real(j->samples, GCW_PP_T);
    s.rss_mb = or_none(j->samples, GCW_PP_RSS);
    s.rss_anon_mb = or_none(j->samples, GCW_PP_ANON);
    s.rss_file_mb = or_none(j->samples, GCW_PP_FILE);
    s.lazyfree_mb = or_none(j->samples, GCW_PP_LAZY);
    s.cgroup_max_mb = or_none(j->samples, GCW_PP_CGMAX);
    s.cgroup_current_mb = or_none(j->samples, GCW_PP_CGCUR);
    s.vsz_mb = s.swap_mb = s.gomemlimit_mb = -1;
    gcw_detect_sample(j->d, j->run, &s);
    j->more = gcw_rows_next(j->samples);
  }
}

static void judged_event(void *ctx, const gcw_event *ev, const char *wall) {
  judged *j = ctx;
  if ((ev->family == GCW_FAM_GC || ev->family == GCW_FAM_GC_LEGACY) && ev->present[GCW_F_t_s])
    feed_samples(j, ev->v[GCW_F_t_s]);
  gcw_detect_event(j->d, j->run, ev, wall);
}

/* Judge run again with the thresholds given; this connection then shows those findings
** for it (the file keeps the ones made when the run was read). Returns -1 or a status. */
static int judge_run(gcw_db *db, const gcw_config *cfg, long long run) {
  char msg[512];
  judged j = {NULL, run, NULL, 0, 0, 0, NULL, 0};
  gcw_detect_sink sink = {&j, judged_open, judged_update, NULL};
  gcw_err e = gcw_detect_new(&j.d, sink, cfg->thresholds, cfg->nthresholds, cfg->pause_slo_ms,
                             msg, sizeof msg);
  if (e == GCW_EUSAGE) {
    gcw_warn("gctrace-watch: %s; try 'gctrace-watch %s --help'\n", msg,
            cfg->cmd == GCW_CMD_PLOT ? "plot" : "report");
    return GCW_EXIT_USAGE;
  }
  if (!e && gcw_db_has_samples(db) == 1 &&
      gcw_rows_open(db, &j.samples, GCW_Q_PLOT_SAMPLES, run, 0) == GCW_OK)
    j.more = gcw_rows_next(j.samples);
  if (!e)
    e = gcw_db_replay(db, run, judged_event, &j);
  if (!e && j.d)
    feed_samples(&j, INFINITY); /* the samples after the last cycle */
  gcw_rows_close(&j.samples);
  if (j.d)
    gcw_detect_run_end(j.d, run);
  gcw_detect_free(&j.d);
  if (!e && !j.nomem)
    e = gcw_db_findings_replace(db, run, j.f, j.n);
  free(j.f);
  if (j.nomem || e == GCW_ENOMEM) {
    gcw_warn("gctrace-watch: out of memory\n");
    return GCW_EXIT_INTERNAL;
  }
  if (e)
    gcw_warn("gctrace-watch: %s: cannot judge the stored cycles again: %s\n", cfg->db,
            gcw_db_errmsg(db));
  return e ? GCW_EXIT_IO : -1;
}

int gcw_cmd_judge_again(gcw_db *db, const gcw_config *cfg, const long long *ids, int n) {
  if (cfg->nthresholds == 0 && !(cfg->pause_slo_ms > 0))
    return -1;
  int status = -1;
  for (int i = 0; i < n && status < 0; i++)
    status = judge_run(db, cfg, ids[i]);
  return status;
}

