/* metrics.c: registry, snapshot and exposition text. See metrics.h.
**
** Units: the runtime prints times in ms with at most microsecond resolution and sizes in
** MB (MiB, truncated) or KiB; times are summed as whole microseconds (exact) and written
** in seconds, sizes in bytes. The pause of a cycle is its stop-the-world time by the one
** rule of pause.h, the number the store keeps as gc_cycles.pause_ms. */
#include "metrics.h"

#include "limits.h"
#include "pause.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pause histogram bucket bounds in microseconds: 10 us .. 10 s (then +Inf). */
static const long long pause_le_us[] = {10,     25,     50,      100,     250,     500,    1000,
                                        2500,   5000,   10000,   25000,   50000,   100000, 250000,
                                        500000, 1000000, 2500000, 5000000, 10000000};
enum { NBUCKETS = sizeof pause_le_us / sizeof pause_le_us[0] };

enum { PHASE_SWEEP_TERM, PHASE_MARK, PHASE_MARK_TERM, NPHASES };
static const char *const phase_names[NPHASES] = {"sweep_termination", "mark", "mark_termination"};
enum { CPU_ASSIST, CPU_BACKGROUND, CPU_IDLE, CPU_STW, NCPU };
static const char *const cpu_names[NCPU] = {"assist", "background", "idle", "stw"};
enum { H_LIVE, H_GOAL, H_START, H_END, H_STACKS, H_GLOBALS, NHEAP };
enum { NSEV = 3 };
static const char *const sev_names[NSEV] = {"info", "warn", "error"};

typedef struct finding_count {
  const char *kind; /* the detector's static name */
  int sev;
  double total;
} finding_count;

typedef struct episode {
  const char *kind;
  int sev;
  long gc;
} episode;

typedef struct run_series {
  int used, ended;
  long long id;    /* the caller's: how the pipeline names the run */
  long long label; /* the run label: id, or the database's id once it has one (rename) */
  long last_use;
  double last_event_s;
  double cycles, forced;
  double buckets[NBUCKETS]; /* per bucket, not cumulative */
  double pauses;
  long long pause_us;
  int has_phase[NPHASES], has_cpu[NCPU], has_heap[NHEAP];
  long long phase_us[NPHASES], cpu_us[NCPU];
  double heap[NHEAP];
  int has_cpu_ratio, has_procs, has_released, has_os_released, has_retained;
  double cpu_ratio, procs, released, os_released, retained;
  int nfc, nep;
  finding_count fc[GCW_METRICS_FINDINGS];
  episode ep[GCW_METRICS_FINDINGS];
} run_series;

typedef struct state {
  run_series runs[GCW_METRICS_RUNS];
  long clock;
  double lines[GCW_NFAMILIES];
  double input_lines, unparsed, store_dropped;
  double store_lost, store_waiting; /* fail-open store: rows lost, rows waiting */
  int store_down;
} state;

struct gcw_metrics {
  state live;       /* the reading thread's */
  int dirty;
  pthread_mutex_t lock;
  state shared;     /* the published copy, under lock */
  char *labels;     /* rendered --label pairs: name="value",... ("" when none) */
};

/* ---- formats ----------------------------------------------------------------------- */

const char *gcw_metrics_content_type(gcw_metrics_format f) {
  return f == GCW_OM_OPENMETRICS ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                                 : "text/plain; version=0.0.4; charset=utf-8";
}

gcw_metrics_format gcw_metrics_negotiate(const char *accept) {
  if (!accept || strstr(accept, "application/openmetrics-text") || !strstr(accept, "text/plain"))
    return GCW_OM_OPENMETRICS;
  return GCW_OM_TEXT004;
}

/* ---- labels ------------------------------------------------------------------------ */

static int label_name_ok(const char *n, size_t len) {
  static const char *const ours[] = {"run", "kind", "severity", "family", "part", "phase", "le"};
  if (len == 0 || (len >= 2 && n[0] == '_' && n[1] == '_'))
    return 0;
  for (size_t i = 0; i < len; i++) {
    char c = n[i];
    int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
      return 0;
  }
  for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
    if (strlen(ours[i]) == len && memcmp(ours[i], n, len) == 0)
      return 0;
  return 1;
}

