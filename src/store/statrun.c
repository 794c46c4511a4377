/* statrun.c: the statistics of a run in one pass as its lines arrive. See statrun.h.
**
** Each part mirrors a query of stats.c, which stays the definition (docs/stats.md) and
** the test oracle: a gc line's values are taken as SQLite gives them back (an INTEGER
** column as (double)(long long), NULL as absent), and every sum, product and quotient
** is formed in the order stats.c forms it, so the results are the same numbers. Cycles
** of a run arrive in `gc` order (runs.c numbers a run's cycles upwards), which is the
** order stats.c walks them in; scavenger lines may arrive out of `line` order (a line
** rejoined from pieces is emitted late), so their "first" and "last" compare lines. */
#include "statrun.h"

#include "alloc_rate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CPU_WINDOW_MS 10000.0
enum { NMMU = 4, PROCS_MAX = 16 };
static const double mmu_window_ms[NMMU] = {1, 10, 100, 1000};

/* ---- exact percentiles: distinct values with their counts, sorted ---- */

typedef struct dist {
  double *val;
  long long *cnt;
  int n, cap;
  long long total;
} dist;

static int dist_add(dist *d, double v) {
  int lo = 0, hi = d->n;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (d->val[mid] < v)
      lo = mid + 1;
    else
      hi = mid;
  }
  d->total++;
  if (lo < d->n && d->val[lo] == v) {
    d->cnt[lo]++;
    return 0;
  }
  if (d->n == d->cap) {
    int cap = d->cap ? d->cap * 2 : 64;
    if (d->cap >= GCW_STATRUN_DISTINCT)
      return -1;
    double *nv = realloc(d->val, (size_t)cap * sizeof *nv);
    if (!nv)
      return -1;
    d->val = nv;
    long long *nc = realloc(d->cnt, (size_t)cap * sizeof *nc);
    if (!nc)
      return -1;
    d->cnt = nc;
    d->cap = cap;
  }
  memmove(d->val + lo + 1, d->val + lo, (size_t)(d->n - lo) * sizeof *d->val);
  memmove(d->cnt + lo + 1, d->cnt + lo, (size_t)(d->n - lo) * sizeof *d->cnt);
  d->val[lo] = v;
  d->cnt[lo] = 1;
  d->n++;
  return 0;
}

static void dist_free(dist *d) {
  free(d->val);
  free(d->cnt);
}

/* Nearest rank ceil(permille/1000 * n), at least 1, as stats.c percentiles(). */
static void dist_put(const dist *d, int permille, enum gcw_stat id, gcw_stat_values *r) {
  if (d->total == 0)
    return;
  long long rank = ((long long)permille * d->total + 999) / 1000, k = 0;
  if (rank < 1)
    rank = 1;
  for (int i = 0; i < d->n; i++) {
    k += d->cnt[i];
    if (k >= rank) {
      gcw_stats_put(r, id, d->val[i]);
      return;
    }
  }
}

/* ---- a cycle as stats.c reads it from gc_cycles ---- */

typedef struct cyc {
  double gc, t, pause, cpu_pct, live, procs;
  int has_t, has_pause, has_cpu_pct, has_live, has_procs;
  double cpu_stw, assist, bg, idle, sweep, mid, term, cpu_sweep, cpu_scan, cpu_term;
  int has_assist, has_bg, has_idle, has_sweep, has_term;
  long long start_mb, end_mb, live_mb, goal_mb;
  int has_start, has_end, has_goal;
} cyc;

static int has(const gcw_event *ev, gcw_field f) { return ev->present[f] != 0; }
static double real_of(const gcw_event *ev, gcw_field f) { return has(ev, f) ? ev->v[f] : 0.0; }
static long long int_of(const gcw_event *ev, gcw_field f) {
  return has(ev, f) ? (long long)ev->v[f] : 0;
}

