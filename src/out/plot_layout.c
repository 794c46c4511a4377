/*
** plot_layout.c: the drawing commands of the script: the terminal, the title, one panel
** per quantity on a shared time axis (heap, pause, interval, cpu, scavenger), the keys,
** the finding marks. The data comes first, as datablocks (plot_data.c); nothing here
** reads the store.
*/
#include "plot_int.h"

#include "walltime.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>


/* Colours, one per quantity, the same in every panel. */
#define C_LIVE "#1f4e9c"
#define C_START "#8fb8de"
#define C_GOAL "#e08000"
#define C_FORCED "#c00000"
#define C_PAUSE "#6a3d9a"
#define C_P99 "#c00000"
#define C_RATE "#e08000"
#define C_STW "#404040"
#define C_ASSIST "#c0392b"
#define C_BG "#5b9bd5"
#define C_CUM "#000000"
#define C_RELEASED "#2e8b57"
#define C_WORK "#8cc084"
#define C_UTIL "#a0a0a0"
#define C_SYS "#7f7f7f"
#define C_CONSUMED "#e08000"
#define C_LIMIT "#8b0000"
#define C_RSS "#000000"
#define C_ANON "#b4c7e7"
#define C_FILE "#e2d3a8"
#define C_LAZY "#f4b183"
#define C_CGMAX "#c00000"

/* Relative heights of the panels of the dashboard: the heap is the headline. */
static const int panel_weight[NPANELS] = {2, 1, 1, 1, 1, 1};

/* `set WHAT "text"` with the text escaped. */
static void say_str(gcw_plot *p, const char *what, const char *text, const char *after) {
  pl_say(p, "%s ", what);
  pl_put_str(p->out, text);
  pl_say(p, "%s\n", after ? after : "");
}

/* Appends to a title buffer; a full buffer just stops growing. */
typedef struct text {
  char *buf;
  size_t n, len;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...) {
  if (t->len + 1 >= t->n)
    return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(t->buf + t->len, t->n - t->len, fmt, ap);
  va_end(ap);
  if (k > 0)
    t->len = t->len + (size_t)k < t->n ? t->len + (size_t)k : t->n - 1;
}

/* Seconds since the epoch as "2026-11-23 19:17:03" (UTC); fmt picks the parts. */
static const char *utc(double x, const char *fmt, char *buf, size_t n) {
  return gcw_utc_text(x, fmt, buf, n);
}

static const char *plural(long long n) { return n == 1 ? "" : "s"; }

/* ---------------------------------------------------------------- layout */

/* Space around the panels, in pixels (characters on the dumb terminal). */
typedef struct frame {
  double left, right;  /* plot area's left edge; width kept on the right (y2 + key) */
  double top, bottom;  /* main title; x tics and label */
  double gap;          /* above each panel: its title */
  double y2;           /* from the plot area's right edge to the key */
} frame;

static frame frame_of(const gcw_plot *p) {
  if (p->term == T_DUMB)
    return (frame){19, 32, 3, 2, 2, 8};
  return (frame){80, 290, 62, 48, 36, 72};
}

static double sx(const gcw_plot *p, double px) { return px / p->width; }
static double sy(const gcw_plot *p, double px) { return px / p->height; }

/* Vertical extent of panel i (top, bottom as screen fractions) among the drawn ones. */
static void panel_extent(const gcw_plot *p, int i, double *top, double *bottom) {
  frame f = frame_of(p);
  int total = 0, before = 0, n = 0;
  for (int k = 0; k < NPANELS; k++)
    if (p->panels & 1u << k) {
      total += panel_weight[k];
      before += k < i ? panel_weight[k] : 0;
      n++;
    }
  double avail = p->height - f.top - f.bottom - n * f.gap;
  int above = 0;
  for (int k = 0; k < i; k++)
    above += (p->panels & 1u << k) != 0;
  double y = f.top + (above + 1) * f.gap + avail * before / total;
  *top = 1 - sy(p, y);
  *bottom = 1 - sy(p, y + avail * panel_weight[i] / total);
}

static int last_panel(const gcw_plot *p) {
  int last = 0;
  for (int k = 0; k < NPANELS; k++)
    if (p->panels & 1u << k)
      last = k;
  return last;
}

/* Wall-time tics: the time of day, with the date when the run spans days. */
static int multi_day(const gcw_plot *p) { return p->s.xend - p->s.xmin >= 20 * 3600; }

