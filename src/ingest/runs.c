/* runs.c: the run tracker. See runs.h for the rule. */
#include "runs.h"

#include "limits.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

/* Room for this many runs at first; the table doubles up to GCW_RUNS_OPEN, so a stream
** with one process (the usual case, and most streams of a fleet's journal) stays small. */
enum { RUNS_FIRST = 4 };
_Static_assert(RUNS_FIRST <= GCW_RUNS_OPEN, "the first table fits the ceiling");

struct gcw_runs {
  gcw_runs_sink sink;
  gcw_run *open;     /* cap slots, nopen in use */
  int nopen, cap;
  int *ordinals;     /* runs started in this source (shared by its streams' trackers) */
  gcw_run *current;  /* run of the latest gc line */
  long clock;        /* events seen, for least-recently-used */
};

gcw_err gcw_runs_new(gcw_runs **out, gcw_runs_sink sink, int *ordinals) {
  gcw_runs *rs = calloc(1, sizeof *rs);
  *out = rs;
  if (!rs)
    return GCW_ENOMEM;
  rs->sink = sink;
  rs->ordinals = ordinals;
  rs->open = malloc(RUNS_FIRST * sizeof *rs->open);
  rs->cap = RUNS_FIRST;
  if (!rs->open) {
    gcw_runs_free(out);
    return GCW_ENOMEM;
  }
  return GCW_OK;
}

void gcw_runs_free(gcw_runs **pp) {
  if (!pp || !*pp)
    return;
  free((*pp)->open);
  free(*pp);
  *pp = NULL;
}

const char *gcw_era_text(int lo, int hi, int conflict, char *buf, size_t n) {
  if (conflict || lo > hi)
    snprintf(buf, n, "mixed");
  else if (lo == 0 && hi == 99)
    snprintf(buf, n, "unknown");
  else if (hi == 99)
    snprintf(buf, n, "go1.%d+", lo);
  else if (lo == hi)
    snprintf(buf, n, "go1.%d", lo);
  else
    snprintf(buf, n, "go1.%d-1.%d", lo, hi);
  return buf;
}

/* What every call leaves true: the table within its ceiling, `current` one of the open
** runs, and each open run's figures consistent with one another. */
static int run_ok(const gcw_run *r) {
  return r->cycles >= 0 && r->missing >= 0 && r->first_line <= r->last_line &&
         r->era_min <= r->era_max && r->nexcl >= 0 && r->nexcl <= 4 &&
         (r->cycles == 0 || r->first_gc <= r->last_gc);
}

static int runs_ok(const gcw_runs *rs) {
  return rs->nopen >= 0 && rs->nopen <= rs->cap && rs->cap <= GCW_RUNS_OPEN &&
         (!rs->current || (rs->current >= rs->open && rs->current < rs->open + rs->nopen &&
                           run_ok(rs->current)));
}

static void close_run(gcw_runs *rs, int i) {
  if (rs->sink.closed)
    rs->sink.closed(rs->sink.ctx, &rs->open[i]);
  if (rs->current == &rs->open[i])
    rs->current = NULL;
  rs->open[i] = rs->open[--rs->nopen];
  if (rs->current == &rs->open[rs->nopen]) /* it moved into slot i */
    rs->current = &rs->open[i];
}

/* Room for one more run: a larger table while below GCW_RUNS_OPEN; 0 when full (or
** when memory is short: then, as at the ceiling, the least recently used run makes room). */
static int grow(gcw_runs *rs) {
  if (rs->nopen < rs->cap)
    return 1;
  int cap = rs->cap * 2 < GCW_RUNS_OPEN ? rs->cap * 2 : GCW_RUNS_OPEN;
  if (cap <= rs->cap)
    return 0;
  gcw_run *bigger = realloc(rs->open, (size_t)cap * sizeof *bigger);
  if (!bigger)
    return 0;
  if (rs->current)
    rs->current = bigger + (rs->current - rs->open);
  rs->open = bigger;
  rs->cap = cap;
  return 1;
}

static gcw_run *start_run(gcw_runs *rs, long line) {
  if (!grow(rs)) {
    if (rs->sink.full)
      rs->sink.full(rs->sink.ctx);
    int lru = 0;
    for (int i = 1; i < rs->nopen; i++)
      if (rs->open[i].last_use < rs->open[lru].last_use)
        lru = i;
    close_run(rs, lru);
  }
  gcw_run *r = &rs->open[rs->nopen++];
  *r = (gcw_run){0};
  r->ordinal = ++*rs->ordinals;
  r->first_line = line;
  r->first_gc = r->last_gc = -1;
  r->first_t = r->last_t = -1;
  r->era_max = 99;
  if (rs->sink.opened)
    rs->sink.opened(rs->sink.ctx, r);
  return r;
}

void gcw_runs_resume(gcw_runs *rs, const gcw_run *run) {
  if (rs->nopen == GCW_RUNS_OPEN)
    return;
  gcw_run *r = &rs->open[rs->nopen++];
  *r = *run;
  r->last_use = ++rs->clock;
  rs->current = r;
}

