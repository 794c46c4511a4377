/*
** plot_decimate.c: the datablocks of the script, and the windowed GC CPU estimate.
**
** Decimation. A block of more than GCW_PLOT_MAX_POINTS rows is drawn as GCW_PLOT_BUCKETS
** equal time buckets over the run's x range, each written as its centre and the min and
** the max of every column (a band from min to max: what a line through every point
** would cover at that width, spikes included). Empty buckets are left out. Statistics
** (p99, counts, maxima) never come from here: plot_data.c takes them over every row.
**
** Windowed GC CPU estimate ($win). The run's time span is cut into windows of W seconds,
** W = the smallest 1, 2 or 5 x 10^k seconds that is at least span/60 and at least four
** mean intervals between cycles (at most ~60 windows, ~4 cycles in each on average). A
** cycle counts in the window where it starts, its CPU divided by its own GOMAXPROCS:
**
**   GC CPU % = 100 * sum over the window's cycles of
**              (cpu_sweep_term_ms + cpu_assist_ms + cpu_bg_ms + cpu_mark_term_ms) / procs
**              / (W * 1000)
**
** which is what the runtime adds to its cumulative figure (cpu_pct) per cycle, over a
** window instead of since the start. Idle mark CPU runs on Ps that had nothing else to
** do; like the runtime we leave it out of the estimate, and the plot does not draw it (it
** is not a cost: stacked on top it once made 7% look like 45%). It stays in $win.
** cycles/s = cycles started in the window / W. The last window may be cut short by the
** end of the run and then reads low.
*/
#include "plot_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const block_name[GCW_PLOT_NBLOCKS] = {"$gc", "$win", "$scav", "$scvg",
                                                         "$find", "$rss"};

/* ---------------------------------------------------------------- datablocks */

gcw_err pl_block_begin(gcw_plot *p, pl_block *b, enum gcw_plot_block id, int ncols,
                       long long rows) {
  memset(b, 0, sizeof *b);
  b->id = id;
  b->ncols = ncols;
  p->st->points[id] = 0;
  pl_say(p, "%s << EOD\n", block_name[id]);
  if (rows <= GCW_PLOT_MAX_POINTS)
    return 0;
  b->nb = GCW_PLOT_BUCKETS;
  b->x0 = p->s.xmin;
  b->width = p->s.xmax > p->s.xmin ? (p->s.xmax - p->s.xmin) / b->nb : 1;
  b->count = calloc((size_t)b->nb, sizeof *b->count);
  b->lo = malloc((size_t)b->nb * (size_t)ncols * sizeof *b->lo);
  b->hi = malloc((size_t)b->nb * (size_t)ncols * sizeof *b->hi);
  if (!b->count || !b->lo || !b->hi)
    return pl_fail(p, GCW_ENOMEM, "out of memory");
  for (size_t i = 0; i < (size_t)b->nb * (size_t)ncols; i++)
    b->lo[i] = b->hi[i] = NAN;
  p->st->decimated[id] = 1;
  return 0;
}

static void write_line(gcw_plot *p, double x, const double *v, int n) {
  pl_put_num(p->out, x, "%.4f");
  for (int i = 0; i < n; i++) {
    pl_put(p->out, " ", 1);
    pl_put_num(p->out, v[i], "%.6g");
  }
  pl_put(p->out, "\n", 1);
}

static void bucket_add(pl_block *b, double x, const double *v) {
  long i = (long)floor((x - b->x0) / b->width);
  i = i < 0 ? 0 : i >= b->nb ? b->nb - 1 : i;
  b->count[i]++;
  double *lo = b->lo + (size_t)i * (size_t)b->ncols, *hi = b->hi + (size_t)i * (size_t)b->ncols;
  for (int c = 0; c < b->ncols; c++) {
    if (isnan(v[c]))
      continue;
    if (isnan(lo[c]) || v[c] < lo[c])
      lo[c] = v[c];
    if (isnan(hi[c]) || v[c] > hi[c])
      hi[c] = v[c];
  }
}