static const char *x_label(const gcw_plot *p, char *buf, size_t n) {
  char day[16];
  switch (p->xmode) {
  case GCW_PLOT_X_WALL:
    snprintf(buf, n, "wall time, UTC%s%s (when each line arrived)", multi_day(p) ? "" : ", ",
             multi_day(p) ? "" : utc(p->s.xmin, "%Y-%m-%d", day, sizeof day));
    return buf;
  case GCW_PLOT_X_T: return "time since the process started, s (the trace's @t)";
  case GCW_PLOT_X_GC: return "GC cycle number (this Go release prints no time)";
  }
  return "";
}

/* What every panel starts from: its box, its key in the right margin, x tics labelled
** only under the last panel. */
static void panel_begin(gcw_plot *p, int i, const char *title) {
  frame f = frame_of(p);
  double top, bottom;
  panel_extent(p, i, &top, &bottom);
  pl_say(p, "\n# ---- panel: %s\n", pl_kinds[i].name);
  pl_say(p, "unset logscale y\nunset y2tics\nunset y2label\nunset label\nunset object\n");
  pl_say(p, "set ytics autofreq nomirror\nset y2tics autofreq\nunset y2tics\n");
  pl_say(p, "set yrange [*:*]\nset y2range [*:*]\nset format y '%%g'\n");
  pl_say(p, "set tmargin at screen %.4f\nset bmargin at screen %.4f\n", top, bottom);
  pl_say(p, "set key at screen %.4f, graph 1 left top reverse Left samplen %d spacing 1.1\n",
      1 - sx(p, f.right - f.y2), p->term == T_DUMB ? 1 : 2);
  say_str(p, "set title", title, p->term == T_DUMB ? "" : " offset 0,-0.3");
  int last = i == last_panel(p);
  char label[120];
  say_str(p, "set xlabel", last ? x_label(p, label, sizeof label) : "", "");
  if (!last)
    pl_say(p, "set format x ''\n");
  else if (p->xmode == GCW_PLOT_X_WALL)
    pl_say(p, "set format x '%s' timedate\n", multi_day(p) ? "%m-%d %H:%M" : "%H:%M:%S");
  else
    pl_say(p, "set format x '%%g'\n");
}

/* A panel with nothing to draw: its axes and a note in the middle. */
static void panel_note(gcw_plot *p, const char *note) {
  pl_say(p, "set yrange [0:1]\nset ytics format ''\n");
  say_str(p, "set label 100", note, " at graph 0.5, graph 0.5 center");
  pl_say(p, "plot -1 notitle\nset ytics format '%%g'\n");
}

/* Tics on a linear axis from 0 to max: about one per 32 pixels (3 lines) of the panel, at
** 1, 2 or 5 x 10^k, so that small panels are not crowded. */
static double tic_step(const gcw_plot *p, int panel, double max) {
  double top, bottom;
  panel_extent(p, panel, &top, &bottom);
  double n = floor((top - bottom) * p->height / (p->term == T_DUMB ? 3 : 32));
  n = n < 2 ? 2 : n > 10 ? 10 : n;
  return max > 0 ? pl_nice_up(max * 1.06 / n) : 0;
}

static void linear_ytics(gcw_plot *p, int panel) {
  double step = tic_step(p, panel, p->ymax[panel]);
  if (step > 0)
    pl_say(p, "set ytics %g\n", step);
}

/* ---------------------------------------------------------------- the panels */

/* How a series of $gc is drawn when its rows are written as they come (a decimated block
** is always a band from the min to the max of each bucket, edged by a line along each, so
** that a flat series is still a line):
**   LEVEL  a value that holds until the next cycle (live heap, goal, the cumulative CPU):
**          steps, never a slope from one cycle to the next;
**   VALUE  a figure of one cycle (pause, interval): a line through dense runs, points for
**          a sparse one, whose cycles far apart have nothing in between. */
enum how { LEVEL, VALUE };

static int sparse(const gcw_plot *p) { return p->s.cycles <= SPARSE_CYCLES; }