static int has_time(const gcw_event *ev) { return ev->present[GCW_F_t_s]; }

/* The open run a gc line continues, or NULL for a new run. */
static gcw_run *run_for_cycle(gcw_runs *rs, const gcw_event *ev) {
  long n = (long)ev->v[GCW_F_gc];
  double t = has_time(ev) ? ev->v[GCW_F_t_s] : -1;
  gcw_run *exact = NULL, *lower = NULL;
  for (int i = 0; i < rs->nopen; i++) {
    gcw_run *r = &rs->open[i];
    if (r->cycles == 0 || r->last_gc >= n)
      continue;
    if (t >= 0 && r->last_t > t)
      continue; /* @t never goes back within a process */
    if (r->last_gc == n - 1) {
      /* Several runs could take it: the one that printed last is still running, a
      ** finished process prints nothing more (corpus 07b: compile, link, program). */
      if (!exact || r->last_use > exact->last_use)
        exact = r;
    } else if (!lower || r->last_gc > lower->last_gc) {
      lower = r;
    }
  }
  if (exact)
    return exact;
  /* A run started by scavenger or pacer lines before its first gc line takes it. */
  if (rs->current && rs->current->cycles == 0)
    return rs->current;
  if (n == 1)
    return NULL;
  return lower;
}

static void remember_exclusions(gcw_run *r, const gcw_event *ev) {
  for (int i = 0; i < ev->nexcl; i++) {
    int known = 0;
    for (int j = 0; j < r->nexcl; j++)
      known |= r->excl_min[j] == ev->excl_min[i] && r->excl_max[j] == ev->excl_max[i];
    if (!known && r->nexcl < 4) {
      r->excl_min[r->nexcl] = ev->excl_min[i];
      r->excl_max[r->nexcl++] = ev->excl_max[i];
    }
  }
}

/* The run's era: the intersection of its lines' ranges, then cut by what some line
** excluded (e.g. a scav line without a generation is not Go 1.15-1.18). */
static void narrow(gcw_run *r, const gcw_event *ev) {
  int lo = ev->era_min > r->era_min ? ev->era_min : r->era_min;
  int hi = ev->era_max < r->era_max ? ev->era_max : r->era_max;
  remember_exclusions(r, ev);
  for (int j = 0; j < r->nexcl; j++) {
    if (lo >= r->excl_min[j] && lo <= r->excl_max[j])
      lo = r->excl_max[j] + 1;
    if (hi >= r->excl_min[j] && hi <= r->excl_max[j])
      hi = r->excl_min[j] - 1;
  }
  if (lo > hi)
    r->era_conflict = 1;
  else {
    r->era_min = lo;
    r->era_max = hi;
  }
}

static void add_cycle(gcw_run *r, const gcw_event *ev) {
  long n = (long)ev->v[GCW_F_gc];
  if (r->cycles > 0 && n > r->last_gc + 1)
    r->missing += n - r->last_gc - 1;
  if (r->cycles == 0) {
    r->first_gc = n;
    r->first_t = has_time(ev) ? ev->v[GCW_F_t_s] : -1;
  }
  r->last_gc = n;
  if (has_time(ev))
    r->last_t = ev->v[GCW_F_t_s];
  if (ev->present[GCW_F_procs])
    r->procs = (int)ev->v[GCW_F_procs];
  r->cycles++;
}

gcw_run *gcw_runs_assign(gcw_runs *rs, const gcw_event *ev, long *cycle) {
  assert(runs_ok(rs));
  gcw_run *r;
  int is_gc = ev->family == GCW_FAM_GC || ev->family == GCW_FAM_GC_LEGACY;
  if (is_gc) {
    r = run_for_cycle(rs, ev);
    if (!r)
      r = start_run(rs, ev->line);
    add_cycle(r, ev);
    rs->current = r;
  } else {
    r = rs->current ? rs->current : (rs->current = start_run(rs, ev->line));
    r->scav_lines += ev->family == GCW_FAM_SCAV || ev->family == GCW_FAM_SCVG;
    r->pacer_lines += ev->family == GCW_FAM_PACER;
    r->forced_lines += ev->family == GCW_FAM_FORCED || ev->family == GCW_FAM_FORCED_OLD;
  }
  narrow(r, ev);
  r->repaired += ev->repaired != 0;
  r->unknown_parts += ev->unknown_parts;
  if (ev->line < r->first_line)
    r->first_line = ev->line;
  if (ev->line > r->last_line)
    r->last_line = ev->line;
  r->last_use = ++rs->clock;
  *cycle = r->last_gc;
  assert(runs_ok(rs) && run_ok(r));
  return r;
}

void gcw_runs_finish(gcw_runs *rs) {
  assert(runs_ok(rs));
  while (rs->nopen > 0) {
    /* close in ordinal order so the store's rows are final in a natural order */
    int first = 0;
    for (int i = 1; i < rs->nopen; i++)
      if (rs->open[i].ordinal < rs->open[first].ordinal)
        first = i;
    close_run(rs, first);
  }
  rs->current = NULL;
}