static void read_cycle(const gcw_event *ev, int has_pause, double pause, cyc *c) {
  memset(c, 0, sizeof *c);
  c->gc = (double)int_of(ev, GCW_F_gc);
  c->has_t = has(ev, GCW_F_t_s);
  c->t = real_of(ev, GCW_F_t_s);
  c->has_pause = has_pause;
  c->pause = pause;
  c->has_cpu_pct = has(ev, GCW_F_cpu_pct);
  c->cpu_pct = (double)int_of(ev, GCW_F_cpu_pct);
  c->has_live = has(ev, GCW_F_heap_live_mb);
  c->live_mb = int_of(ev, GCW_F_heap_live_mb);
  c->live = (double)c->live_mb;
  c->has_procs = has(ev, GCW_F_procs);
  c->procs = (double)int_of(ev, GCW_F_procs);
  c->cpu_sweep = real_of(ev, GCW_F_cpu_sweep_term_ms);
  c->cpu_scan = real_of(ev, GCW_F_cpu_scan_ms);
  c->cpu_term = real_of(ev, GCW_F_cpu_mark_term_ms);
  c->cpu_stw = c->cpu_sweep + c->cpu_scan + c->cpu_term; /* coalesce(..., 0) + ... */
  c->has_assist = has(ev, GCW_F_cpu_assist_ms);
  c->assist = real_of(ev, GCW_F_cpu_assist_ms);
  c->has_bg = has(ev, GCW_F_cpu_bg_ms);
  c->bg = real_of(ev, GCW_F_cpu_bg_ms);
  c->has_idle = has(ev, GCW_F_cpu_idle_ms);
  c->idle = real_of(ev, GCW_F_cpu_idle_ms);
  c->has_sweep = has(ev, GCW_F_sweep_term_ms);
  c->sweep = real_of(ev, GCW_F_sweep_term_ms);
  c->mid = real_of(ev, GCW_F_scan_ms) + real_of(ev, GCW_F_install_wb_ms) + real_of(ev, GCW_F_mark_ms);
  c->has_term = has(ev, GCW_F_mark_term_ms);
  c->term = real_of(ev, GCW_F_mark_term_ms);
  c->has_start = has(ev, GCW_F_heap_start_mb);
  c->start_mb = int_of(ev, GCW_F_heap_start_mb);
  c->has_end = has(ev, GCW_F_heap_end_mb);
  c->end_mb = int_of(ev, GCW_F_heap_end_mb);
  c->has_goal = has(ev, GCW_F_goal_mb);
  c->goal_mb = int_of(ev, GCW_F_goal_mb);
}

/* ---- ring buffers (the MMU's periods, the CPU window's cycles) ---- */

typedef struct period {
  double s, e, before; /* start, end, STW time of the periods before it (P(s)) */
} period;

typedef struct ring {
  unsigned char *q;
  long long head, tail; /* absolute indices; element i at (i & (cap - 1)) */
  long long cap;
  size_t size;          /* bytes per element */
} ring;

static void *ring_at(const ring *r, long long i) {
  return r->q + (size_t)(i & (r->cap - 1)) * r->size;
}
static period *per_at(const ring *r, long long i) { return ring_at(r, i); }

/* Large ring buffers are mapped, not taken from the heap, so that a freed one goes back to
** the system at once: with malloc, glibc raises its mmap threshold after such a free and
** the next run's buffers would stay in the heap, which does not shrink. */
enum { MAP_MIN = 64 * 1024 };