static void gc_series(gcw_plot *p, int c, const char *expr_fmt, enum how how, const char *color,
                      const char *lw, const char *title) {
  char lo[64], hi[64];
  snprintf(lo, sizeof lo, expr_fmt, pl_col(p, GCW_PLOT_GC, c, 0));
  snprintf(hi, sizeof hi, expr_fmt, pl_col(p, GCW_PLOT_GC, c, 1));
  if (p->st->decimated[GCW_PLOT_GC])
    pl_say(p, "$gc using 1:%s with lines lc rgb '%s' lw 1 notitle, \\\n  "
           "$gc using 1:%s with lines lc rgb '%s' lw 1 notitle, \\\n  "
           "$gc using 1:%s:%s with filledcurves fc rgb '%s' fs transparent solid 0.5 noborder "
           "title ", lo, color, hi, color, lo, hi, color);
  else if (how == LEVEL)
    pl_say(p, "$gc using 1:%s with steps lc rgb '%s' lw %s title ", hi, color, lw);
  else
    pl_say(p, "$gc using 1:%s with %s lc rgb '%s' lw %s title ", hi,
        sparse(p) ? "points pt 7 ps 0.6" : "lines", color, lw);
  pl_put_str(p->out, title);
}

/* Findings are drawn in the colour of their severity: error red, warn orange. */
static const char *mark_color(const pl_mark *m) {
  return m->sev == 2 ? C_FORCED : m->sev ? C_GOAL : C_SYS;
}

/* Findings: a dashed line at the first finding of each kind, in every panel (arrows stay
** set across the panels of a multiplot). */
static void findings_setup(gcw_plot *p) {
  for (int i = 0; i < p->nmarks; i++)
    pl_say(p, "set arrow %d from %.4f, graph 0 to %.4f, graph 1 nohead lc rgb '%s' dt 2 lw 1 back\n",
        i + 1, p->marks[i].x, p->marks[i].x, mark_color(&p->marks[i]));
}

/* In the heap panel: the number of each kind beside its line, in the headroom at the top
** (the key says which kind each number is), so no text lies on the data. */
static void findings_labels(gcw_plot *p) {
  for (int i = 0; i < p->nmarks; i++)
    pl_say(p, "set label '%d' at %.4f, graph 0.965 left offset 0.9,0 tc rgb '%s' front\n", i + 1,
        p->marks[i].x, mark_color(&p->marks[i]));
}

/* A triangle at the top for every episode (the first finding of each, F_MARK), and one
** key entry per kind. */
static void findings_plot(gcw_plot *p) {
  if (!p->st->points[GCW_PLOT_FIND])
    return;
  pl_say(p, ", \\\n  $find using 1:($%d > 0 ? 0.965 : NaN):(sevrgb($%d)) axes x1y2 with points "
         "pt 11 ps 1.2 lc rgb variable notitle", 2 + F_MARK, 2 + F_SEV);
  for (int i = 0; i < p->nmarks; i++) {
    char title[80];
    snprintf(title, sizeof title, "%d %.20s", i + 1, p->marks[i].kind);
    pl_say(p, ", \\\n  NaN with points pt 11 ps 1.2 lc rgb '%s' title ", mark_color(&p->marks[i]));
    pl_put_str(p->out, title);
  }
  if (p->more_kinds)
    pl_say(p, ", \\\n  NaN with points pt 11 ps 1.2 lc rgb '" C_SYS "' title '+%lld more kinds'",
        p->more_kinds);
}

/* The heap panel's series, in drawing order (the key lists them in the same order, each
** entry drawn by the same command as its series, so key and drawing cannot differ). Live
** and goal must stay apart at any run length, even when the goal sits on the live heap
** (memory-limit thrash): the heap at GC start is small marks underneath (its peaks), the
** live heap the broad series (thick steps, or a band when decimated), the goal a thin
** line on top of it.
** A series is one more row here (issue 15: RSS). */
enum heap_style {
  BROAD, /* after a cycle (live): thick steps from it; decimated: a min-max band */
  THIN,  /* before a cycle (its goal, aimed at while the heap grew towards it): thin steps
         ** up to it; decimated: a line through each bucket's maximum */
  MARKS  /* a dot per cycle; decimated: a dot at each bucket's maximum */
};

typedef struct heap_series {
  int col;                /* G_* of $gc */
  enum heap_style style;
  const char *color;
  const char *title;
} heap_series;

