/*
** plot_data.c: a run read through the store's read API (store_read.h) into the
** datablocks of the script: first measured over every row (counts, x range, the
** largest pause and the nearest-rank p99: statistics are never decimated), then each
** data set streamed row by row in time order ($gc and $win in one pass over the cycles,
** then $scav, $scvg, $find). Memory stays flat whatever the run's length.
*/
#include "plot_int.h"

#include "percentile.h"
#include "severity.h"
#include "walltime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static gcw_err db_fail(gcw_plot *p) {
  return pl_fail(p, GCW_EDB, "cannot read database: %s", gcw_db_errmsg(p->db));
}

/* ---------------------------------------------------------------- reading the store */

/* Open query q of the run (?2 = b); NULL on a database error. */
static gcw_rows *query(gcw_plot *p, enum gcw_query q, long long b) {
  gcw_rows *r = NULL;
  return gcw_rows_open(p->db, &r, q, p->run, b) == GCW_OK ? r : NULL;
}

static double real_or_nan(const gcw_rows *r, int c) { return gcw_rows_real_or_nan(r, c); }

/* "2026-11-23T19:17:03.282Z" as seconds since the epoch; NAN when it is not one. */
static double wall_seconds(const unsigned char *w) { return gcw_wall_seconds((const char *)w); }

/* x of a cycle (or of a line placed at a cycle) by the run's x mode. */
static double x_of(const gcw_plot *p, const unsigned char *wall, double t_s, double gc) {
  switch (p->xmode) {
  case GCW_PLOT_X_WALL: return wall_seconds(wall);
  case GCW_PLOT_X_T: return t_s;
  case GCW_PLOT_X_GC: return gc;
  }
  return NAN;
}

/* One query whose single row fills some numbers: GCW_OK with *out on that row, or on
** NULL when the query gave no row; or the database's error. */
static gcw_err one_row(gcw_plot *p, enum gcw_query q, gcw_rows **out) {
  *out = query(p, q, 0);
  if (!*out)
    return db_fail(p);
  int rc = gcw_rows_next(*out);
  if (rc == 1)
    return GCW_OK;
  gcw_rows_close(out);
  return rc == 0 ? GCW_OK : db_fail(p);
}

/* The same for a query that always gives one row (an aggregate). */
static gcw_err aggregate(gcw_plot *p, enum gcw_query q, gcw_rows **out) {
  gcw_err rc = one_row(p, q, out);
  return rc ? rc : *out ? GCW_OK : db_fail(p);
}

/* The runs row: format, procs, source; a run that is not there is an error. */
static gcw_err read_run(gcw_plot *p) {
  gcw_rows *st;
  gcw_err rc = one_row(p, GCW_Q_PLOT_RUN, &st);
  if (rc)
    return rc;
  if (!st)
    return pl_fail(p, GCW_EDB, "no run %lld (see 'gctrace-watch runs')", p->run);
  const unsigned char *f = gcw_rows_text(st, 0), *path = gcw_rows_text(st, 2);
  const unsigned char *kind = gcw_rows_text(st, 3), *added = gcw_rows_text(st, 4);
  snprintf(p->s.source_kind, sizeof p->s.source_kind, "%s", kind ? (const char *)kind : "");
  snprintf(p->s.added_at, sizeof p->s.added_at, "%s", added ? (const char *)added : "");
  p->s.ordinal = gcw_rows_int(st, 5);
  snprintf(p->s.format, sizeof p->s.format, "%s", f ? (const char *)f : "unknown");
  p->s.procs = gcw_rows_int(st, 1);
  const char *src = path ? (const char *)path : "?";
  size_t n = strlen(src), room = sizeof p->s.source - 1;
  snprintf(p->s.source, sizeof p->s.source, "%s%s", n > room ? "..." : "",
           n > room ? src + n - (room - 3) : src);
  gcw_rows_close(&st);
  return 0;
}

/* The end of the time axis: the last line the run printed. A program may idle long after
** its last cycle (scavenger lines, a `GC forced` line, nothing); cutting the axis at the
** last GC would hide that tail. Only watch mode knows when a line came (wall); with @t
** the lines between cycles carry no time of their own and are placed at their cycle, so
** the last @t is the last cycle's. */
static gcw_err read_end(gcw_plot *p) {
  p->s.xend = p->s.xmax;
  if (p->xmode != GCW_PLOT_X_WALL)
    return 0;
  gcw_rows *st;
  gcw_err rc = aggregate(p, GCW_Q_PLOT_LAST_WALL, &st);
  if (rc)
    return rc;
  double last = wall_seconds(gcw_rows_text(st, 0));
  gcw_rows_close(&st);
  if (!isnan(last) && last > p->s.xend)
    p->s.xend = last;
  return 0;
}