static void *buf_alloc(size_t n) {
  if (n < MAP_MIN)
    return malloc(n);
  void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static void buf_free(void *p, size_t n) {
  if (!p)
    return;
  if (n < MAP_MIN)
    free(p);
  else
    munmap(p, n);
}

static void ring_free(ring *r) {
  buf_free(r->q, (size_t)r->cap * r->size);
  r->q = NULL;
  r->cap = 0;
  r->head = r->tail = 0;
}

static int ring_push(ring *r, const void *e) {
  if (r->tail - r->head == r->cap) {
    long long cap = r->cap ? r->cap * 2 : 256;
    if (cap > GCW_STATRUN_WINDOW)
      return -1;
    unsigned char *q = buf_alloc((size_t)cap * r->size);
    if (!q)
      return -1;
    for (long long i = r->head; i < r->tail; i++)
      memcpy(q + (size_t)(i & (cap - 1)) * r->size, ring_at(r, i), r->size);
    buf_free(r->q, (size_t)r->cap * r->size);
    r->q = q;
    r->cap = cap;
  }
  memcpy(ring_at(r, r->tail++), e, r->size);
  return 0;
}

/* A cycle of the GC CPU window: @t in ms and its GC CPU in ms. */
typedef struct cpu_entry {
  double t_ms, cpu;
} cpu_entry;
static cpu_entry *cpu_at(const ring *r, long long i) { return ring_at(r, i); }

/* ---- per run ---- */

typedef struct procs_best {
  double procs, sum, t_ms;
  long long lead;
} procs_best;

typedef struct run_stats {
  long long run_id;
  int broken;    /* a bound was exceeded, or it went on after it was set aside: no values */
  int set_aside; /* idle: its values are in `final`, its buffers freed */
  long long last_event;
  gcw_stat_values final;
  /* stats.c main_pass() */
  long long cycles, pauses, timed, lives, trend_n;
  double pause_max_ms, pause_max_gc, pause_total_ms;
  double t_first_s, t_last_s, gc_first, gc_last;
  double cycle_end_ms, stw_end_ms, stw_total_ms;
  int has_cpu_pct, has_mark_cpu;
  double cpu_pct_last, live_min, live_max, live_last;
  double mean_t, mean_y, m2_t, c_ty;
  double cpu_total_ms, assist_ms, bg_ms, idle_ms;
  /* percentiles: the previous timed cycle, and the previous one with the heap figures */
  dist pause, interval, alloc, goal_live;
  int prev_timed;
  double prev_t, prev_gc;
  int prev_heap;
  double prev_heap_t, prev_heap_gc;
  long long prev_freed_mid; /* heap_end - heap_start - heap_live of that cycle */
  gcw_alloc_acc alloc_acc;  /* allocation over time (stats.c alloc_over_time()) */
  /* GC CPU window: a 10 s window, and the whole run as one window (if shorter) */
  ring cpu;                 /* cpu_entry: the cycles of the last 10 s */
  double cpu_sum10, cpu_prefix, cpu_first_ms, cpu_max_ms;
  long long cpu_leads;
  int cpu_found;
  double cpu_best_pct, cpu_best_end_s;
  procs_best best[PROCS_MAX];
  int nbest;
  /* MMU */
  ring mmu;
  double mmu_cum, mmu_worst[NMMU], mmu_last_e;
  long long mmu_cand[NMMU], mmu_ahead[NMMU];
  int mmu_t0_done[NMMU];
  /* scavenger */
  long long scav_lines;
  double scav_sum, scav_max_kib, scav_max_gc, scav_max_t, scav_lag_t;
  long scav_max_line, now_line;
  int scav_max_has_gc, scav_max_has_t, scav_has_lag;
  int has_now, now_consumed, now_has_gc;
  double now_mb, now_consumed_mb, now_peak;
  int peak_known;
  long long heap_peak; /* largest max(heap_start, heap_end) of the cycles so far */
  int last_known, last_has_t;
  double last_gc_num, last_t; /* the run's latest cycle */
  long long *freed; /* stack of heap_end - heap_live, decreasing, and the cycles' @t */
  double *freed_t;
  int nfreed, freed_cap;
} run_stats;

struct gcw_statrun_set {
  run_stats **runs;
  int n, cap;
  int last;         /* index of the run used last */
  long long events; /* lines seen, of all runs */
};

gcw_err gcw_statrun_set_new(gcw_statrun_set **out) {
  *out = calloc(1, sizeof **out);
  return *out ? GCW_OK : GCW_ENOMEM;
}

static void free_buffers(run_stats *r);

static void run_free(run_stats *r) {
  if (!r)
    return;
  free_buffers(r);
  free(r);
}

void gcw_statrun_set_free(gcw_statrun_set **pp) {
  if (!pp || !*pp)
    return;
  for (int i = 0; i < (*pp)->n; i++)
    run_free((*pp)->runs[i]);
  free((*pp)->runs);
  free(*pp);
  *pp = NULL;
}

void gcw_statrun_open(gcw_statrun_set *s, long long run_id) {
  if (s->n == s->cap) {
    int cap = s->cap ? s->cap * 2 : 8;
    run_stats **nr = realloc(s->runs, (size_t)cap * sizeof *nr);
    if (!nr)
      return;
    s->runs = nr;
    s->cap = cap;
  }
  run_stats *r = calloc(1, sizeof *r);
  if (!r)
    return;
  r->run_id = run_id;
  r->cycle_end_ms = -INFINITY;
  r->cpu.size = sizeof(cpu_entry);
  r->mmu.size = sizeof(period);
  r->last_event = s->events;
  s->runs[s->n++] = r;
}

static int find(gcw_statrun_set *s, long long run_id) {
  if (s->last < s->n && s->runs[s->last]->run_id == run_id)
    return s->last;
  for (int i = 0; i < s->n; i++)
    if (s->runs[i]->run_id == run_id)
      return s->last = i;
  return -1;
}

static void set_aside_idle(gcw_statrun_set *s);

/* The run of a line, NULL if its statistics are not kept. A run set aside that goes on
** has values that no longer hold: they are left to SQL. */
static run_stats *get(gcw_statrun_set *s, long long run_id) {
  if ((++s->events & (GCW_STATRUN_IDLE / 4 - 1)) == 0)
    set_aside_idle(s);
  int i = find(s, run_id);
  if (i < 0 || s->runs[i]->broken)
    return NULL;
  run_stats *r = s->runs[i];
  r->last_event = s->events;
  if (r->set_aside) {
    r->broken = 1;
    return NULL;
  }
  return r;
}

/* ---- stats.c main_pass() ---- */

static void add_pause(run_stats *r, const cyc *c) {
  if (!c->has_pause)
    return;
  if (r->pauses++ == 0 || c->pause > r->pause_max_ms) {
    r->pause_max_ms = c->pause;
    r->pause_max_gc = c->gc;
  }
  r->pause_total_ms += c->pause;
  if (dist_add(&r->pause, c->pause))
    r->broken = 1;
}

static void add_live(run_stats *r, const cyc *c) {
  if (!c->has_live)
    return;
  double y = c->live;
  if (r->lives++ == 0 || y < r->live_min)
    r->live_min = y;
  if (r->lives == 1 || y > r->live_max)
    r->live_max = y;
  r->live_last = y;
  if (!c->has_t)
    return;
  double x = c->t, n = (double)++r->trend_n;
  double dx = x - r->mean_t;
  r->mean_t += dx / n;
  r->mean_y += (y - r->mean_y) / n;
  r->c_ty += dx * (y - r->mean_y);
  r->m2_t += dx * (x - r->mean_t);
}

static void add_cpu(run_stats *r, const cyc *c) {
  if (c->has_cpu_pct) {
    r->has_cpu_pct = 1;
    r->cpu_pct_last = c->cpu_pct;
  }
  if (!c->has_bg)
    return;
  r->has_mark_cpu = 1;
  r->assist_ms += c->assist;
  r->bg_ms += c->bg;
  r->idle_ms += c->idle;
  r->cpu_total_ms += c->cpu_stw + c->assist + c->bg;
}

/* ---- the other series (stats.c all_percentiles()) ---- */

static void alloc_finish(run_stats *r, gcw_stat_values *out) {
  int has_run, has_max;
  double run, max;
  gcw_alloc_finish(&r->alloc_acc, &has_run, &run, &has_max, &max);
  if (has_run)
    gcw_stats_put(out, GCW_STAT_ALLOC_RUN, run);
  if (has_max)
    gcw_stats_put(out, GCW_STAT_ALLOC_WIN_MAX, max);
}

static void add_series(run_stats *r, const cyc *c) {
  int bad = 0;
  if (c->has_t) {
    if (r->prev_timed && c->gc - r->prev_gc == 1)
      bad |= dist_add(&r->interval, (c->t - r->prev_t) * 1000);
    r->prev_timed = 1;
    r->prev_t = c->t;
    r->prev_gc = c->gc;
  }
  if (c->has_t && c->has_live && c->has_start && c->has_end) {
    double dt = c->t - r->prev_heap_t;
    if (r->prev_heap && c->gc - r->prev_heap_gc == 1 && dt > 0)
      bad |= dist_add(&r->alloc, (double)(c->start_mb + r->prev_freed_mid) / dt);
    if (r->prev_heap && c->gc - r->prev_heap_gc == 1)
      gcw_alloc_pair(&r->alloc_acc, c->start_mb + r->prev_freed_mid, gcw_alloc_t_ms(c->t),
                     gcw_alloc_t_ms(c->t) - gcw_alloc_t_ms(r->prev_heap_t));
    r->prev_heap = 1;
    r->prev_heap_t = c->t;
    r->prev_heap_gc = c->gc;
    r->prev_freed_mid = c->end_mb - c->start_mb - c->live_mb;
  }
  if (c->has_goal && c->has_live && c->live_mb > 0)
    bad |= dist_add(&r->goal_live, (double)c->goal_mb / (double)c->live_mb);
  if (bad)
    r->broken = 1;
}

/* ---- GC CPU over a sliding window (stats.c cpu_window()) ----
** The window is 10 s, or the process time up to the end of the last cycle when that is
** shorter, known only at the end. Both are followed: the 10 s window with the cycles of
** its last 10 s, and for the whole-run window the prefix sums, which are what stats.c
** sums then, best per GOMAXPROCS (for a fixed P the largest sum gives the largest share). */

static void cpu_cycle(run_stats *r, const cyc *c) {
  if (!c->has_t || !c->has_bg)
    return;
  double t_ms = c->t * 1000;
  double cpu = c->cpu_sweep + c->cpu_scan + c->assist + c->bg + c->cpu_term;
  double procs = c->has_procs ? c->procs : 0.0;
  if (r->cpu_leads == 0)
    r->cpu_first_ms = t_ms;
  if (r->cpu_leads == 0 || t_ms > r->cpu_max_ms)
    r->cpu_max_ms = t_ms;
  long long lead = r->cpu_leads++;
  r->cpu_sum10 += cpu;
  r->cpu_prefix += cpu;
  if (ring_push(&r->cpu, &(cpu_entry){t_ms, cpu})) {
    r->broken = 1;
    return;
  }
  while (cpu_at(&r->cpu, r->cpu.head)->t_ms <= t_ms - CPU_WINDOW_MS)
    r->cpu_sum10 -= cpu_at(&r->cpu, r->cpu.head++)->cpu;
  if (!(procs > 0))
    return;
  double pct = r->cpu_sum10 / (CPU_WINDOW_MS * procs) * 100.0;
  if (!r->cpu_found || pct > r->cpu_best_pct) {
    r->cpu_best_pct = pct;
    r->cpu_best_end_s = t_ms / 1000.0;
    r->cpu_found = 1;
  }
  int i = 0;
  while (i < r->nbest && r->best[i].procs != procs)
    i++;
  if (i == r->nbest) {
    if (r->nbest == PROCS_MAX) {
      r->broken = 1;
      return;
    }
    r->best[r->nbest++] = (procs_best){procs, r->cpu_prefix, t_ms, lead};
  } else if (r->cpu_prefix > r->best[i].sum) {
    r->best[i] = (procs_best){procs, r->cpu_prefix, t_ms, lead};
  }
}

static void cpu_finish(run_stats *r, gcw_stat_values *out) {
  double end = r->cycle_end_ms;
  double w = end > 0 && end < CPU_WINDOW_MS ? end : CPU_WINDOW_MS;
  if (w == CPU_WINDOW_MS) {
    if (r->cpu_found) {
      gcw_stats_put(out, GCW_STAT_GC_CPU_WIN_MAX, r->cpu_best_pct);
      gcw_stats_put(out, GCW_STAT_GC_CPU_WIN_END, r->cpu_best_end_s);
      gcw_stats_put(out, GCW_STAT_GC_CPU_WIN_S, w / 1000.0);
    }
    return;
  }
  /* A window as long as the run drops a cycle only when a later one is w after it. */
  if (r->cpu_leads > 0 && r->cpu_first_ms <= r->cpu_max_ms - w) {
    r->broken = 1;
    return;
  }
  int b = -1;
  double best = 0;
  for (int i = 0; i < r->nbest; i++) {
    double pct = r->best[i].sum / (w * r->best[i].procs) * 100.0;
    if (b < 0 || pct > best || (pct == best && r->best[i].lead < r->best[b].lead)) {
      best = pct;
      b = i;
    }
  }
  if (b >= 0) {
    gcw_stats_put(out, GCW_STAT_GC_CPU_WIN_MAX, best);
    gcw_stats_put(out, GCW_STAT_GC_CPU_WIN_END, r->best[b].t_ms / 1000.0);
    gcw_stats_put(out, GCW_STAT_GC_CPU_WIN_S, w / 1000.0);
  }
}

/* ---- minimum mutator utilization (stats.c mmu()) ----
** The candidates are the same: each window [x, x + w] starting at T0 or at a period's
** start, and the last one [T1 - w, T1]. A candidate is taken when a period ending after
** x + w has arrived (so P(x + w) is known); those still open at the end, with T1 known. */

/* P(y) from period j on: 1 and *out, or 0 if no period ending after y has arrived. */
static int mmu_prefix(const ring *q, long long *j, double y, double total_cum, int final,
                      double *out) {
  while (*j < q->tail && per_at(q, *j)->e <= y)
    (*j)++;
  if (*j == q->tail) {
    *out = total_cum;
    return final;
  }
  const period *p = per_at(q, *j);
  *out = p->before + (y > p->s ? y - p->s : 0);
  return 1;
}

static void mmu_consider(run_stats *r, int k, double stw) {
  if (stw > r->mmu_worst[k])
    r->mmu_worst[k] = stw;
}

/* Take the candidates of window k whose end is known (all of them if final, up to last). */
static void mmu_advance(run_stats *r, int k, int final, double last) {
  double w = mmu_window_ms[k], v;
  if (!r->mmu_t0_done[k]) {
    if (!mmu_prefix(&r->mmu, &r->mmu_ahead[k], r->t_first_s * 1000 + w, r->mmu_cum, final, &v))
      return;
    mmu_consider(r, k, v - 0);
    r->mmu_t0_done[k] = 1;
  }
  for (; r->mmu_cand[k] < r->mmu.tail; r->mmu_cand[k]++) {
    const period *c = per_at(&r->mmu, r->mmu_cand[k]);
    if (final && !(c->s <= last))
      continue;
    if (!mmu_prefix(&r->mmu, &r->mmu_ahead[k], c->s + w, r->mmu_cum, final, &v))
      return;
    mmu_consider(r, k, v - c->before);
  }
}

/* Forget periods no candidate, no lookup and no last window can need any more. */
static void mmu_evict(run_stats *r) {
  long long keep = r->mmu.tail;
  for (int k = 0; k < NMMU; k++) {
    if (r->mmu_cand[k] < keep)
      keep = r->mmu_cand[k];
    if (r->mmu_ahead[k] < keep)
      keep = r->mmu_ahead[k];
  }
  double old = r->mmu_last_e - mmu_window_ms[NMMU - 1];
  while (r->mmu.head < keep && per_at(&r->mmu, r->mmu.head)->e <= old)
    r->mmu.head++;
}

static void mmu_period(run_stats *r, double s, double len) {
  double e = s + len;
  if (ring_push(&r->mmu, &(period){s, e, r->mmu_cum})) {
    r->broken = 1;
    return;
  }
  r->mmu_cum += e - s;
  r->mmu_last_e = e;
  for (int k = 0; k < NMMU; k++)
    mmu_advance(r, k, 0, 0);
  mmu_evict(r);
}

static void mmu_finish(run_stats *r, gcw_stat_values *out) {
  static const enum gcw_stat ids[NMMU] = {GCW_STAT_MMU_1MS, GCW_STAT_MMU_10MS,
                                          GCW_STAT_MMU_100MS, GCW_STAT_MMU_1S};
  if (r->timed == 0)
    return;
  double t0 = r->t_first_s * 1000;
  double t1 = r->stw_end_ms > r->t_last_s * 1000 ? r->stw_end_ms : r->t_last_s * 1000;
  for (int k = 0; k < NMMU; k++) {
    double w = mmu_window_ms[k], last = t1 - w;
    if (!(t1 - t0 >= w))
      continue;
    mmu_advance(r, k, 1, last);
    long long j = r->mmu.head; /* the last window: P(T1) - P(T1 - w) */
    while (j < r->mmu.tail && !(per_at(&r->mmu, j)->e > last))
      j++;
    if (j < r->mmu.tail) {
      const period *p = per_at(&r->mmu, j);
      mmu_consider(r, k, r->stw_total_ms - (p->before + (last > p->s ? last - p->s : 0)));
    } else {
      mmu_consider(r, k, 0);
    }
    double u = 1.0 - r->mmu_worst[k] / w;
    gcw_stats_put(out, ids[k], u < 0 ? 0 : u > 1 ? 1 : u);
  }
}

/* ---- a cycle's time and its stop-the-world periods (stats.c cycle_periods()) ---- */

static void add_time(run_stats *r, const cyc *c) {
  if (!c->has_t)
    return;
  if (r->timed++ == 0) {
    r->t_first_s = c->t;
    r->gc_first = c->gc;
  }
  r->t_last_s = c->t;
  r->gc_last = c->gc;
  double t = c->t * 1000;
  if (t < r->cycle_end_ms)
    t = r->cycle_end_ms;
  double start[2] = {t, t}, len[2] = {0, 0};
  if (c->has_sweep && c->has_term) {
    len[0] = c->sweep;
    start[1] = t + len[0] + c->mid;
    len[1] = c->term;
  } else if (c->has_pause) {
    len[0] = c->pause;
    start[1] = t + len[0];
  }
  r->cycle_end_ms = start[1] + len[1];
  for (int i = 0; i < 2; i++)
    if (len[i] > 0) {
      r->stw_total_ms += len[i];
      r->stw_end_ms = start[i] + len[i];
      mmu_period(r, start[i], len[i]);
    }
}

/* ---- the scavenger (stats.c scavenger()) ---- */

/* The cycles that could have freed a release: latest first wins, so an earlier cycle
** that freed no more than a later one is never the answer and is dropped. */
static void freed_push(run_stats *r, const cyc *c) {
  if (!c->has_t || !c->has_end || !c->has_live)
    return;
  long long f = c->end_mb - c->live_mb;
  while (r->nfreed > 0 && r->freed[r->nfreed - 1] <= f)
    r->nfreed--;
  if (r->nfreed == r->freed_cap) {
    int cap = r->freed_cap ? r->freed_cap * 2 : 64;
    if (cap > GCW_STATRUN_WINDOW) {
      r->broken = 1;
      return;
    }
    long long *nf = realloc(r->freed, (size_t)cap * sizeof *nf);
    if (!nf) {
      r->broken = 1;
      return;
    }
    r->freed = nf;
    double *nt = realloc(r->freed_t, (size_t)cap * sizeof *nt);
    if (!nt) {
      r->broken = 1;
      return;
    }
    r->freed_t = nt;
    r->freed_cap = cap;
  }
  r->freed[r->nfreed] = f;
  r->freed_t[r->nfreed++] = c->t;
}

/* @t of the latest cycle so far that freed at least x MB (1), or 0. */
static int freed_find(const run_stats *r, double x, double *t) {
  int lo = 0, hi = r->nfreed; /* freed decreases: the entries >= x are a prefix */
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if ((double)r->freed[mid] >= x)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0)
    return 0;
  *t = r->freed_t[lo - 1];
  return 1;
}