static void heap_draw(gcw_plot *p, const heap_series *h) {
  int dec = p->st->decimated[GCW_PLOT_GC];
  int lo = pl_col(p, GCW_PLOT_GC, h->col, 0), hi = pl_col(p, GCW_PLOT_GC, h->col, 1);
  switch (h->style) {
  case BROAD:
    if (dec) /* edged by thick lines: a bucket whose min is its max is still drawn */
      pl_say(p, "$gc using 1:%d with lines lc rgb '%s' lw 2 notitle, \\\n  "
             "$gc using 1:%d with lines lc rgb '%s' lw 2 notitle, \\\n  "
             "$gc using 1:%d:%d with filledcurves fc rgb '%s' fs solid 0.55 noborder title ",
          lo, h->color, hi, h->color, lo, hi, h->color);
    else
      pl_say(p, "$gc using 1:%d with steps lc rgb '%s' lw 2.5 title ", hi, h->color);
    break;
  case THIN:
    pl_say(p, "$gc using 1:%d with %s lc rgb '%s' lw 1.2 title ", hi, dec ? "lines" : "fsteps",
        h->color);
    break;
  case MARKS:
    pl_say(p, "$gc using 1:%d with points pt 7 ps %s lc rgb '%s' title ", hi,
        dec || !sparse(p) ? "0.3" : "0.6", h->color);
    break;
  }
  pl_put_str(p->out, h->title);
}

/* The memory limit: GOMEMLIMIT when the run's environment said it, else the level where a
** memory limit capped the heap goal (memlimit_thrash), marked as inferred: the limit
** itself is that cap plus the runtime's memory outside the heap. */
static void limit_line(gcw_plot *p) {
  if (isnan(p->s.limit_mb))
    return;
  char title[120];
  if (p->s.limit_inferred)
    snprintf(title, sizeof title, "limit (inferred) ~%.0f MiB", p->s.limit_mb);
  else
    snprintf(title, sizeof title, "GOMEMLIMIT %.6g MiB", p->s.limit_mb);
  pl_say(p, ", \\\n  %.6g with lines lc rgb '" C_LIMIT "' lw 1.5 dt %s title ", p->s.limit_mb,
      p->s.limit_inferred ? "(6,4)" : "1");
  pl_put_str(p->out, title);
}

static void heap_rss_series(gcw_plot *p);
static void rss_panel(gcw_plot *p);

static void heap_panel(gcw_plot *p) {
  const heap_series with_live[] = {
      {G_START, MARKS, C_START, "heap at GC start"},
      {G_LIVE, BROAD, C_LIVE, "live heap"},
      {G_GOAL, THIN, C_GOAL, "heap goal"},
  };
  const heap_series legacy[] = { /* Go <= 1.4 */
      {G_START, MARKS, C_START, "before GC"},
      {G_END, BROAD, C_LIVE, "after GC"},
  };
  const heap_series *hs = p->s.live ? with_live : legacy;
  size_t n = p->s.live ? sizeof with_live / sizeof *with_live : sizeof legacy / sizeof *legacy;
  int live = p->s.live ? G_LIVE : G_END;
  const char *title = p->s.live ? "Heap: live after marking, heap goal, heap at GC start"
                                : "Heap before and after each GC";
  char buf[160];
  if (p->st->decimated[GCW_PLOT_GC]) {
    snprintf(buf, sizeof buf, "%s (per time bucket: %s band min-max, line and dots max)", title,
             p->s.live ? "live" : "after-GC");
    title = buf;
  }
  panel_begin(p, P_HEAP, title);
  pl_say(p, "set ylabel 'heap, MiB'\nset yrange [0:*]\n");
  linear_ytics(p, P_HEAP);
  if (p->st->points[GCW_PLOT_FIND])
    pl_say(p, "set y2range [0:1]\n");
  findings_labels(p);
  /* an idle tail: the last live heap holds until the last line (dotted: no new figure) */
  int tail = p->s.xend > p->s.xmax && !isnan(p->last_live);
  if (tail)
    pl_say(p, "set arrow 99 from %.4f, %.6g to %.4f, %.6g nohead lc rgb '" C_LIVE "' lw 2.5 "
           "dt 3 back\n", p->s.xmax, p->last_live, p->s.xend, p->last_live);
  pl_say(p, "plot ");
  for (size_t i = 0; i < n; i++) {
    pl_say(p, "%s", i ? ", \\\n  " : "");
    heap_draw(p, &hs[i]);
  }
  limit_line(p);
  if (p->s.forced) {
    char forced[64];
    snprintf(forced, sizeof forced, "forced GC (%lld)", p->s.forced);
    pl_say(p, ", \\\n  $gc using 1:($%d > 0 ? $%d : NaN) with points pt 6 ps 1.2 lw 1.5 "
           "lc rgb '" C_FORCED "' title ", pl_col(p, GCW_PLOT_GC, G_FORCED, 1),
        pl_col(p, GCW_PLOT_GC, live, 1));
    pl_put_str(p->out, forced);
  }
  heap_rss_series(p);
  findings_plot(p);
  pl_say(p, "\n%s", tail ? "unset arrow 99\n" : "");
}

