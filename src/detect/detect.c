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
  run_state *r;  /* the run's state (NULL: none) */
  double hold_s; /* the calling detector's hold time (0: it ends at once) */
};

struct gcw_detect {
  gcw_detect_sink sink;
  double thr[NDETECTORS][MAX_PARAMS];
  int enabled[NDETECTORS];
  double hold[NDETECTORS]; /* each detector's hold_s threshold (0: none) */
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

#define GCW_THRESHOLD_MAX 1e9

static int set_threshold(gcw_detect *d, const char *spec, char *msg, size_t msglen) {
  const char *eq = strchr(spec, '='), *dot = strchr(spec, '.');
  if (!eq || !dot || dot > eq || !plain_decimal(eq + 1)) {
    snprintf(msg, msglen, "--threshold takes KIND.PARAM=NUMBER, a plain decimal number "
             "(docs/findings.md lists them), not '%s'", spec);
    return -1;
  }
  double v = strtod(eq + 1, NULL);
  /* a bound keeps the counts among them (cycles, samples) within an int (issue 10) */
  if (v > GCW_THRESHOLD_MAX) {
    snprintf(msg, msglen, "--threshold takes KIND.PARAM=NUMBER from 0 to 1e9 "
             "(docs/findings.md lists them), not '%s'", spec);
    return -1;
  }
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
  for (int k = 0; k < NDETECTORS; k++)
    for (int p = 0; p < registry[k]->nparams && p < MAX_PARAMS; p++)
      if (strcmp(registry[k]->params[p].name, "hold_s") == 0)
        d->hold[k] = d->thr[k][p];
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

static void end_held(gcw_detect *d, run_state *r, const gcw_cycle *cy);

void gcw_detect_run_end(gcw_detect *d, long long run_id) {
  assert(detect_ok(d));
  for (int i = 0; i < MAX_RUNS; i++) {
    run_state *r = &d->runs[i];
    if (r->run_id != run_id)
      continue;
    for (int k = 0; k < NDETECTORS; k++)
      if (d->enabled[k] && registry[k]->end) {
        gcw_detect_ctx c = {d, run_id, r, d->hold[k]};
        registry[k]->end(&c, r->state[k], d->thr[k]);
      }
    end_held(d, r, NULL);
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
  gcw_cycle cy;
  gcw_scav sc;
  if (is_gc)
    to_cycle(ev, wall, &cy);
  else
    to_scav(ev, wall, &sc);
  for (int k = 0; k < NDETECTORS; k++) {
    if (!d->enabled[k])
      continue;
    gcw_detect_ctx c = {d, run_id, r, d->hold[k]};
    if (is_gc && registry[k]->cycle)
      registry[k]->cycle(&c, r->state[k], d->thr[k], &cy);
    else if (is_scav && registry[k]->scav)
      registry[k]->scav(&c, r->state[k], d->thr[k], &sc);
  }
  if (is_gc)
    end_held(d, r, &cy);
}

/* The detectors that judge process samples too. */
static const gcw_sample_detector *const sample_registry[] = {&gcw_sample_rss_not_released,
                                                             &gcw_sample_rss_near_limit};

void gcw_detect_sample(gcw_detect *d, long long run_id, const gcw_proc_sample *s) {
  run_state *r = run_for(d, run_id);
  if (!r)
    return;
  for (size_t i = 0; i < sizeof sample_registry / sizeof sample_registry[0]; i++)
    for (int k = 0; k < NDETECTORS; k++)
      if (registry[k] == sample_registry[i]->def && d->enabled[k]) {
        gcw_detect_ctx c = {d, run_id, r, d->hold[k]};
        sample_registry[i]->sample(&c, r->state[k], d->thr[k], s);
      }
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

const char *gcw_change_name(gcw_finding_change c) {
  switch (c) {
  case GCW_CHANGE_QUIET: return "update";
  case GCW_CHANGE_WORSE: return "worse";
  case GCW_CHANGE_CLOSED: return "close";
  }
  return "update";
}

/* The episode of detector k in run r. */
static gcw_episode *episode_of(const run_state *r, int k) {
  return (gcw_episode *)((char *)r->state[k] + registry[k]->episode_at);
}

static int index_of(const gcw_detector_def *def) {
  for (int k = 0; k < NDETECTORS; k++)
    if (registry[k] == def)
      return k;
  return -1;
}

/* Symptoms of the GOMEMLIMIT spiral: while memlimit_thrash is open in a run, these join
** its explanation instead of opening findings of their own (docs/findings.md). */
static int is_symptom(const char *kind) {
  return strcmp(kind, "assist_heavy") == 0 || strcmp(kind, "gc_cpu_high") == 0 ||
         strcmp(kind, "shrinking_interval") == 0 || strcmp(kind, "pause_spike") == 0;
}

/* The run's memlimit_thrash episode if it is open (held too, if held). */
static gcw_episode *thrash_of(const gcw_detect_ctx *c, int held) {
  int k = index_of(&gcw_detect_memlimit_thrash);
  if (!c->r || k < 0 || !c->d->enabled[k])
    return NULL;
  gcw_episode *t = episode_of(c->r, k);
  return t->open || (held && t->held) ? t : NULL;
}

/* 1 when value v is worse than w for this finding: a finding whose value is under its
** threshold (shrinking_interval: the interval fell) gets worse as the value falls. */
static int worse(const gcw_finding *f, double v, double w) {
  return f->value < f->threshold ? v < w : v > w;
}

static int material(const gcw_episode *e) {
  const gcw_finding *f = &e->f;
  if (f->severity > e->shown_sev)
    return 1;
  if (f->value < f->threshold)
    return e->shown_value > 0 && f->value <= e->shown_value / 2;
  return e->shown_value > 0 ? f->value >= 2 * e->shown_value : f->value > 0;
}

/* Tell the sink; a memlimit_thrash finding carries its joined symptoms in its message. */
static void notify(gcw_detect_ctx *c, gcw_episode *e, gcw_finding_change change) {
  if (!c->d->sink.updated)
    return;
  if (strcmp(e->f.kind, "memlimit_thrash") != 0 || !c->r) {
    c->d->sink.updated(c->d->sink.ctx, c->run_id, e->handle, &e->f, change);
    return;
  }
  gcw_finding f = e->f;
  size_t n = strlen(f.message);
  const char *sep = "; with it (joined, see their findings): ";
  for (int k = 0; k < NDETECTORS; k++) {
    const gcw_episode *s = c->d->enabled[k] ? episode_of(c->r, k) : NULL;
    if (!s || !s->joined || n >= sizeof f.message)
      continue;
    n += (size_t)snprintf(f.message + n, sizeof f.message - n, "%s%s %.3g %s", sep, s->f.kind,
                          s->peak, s->f.unit ? s->f.unit : "");
    sep = ", ";
  }
  c->d->sink.updated(c->d->sink.ctx, c->run_id, e->handle, &f, change);
}

static void announce_open(gcw_detect_ctx *c, gcw_episode *e) {
  e->handle = c->d->sink.opened ? c->d->sink.opened(c->d->sink.ctx, c->run_id, &e->f) : 0;
  e->shown_value = e->f.value;
  e->shown_sev = e->f.severity;
}

/* Keep the episode's start and its worst value and severity in f. */
/* resumed: the detector started f afresh, so its value is the worst of the episode so far;
** otherwise the detector's own value stands (most keep their peak; heap_growth refines an
** estimate, which must match its message) and only the worst seen is remembered. */
static void merge(gcw_episode *e, int resumed) {
  e->f.gc = e->start_gc;
  e->f.t_s = e->start_t_s;
  snprintf(e->f.wall, sizeof e->f.wall, "%s", e->start_wall);
  if (resumed && worse(&e->f, e->peak, e->f.value))
    e->f.value = e->peak;
  if (worse(&e->f, e->f.value, e->peak))
    e->peak = e->f.value;
  if (e->worst > e->f.severity)
    e->f.severity = e->worst;
  e->worst = e->f.severity;
  e->f.end_gc = -1;
  e->f.end_t_s = -1;
}

void gcw_episode_open(gcw_detect_ctx *c, gcw_episode *e) {
  if (e->open)
    return;
  e->open = 1;
  if (e->held) { /* back within its hold time: the same episode goes on */
    e->held = 0;
    e->f.part_of = e->part_of; /* the detector started f afresh */
    merge(e, 1);
    gcw_episode_update(c, e);
    return;
  }
  e->start_gc = e->f.gc;
  e->start_t_s = e->f.t_s;
  snprintf(e->start_wall, sizeof e->start_wall, "%s", e->f.wall);
  e->peak = e->f.value;
  e->worst = e->f.severity;
  e->handle = 0;
  gcw_episode *t = is_symptom(e->f.kind) ? thrash_of(c, 0) : NULL;
  e->joined = t != NULL;
  e->f.part_of = e->part_of = t ? t->handle : 0;
  announce_open(c, e);
  if (t) /* a new symptom in the thrash's explanation: worth a line */
    notify(c, t, GCW_CHANGE_WORSE);
}

void gcw_episode_update(gcw_detect_ctx *c, gcw_episode *e) {
  if (!e->open)
    return;
  merge(e, 0);
  if (e->joined) {
    gcw_episode *t = thrash_of(c, 1);
    notify(c, e, GCW_CHANGE_QUIET);
    if (t)
      notify(c, t, GCW_CHANGE_QUIET);
    return;
  }
  int m = material(e);
  if (m) {
    e->shown_value = e->f.value;
    e->shown_sev = e->f.severity;
  }
  notify(c, e, m ? GCW_CHANGE_WORSE : GCW_CHANGE_QUIET);
}

void gcw_episode_report(gcw_detect_ctx *c, gcw_episode *e) {
  if (e->open)
    gcw_episode_update(c, e);
  else
    gcw_episode_open(c, e);
}

static void finish(gcw_detect_ctx *c, gcw_episode *e);

/* memlimit_thrash ended: its symptoms end with it; one still going on goes on as a
** finding of its own, from where the thrash ended. */
static void release_symptoms(gcw_detect_ctx *c, const gcw_finding *thrash) {
  for (int k = 0; c->r && k < NDETECTORS; k++) {
    gcw_episode *s = c->d->enabled[k] ? episode_of(c->r, k) : NULL;
    if (!s || !s->joined)
      continue;
    if (!s->open) {
      finish(c, s);
      continue;
    }
    s->f.end_gc = thrash->end_gc;
    s->f.end_t_s = thrash->end_t_s;
    notify(c, s, GCW_CHANGE_CLOSED);
    s->joined = 0;
    s->f.part_of = s->part_of = 0;
    s->f.end_gc = -1;
    s->f.end_t_s = -1;
    s->start_gc = s->f.gc = thrash->end_gc;
    s->start_t_s = s->f.t_s = thrash->end_t_s;
    s->start_wall[0] = s->f.wall[0] = '\0';
    announce_open(c, s);
  }
}

/* The episode ends for good: the sink hears of it. */
static void finish(gcw_detect_ctx *c, gcw_episode *e) {
  e->held = 0;
  e->joined = 0;
  notify(c, e, GCW_CHANGE_CLOSED);
  if (strcmp(e->f.kind, "memlimit_thrash") == 0)
    release_symptoms(c, &e->f);
}

void gcw_episode_close(gcw_detect_ctx *c, gcw_episode *e, long gc, double t_s) {
  if (!e->open)
    return;
  e->open = 0;
  e->f.end_gc = gc;
  e->f.end_t_s = t_s;
  e->held_cycles = 0;
  e->held = c->hold_s > 0;
  if (!e->held)
    finish(c, e);
}

void gcw_finding_once(gcw_detect_ctx *c, gcw_finding *f) {
  gcw_episode e;
  memset(&e, 0, sizeof e);
  e.f = *f;
  announce_open(c, &e);
  if (e.f.end_gc < 0)
    e.f.end_gc = e.f.gc;
  if (e.f.end_t_s < 0)
    e.f.end_t_s = e.f.t_s;
  notify(c, &e, GCW_CHANGE_CLOSED);
}

/* After a cycle: held episodes whose kind's hold time has passed end, where the detector
** closed them. Without @t (Go <= 1.4), HOLD_CYCLES cycles stand for the time. */
static void end_held(gcw_detect *d, run_state *r, const gcw_cycle *cy) {
  enum { HOLD_CYCLES = 20 };
  for (int k = 0; k < NDETECTORS; k++) {
    if (!d->enabled[k] || d->hold[k] <= 0)
      continue;
    gcw_episode *e = episode_of(r, k);
    if (!e->held || e->joined) /* a joined one ends with its thrash (release_symptoms) */
      continue;
    e->held_cycles++;
    int timed = cy && cy->t_s >= 0 && e->f.end_t_s >= 0;
    if (!cy || (timed ? cy->t_s - e->f.end_t_s >= d->hold[k] : e->held_cycles >= HOLD_CYCLES)) {
      gcw_detect_ctx c = {d, r->run_id, r, d->hold[k]};
      finish(&c, e);
    }
  }
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