static void scav_cycle(run_stats *r, const cyc *c) {
  long long peak = c->has_start ? c->start_mb : 0, e = c->has_end ? c->end_mb : 0;
  if (e > peak)
    peak = e;
  if (!r->peak_known || peak > r->heap_peak)
    r->heap_peak = peak;
  r->peak_known = 1;
  r->last_known = 1;
  r->last_gc_num = c->gc;
  r->last_has_t = c->has_t;
  r->last_t = c->t;
  freed_push(r, c);
}

void gcw_statrun_scav(gcw_statrun_set *s, long long run_id, long cycle, const gcw_event *ev) {
  run_stats *r = get(s, run_id);
  if (!r)
    return;
  double k = (double)(int_of(ev, GCW_F_work_kib) + int_of(ev, GCW_F_work_bg_kib) +
                      int_of(ev, GCW_F_work_eager_kib) + int_of(ev, GCW_F_released_kb) +
                      int_of(ev, GCW_F_released_mb) * 1024);
  r->scav_sum += k;
  if (r->scav_lines++ == 0 || k > r->scav_max_kib ||
      (k == r->scav_max_kib && ev->line < r->scav_max_line)) {
    r->scav_max_kib = k;
    r->scav_max_line = ev->line;
    r->scav_max_has_gc = cycle >= 0;
    r->scav_max_gc = (double)cycle;
    /* the cycle numbered `gc` is the run's latest one: later cycles number higher */
    r->scav_max_has_t = cycle >= 0 && r->last_known && r->last_gc_num == (double)cycle &&
                        r->last_has_t;
    r->scav_max_t = r->last_t;
    r->scav_has_lag = r->scav_max_has_t && freed_find(r, k / 1024.0 / 2.0, &r->scav_lag_t);
  }
  if (!has(ev, GCW_F_released_kib) && !has(ev, GCW_F_heap_released_mb))
    return;
  if (r->has_now && ev->line < r->now_line)
    return;
  r->has_now = 1;
  r->now_line = ev->line;
  r->now_mb = !has(ev, GCW_F_released_kib) ? (double)int_of(ev, GCW_F_heap_released_mb)
                                           : (double)int_of(ev, GCW_F_released_kib) / 1024.0;
  r->now_consumed = has(ev, GCW_F_consumed_mb);
  r->now_consumed_mb = (double)int_of(ev, GCW_F_consumed_mb);
  r->now_has_gc = cycle >= 0;
  r->now_peak = r->peak_known ? (double)r->heap_peak : 0;
}