/* Counts and x range of the cycles; the x mode follows from them. */
static gcw_err read_cycles(gcw_plot *p) {
  gcw_rows *st;
  gcw_err rc = aggregate(p, GCW_Q_PLOT_SHAPE, &st);
  if (rc)
    return rc;
  pl_shape *s = &p->s;
  s->cycles = gcw_rows_int(st, GCW_PS_CYCLES);
  s->walls = gcw_rows_int(st, GCW_PS_WALLS);
  s->ts = gcw_rows_int(st, GCW_PS_TS);
  s->live = gcw_rows_int(st, GCW_PS_LIVE);
  s->pauses = gcw_rows_int(st, GCW_PS_PAUSES);
  s->forced = gcw_rows_int(st, GCW_PS_FORCED);
  s->cpu = gcw_rows_int(st, GCW_PS_CPU);
  p->xmode = s->cycles && s->walls == s->cycles ? GCW_PLOT_X_WALL
             : s->ts                            ? GCW_PLOT_X_T
                                                : GCW_PLOT_X_GC;
  s->t0 = real_or_nan(st, GCW_PS_MIN_T);
  int lo = p->xmode == GCW_PLOT_X_WALL ? GCW_PS_MIN_WALL
           : p->xmode == GCW_PLOT_X_T  ? GCW_PS_MIN_T
                                       : GCW_PS_MIN_GC; /* each max is the column after */
  s->xmin = p->xmode == GCW_PLOT_X_WALL ? wall_seconds(gcw_rows_text(st, lo))
                                        : real_or_nan(st, lo);
  s->xmax = p->xmode == GCW_PLOT_X_WALL ? wall_seconds(gcw_rows_text(st, lo + 1))
                                        : real_or_nan(st, lo + 1);
  gcw_rows_close(&st);
  if (!s->cycles)
    return pl_fail(p, GCW_EDB, "run %lld has no GC cycles to plot", p->run);
  if (isnan(s->xmin) || isnan(s->xmax))
    return pl_fail(p, GCW_EDB, "run %lld: its cycles carry no usable time", p->run);
  return read_end(p);
}

/* Largest pause and the nearest-rank p99 (percentile.h), over every
** cycle: sorted from the top, so SQLite keeps only the top 1% while sorting. */
static gcw_err read_pauses(gcw_plot *p) {
  gcw_rows *st;
  p->s.max_pause_ms = p->s.p99_ms = -1;
  if (!p->s.pauses)
    return 0;
  gcw_err rc = aggregate(p, GCW_Q_PLOT_MAX_PAUSE, &st); /* pauses > 0: a row */
  if (rc)
    return rc;
  p->s.max_pause_ms = gcw_rows_real(st, 0);
  p->s.max_pause_gc = gcw_rows_int(st, 1);
  gcw_rows_close(&st);
  long long n = p->s.pauses, rank = gcw_nearest_rank(990, n); /* p99 */
  st = query(p, GCW_Q_PLOT_PAUSE_AT, n - rank);
  if (!st)
    return db_fail(p);
  int row = gcw_rows_next(st);
  if (row == 1)
    p->s.p99_ms = gcw_rows_real(st, 0);
  gcw_rows_close(&st);
  return row == 1 ? GCW_OK : db_fail(p);
}

/* GOMEMLIMIT as the Go runtime reads it: a whole number of bytes with an optional B, KiB,
** MiB, GiB or TiB; in MiB, or NAN ("off", or not a value the runtime would take). */
static double memlimit_mib(const char *v) {
  static const struct { const char *suffix; double mib; } units[] = {
      {"", 1.0 / 1048576}, {"B", 1.0 / 1048576}, {"KiB", 1.0 / 1024}, {"MiB", 1},
      {"GiB", 1024}, {"TiB", 1048576}};
  if (!v || *v < '0' || *v > '9')
    return NAN;
  char *end;
  double n = strtod(v, &end);
  for (const char *c = v; c < end; c++)
    if (*c < '0' || *c > '9')
      return NAN; /* digits only: no sign, point or exponent */
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (strcmp(end, units[i].suffix) == 0)
      return n * units[i].mib;
  return NAN;
}