/* name="value" with \, " and newline escaped; appended at o (room checked by the caller). */
static char *put_label(char *o, const char *name, size_t nlen, const char *v) {
  memcpy(o, name, nlen);
  o += nlen;
  *o++ = '=';
  *o++ = '"';
  for (; *v; v++) {
    if (*v == '\\' || *v == '"' || *v == '\n') {
      *o++ = '\\';
      *o++ = *v == '\n' ? 'n' : *v;
    } else
      *o++ = *v;
  }
  *o++ = '"';
  return o;
}

static gcw_err build_labels(gcw_metrics *m, const char *const *labels, int n, char *msg,
                            size_t msglen) {
  size_t room = 1;
  for (int i = 0; i < n; i++)
    room += 2 * strlen(labels[i]) + 4;
  char *o = m->labels = malloc(room);
  if (!o)
    return GCW_ENOMEM;
  for (int i = 0; i < n; i++) {
    const char *eq = strchr(labels[i], '=');
    size_t nlen = eq ? (size_t)(eq - labels[i]) : 0;
    int dup = 0;
    for (int k = 0; k < i && eq; k++)
      dup |= strncmp(labels[k], labels[i], nlen + 1) == 0;
    if (!eq || !label_name_ok(labels[i], nlen) || dup) {
      snprintf(msg, msglen,
               "--label takes NAME=VALUE with a Prometheus label name used once, not one of "
               "run, kind, severity, family, part, phase, le or __*: '%s'",
               labels[i]);
      return GCW_EUSAGE;
    }
    if (i > 0)
      *o++ = ',';
    o = put_label(o, labels[i], nlen, eq + 1);
  }
  *o = '\0';
  if (o - m->labels > GCW_METRICS_LABELS_MAX) {
    snprintf(msg, msglen, "--label: the labels take %ld bytes, at most %d",
             (long)(o - m->labels), GCW_METRICS_LABELS_MAX);
    return GCW_EUSAGE;
  }
  return GCW_OK;
}

gcw_err gcw_metrics_new(gcw_metrics **out, const char *const *labels, int nlabels, char *msg,
                        size_t msglen) {
  gcw_metrics *m = calloc(1, sizeof *m);
  *out = m;
  if (!m)
    return GCW_ENOMEM;
  if (pthread_mutex_init(&m->lock, NULL) != 0) {
    free(m);
    *out = NULL;
    return GCW_ENOMEM;
  }
  gcw_err e = build_labels(m, labels, nlabels, msg, msglen);
  if (e)
    gcw_metrics_free(out);
  return e;
}

void gcw_metrics_free(gcw_metrics **pp) {
  if (!pp || !*pp)
    return;
  pthread_mutex_destroy(&(*pp)->lock);
  free((*pp)->labels);
  free(*pp);
  *pp = NULL;
}

/* ---- runs ---------------------------------------------------------------------------- */

static run_series *find_run(state *s, long long id) {
  for (int i = 0; i < GCW_METRICS_RUNS; i++)
    if (s->runs[i].used && s->runs[i].id == id)
      return &s->runs[i];
  return NULL;
}

static int is_over(const run_series *r, double now_s) {
  return r->ended || (now_s > 0 && now_s - r->last_event_s > GCW_METRICS_STALE_S);
}

/* A slot for a new run: a free one, else the least recently active run's. */
static run_series *take_slot(state *s, long long id, double now_s) {
  run_series *slot = NULL;
  for (int i = 0; i < GCW_METRICS_RUNS && !slot; i++)
    if (!s->runs[i].used)
      slot = &s->runs[i];
  if (!slot) {
    slot = &s->runs[0];
    for (int i = 1; i < GCW_METRICS_RUNS; i++)
      if (s->runs[i].last_use < slot->last_use)
        slot = &s->runs[i];
  }
  memset(slot, 0, sizeof *slot);
  slot->used = 1;
  slot->id = id;
  slot->label = id;
  slot->last_use = ++s->clock;
  slot->last_event_s = now_s;
  return slot;
}