static void pause_panel(gcw_plot *p) {
  char title[200];
  snprintf(title, sizeof title, "Stop-the-world pause per cycle (log scale); max %.3g ms at gc %lld",
           p->s.max_pause_ms, p->s.max_pause_gc);
  panel_begin(p, P_PAUSE, p->s.pauses ? title : "Stop-the-world pause per cycle");
  pl_say(p, "set ylabel 'pause, ms'\n");
  if (!p->s.pauses) {
    panel_note(p, "no pauses in this trace");
    return;
  }
  pl_say(p, "set logscale y\n");
  pl_say(p, "plot ");
  gc_series(p, G_PAUSE, "(clamp($%d, 0.001))", VALUE, C_PAUSE, "1", "STW pause");
  snprintf(title, sizeof title, "p99 %.3g ms", p->s.p99_ms);
  pl_say(p, ", \\\n  %.6g with lines lc rgb '" C_P99 "' dt 2 lw 1.5 title ", p->s.p99_ms);
  pl_put_str(p->out, title);
  pl_say(p, "\n");
}

static void interval_panel(gcw_plot *p) {
  char title[200];
  snprintf(title, sizeof title, "Time between cycle starts (log scale)%s, and cycles per second "
           "in %g s windows", p->zero_intervals ? " (0 ms: same @t, drawn at 0.5 ms)" : "", p->window_s);
  panel_begin(p, P_INTERVAL, p->nwin ? title : "Time between cycle starts");
  pl_say(p, "set ylabel 'interval, ms'\n");
  if (!p->nwin) {
    panel_note(p, "this Go release prints no time: no intervals");
    return;
  }
  double step = tic_step(p, P_INTERVAL, p->rate_max);
  pl_say(p, "set logscale y\nset y2label 'cycles/s'\nset y2range [0:*]\n");
  if (step > 0)
    pl_say(p, "set y2tics %g\n", step);
  else
    pl_say(p, "set y2tics\n");
  pl_say(p, "plot ");
  gc_series(p, G_INTERVAL, "(clamp($%d, 0.5))", VALUE, C_LIVE, "1", "interval");
  pl_say(p, ", \\\n  $win using 1:%d axes x1y2 with histeps lc rgb '" C_RATE "' lw 2 "
         "title 'cycles/s'\n", 2 + W_RATE);
}

static void cpu_panel(gcw_plot *p) {
  char title[200];
  snprintf(title, sizeof title, "GC CPU, %% of GOMAXPROCS x time: estimate per %g s window "
           "(bars; idle mark is no cost, not drawn), and the runtime's cumulative %%", p->window_s);
  panel_begin(p, P_CPU, p->nwin && p->s.cpu ? title : "GC CPU");
  pl_say(p, "set ylabel 'GC CPU, %%'\n");
  if (!p->nwin || !p->s.cpu) {
    panel_note(p, "this Go release prints no GC CPU figures");
    return;
  }
  const int s = 2 + W_STW, a = 2 + W_ASSIST, b = 2 + W_BG; /* not W_IDLE: spare Ps, no cost */
  pl_say(p, "set yrange [0:*]\nset style fill solid 0.9 noborder\nset boxwidth %.6g absolute\n",
      p->window_s);
  linear_ytics(p, P_CPU);
  pl_say(p, "plot $win using 1:($%d+$%d+$%d) with boxes lc rgb '" C_BG "' title 'background mark', \\\n",
      s, a, b);
  pl_say(p, "  $win using 1:($%d+$%d) with boxes lc rgb '" C_ASSIST "' title 'assist', \\\n", s, a);
  pl_say(p, "  $win using 1:%d with boxes lc rgb '" C_STW "' title 'STW phases', \\\n  ", s);
  gc_series(p, G_CPU, "%d", LEVEL, C_CUM, "1.5", "runtime cumulative");
  pl_say(p, "\n");
}