/* The run's labels (--label) for the title, and the memory limit it ran with: a
** GOMEMLIMIT label, or the environment child mode recorded. Stores written before these
** tables existed have neither. */
static gcw_err read_labels(gcw_plot *p) {
  const char *tables[] = {"run_labels", "run_program"};
  enum gcw_query qs[] = {GCW_Q_PLOT_LABELS, GCW_Q_PLOT_PROGRAM};
  size_t len = 0;
  for (int t = 0; t < 2; t++) {
    int has = gcw_db_has_table(p->db, tables[t]);
    if (has < 0)
      return db_fail(p);
    gcw_rows *st = has ? query(p, qs[t], 0) : NULL;
    if (has && !st)
      return db_fail(p);
    int step = 0;
    while (st && (step = gcw_rows_next(st)) == 1) {
      const char *k = (const char *)gcw_rows_text(st, 0);
      const char *v = t == 0 ? (const char *)gcw_rows_text(st, 1) : k;
      if (t == 0 && k && len < sizeof p->s.labels - 1)
        len += (size_t)snprintf(p->s.labels + len, sizeof p->s.labels - len, "%s%s=%s",
                                len ? ", " : "", k, v ? v : "");
      if ((t == 1 || (k && strcmp(k, "GOMEMLIMIT") == 0)) && !isnan(memlimit_mib(v)))
        p->s.limit_mb = memlimit_mib(v); /* the environment, read last, wins */
    }
    gcw_rows_close(&st);
    if (step < 0)
      return db_fail(p);
  }
  if (len >= sizeof p->s.labels)
    memcpy(p->s.labels + sizeof p->s.labels - 4, "...", 4);
  return 0;
}

static gcw_err read_others(gcw_plot *p) {
  gcw_rows *st;
  gcw_err rc = aggregate(p, GCW_Q_PLOT_OTHERS, &st);
  if (rc)
    return rc;
  p->s.scav = gcw_rows_int(st, 0);
  p->s.scvg = gcw_rows_int(st, 1);
  p->s.findings = gcw_rows_int(st, 2);
  gcw_rows_close(&st);
  /* A memory limit held the goal down: the goal's ceiling up to there is the limit less
  ** the runtime's other memory (write_cycles measures it). */
  p->s.limit_mb = NAN;
  rc = aggregate(p, GCW_Q_PLOT_THRASH_GC, &st);
  if (rc)
    return rc;
  p->s.thrash_gc = gcw_rows_int(st, 0);
  gcw_rows_close(&st);
  return read_labels(p);
}


gcw_err pl_measure(gcw_plot *p) {
  int rc = read_run(p);
  if (!rc)
    rc = read_cycles(p);
  if (!rc)
    rc = read_pauses(p);
  if (!rc)
    rc = read_others(p);
  if (!rc)
    rc = pl_read_samples(p);
  if (rc)
    return rc;
  pl_choose_window(p);
  p->st->x = p->xmode;
  p->st->window_s = p->window_s;
  p->st->p99_pause_ms = p->s.p99_ms;
  return 0;
}

/* The time of a cycle for intervals: @t when it has one, else its x (wall). */
static double cycle_time(const gcw_plot *p, gcw_rows *st, double x) {
  double t = real_or_nan(st, GCW_PC_T);
  return isnan(t) && p->xmode == GCW_PLOT_X_WALL ? x : t;
}