static void scav_finish(const run_stats *r, gcw_stat_values *out) {
  if (r->scav_lines == 0)
    return;
  gcw_stats_put(out, GCW_STAT_SCAV_RELEASED, r->scav_sum / 1024.0);
  if (r->has_now) {
    gcw_stats_put(out, GCW_STAT_SCAV_NOW_FINAL, r->now_mb);
    double peak = !r->now_consumed && r->now_has_gc ? r->now_peak : 0;
    if (r->now_consumed)
      gcw_stats_put(out, GCW_STAT_SCAV_RETAINED, r->now_consumed_mb);
    else if (peak > 0)
      gcw_stats_put(out, GCW_STAT_SCAV_RETAINED, peak > r->now_mb ? peak - r->now_mb : 0);
  }
  gcw_stats_put(out, GCW_STAT_SCAV_MAX, r->scav_max_kib / 1024.0);
  if (!r->scav_max_has_gc || !(r->scav_max_kib > 0) || !r->scav_max_has_t)
    return;
  gcw_stats_put(out, GCW_STAT_SCAV_MAX_T_S, r->scav_max_t);
  if (r->scav_has_lag)
    gcw_stats_put(out, GCW_STAT_SCAV_LAG_S, r->scav_max_t - r->scav_lag_t);
}