static void scav_series(gcw_plot *p) {
  const int r = pl_col(p, GCW_PLOT_SCAV, S_RELEASED, 1), w = pl_col(p, GCW_PLOT_SCAV, S_WORK, 1);
  const int u = pl_col(p, GCW_PLOT_SCAV, S_UTIL, 1);
  pl_say(p, ", \\\n  $scav using 1:%d with steps lc rgb '" C_RELEASED "' lw 2 "
         "title 'released (now)', \\\n", r);
  pl_say(p, "  $scav using 1:%d with impulses lc rgb '" C_WORK "' lw 2 title 'released by line', "
         "\\\n", w);
  pl_say(p, "  $scav using 1:%d axes x1y2 with steps lc rgb '" C_UTIL "' dt 3 title 'util %%'", u);
}

static void scvg_series(gcw_plot *p) {
  const int sys = pl_col(p, GCW_PLOT_SCVG, V_SYS, 1), con = pl_col(p, GCW_PLOT_SCVG, V_CONSUMED, 1);
  const int rel = pl_col(p, GCW_PLOT_SCVG, V_RELEASED, 1);
  pl_say(p, ", \\\n  $scvg using 1:%d with steps lc rgb '" C_SYS "' dt 2 lw 1.5 "
         "title 'obtained (sys)', \\\n", sys);
  pl_say(p, "  $scvg using 1:%d with steps lc rgb '" C_CONSUMED "' lw 2 title 'retained (consumed)', "
         "\\\n", con);
  pl_say(p, "  $scvg using 1:%d with steps lc rgb '" C_RELEASED "' lw 2 title 'released to OS'", rel);
}

/* The note for a run without scavenger lines goes in the title: it covers no data. */
static void scav_panel(gcw_plot *p) {
  panel_begin(p, P_SCAV,
              p->s.scvg  ? "Scavenger: heap memory obtained, retained and released, and the live heap"
              : p->s.scav ? "Scavenger: heap memory released to the OS, and the live heap"
                          : "Scavenger: no scavenger lines (enable GODEBUG=scavtrace=1, Go 1.14+)");
  pl_say(p, "set ylabel 'MiB'\nset yrange [0:*]\n");
  linear_ytics(p, P_SCAV);
  if (p->s.scav)
    pl_say(p, "set y2label 'util, %%'\nset y2tics %g\nset y2range [0:100]\n",
        tic_step(p, P_SCAV, 94));
  pl_say(p, "plot ");
  gc_series(p, p->s.live ? G_LIVE : G_END, "%d", LEVEL, C_LIVE, "1.5",
            p->s.live ? "live heap" : "heap after GC");
  if (p->s.scav)
    scav_series(p);
  if (p->s.scvg)
    scvg_series(p);
  pl_say(p, "\n");
}

/* ---------------------------------------------------------------- the script */

static void terminal(gcw_plot *p) {
  static const char *const names[] = {"pngcairo", "svg", "pdfcairo", "dumb"};
  const char *t = names[p->term];
  pl_say(p, "if (strstrt(GPVAL_TERMINALS, ' %s ') == 0) {\n", t);
  pl_say(p, "  print 'gnuplot: this gnuplot has no %s terminal; install gnuplot-nox or gnuplot-qt'\n",
      t);
  pl_say(p, "  exit status 3\n}\n");
  switch (p->term) {
  case T_PNG:
    pl_say(p, "set terminal pngcairo size %d,%d noenhanced font 'sans,10' background '#ffffff'\n",
        p->width, p->height);
    break;
  case T_SVG:
    pl_say(p, "set terminal svg size %d,%d noenhanced font 'sans,10' background '#ffffff'\n",
        p->width, p->height);
    break;
  case T_PDF: /* cairo sizes PDFs in inches: 96 pixels to the inch */
    pl_say(p, "set terminal pdfcairo size %.3fin,%.3fin noenhanced font 'sans,8'\n",
        p->width / 96.0, p->height / 96.0);
    break;
  case T_DUMB: pl_say(p, "set terminal dumb noenhanced size %d,%d\n", p->width, p->height); break;
  }
  if (p->target) {
    pl_say(p, "set output ");
    pl_put_quoted(p->out, p->target, 1);
    pl_say(p, "\n");
  }
}