static void cycle_row(gcw_plot *p, pl_block *b, pl_windows *w, gcw_rows *st, double *prev_t) {
  double x = x_of(p, gcw_rows_text(st, GCW_PC_WALL), real_or_nan(st, GCW_PC_T),
                  real_or_nan(st, GCW_PC_GC));
  double t = cycle_time(p, st, x);
  double v[G_N] = {
      [G_LIVE] = real_or_nan(st, GCW_PC_LIVE),     [G_START] = real_or_nan(st, GCW_PC_START),
      [G_GOAL] = real_or_nan(st, GCW_PC_GOAL),     [G_END] = real_or_nan(st, GCW_PC_END),
      [G_PAUSE] = real_or_nan(st, GCW_PC_PAUSE),   [G_FORCED] = real_or_nan(st, GCW_PC_FORCED),
      [G_CPU] = real_or_nan(st, GCW_PC_CPU),       [G_INTERVAL] = (t - *prev_t) * 1000};
  if (v[G_INTERVAL] == 0)
    p->zero_intervals++;
  *prev_t = t;
  for (int c = G_LIVE; c <= G_END; c++)
    pl_grow(&p->ymax[P_HEAP], v[c]);
  pl_grow(&p->ymax[P_SCAV], v[p->s.live ? G_LIVE : G_END]);
  p->last_live = v[p->s.live ? G_LIVE : G_END];
  pl_grow(&p->ymax[P_CPU], v[G_CPU]);
  int known = !isnan(p->s.limit_mb) && !p->s.limit_inferred; /* said, not inferred */
  if (!known && p->s.thrash_gc > 0 && gcw_rows_int(st, GCW_PC_GC) <= p->s.thrash_gc &&
      !isnan(v[G_GOAL]) && (isnan(p->s.limit_mb) || v[G_GOAL] > p->s.limit_mb)) {
    p->s.limit_mb = v[G_GOAL];
    p->s.limit_inferred = 1;
  }
  pl_block_row(p, b, x, v);
  double cpu_ms[W_N] = {
      [W_STW] = real_or_nan(st, GCW_PC_STW1) + real_or_nan(st, GCW_PC_STW2),
      [W_ASSIST] = real_or_nan(st, GCW_PC_ASSIST), [W_BG] = real_or_nan(st, GCW_PC_BG),
      [W_IDLE] = real_or_nan(st, GCW_PC_IDLE)};
  pl_window_add(p, w, x, gcw_rows_real(st, GCW_PC_PROCS), cpu_ms);
}

static gcw_err write_cycles(gcw_plot *p) {
  pl_block b = {.id = GCW_PLOT_GC};
  pl_windows w = {NULL};
  double prev_t = NAN;
  p->last_live = NAN;
  gcw_rows *st = query(p, GCW_Q_PLOT_CYCLES, 0);
  int rc = st ? pl_block_begin(p, &b, GCW_PLOT_GC, G_N, p->s.cycles) : db_fail(p);
  if (!rc && p->nwin && (p->panels & (1u << P_INTERVAL | 1u << P_CPU))) {
    w.sum = calloc((size_t)p->nwin, sizeof *w.sum);
    rc = w.sum ? 0 : pl_fail(p, GCW_ENOMEM, "out of memory");
  }
  int step = 0;
  while (!rc && (step = gcw_rows_next(st)) == 1)
    cycle_row(p, &b, &w, st, &prev_t);
  if (!rc && step != 0)
    rc = db_fail(p);
  if (!rc)
    pl_block_end(p, &b);
  if (!rc && w.sum)
    pl_write_windows(p, &w);
  gcw_rows_close(&st);
  pl_block_free(&b);
  free(w.sum);
  return rc;
}

/* ---------------------------------------------------------------- placing other lines */

/* A cursor over the cycles in number order, to find the x of cycle `gc` while the lines
** that name cycles are read in the same order: memory stays flat for any run. */
typedef struct cursor {
  gcw_rows *st;
  int done;
  long long gc; /* the cycle under the cursor */
  double x;
} cursor;

static gcw_err cursor_open(gcw_plot *p, cursor *c) {
  memset(c, 0, sizeof *c);
  c->gc = -1;
  c->st = query(p, GCW_Q_PLOT_CYCLE_X, 0);
  return c->st ? 0 : db_fail(p);
}

/* x of cycle gc (NAN when the run has no such cycle); gc must not go down between calls
** (a lower one gives NAN). */
static double cursor_x(const gcw_plot *p, cursor *c, long long gc) {
  while (!c->done && c->gc < gc) {
    if (gcw_rows_next(c->st) != 1) {
      c->done = 1;
      break;
    }
    c->gc = gcw_rows_int(c->st, 0);
    c->x = x_of(p, gcw_rows_text(c->st, 1), real_or_nan(c->st, 2), (double)c->gc);
  }
  return c->gc == gc ? c->x : NAN;
}

/* x of a line that names cycle `gc` (NULL: before the first cycle) and may carry its own
** wall: its own wall in wall mode, else its cycle's x; before any cycle: the first x. */
static double line_x(const gcw_plot *p, cursor *c, gcw_rows *st, int q_gc, int q_wall) {
  if (p->xmode == GCW_PLOT_X_WALL && q_wall >= 0 && !gcw_rows_null(st, q_wall))
    return wall_seconds(gcw_rows_text(st, q_wall));
  if (gcw_rows_null(st, q_gc))
    return p->s.xmin;
  return cursor_x(p, c, gcw_rows_int(st, q_gc));
}

/* ---------------------------------------------------------------- $scav and $scvg */