/* One row of the pl_block; a row without an x is counted but not drawn. */
void pl_block_row(gcw_plot *p, pl_block *b, double x, const double *v) {
  p->st->rows[b->id]++;
  if (isnan(x))
    return;
  if (b->nb) {
    bucket_add(b, x, v);
    return;
  }
  write_line(p, x, v, b->ncols);
  p->st->points[b->id]++;
}

/* Write the buckets (centre, then min and max of each column) and the end marker. */
void pl_block_end(gcw_plot *p, pl_block *b) {
  double v[2 * MAX_COLS];
  for (int i = 0; i < b->nb; i++) {
    if (!b->count[i])
      continue;
    for (int c = 0; c < b->ncols; c++) {
      v[2 * c] = b->lo[(size_t)i * (size_t)b->ncols + (size_t)c];
      v[2 * c + 1] = b->hi[(size_t)i * (size_t)b->ncols + (size_t)c];
    }
    write_line(p, b->x0 + (i + 0.5) * b->width, v, 2 * b->ncols);
    p->st->points[b->id]++;
  }
  pl_say(p, "EOD\n");
}

void pl_block_free(pl_block *b) {
  free(b->count);
  free(b->lo);
  free(b->hi);
  b->count = NULL;
  b->lo = b->hi = NULL;
}

int pl_col(const gcw_plot *p, enum gcw_plot_block id, int c, int hi) {
  return p->st->decimated[id] ? 2 + 2 * c + hi : 2 + c;
}

double pl_nice_up(double w) {
  double e = pow(10, floor(log10(w)));
  return w <= e ? e : w <= 2 * e ? 2 * e : w <= 5 * e ? 5 * e : 10 * e;
}

void pl_choose_window(gcw_plot *p) {
  double span = p->s.xend - p->s.xmin;
  p->window_s = 0;
  p->nwin = 0;
  if (p->xmode == GCW_PLOT_X_GC)
    return;
  double w = span / MAX_WINDOWS;
  double cycles_span = p->s.xmax - p->s.xmin; /* the mean interval: not over an idle tail */
  if (p->s.cycles > 1 && 4 * cycles_span / (double)(p->s.cycles - 1) > w)
    w = 4 * cycles_span / (double)(p->s.cycles - 1);
  p->window_s = pl_nice_up(w > 0.001 ? w : 0.001);
  p->nwin = (long long)floor(span / p->window_s) + 1;
}

void pl_grow(double *max, double v) {
  if (!isnan(v) && v > *max)
    *max = v;
}

void pl_window_add(gcw_plot *p, pl_windows *w, double x, double procs, const double *cpu_ms) {
  if (!w->sum || isnan(x))
    return;
  long long i = (long long)floor((x - p->s.xmin) / p->window_s);
  i = i < 0 ? 0 : i >= p->nwin ? p->nwin - 1 : i;
  procs = procs >= 1 ? procs : 1; /* unknown GOMAXPROCS: counted as one */
  for (int c = W_STW; c <= W_IDLE; c++)
    if (!isnan(cpu_ms[c]))
      w->sum[i][c] += cpu_ms[c] / procs;
  w->sum[i][W_RATE] += 1;
}

/* $win: the sums as % of the window's CPU, and cycles/s. */
void pl_write_windows(gcw_plot *p, pl_windows *w) {
  pl_block b;
  pl_block_begin(p, &b, GCW_PLOT_WIN, W_N, 0);
  for (long long i = 0; i < p->nwin; i++) {
    double v[W_N];
    for (int c = W_STW; c <= W_IDLE; c++)
      v[c] = w->sum[i][c] / (p->window_s * 1000) * 100;
    v[W_RATE] = w->sum[i][W_RATE] / p->window_s;
    pl_grow(&p->ymax[P_CPU], v[W_STW] + v[W_ASSIST] + v[W_BG]); /* idle mark: not drawn */
    pl_grow(&p->rate_max, v[W_RATE]);
    pl_block_row(p, &b, p->s.xmin + ((double)i + 0.5) * p->window_s, v);
  }
  pl_say(p, "EOD\n");
}

