/* detect.c: the registry of detectors, their thresholds and per-run state. See detect.h. */
#include "detect.h"

#include "limits.h"
#include "pause.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GCW_DETECT_ROW_(kind) &gcw_detect_##kind,
static const gcw_detector_def *const registry[] = {GCW_DETECTORS(GCW_DETECT_ROW_)};
#undef GCW_DETECT_ROW_

/* Each detector's kind string is its registry name (the name a finding is stored under
** and --threshold's prefix): checked once, on the first gcw_detect_new. */
static int kinds_match_registry(void) {
#define GCW_DETECT_NAME_(kind) #kind,
  static const char *const names[] = {GCW_DETECTORS(GCW_DETECT_NAME_)};
#undef GCW_DETECT_NAME_
  for (int k = 0; k < (int)(sizeof names / sizeof names[0]); k++)
    if (strcmp(names[k], registry[k]->kind) != 0)
      return 0;
  return 1;
}

/* MAX_RUNS: runs with detector state at once. It must hold every run the run trackers
** keep open, or a run still printing would be ended here and judged twice (its end-of-run
** findings given once per eviction). */
enum {
  NDETECTORS = sizeof registry / sizeof registry[0],
  MAX_PARAMS = 8,
  MAX_RUNS = GCW_RUNS_LIVE
};
_Static_assert(MAX_RUNS >= GCW_RUNS_OPEN && MAX_RUNS >= GCW_STREAMS_OPEN,
               "detector state for every run the trackers keep open");

typedef struct run_state {
  long long run_id; /* 0: free slot */
  long last_use;
  void *state[NDETECTORS];
} run_state;

struct gcw_detect_ctx {
  gcw_detect *d;
  long long run_id;
};

struct gcw_detect {
  gcw_detect_sink sink;
  double thr[NDETECTORS][MAX_PARAMS];
  int enabled[NDETECTORS];
  run_state runs[MAX_RUNS];
  run_state *last;  /* the run of the latest event: consecutive events mostly share it */
  long clock;
};

/* What every call leaves true: thresholds are numbers, the cached run is a live slot,
** and a live slot has the state of every detector. */
static int detect_ok(const gcw_detect *d) {
  if (d->last && (d->last < d->runs || d->last >= d->runs + MAX_RUNS || !d->last->run_id))
    return 0;
  for (int k = 0; k < NDETECTORS; k++)
    if (registry[k]->nparams > MAX_PARAMS)
      return 0;
  return d->last == NULL || d->last->state[NDETECTORS - 1] != NULL;
}

/* ---- thresholds ---------------------------------------------------------------- */

/* A plain decimal: digits with at most one point, nothing else ("", "0x10", "1e3", "inf"
** and "-1" are refused: a threshold is written as docs/findings.md lists it). */
static int plain_decimal(const char *t) {
  int digits = 0, points = 0;
  for (; *t; t++) {
    if (*t >= '0' && *t <= '9')
      digits++;
    else if (*t == '.' && points++ == 0)
      continue;
    else
      return 0;
  }
  return digits > 0;
}

/* "unknown ...; KIND takes: a, b, c" or "; kinds: ..." (msg is at least 256 bytes). */
static void say_known(char *msg, size_t msglen, const gcw_detector_def *def) {
  size_t n = strlen(msg);
  n += (size_t)snprintf(msg + n, n < msglen ? msglen - n : 0, def ? "; %s takes:" : "; kinds:",
                        def ? def->kind : "");
  for (int i = 0; i < (def ? def->nparams : NDETECTORS) && n < msglen; i++)
    n += (size_t)snprintf(msg + n, msglen - n, "%s %s", i ? "," : "",
                          def ? def->params[i].name : registry[i]->kind);
}