static gcw_err write_scavenger(gcw_plot *p, enum gcw_plot_block id, enum gcw_query q, int ncols,
                           long long rows) {
  pl_block b = {.id = id};
  cursor c;
  gcw_rows *st = query(p, q, 0);
  int rc = st ? cursor_open(p, &c) : db_fail(p), step = 0;
  if (!st)
    return rc;
  if (!rc)
    rc = pl_block_begin(p, &b, id, ncols, rows);
  while (!rc && (step = gcw_rows_next(st)) == 1) {
    double v[V_N];
    for (int i = 0; i < ncols; i++) {
      v[i] = real_or_nan(st, GCW_PV_FIRST + i);
      if (id == GCW_PLOT_SCVG || i != S_UTIL) /* util % is on y2 */
        pl_grow(&p->ymax[P_SCAV], v[i]);
    }
    pl_block_row(p, &b, line_x(p, &c, st, GCW_PV_GC, GCW_PV_WALL), v);
  }
  if (!rc && step != 0)
    rc = db_fail(p);
  if (!rc)
    pl_block_end(p, &b);
  pl_block_free(&b);
  gcw_rows_close(&c.st);
  gcw_rows_close(&st);
  return rc;
}

/* ---------------------------------------------------------------- $find */

/* 2 error, 1 warn, 0 other (severity.h's rank, less one, at least 0). */
static int severity(const unsigned char *s) {
  int rank = gcw_severity_rank((const char *)s);
  return rank > 1 ? rank - 1 : 0;
}

/* Where a finding goes: its cycle's x; else its t_s (in wall mode placed relative to the
** first cycle, both being seconds). */
static double finding_x(const gcw_plot *p, cursor *c, gcw_rows *st) {
  double x = NAN, t = real_or_nan(st, GCW_PF_T);
  if (!gcw_rows_null(st, GCW_PF_GC))
    x = cursor_x(p, c, gcw_rows_int(st, GCW_PF_GC));
  if (!isnan(x) || isnan(t))
    return x;
  if (p->xmode == GCW_PLOT_X_T)
    return t;
  return p->xmode == GCW_PLOT_X_WALL ? p->s.xmin + (t - p->s.t0) : NAN;
}

/* 1 when a finding at x begins an episode: the first of its kind, or one further from the
** previous finding of its kind than 2% of the time axis (closer ones would be drawn on
** top of each other: one marker stands for them). Rows come in time order. */
static int episode_begins(gcw_plot *p, const unsigned char *kind, double x) {
  const char *k = kind ? (const char *)kind : "?";
  double gap = 0.02 * (p->s.xend - p->s.xmin);
  for (int i = 0; i < p->nep; i++)
    if (strncmp(p->ep[i].kind, k, sizeof p->ep[i].kind - 1) == 0) {
      int begins = x - p->ep[i].x > gap;
      p->ep[i].x = x;
      return begins;
    }
  if (p->nep < MAX_EPISODE_KINDS) {
    snprintf(p->ep[p->nep].kind, sizeof p->ep[p->nep].kind, "%s", k);
    p->ep[p->nep++].x = x;
  }
  return 1;
}

/* Remember the first finding of each kind (rows come in time order). */
static void note_mark(gcw_plot *p, const unsigned char *kind, double x, int sev) {
  const char *k = kind ? (const char *)kind : "?";
  for (int i = 0; i < p->nmarks; i++)
    if (strncmp(p->marks[i].kind, k, sizeof p->marks[i].kind - 1) == 0) {
      if (sev > p->marks[i].sev)
        p->marks[i].sev = sev;
      return;
    }
  if (p->nmarks == MAX_MARKS) {
    p->more_kinds++;
    return;
  }
  pl_mark *m = &p->marks[p->nmarks++];
  snprintf(m->kind, sizeof m->kind, "%s", k);
  m->x = x;
  m->sev = sev;
}

static gcw_err write_findings(gcw_plot *p) {
  pl_block b = {.id = GCW_PLOT_FIND};
  cursor c;
  gcw_rows *st = query(p, GCW_Q_PLOT_FINDINGS, 0);
  int rc = st ? cursor_open(p, &c) : db_fail(p), step = 0;
  if (!st)
    return rc;
  if (!rc)
    rc = pl_block_begin(p, &b, GCW_PLOT_FIND, F_N, 0);
  while (!rc && (step = gcw_rows_next(st)) == 1) {
    double x = finding_x(p, &c, st), v[F_N];
    v[F_SEV] = severity(gcw_rows_text(st, GCW_PF_SEVERITY));
    v[F_MARK] = !isnan(x) && episode_begins(p, gcw_rows_text(st, GCW_PF_KIND), x);
    p->episodes += v[F_MARK] > 0;
    pl_block_row(p, &b, x, v);
    if (!isnan(x))
      note_mark(p, gcw_rows_text(st, GCW_PF_KIND), x, (int)v[F_SEV]);
  }
  if (!rc && step != 0)
    rc = db_fail(p);
  if (!rc)
    pl_block_end(p, &b);
  gcw_rows_close(&c.st);
  gcw_rows_close(&st);
  return rc;
}