void gcw_metrics_run_open(gcw_metrics *m, long long run_id, double now_s) {
  state *s = &m->live;
  /* the new run replaces the runs that are over */
  for (int i = 0; i < GCW_METRICS_RUNS; i++)
    if (s->runs[i].used && s->runs[i].id != run_id && is_over(&s->runs[i], now_s))
      s->runs[i].used = 0;
  if (!find_run(s, run_id))
    take_slot(s, run_id, now_s);
  m->dirty = 1;
}

void gcw_metrics_rename_runs(gcw_metrics *m, long long (*shown)(void *ctx, long long id),
                             void *ctx) {
  for (int i = 0; i < GCW_METRICS_RUNS; i++) {
    run_series *r = &m->live.runs[i];
    long long to = r->used ? shown(ctx, r->id) : 0;
    if (to > 0 && to != r->label) {
      r->label = to;
      m->dirty = 1;
    }
  }
}

void gcw_metrics_run_end(gcw_metrics *m, long long run_id) {
  run_series *r = find_run(&m->live, run_id);
  if (r)
    r->ended = 1;
  m->dirty = 1;
}

void gcw_metrics_reset_runs(gcw_metrics *m) { memset(&m->live, 0, sizeof m->live); }

static run_series *run_for(gcw_metrics *m, long long run_id, double now_s) {
  run_series *r = find_run(&m->live, run_id);
  if (!r) /* its slot was taken by later runs: it comes back from zero */
    r = take_slot(&m->live, run_id, now_s);
  r->last_use = ++m->live.clock;
  r->last_event_s = now_s;
  return r;
}

/* ---- events ---------------------------------------------------------------------------- */

static long long us_of(double ms) { return llround(ms * 1000.0); }

static double field(const gcw_event *ev, gcw_field f) { return ev->present[f] ? ev->v[f] : 0; }

/* The stop-the-world pause in whole microseconds (pause.h: the store's and the detectors'
** rule); 0 when the line has none. */
static int pause_us(const gcw_event *ev, long long *us) {
  double ms;
  if (!gcw_pause_ms(ev, &ms))
    return 0;
  *us = us_of(ms);
  return 1;
}

static void add_time(long long *acc, int *has, const gcw_event *ev, gcw_field f) {
  if (ev->present[f]) {
    *acc += us_of(ev->v[f]);
    *has = 1;
  }
}

static void set_gauge(double *g, int *has, const gcw_event *ev, gcw_field f, double scale) {
  if (ev->present[f]) {
    *g = ev->v[f] * scale;
    *has = 1;
  }
}

static void on_cycle(run_series *r, const gcw_event *ev) {
  const double mib = 1048576.0;
  r->cycles++;
  r->forced += ev->present[GCW_F_forced] && ev->v[GCW_F_forced] != 0;
  long long us;
  if (pause_us(ev, &us)) {
    int b = 0;
    while (b < NBUCKETS && us > pause_le_us[b])
      b++;
    if (b < NBUCKETS)
      r->buckets[b]++;
    r->pauses++;
    r->pause_us += us;
  }
  add_time(&r->phase_us[PHASE_SWEEP_TERM], &r->has_phase[PHASE_SWEEP_TERM], ev, GCW_F_sweep_term_ms);
  add_time(&r->phase_us[PHASE_MARK], &r->has_phase[PHASE_MARK], ev, GCW_F_mark_ms);
  add_time(&r->phase_us[PHASE_MARK_TERM], &r->has_phase[PHASE_MARK_TERM], ev, GCW_F_mark_term_ms);
  add_time(&r->cpu_us[CPU_ASSIST], &r->has_cpu[CPU_ASSIST], ev, GCW_F_cpu_assist_ms);
  add_time(&r->cpu_us[CPU_BACKGROUND], &r->has_cpu[CPU_BACKGROUND], ev, GCW_F_cpu_bg_ms);
  add_time(&r->cpu_us[CPU_BACKGROUND], &r->has_cpu[CPU_BACKGROUND], ev, GCW_F_cpu_scan_ms);
  add_time(&r->cpu_us[CPU_IDLE], &r->has_cpu[CPU_IDLE], ev, GCW_F_cpu_idle_ms);
  add_time(&r->cpu_us[CPU_STW], &r->has_cpu[CPU_STW], ev, GCW_F_cpu_sweep_term_ms);
  add_time(&r->cpu_us[CPU_STW], &r->has_cpu[CPU_STW], ev, GCW_F_cpu_install_wb_ms);
  add_time(&r->cpu_us[CPU_STW], &r->has_cpu[CPU_STW], ev, GCW_F_cpu_mark_term_ms);
  set_gauge(&r->cpu_ratio, &r->has_cpu_ratio, ev, GCW_F_cpu_pct, 0.01);
  set_gauge(&r->procs, &r->has_procs, ev, GCW_F_procs, 1);
  set_gauge(&r->heap[H_LIVE], &r->has_heap[H_LIVE], ev, GCW_F_heap_live_mb, mib);
  set_gauge(&r->heap[H_GOAL], &r->has_heap[H_GOAL], ev, GCW_F_goal_mb, mib);
  set_gauge(&r->heap[H_START], &r->has_heap[H_START], ev, GCW_F_heap_start_mb, mib);
  set_gauge(&r->heap[H_END], &r->has_heap[H_END], ev, GCW_F_heap_end_mb, mib);
  set_gauge(&r->heap[H_STACKS], &r->has_heap[H_STACKS], ev, GCW_F_stacks_mb, mib);
  set_gauge(&r->heap[H_GLOBALS], &r->has_heap[H_GLOBALS], ev, GCW_F_globals_mb, mib);
}