/* ---- the run's life ---- */

void gcw_statrun_gc(gcw_statrun_set *s, long long run_id, const gcw_event *ev, int has_pause,
                    double pause_ms) {
  run_stats *r = get(s, run_id);
  cyc c;
  if (!r)
    return;
  if (!has(ev, GCW_F_gc)) {
    r->broken = 1;
    return;
  }
  read_cycle(ev, has_pause, pause_ms, &c);
  r->cycles++;
  add_pause(r, &c);
  add_time(r, &c);
  add_live(r, &c);
  add_cpu(r, &c);
  add_series(r, &c);
  cpu_cycle(r, &c);
  scav_cycle(r, &c);
}

static void main_finish(const run_stats *t, gcw_stat_values *r) {
  gcw_stats_put(r, GCW_STAT_CYCLES, (double)t->cycles);
  if (t->pauses) {
    gcw_stats_put(r, GCW_STAT_PAUSE_MAX_MS, t->pause_max_ms);
    gcw_stats_put(r, GCW_STAT_PAUSE_MAX_GC, t->pause_max_gc);
    gcw_stats_put(r, GCW_STAT_PAUSE_TOTAL_MS, t->pause_total_ms);
  }
  if (t->timed) {
    double span = t->t_last_s - t->t_first_s;
    gcw_stats_put(r, GCW_STAT_DURATION_S, span);
    if (span > 0)
      gcw_stats_put(r, GCW_STAT_CYCLES_PER_MIN, (t->gc_last - t->gc_first) * 60.0 / span);
  }
  if (t->has_cpu_pct)
    gcw_stats_put(r, GCW_STAT_GC_CPU_PCT_FINAL, t->cpu_pct_last);
  if (t->has_mark_cpu) {
    double mark = t->assist_ms + t->bg_ms + t->idle_ms;
    gcw_stats_put(r, GCW_STAT_GC_CPU_MS_TOTAL, t->cpu_total_ms);
    if (mark > 0)
      gcw_stats_put(r, GCW_STAT_ASSIST_SHARE, t->assist_ms * 100.0 / mark);
  }
  if (t->lives) {
    gcw_stats_put(r, GCW_STAT_LIVE_MIN_MB, t->live_min);
    gcw_stats_put(r, GCW_STAT_LIVE_MAX_MB, t->live_max);
    gcw_stats_put(r, GCW_STAT_LIVE_FINAL_MB, t->live_last);
    if (t->m2_t > 0)
      gcw_stats_put(r, GCW_STAT_LIVE_TREND, t->c_ty / t->m2_t * 60.0);
  }
}