/* What the run was read from, for the title (after its labels, when it has any): the path of a file (cut on the left, "...",
** to fit the width), the program of a child; standard input is named so, with the time
** the session began (a bare "-" says nothing). */
static void source_name(const gcw_plot *p, char *buf, size_t n, size_t room) {
  const char *src = p->s.source;
  if (strcmp(p->s.source_kind, "stdin") == 0 || strcmp(src, "-") == 0) {
    char when[32];
    snprintf(when, sizeof when, "%.19s", p->s.added_at); /* 2026-11-23T19:17:03 */
    if (strlen(when) == 19)
      when[10] = ' ';
    snprintf(buf, n, "standard input%s%s%s", when[0] ? ", session of " : "", when,
             when[0] ? " UTC" : "");
    return;
  }
  size_t len = strlen(src);
  snprintf(buf, n, "%s%s%s", strcmp(p->s.source_kind, "child") == 0 ? "program " : "",
           len > room ? "..." : "", len > room ? src + len - (room - 3) : src);
}

/* The title's first line: the run and where it came from, fitted to the width (about
** 8.5 pixels a character at 12 points). */
static void title_head(const gcw_plot *p, text *t) {
  char tail[64], src[600], run[48] = "";
  int k = p->s.procs > 0 ? snprintf(tail, sizeof tail, " (%s, GOMAXPROCS %lld)", p->s.format,
                                     p->s.procs)
                         : snprintf(tail, sizeof tail, " (%s)", p->s.format);
  if (p->s.ordinal > 1)
    snprintf(run, sizeof run, " (process %lld of the source)", p->s.ordinal);
  int fit = (p->term == T_DUMB ? p->width : (int)(p->width / 8.5)) - k - 30 - (int)strlen(run) -
            (int)strlen(p->s.labels);
  source_name(p, src, sizeof src, fit < 16 ? 16 : (size_t)fit);
  add(t, "gctrace-watch: run %lld%s%s%s, %s%s", p->run, run, p->s.labels[0] ? ", " : "",
      p->s.labels, src, tail);
}

static void main_title(gcw_plot *p, char *buf, size_t n) {
  text t = {buf, n, 0};
  buf[0] = '\0';
  title_head(p, &t);
  add(&t, "\n%lld cycle%s", p->s.cycles, plural(p->s.cycles));
  if (p->xmode == GCW_PLOT_X_T)
    add(&t, " from @%.3f s to @%.3f s", p->s.xmin, p->s.xmax);
  if (p->xmode == GCW_PLOT_X_WALL) {
    char a[32], b[32];
    add(&t, " from %s to %s UTC", utc(p->s.xmin, "%Y-%m-%d %H:%M:%S", a, sizeof a),
        utc(p->s.xmax, p->s.xmax - p->s.xmin < 20 * 3600 ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S", b,
            sizeof b));
  }
  if (p->s.xend > p->s.xmax && p->xmode == GCW_PLOT_X_WALL) {
    char c[32];
    add(&t, ", last line %s", utc(p->s.xend, "%H:%M:%S", c, sizeof c));
  }
  if (p->s.forced)
    add(&t, ", %lld forced", p->s.forced);
  if (p->s.findings)
    add(&t, ", %lld finding%s", p->s.findings, plural(p->s.findings));
  if (p->episodes && p->episodes < p->s.findings)
    add(&t, " in %lld episode%s", p->episodes, plural(p->episodes));
  if (p->st->decimated[GCW_PLOT_GC])
    add(&t, "; drawn as min-max of %lld time buckets, statistics over every cycle",
        p->st->points[GCW_PLOT_GC]);
}

/* ---------------------------------------------------------------- issue 15: RSS */

/* A line of $rss (its bucket maximum when decimated: RSS is judged by its peaks). */
static void rss_line(gcw_plot *p, int c, const char *style, const char *title) {
  pl_say(p, ", \\\n  $rss using 1:%d %s title ", pl_col(p, GCW_PLOT_RSS, c, 1), style);
  pl_put_str(p->out, title);
}

/* In the heap panel: RSS, the container limit, and memory released to the OS. */
static void heap_rss_series(gcw_plot *p) {
  if (!p->st->points[GCW_PLOT_RSS])
    return;
  rss_line(p, R_RSS, "with lines lc rgb '" C_RSS "' lw 2", "RSS (kernel)");
  if (p->s.cgroup_max)
    rss_line(p, R_CGMAX, "with lines lc rgb '" C_CGMAX "' dt 4 lw 1.5", "cgroup memory.max");
  if (p->st->points[GCW_PLOT_SCAV])
    pl_say(p, ", \\\n  $scav using 1:%d with steps lc rgb '" C_RELEASED "' lw 1.5 "
              "title 'released to the OS'", pl_col(p, GCW_PLOT_SCAV, S_RELEASED, 1));
  else if (p->st->points[GCW_PLOT_SCVG])
    pl_say(p, ", \\\n  $scvg using 1:%d with steps lc rgb '" C_RELEASED "' lw 1.5 "
              "title 'released to the OS'", pl_col(p, GCW_PLOT_SCVG, V_RELEASED, 1));
}