static int set_threshold(gcw_detect *d, const char *spec, char *msg, size_t msglen) {
  const char *eq = strchr(spec, '='), *dot = strchr(spec, '.');
  if (!eq || !dot || dot > eq || !plain_decimal(eq + 1)) {
    snprintf(msg, msglen, "--threshold takes KIND.PARAM=NUMBER, a plain decimal number "
             "(docs/findings.md lists them), not '%s'", spec);
    return -1;
  }
  double v = strtod(eq + 1, NULL);
  const gcw_detector_def *kind = NULL;
  for (int k = 0; k < NDETECTORS; k++) {
    const gcw_detector_def *def = registry[k];
    if (strlen(def->kind) != (size_t)(dot - spec) || strncmp(def->kind, spec, (size_t)(dot - spec)))
      continue;
    kind = def;
    for (int p = 0; p < def->nparams; p++)
      if (strlen(def->params[p].name) == (size_t)(eq - dot - 1) &&
          strncmp(def->params[p].name, dot + 1, (size_t)(eq - dot - 1)) == 0) {
        d->thr[k][p] = v;
        return 0;
      }
  }
  snprintf(msg, msglen, "unknown threshold '%.*s'", (int)(eq - spec), spec);
  say_known(msg, msglen, kind);
  return -1;
}

gcw_err gcw_detect_new(gcw_detect **out, gcw_detect_sink sink, const char *const *thresholds,
                       int nthresholds, double pause_slo_ms, char *msg, size_t msglen) {
  assert(kinds_match_registry());
  gcw_detect *d = calloc(1, sizeof *d);
  *out = NULL;
  if (!d)
    return GCW_ENOMEM;
  d->sink = sink;
  for (int k = 0; k < NDETECTORS; k++) {
    d->enabled[k] = registry[k] != &gcw_detect_pause_slo || pause_slo_ms > 0;
    for (int p = 0; p < registry[k]->nparams && p < MAX_PARAMS; p++)
      d->thr[k][p] = registry[k]->params[p].value;
    if (registry[k] == &gcw_detect_pause_slo)
      d->thr[k][0] = pause_slo_ms;
  }
  for (int i = 0; i < nthresholds; i++)
    if (set_threshold(d, thresholds[i], msg, msglen) < 0) {
      free(d);
      return GCW_EUSAGE;
    }
  *out = d;
  return GCW_OK;
}

/* ---- per-run state ------------------------------------------------------------- */

static void free_run(gcw_detect *d, run_state *r) {
  for (int k = 0; k < NDETECTORS; k++) {
    free(r->state[k]);
    r->state[k] = NULL;
  }
  r->run_id = 0;
  if (d->last == r)
    d->last = NULL;
}

void gcw_detect_run_end(gcw_detect *d, long long run_id) {
  assert(detect_ok(d));
  for (int i = 0; i < MAX_RUNS; i++) {
    run_state *r = &d->runs[i];
    if (r->run_id != run_id)
      continue;
    gcw_detect_ctx c = {d, run_id};
    for (int k = 0; k < NDETECTORS; k++)
      if (d->enabled[k] && registry[k]->end)
        registry[k]->end(&c, r->state[k], d->thr[k]);
    free_run(d, r);
  }
  assert(detect_ok(d));
}

void gcw_detect_free(gcw_detect **pp) {
  if (!pp || !*pp)
    return;
  for (int i = 0; i < MAX_RUNS; i++)
    if ((*pp)->runs[i].run_id)
      gcw_detect_run_end(*pp, (*pp)->runs[i].run_id);
  free(*pp);
  *pp = NULL;
}

/* The state of run_id, made on first use; the least recently used run is ended when
** more than MAX_RUNS are open (many short processes in one stream). */
static run_state *run_for(gcw_detect *d, long long run_id) {
  if (d->last && d->last->run_id == run_id) {
    d->last->last_use = ++d->clock;
    return d->last;
  }
  run_state *free_slot = NULL, *lru = &d->runs[0];
  for (int i = 0; i < MAX_RUNS; i++) {
    run_state *r = &d->runs[i];
    if (r->run_id == run_id) {
      r->last_use = ++d->clock;
      return d->last = r;
    }
    if (!r->run_id && !free_slot)
      free_slot = r;
    if (r->last_use < lru->last_use)
      lru = r;
  }
  if (!free_slot) {
    if (d->sink.full)
      d->sink.full(d->sink.ctx);
    gcw_detect_run_end(d, lru->run_id);
    free_slot = lru;
  }
  for (int k = 0; k < NDETECTORS; k++) {
    free_slot->state[k] = calloc(1, registry[k]->state_size ? registry[k]->state_size : 1);
    if (!free_slot->state[k]) {
      free_run(d, free_slot);
      return NULL;
    }
  }
  free_slot->run_id = run_id;
  free_slot->last_use = ++d->clock;
  return d->last = free_slot;
}