/* The values if the run ended now (its state is used up). */
static void finish(run_stats *r, gcw_stat_values *out) {
  memset(out, 0, sizeof *out);
  if (r->broken)
    return;
  main_finish(r, out);
  dist_put(&r->pause, 500, GCW_STAT_PAUSE_P50_MS, out);
  dist_put(&r->pause, 900, GCW_STAT_PAUSE_P90_MS, out);
  dist_put(&r->pause, 990, GCW_STAT_PAUSE_P99_MS, out);
  dist_put(&r->interval, 500, GCW_STAT_INTERVAL_P50_MS, out);
  dist_put(&r->interval, 900, GCW_STAT_INTERVAL_P90_MS, out);
  dist_put(&r->interval, 990, GCW_STAT_INTERVAL_P99_MS, out);
  dist_put(&r->alloc, 500, GCW_STAT_ALLOC_RATE, out);
  alloc_finish(r, out);
  dist_put(&r->goal_live, 0, GCW_STAT_GOAL_LIVE_MIN, out);
  dist_put(&r->goal_live, 500, GCW_STAT_GOAL_LIVE_P50, out);
  cpu_finish(r, out);
  mmu_finish(r, out);
  scav_finish(r, out);
}

static void free_buffers(run_stats *r) {
  dist_free(&r->pause);
  dist_free(&r->interval);
  dist_free(&r->alloc);
  dist_free(&r->goal_live);
  ring_free(&r->cpu);
  ring_free(&r->mmu);
  free(r->freed);
  free(r->freed_t);
}