/* Released by this line: scav work (1.14-1.20), bg + eager work (1.21+), scvg released. */
static void on_scavenger(run_series *r, const gcw_event *ev) {
  const uint8_t *p = ev->present;
  double kib = field(ev, GCW_F_work_kib) + field(ev, GCW_F_work_bg_kib) +
               field(ev, GCW_F_work_eager_kib) + field(ev, GCW_F_released_kb) +
               field(ev, GCW_F_released_mb) * 1024;
  if (p[GCW_F_work_kib] || p[GCW_F_work_bg_kib] || p[GCW_F_work_eager_kib] ||
      p[GCW_F_released_kb] || p[GCW_F_released_mb]) {
    r->released += kib * 1024;
    r->has_released = 1;
  }
  set_gauge(&r->os_released, &r->has_os_released, ev, GCW_F_released_kib, 1024);
  set_gauge(&r->os_released, &r->has_os_released, ev, GCW_F_heap_released_mb, 1048576.0);
  set_gauge(&r->retained, &r->has_retained, ev, GCW_F_consumed_mb, 1048576.0);
}

void gcw_metrics_event(gcw_metrics *m, long long run_id, const gcw_event *ev, double now_s) {
  m->live.lines[ev->family]++;
  m->dirty = 1;
  switch (ev->family) {
  case GCW_FAM_GC:
  case GCW_FAM_GC_LEGACY: on_cycle(run_for(m, run_id, now_s), ev); break;
  case GCW_FAM_SCAV:
  case GCW_FAM_SCVG: on_scavenger(run_for(m, run_id, now_s), ev); break;
  case GCW_FAM_PACER:
  case GCW_FAM_FORCED:
  case GCW_FAM_FORCED_OLD:
  case GCW_NFAMILIES: break;
  }
}

void gcw_metrics_lines(gcw_metrics *m, long n) {
  m->live.input_lines += (double)n;
  m->dirty = 1;
}

void gcw_metrics_unparsed(gcw_metrics *m) {
  m->live.unparsed++;
  m->dirty = 1;
}

void gcw_metrics_store_dropped(gcw_metrics *m, long rows) {
  m->live.store_dropped += (double)rows;
  m->dirty = 1;
}

void gcw_metrics_store_ok(gcw_metrics *m, int ok) {
  if (m->live.store_down != !ok)
    m->dirty = 1;
  m->live.store_down = !ok;
}

void gcw_metrics_store_health(gcw_metrics *m, int up, long waiting, long lost) {
  if (m->live.store_down != !up || m->live.store_waiting != (double)waiting ||
      m->live.store_lost != (double)lost)
    m->dirty = 1;
  m->live.store_down = !up;
  m->live.store_waiting = (double)waiting;
  m->live.store_lost = (double)lost;
}