/* ---- events -------------------------------------------------------------------- */

static double field(const gcw_event *ev, gcw_field f) { return ev->present[f] ? ev->v[f] : -1; }

static void to_cycle(const gcw_event *ev, const char *wall, gcw_cycle *c) {
  c->gc = (long)field(ev, GCW_F_gc);
  c->t_s = field(ev, GCW_F_t_s);
  c->wall = wall;
  c->sweep_term_ms = field(ev, GCW_F_sweep_term_ms);
  c->mark_ms = field(ev, GCW_F_mark_ms);
  c->mark_term_ms = field(ev, GCW_F_mark_term_ms);
  if (!gcw_pause_ms(ev, &c->pause_ms)) /* the store's rule (pause.h): one number */
    c->pause_ms = -1;
  c->cpu_sweep_term_ms = field(ev, GCW_F_cpu_sweep_term_ms);
  c->cpu_assist_ms = field(ev, GCW_F_cpu_assist_ms);
  c->cpu_bg_ms = field(ev, GCW_F_cpu_bg_ms);
  c->cpu_idle_ms = field(ev, GCW_F_cpu_idle_ms);
  c->cpu_mark_term_ms = field(ev, GCW_F_cpu_mark_term_ms);
  c->cpu_pct = field(ev, GCW_F_cpu_pct);
  c->heap_start_mb = field(ev, GCW_F_heap_start_mb);
  c->heap_end_mb = field(ev, GCW_F_heap_end_mb);
  c->heap_live_mb = field(ev, GCW_F_heap_live_mb);
  c->goal_mb = field(ev, GCW_F_goal_mb);
  c->stacks_mb = field(ev, GCW_F_stacks_mb);
  c->globals_mb = field(ev, GCW_F_globals_mb);
  c->forced = ev->present[GCW_F_forced] && ev->v[GCW_F_forced] != 0;
  c->procs = (int)field(ev, GCW_F_procs);
}

static void to_scav(const gcw_event *ev, const char *wall, gcw_scav *s) {
  s->wall = wall;
  s->forced = ev->present[GCW_F_forced] && ev->v[GCW_F_forced] != 0;
  s->released_mb = ev->present[GCW_F_released_kib]   ? ev->v[GCW_F_released_kib] / 1024
                   : ev->present[GCW_F_heap_released_mb] ? ev->v[GCW_F_heap_released_mb]
                                                        : -1;
  s->work_mb = (field(ev, GCW_F_work_kib) > 0 ? ev->v[GCW_F_work_kib] / 1024 : 0) +
               (field(ev, GCW_F_work_bg_kib) > 0 ? ev->v[GCW_F_work_bg_kib] / 1024 : 0) +
               (field(ev, GCW_F_work_eager_kib) > 0 ? ev->v[GCW_F_work_eager_kib] / 1024 : 0) +
               (field(ev, GCW_F_released_mb) > 0 ? ev->v[GCW_F_released_mb] : 0);
}