/* Runs open but idle (no line in the last GCW_STATRUN_IDLE lines: a process that ended,
** its run still open in case it goes on) keep their values, not their buffers, so that
** memory does not grow with the number of runs. */
static void set_aside_idle(gcw_statrun_set *s) {
  for (int i = 0; i < s->n; i++) {
    run_stats *r = s->runs[i];
    if (r->broken || r->set_aside || s->events - r->last_event < GCW_STATRUN_IDLE)
      continue;
    finish(r, &r->final);
    free_buffers(r);
    memset(&r->pause, 0, sizeof r->pause);
    memset(&r->interval, 0, sizeof r->interval);
    memset(&r->alloc, 0, sizeof r->alloc);
    memset(&r->goal_live, 0, sizeof r->goal_live);
    r->freed = NULL;
    r->freed_t = NULL;
    r->set_aside = 1;
  }
}

void gcw_statrun_break(gcw_statrun_set *s, long long run_id) {
  for (int i = 0; i < s->n; i++) /* every state of that id (a replay may open it again) */
    if (s->runs[i]->run_id == run_id)
      s->runs[i]->broken = 1;
}

int gcw_statrun_close(gcw_statrun_set *s, long long run_id, gcw_stat_values *out) {
  int i = find(s, run_id);
  if (i < 0)
    return 0;
  run_stats *r = s->runs[i];
  s->runs[i] = s->runs[--s->n];
  s->last = 0;
  if (r->set_aside)
    *out = r->final;
  else
    finish(r, out);
  int ok = !r->broken;
  run_free(r);
  return ok;
}