/* ---- findings ---------------------------------------------------------------------------- */

static int sev_of(const char *s) {
  for (int i = 0; i < NSEV; i++)
    if (strcmp(sev_names[i], s) == 0)
      return i;
  return 0;
}

static finding_count *count_for(run_series *r, const char *kind, int sev) {
  for (int i = 0; i < r->nfc; i++)
    if (r->fc[i].sev == sev && strcmp(r->fc[i].kind, kind) == 0)
      return &r->fc[i];
  if (r->nfc == GCW_METRICS_FINDINGS)
    return NULL;
  r->fc[r->nfc] = (finding_count){kind, sev, 0};
  return &r->fc[r->nfc++];
}

void gcw_metrics_finding_open(gcw_metrics *m, long long run_id, const char *kind,
                              const char *severity, long start_gc) {
  run_series *r = find_run(&m->live, run_id);
  if (!r)
    return;
  int sev = sev_of(severity);
  finding_count *c = count_for(r, kind, sev);
  if (c)
    c->total++;
  if (c && r->nep < GCW_METRICS_FINDINGS)
    r->ep[r->nep++] = (episode){kind, sev, start_gc};
  m->dirty = 1;
}

void gcw_metrics_finding_update(gcw_metrics *m, long long run_id, const char *kind,
                                const char *severity, long start_gc, int ended) {
  run_series *r = find_run(&m->live, run_id);
  if (!r)
    return;
  for (int i = 0; i < r->nep; i++) {
    episode *e = &r->ep[i];
    if (e->gc != start_gc || strcmp(e->kind, kind) != 0)
      continue;
    if (ended)
      r->ep[i] = r->ep[--r->nep];
    else if (count_for(r, kind, sev_of(severity))) /* a severity it reaches has a series */
      e->sev = sev_of(severity);
    m->dirty = 1;
    return;
  }
}

/* ---- publishing ---------------------------------------------------------------------------- */

int gcw_metrics_publish(gcw_metrics *m) {
  if (!m->dirty)
    return 1;
  if (pthread_mutex_trylock(&m->lock) != 0)
    return 0; /* busy: a scrape is copying; the next publish brings it up to date */
  memcpy(&m->shared, &m->live, sizeof m->shared);
  pthread_mutex_unlock(&m->lock);
  m->dirty = 0;
  return 1;
}

/* ---- text ----------------------------------------------------------------------------- */

void gcw_metrics_text_free(gcw_metrics_text *t) {
  free(t->buf);
  memset(t, 0, sizeof *t);
}

static void put(gcw_metrics_text *t, const char *fmt, ...) {
  va_list ap;
  for (int tries = 0; tries < 2 && !t->failed; tries++) {
    va_start(ap, fmt);
    int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      t->failed = 1;
      return;
    }
    if (t->buf && (size_t)n < t->cap - t->len) {
      t->len += (size_t)n;
      return;
    }
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + (size_t)n + 1)
      cap *= 2;
    char *b = realloc(t->buf, cap);
    if (!b) {
      t->failed = 1;
      return;
    }
    t->buf = b;
    t->cap = cap;
  }
}