gcw_err pl_write_data(gcw_plot *p) {
  int rc = write_cycles(p);
  /* released memory is drawn in the heap panel too, beside RSS (issue 15) */
  unsigned scav_panels = 1u << P_SCAV | (p->s.samples ? 1u << P_HEAP : 0);
  if (!rc && (p->panels & scav_panels) && p->s.scav)
    rc = write_scavenger(p, GCW_PLOT_SCAV, GCW_Q_PLOT_SCAV, S_N, p->s.scav);
  if (!rc && (p->panels & scav_panels) && p->s.scvg)
    rc = write_scavenger(p, GCW_PLOT_SCVG, GCW_Q_PLOT_SCVG, V_N, p->s.scvg);
  if (!rc && p->s.findings)
    rc = write_findings(p);
  if (!rc && p->s.samples && (p->panels & (1u << P_HEAP | 1u << P_RSS)))
    rc = pl_write_rss(p);
  return rc;
}

/* ---------------------------------------------------------------- issue 15: $rss */

/* What the kernel charged the process (process_samples, procsample.h). Samples may
** outlast the last cycle (a process idle after its last GC): the x range grows to hold
** them. A store written before issue 15 has no process_samples table: no samples. */
gcw_err pl_read_samples(gcw_plot *p) {
  int has = gcw_db_has_samples(p->db);
  if (has < 0)
    return db_fail(p);
  if (has && p->xmode != GCW_PLOT_X_GC) {
    gcw_rows *st;
    gcw_err rc = aggregate(p, GCW_Q_PLOT_SAMPLES_SHAPE, &st);
    if (rc)
      return rc;
    p->s.samples = gcw_rows_int(st, GCW_PP_COUNT);
    p->s.cgroup_max = gcw_rows_int(st, GCW_PP_CGROUP_MAX);
    int wall = p->xmode == GCW_PLOT_X_WALL;
    double lo = wall ? wall_seconds(gcw_rows_text(st, GCW_PP_MIN_WALL))
                     : real_or_nan(st, GCW_PP_MIN_T);
    double hi = wall ? wall_seconds(gcw_rows_text(st, GCW_PP_MAX_WALL))
                     : real_or_nan(st, GCW_PP_MAX_T);
    if (p->s.samples && lo < p->s.xmin)
      p->s.xmin = lo;
    if (p->s.samples && hi > p->s.xmax)
      p->s.xmax = hi;
    gcw_rows_close(&st);
  }
  if (!p->s.samples && p->panels != 1u << P_RSS)
    p->panels &= ~(1u << P_RSS); /* the dashboard draws it only for runs with samples */
  return GCW_OK;
}

gcw_err pl_write_rss(gcw_plot *p) {
  pl_block b = {.id = GCW_PLOT_RSS};
  gcw_rows *st = query(p, GCW_Q_PLOT_SAMPLES, 0);
  int rc = st ? pl_block_begin(p, &b, GCW_PLOT_RSS, R_N, p->s.samples) : db_fail(p);
  int step = 0;
  while (!rc && (step = gcw_rows_next(st)) == 1) {
    double v[R_N];
    for (int i = 0; i < R_N; i++)
      v[i] = real_or_nan(st, GCW_PP_RSS + i);
    pl_grow(&p->ymax[P_HEAP], v[R_RSS]);
    pl_grow(&p->ymax[P_HEAP], v[R_CGMAX]);
    pl_grow(&p->ymax[P_RSS], v[R_RSS]);
    pl_grow(&p->ymax[P_RSS], v[R_CGMAX]);
    pl_block_row(p, &b, x_of(p, gcw_rows_text(st, GCW_PP_WALL), real_or_nan(st, GCW_PP_T), NAN),
                 v);
  }
  if (!rc && step != 0)
    rc = db_fail(p);
  if (!rc)
    pl_block_end(p, &b);
  pl_block_free(&b);
  gcw_rows_close(&st);
  return rc;
}