void gcw_detect_event(gcw_detect *d, long long run_id, const gcw_event *ev, const char *wall) {
  assert(detect_ok(d) && run_id > 0);
  int is_gc = ev->family == GCW_FAM_GC || ev->family == GCW_FAM_GC_LEGACY;
  int is_scav = ev->family == GCW_FAM_SCAV || ev->family == GCW_FAM_SCVG;
  if (!is_gc && !is_scav)
    return;
  run_state *r = run_for(d, run_id);
  if (!r)
    return;
  gcw_detect_ctx c = {d, run_id};
  gcw_cycle cy;
  gcw_scav sc;
  if (is_gc)
    to_cycle(ev, wall, &cy);
  else
    to_scav(ev, wall, &sc);
  for (int k = 0; k < NDETECTORS; k++) {
    if (!d->enabled[k])
      continue;
    if (is_gc && registry[k]->cycle)
      registry[k]->cycle(&c, r->state[k], d->thr[k], &cy);
    else if (is_scav && registry[k]->scav)
      registry[k]->scav(&c, r->state[k], d->thr[k], &sc);
  }
}

/* The detectors that judge process samples too. */
static const gcw_sample_detector *const sample_registry[] = {&gcw_sample_rss_not_released,
                                                             &gcw_sample_rss_near_limit};

void gcw_detect_sample(gcw_detect *d, long long run_id, const gcw_proc_sample *s) {
  run_state *r = run_for(d, run_id);
  if (!r)
    return;
  gcw_detect_ctx c = {d, run_id};
  for (size_t i = 0; i < sizeof sample_registry / sizeof sample_registry[0]; i++)
    for (int k = 0; k < NDETECTORS; k++)
      if (registry[k] == sample_registry[i]->def && d->enabled[k])
        sample_registry[i]->sample(&c, r->state[k], d->thr[k], s);
}

/* ---- reporting, for the detectors ----------------------------------------------- */

void gcw_finding_start(gcw_finding *f, const char *kind, gcw_severity sev, const gcw_cycle *cy) {
  memset(f, 0, sizeof *f);
  f->kind = kind;
  f->severity = sev;
  f->gc = cy ? cy->gc : -1;
  f->t_s = cy ? cy->t_s : -1;
  if (cy && cy->wall)
    snprintf(f->wall, sizeof f->wall, "%s", cy->wall);
  f->end_gc = -1;
  f->end_t_s = -1;
}

void gcw_episode_open(gcw_detect_ctx *c, gcw_episode *e) {
  e->open = 1;
  e->handle = c->d->sink.opened ? c->d->sink.opened(c->d->sink.ctx, c->run_id, &e->f) : 0;
}

void gcw_episode_update(gcw_detect_ctx *c, gcw_episode *e) {
  if (e->open && c->d->sink.updated)
    c->d->sink.updated(c->d->sink.ctx, e->handle, &e->f);
}

void gcw_episode_report(gcw_detect_ctx *c, gcw_episode *e) {
  if (e->open)
    gcw_episode_update(c, e);
  else
    gcw_episode_open(c, e);
}

void gcw_episode_close(gcw_detect_ctx *c, gcw_episode *e, long gc, double t_s) {
  if (!e->open)
    return;
  e->f.end_gc = gc;
  e->f.end_t_s = t_s;
  gcw_episode_update(c, e);
  e->open = 0;
}

void gcw_finding_once(gcw_detect_ctx *c, gcw_finding *f) {
  gcw_episode e = {0, 0, *f};
  gcw_episode_open(c, &e);
  gcw_episode_close(c, &e, f->end_gc >= 0 ? f->end_gc : f->gc, f->end_t_s >= 0 ? f->end_t_s : f->t_s);
}

/* The registry for docs and --help: name, default, unit, reason of every threshold. */
void gcw_detect_list_thresholds(FILE *out) {
  for (int k = 0; k < NDETECTORS; k++)
    for (int p = 0; p < registry[k]->nparams; p++)
      fprintf(out, "%s.%s\t%g\t%s\t%s\n", registry[k]->kind, registry[k]->params[p].name,
              registry[k]->params[p].value, registry[k]->params[p].unit, registry[k]->params[p].why);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double gcw_median(const double *v, int n) {
  double tmp[GCW_MEDIAN_MAX];
  if (n <= 0)
    return 0;
  if (n > GCW_MEDIAN_MAX)
    n = GCW_MEDIAN_MAX;
  memcpy(tmp, v, (size_t)n * sizeof *v);
  qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
  return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}