/* The shortest decimal that reads back as v ("+Inf" for infinity). */
static const char *num(double v, char b[40]) {
  if (isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  if (v == floor(v) && fabs(v) < 1e15) {
    snprintf(b, 40, "%.0f", v);
    return b;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(b, 40, "%.*g", prec, v);
    if (strtod(b, NULL) == v)
      break;
  }
  return b;
}

typedef struct render {
  gcw_metrics_text *t;
  const state *s;
  const char *labels;
  gcw_metrics_format fmt;
  long long ts_ms; /* < 0: none */
} render;

/* One sample: NAME{global labels, run, extra} VALUE [TIMESTAMP]. run < 0: no run label. */
static void sample(render *c, const char *name, const char *suffix, long long run,
                   const char *extra, double v) {
  char b[40], lb[GCW_METRICS_LABELS_MAX + 256]; /* ours: run, kind, severity, ... < 256 */
  size_t n = (size_t)snprintf(lb, sizeof lb, "%s", c->labels);
  if (run >= 0)
    n += (size_t)snprintf(lb + n, sizeof lb - (n < sizeof lb ? n : sizeof lb), "%srun=\"%lld\"",
                          n ? "," : "", run);
  if (extra && *extra && n < sizeof lb)
    snprintf(lb + n, sizeof lb - n, "%s%s", n ? "," : "", extra);
  put(c->t, "%s%s%s%s%s %s", name, suffix, *lb ? "{" : "", lb, *lb ? "}" : "", num(v, b));
  if (c->ts_ms >= 0 && c->fmt == GCW_OM_OPENMETRICS)
    put(c->t, " %lld.%03lld\n", c->ts_ms / 1000, c->ts_ms % 1000);
  else if (c->ts_ms >= 0)
    put(c->t, " %lld\n", c->ts_ms);
  else
    put(c->t, "\n");
}

#define EACH_RUN(c, r)                                                                       \
  for (const run_series *r = (c)->s->runs; r < (c)->s->runs + GCW_METRICS_RUNS; r++)         \
    if (r->used)

static void s_cycles(render *c, const char *n) {
  EACH_RUN(c, r) sample(c, n, "_total", r->label, NULL, r->cycles);
}

static void s_forced(render *c, const char *n) {
  EACH_RUN(c, r) sample(c, n, "_total", r->label, NULL, r->forced);
}

static void s_pause(render *c, const char *n) {
  char le[64], b[40];
  EACH_RUN(c, r) {
    double cum = 0;
    for (int i = 0; i < NBUCKETS; i++) {
      cum += r->buckets[i];
      snprintf(le, sizeof le, "le=\"%s\"", num((double)pause_le_us[i] / 1e6, b));
      sample(c, n, "_bucket", r->label, le, cum);
    }
    sample(c, n, "_bucket", r->label, "le=\"+Inf\"", r->pauses);
    sample(c, n, "_count", r->label, NULL, r->pauses);
    sample(c, n, "_sum", r->label, NULL, (double)r->pause_us / 1e6);
  }
}

static void s_phase(render *c, const char *n) {
  char l[64];
  EACH_RUN(c, r) for (int i = 0; i < NPHASES; i++) if (r->has_phase[i]) {
    snprintf(l, sizeof l, "phase=\"%s\"", phase_names[i]);
    sample(c, n, "_total", r->label, l, (double)r->phase_us[i] / 1e6);
  }
}

static void s_cpu(render *c, const char *n) {
  char l[64];
  EACH_RUN(c, r) for (int i = 0; i < NCPU; i++) if (r->has_cpu[i]) {
    snprintf(l, sizeof l, "part=\"%s\"", cpu_names[i]);
    sample(c, n, "_total", r->label, l, (double)r->cpu_us[i] / 1e6);
  }
}

static void s_cpu_ratio(render *c, const char *n) {
  EACH_RUN(c, r) if (r->has_cpu_ratio) sample(c, n, "", r->label, NULL, r->cpu_ratio);
}

static void s_procs(render *c, const char *n) {
  EACH_RUN(c, r) if (r->has_procs) sample(c, n, "", r->label, NULL, r->procs);
}

static void heap_gauge(render *c, const char *n, int which) {
  EACH_RUN(c, r) if (r->has_heap[which]) sample(c, n, "", r->label, NULL, r->heap[which]);
}
static void s_live(render *c, const char *n) { heap_gauge(c, n, H_LIVE); }
static void s_goal(render *c, const char *n) { heap_gauge(c, n, H_GOAL); }
static void s_start(render *c, const char *n) { heap_gauge(c, n, H_START); }
static void s_end(render *c, const char *n) { heap_gauge(c, n, H_END); }
static void s_stacks(render *c, const char *n) { heap_gauge(c, n, H_STACKS); }
static void s_globals(render *c, const char *n) { heap_gauge(c, n, H_GLOBALS); }

static void s_released(render *c, const char *n) {
  EACH_RUN(c, r) if (r->has_released) sample(c, n, "_total", r->label, NULL, r->released);
}

static void s_os_released(render *c, const char *n) {
  EACH_RUN(c, r) if (r->has_os_released) sample(c, n, "", r->label, NULL, r->os_released);
}

static void s_retained(render *c, const char *n) {
  EACH_RUN(c, r) if (r->has_retained) sample(c, n, "", r->label, NULL, r->retained);
}

static void finding_labels(char *l, size_t n, const finding_count *f) {
  snprintf(l, n, "kind=\"%s\",severity=\"%s\"", f->kind, sev_names[f->sev]);
}

static void s_findings(render *c, const char *n) {
  char l[160];
  EACH_RUN(c, r) for (int i = 0; i < r->nfc; i++) {
    finding_labels(l, sizeof l, &r->fc[i]);
    sample(c, n, "_total", r->label, l, r->fc[i].total);
  }
}

static void s_active(render *c, const char *n) {
  char l[160];
  EACH_RUN(c, r) for (int i = 0; i < r->nfc; i++) {
    int open = 0;
    for (int k = 0; k < r->nep; k++)
      open += r->ep[k].sev == r->fc[i].sev && strcmp(r->ep[k].kind, r->fc[i].kind) == 0;
    finding_labels(l, sizeof l, &r->fc[i]);
    sample(c, n, "", r->label, l, open);
  }
}

static void s_lines(render *c, const char *n) {
  char l[64];
  for (int f = 0; f < GCW_NFAMILIES; f++) {
    snprintf(l, sizeof l, "family=\"%s\"", gcw_family_name((gcw_family)f));
    sample(c, n, "_total", -1, l, c->s->lines[f]);
  }
}

static void s_input(render *c, const char *n) { sample(c, n, "_total", -1, NULL, c->s->input_lines); }
static void s_unparsed(render *c, const char *n) { sample(c, n, "_total", -1, NULL, c->s->unparsed); }
static void s_dropped(render *c, const char *n) {
  sample(c, n, "_total", -1, NULL, c->s->store_dropped + c->s->store_lost);
}
static void s_store_waiting(render *c, const char *n) {
  sample(c, n, "", -1, NULL, c->s->store_waiting);
}
static void s_store_up(render *c, const char *n) { sample(c, n, "", -1, NULL, !c->s->store_down); }

typedef struct family {
  const char *name; /* without _total */
  const char *type;
  const char *unit; /* OpenMetrics UNIT, the name's suffix; NULL: none */
  const char *help;
  void (*samples)(render *c, const char *name);
  int per_run; /* has a series per run (else one for the whole stream) */
} family;

static const family families[] = {
    {"gctrace_gc_cycles", "counter", NULL, "GC cycles (gc lines) of the run", s_cycles, 1},
    {"gctrace_gc_forced_cycles", "counter", NULL, "GC cycles the program forced (gc line ends with (forced): runtime.GC())",
     s_forced, 1},
    {"gctrace_gc_pause_seconds", "histogram", "seconds",
     "Stop-the-world pause of each cycle (sweep termination + mark termination; Go <= 1.4: "
     "the whole collection)",
     s_pause, 1},
    {"gctrace_gc_phase_seconds", "counter", "seconds",
     "Wall-clock time in each GC phase, summed over the cycles that print it", s_phase, 1},
    {"gctrace_gc_cpu_seconds", "counter", "seconds",
     "GC CPU time by part (assist, background mark, idle mark, stop-the-world), as the runtime "
     "estimates it",
     s_cpu, 1},
    {"gctrace_gc_cpu_cumulative_ratio", "gauge", NULL,
     "The runtime's own cumulative GC CPU share since the process started (gc line P%, 0-1)",
     s_cpu_ratio, 1},
    {"gctrace_gc_procs", "gauge", NULL, "GOMAXPROCS of the last cycle", s_procs, 1},
    {"gctrace_heap_live_bytes", "gauge", "bytes", "Marked live heap after the last cycle", s_live, 1},
    {"gctrace_heap_goal_bytes", "gauge", "bytes", "Heap goal of the last cycle", s_goal, 1},
    {"gctrace_heap_start_bytes", "gauge", "bytes", "Heap in use when the last cycle started",
     s_start, 1},
    {"gctrace_heap_end_bytes", "gauge", "bytes", "Heap in use when the last cycle's mark ended",
     s_end, 1},
    {"gctrace_stacks_bytes", "gauge", "bytes", "Scannable stacks at the last cycle (Go 1.18+)",
     s_stacks, 1},
    {"gctrace_globals_bytes", "gauge", "bytes", "Scannable globals at the last cycle (Go 1.18+)",
     s_globals, 1},
    {"gctrace_scavenger_released_bytes", "counter", "bytes",
     "Memory the scavenger returned to the OS (sum of scav work / scvg released)", s_released, 1},
    {"gctrace_heap_released_bytes", "gauge", "bytes",
     "Heap memory currently released to the OS (scav total/now, scvg released)", s_os_released, 1},
    {"gctrace_scavenger_retained_bytes", "gauge", "bytes",
     "Heap memory retained from the OS (scvg consumed; Go <= 1.13 prints it)", s_retained, 1},
    {"gctrace_findings", "counter", NULL, "Findings opened, by kind and severity", s_findings, 1},
    {"gctrace_finding_active", "gauge", NULL, "Findings whose episode is still going on",
     s_active, 1},
    {"gctrace_lines", "counter", NULL, "Trace lines recognized, by family", s_lines, 0},
    {"gctrace_input_lines", "counter", NULL, "Physical lines read (trace or not)", s_input, 0},
    {"gctrace_unparsed_lines", "counter", NULL,
     "Pieces of trace lines that could not be rejoined (kept as unparsed)", s_unparsed, 0},
    {"gctrace_store_dropped_rows", "counter", NULL,
     "Rows not stored because the database failed", s_dropped, 0},
    {"gctrace_store_up", "gauge", NULL,
     "1 while the database takes rows, 0 while it cannot (locked, full, failed)", s_store_up, 0},
    {"gctrace_store_waiting_rows", "gauge", NULL,
     "Rows kept in memory until the database can take them again", s_store_waiting, 0},
};
enum { NFAMILIES = sizeof families / sizeof families[0] };

int gcw_metrics_families(void) { return NFAMILIES; }

int gcw_metrics_family_per_run(int fam) { return fam >= 0 && fam < NFAMILIES && families[fam].per_run; }

static void render_one(render *c, int fam, int header) {
  const family *f = &families[fam];
  int counter = strcmp(f->type, "counter") == 0;
  /* 0.0.4 names a counter's family by its sample name; OpenMetrics without "_total" */
  const char *suffix = counter && c->fmt == GCW_OM_TEXT004 ? "_total" : "";
  if (header) {
    put(c->t, "# HELP %s%s %s.\n", f->name, suffix, f->help);
    put(c->t, "# TYPE %s%s %s\n", f->name, suffix, f->type);
    if (f->unit && c->fmt == GCW_OM_OPENMETRICS)
      put(c->t, "# UNIT %s %s\n", f->name, f->unit);
  }
  f->samples(c, f->name);
}

void gcw_metrics_render_family(gcw_metrics *m, int fam, gcw_metrics_format f, int header,
                               long long ts_ms, gcw_metrics_text *out) {
  render c = {out, &m->live, m->labels, f, ts_ms};
  if (fam >= 0 && fam < NFAMILIES)
    render_one(&c, fam, header);
}

gcw_err gcw_metrics_scrape(gcw_metrics *m, gcw_metrics_format f, gcw_metrics_text *out) {
  state *copy = malloc(sizeof *copy);
  if (!copy)
    return GCW_ENOMEM;
  pthread_mutex_lock(&m->lock);
  memcpy(copy, &m->shared, sizeof *copy);
  pthread_mutex_unlock(&m->lock);
  render c = {out, copy, m->labels, f, -1};
  for (int i = 0; i < NFAMILIES; i++)
    render_one(&c, i, 1);
  if (f == GCW_OM_OPENMETRICS)
    put(out, "# EOF\n");
  free(copy);
  return out->failed ? GCW_ENOMEM : GCW_OK;
}