/* RSS split into anonymous, file-backed and lazily freed pages, beside the live heap. */
static void rss_panel(gcw_plot *p) {
  panel_begin(p, P_RSS, "Process memory (from /proc): RSS split into anonymous, file-backed "
                        "and lazily freed pages, and the live heap");
  pl_say(p, "set ylabel 'MiB'\n");
  if (!p->st->points[GCW_PLOT_RSS]) {
    panel_note(p, "no process samples: run the program under gctrace-watch -- PROG, or "
                  "watch with --pid PID");
    return;
  }
  const int a = pl_col(p, GCW_PLOT_RSS, R_ANON, 1), f = pl_col(p, GCW_PLOT_RSS, R_FILE, 1);
  const int z = pl_col(p, GCW_PLOT_RSS, R_LAZY, 1);
  pl_say(p, "set yrange [0:*]\n");
  linear_ytics(p, P_RSS);
  pl_say(p, "plot $rss using 1:($%d+$%d) with filledcurves x1 fc rgb '" C_FILE "' "
            "title 'file-backed (RssFile)', \\\n", a, f);
  pl_say(p, "  $rss using 1:%d with filledcurves x1 fc rgb '" C_ANON "' "
            "title 'anonymous (RssAnon)', \\\n", a);
  pl_say(p, "  $rss using 1:%d with filledcurves x1 fc rgb '" C_LAZY "' "
            "title 'lazily freed (LazyFree)'", z);
  rss_line(p, R_RSS, "with lines lc rgb '" C_RSS "' lw 2", "RSS");
  if (p->s.cgroup_max)
    rss_line(p, R_CGMAX, "with lines lc rgb '" C_CGMAX "' dt 4 lw 1.5", "cgroup memory.max");
  pl_say(p, ", \\\n  ");
  gc_series(p, p->s.live ? G_LIVE : G_END, "%d", LEVEL, C_LIVE, "1.5",
            p->s.live ? "live heap" : "heap after GC");
  pl_say(p, "\n");
}

static void settings(gcw_plot *p) {
  char title[600];
  pl_say(p, "\n# ---- drawing\n");
  pl_say(p, "set datafile missing NaN\n");
  pl_say(p, "clamp(v, lo) = v < lo ? lo : v\n");
  pl_say(p, "sevrgb(s) = s >= 2 ? 0xc00000 : s >= 1 ? 0xe08000 : 0x7f7f7f\n");
  pl_say(p, "set border 11 lc rgb '#606060'\nset grid xtics ytics lc rgb '#e4e4e4' lw 1 dt 1\n");
  pl_say(p, "set xtics nomirror\nset style data lines\nset offsets 0, 0, graph 0.06, 0\n");
  pl_say(p, "set lmargin at screen %.4f\nset rmargin at screen %.4f\n", sx(p, frame_of(p).left),
      1 - sx(p, frame_of(p).right));
  /* to the last line seen, not the last GC: an idle tail is part of the run */
  double pad = p->s.xend > p->s.xmin ? 0 : 1;
  pl_say(p, "set xrange [%.4f:%.4f]\n", p->s.xmin - pad, p->s.xend + pad);
  main_title(p, title, sizeof title);
  pl_say(p, "set multiplot title ");
  pl_put_str(p->out, title);
  pl_say(p, "%s\n", p->term == T_DUMB ? "" : " font ',12'");
  findings_setup(p);
}

gcw_err pl_write_script(gcw_plot *p) {
  pl_say(p, "# gctrace-watch plot of run %lld (the data is inline: $name << EOD ... EOD)\n",
      p->run);
  terminal(p);
  gcw_err rc = pl_write_data(p);
  if (rc)
    return rc;
  settings(p);
  static void (*const panels[NPANELS])(gcw_plot *) = {heap_panel, pause_panel, interval_panel,
                                                  cpu_panel, scav_panel, rss_panel};
  for (int i = 0; i < NPANELS; i++)
    if (p->panels & 1u << i)
      panels[i](p);
  pl_say(p, "unset multiplot\n");
  if (p->target)
    pl_say(p, "set output\n");
  return 0;
}
