/*
** plot_int.h: what the files of the plot share (src/out/plot_*.c only; plot.h is the
**             contract for everyone else).
**   plot_req.c       the request: kind, output name and terminal, size; errors
**   plot_data.c      reading the run through the store's read API into datablocks
**   plot_decimate.c  datablocks: rows as they come or min-max time buckets; the
**                    windowed GC CPU estimate ($win)
**   plot_sink.c      the script's bytes: buffered, quoted for gnuplot
**   plot_layout.c    panels, titles, axes: the drawing commands
**   plot_gnuplot.c   the output file, gnuplot as a child (process.h), the entry points
*/
#ifndef GCW_PLOT_INT_H
#define GCW_PLOT_INT_H

#include "plot.h"
#include "plot_kinds.h"
#include "process.h"
#include "store_read.h"
#include "writer.h"

#include <stdio.h>

/* Bytes of script gathered before a write to gnuplot (or to the stream). */
enum { SINK_BUF = 64 * 1024 };
/* Finding kinds labelled on the time axis (more are counted in the key). */
enum { MAX_MARKS = 8 };
/* Windows of $win: W is chosen so that the span holds at most about this many. */
enum { MAX_WINDOWS = 60 };
/* Finding kinds whose episodes are told apart (a finding of a further kind is an
** episode of its own). */
enum { MAX_EPISODE_KINDS = 32 };
/* Runs of up to this many cycles are "sparse": each cycle is a point or a step, never a
** line to the next one (a batch job's heap does not slide from one GC to the next). */
enum { SPARSE_CYCLES = 120 };


/* ---------------------------------------------------------------- what can be drawn */

/* The panels: one per kind of plot_kinds.h, in its order. */
#define PANEL_ID_(id, name) P_##id,
enum panel { GCW_PLOT_KINDS(PANEL_ID_) NPANELS };
#undef PANEL_ID_

/* The kinds a request may name (plot_req.c): a panel each, in panel order, then "all". */
typedef struct pl_kind {
  const char *name;
  unsigned panels;
} pl_kind;
enum { NKINDS = NPANELS + 1 };
extern const pl_kind pl_kinds[NKINDS];

enum term { T_PNG, T_SVG, T_PDF, T_DUMB };


/* The columns after x of each block, in order. */
enum { G_LIVE, G_START, G_GOAL, G_END, G_PAUSE, G_FORCED, G_CPU, G_INTERVAL, G_N };
enum { W_STW, W_ASSIST, W_BG, W_IDLE, W_RATE, W_N };
enum { S_RELEASED, S_WORK, S_UTIL, S_N };
enum { V_SYS, V_CONSUMED, V_RELEASED, V_INUSE, V_PASS, V_N };
enum { F_SEV, F_MARK, F_N }; /* F_MARK 1: the first finding of an episode (drawn) */
enum { R_RSS, R_ANON, R_FILE, R_LAZY, R_CGMAX, R_CGCUR, R_N }; /* $rss, issue 15 */
enum { MAX_COLS = G_N }; /* the widest block */

/* ---------------------------------------------------------------- state */

/* Where the script goes: the child's stdin (pl_to_proc), or a stream (gcw_plot_script);
** writer.h's buffer and first-failure rule. */
typedef gcw_writer pl_sink;

/* One datablock being written: rows as they come, or time buckets. */
typedef struct pl_block {
  enum gcw_plot_block id;
  int ncols;           /* values per line after x */
  int nb;              /* buckets; 0: each row is written as it comes */
  double x0, width;    /* bucket i covers [x0 + i*width, x0 + (i+1)*width) */
  long long *count;    /* rows per bucket */
  double *lo, *hi;     /* nb * ncols: min and max (NAN: no value yet) */
} pl_block;

/* The first finding of one kind. */
typedef struct pl_mark {
  char kind[48];
  double x;
  int sev;          /* 0 info or other, 1 warn, 2 error */
} pl_mark;

/* What the run holds, measured over every row by the store (never decimated). */
typedef struct pl_shape {
  long long cycles;      /* gc_cycles rows */
  long long walls;       /* rows with wall */
  long long ts;          /* rows with t_s */
  long long live;        /* rows with heap_live_mb */
  long long pauses;      /* rows with pause_ms */
  long long forced;      /* forced cycles */
  long long cpu;         /* rows with cpu_assist_ms */
  long long scav, scvg;  /* scavenger rows of each family */
  long long findings;    /* findings rows */
  long long samples;     /* process_samples rows (issue 15) */
  long long cgroup_max;  /* samples with a memory.max */
  double xmin, xmax;     /* x range of the cycles */
  double xend;           /* end of the time axis: the last line of any kind (>= xmax) */
  double t0;             /* @t of the first cycle, s (wall mode: to place findings' t_s) */
  double max_pause_ms;   /* -1: no pause */
  long long max_pause_gc;
  double p99_ms;         /* nearest-rank p99 of pause_ms; -1: no pause */
  char format[32];       /* runs.format */
  long long procs;       /* runs.procs; 0: unknown */
  char source[512];      /* sources.path (a longer one cut on the left) */
  char source_kind[16];  /* sources.kind: file, files, stdin, child */
  char added_at[32];     /* sources.added_at: when reading began */
  long long ordinal;     /* runs.ordinal: the run's number within its source */
  long long thrash_gc;   /* first cycle of a memlimit_thrash finding; 0: none */
  double limit_mb;       /* the memory limit, MiB; NAN: not known */
  int limit_inferred;    /* 1: limit_mb is the heap goal's cap, inferred from the trace */
  char labels[256];      /* "key=value, ..." of run_labels; "" when none */
} pl_shape;

typedef struct gcw_plot {
  /* configuration */
  gcw_db *db;
  long long run;
  unsigned panels;       /* 1 << P_* */
  enum term term;
  int width, height;     /* pixels, or characters on the dumb terminal */
  const char *output;    /* the file asked for; NULL: stdout */
  const char *target;    /* the file named in the script (script mode only; NULL: stdout) */
  int out_fd;            /* gnuplot's stdout: the temporary twin, or -1 for our stdout */
  char gp_text[GCW_PLOT_STDERR_MAX]; /* the first bytes of gnuplot's stderr */
  char tmp[4200];        /* the temporary twin: OUTPUT.XXXXXX, created exclusively */
  /* measured */
  enum gcw_plot_x xmode;
  pl_shape s;
  double window_s;       /* W, s */
  long long nwin;        /* windows of $win */
  pl_mark marks[MAX_MARKS];
  int nmarks;
  long long more_kinds;  /* finding kinds beyond MAX_MARKS */
  long long episodes;    /* findings drawn: the first of each episode */
  struct { char kind[48]; double x; } ep[MAX_EPISODE_KINDS]; /* last finding of each kind */
  int nep;
  long long zero_intervals; /* intervals of 0 ms (two cycles at the same @t) */
  double ymax[NPANELS];  /* largest value on each linear y axis (for its tic step) */
  double rate_max;       /* largest cycles/s of a window (the interval panel's y2) */
  double last_live;      /* live heap (Go <= 1.4: after GC) of the last cycle; NAN: none */
  /* moving */
  pl_sink *out;
  gcw_plot_stats *st;
  char *err;
  size_t errlen;
} gcw_plot;


/* Per window of $win: CPU ms / procs of each kind, and cycles started. */
typedef struct pl_windows {
  double (*sum)[W_N];
} pl_windows;

/* plot_req.c */
/* Set the message (without the "gctrace-watch: " prefix) and return e. */
gcw_err pl_fail(gcw_plot *p, gcw_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Check the request and measure the run (plot_data.c). */
gcw_err pl_init(gcw_plot *p, gcw_db *db, const gcw_plot_req *rq, gcw_plot_stats *st, char *err,
                size_t errlen);

/* plot_data.c */
gcw_err pl_measure(gcw_plot *p);
gcw_err pl_write_data(gcw_plot *p);

/* plot_decimate.c */
gcw_err pl_block_begin(gcw_plot *p, pl_block *b, enum gcw_plot_block id, int ncols,
                       long long rows);
void pl_block_row(gcw_plot *p, pl_block *b, double x, const double *v);
void pl_block_end(gcw_plot *p, pl_block *b);
void pl_block_free(pl_block *b);
/* gnuplot's column of a block's value: the value itself, or its min or max bucket. */
int pl_col(const gcw_plot *p, enum gcw_plot_block id, int c, int hi);
void pl_grow(double *max, double v);
/* 1, 2 or 5 x 10^k: the smallest at least w. */
double pl_nice_up(double w);
void pl_choose_window(gcw_plot *p);
/* A cycle starting at x: its CPU ms of each kind (W_STW..W_IDLE, NAN: not printed)
** divided by its procs. */
void pl_window_add(gcw_plot *p, pl_windows *w, double x, double procs, const double *cpu_ms);
void pl_write_windows(gcw_plot *p, pl_windows *w);

/* plot_sink.c */
void pl_sink_flush(pl_sink *o);
/* The writer's way out to gnuplot's stdin (ctx: the gcw_proc). */
int pl_to_proc(void *proc, const char *buf, size_t n);
void pl_put(pl_sink *o, const char *s, size_t n);
void pl_say(gcw_plot *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* text as a gnuplot single-quoted string; raw: bytes that are not UTF-8 kept as they are */
void pl_put_quoted(pl_sink *o, const char *text, int raw);
void pl_put_str(pl_sink *o, const char *text);
void pl_put_num(pl_sink *o, double v, const char *fmt);

/* plot_layout.c */
gcw_err pl_write_script(gcw_plot *p);

/* issue 15, process samples: plot_data.c reads them ($rss), plot_layout.c draws them */
gcw_err pl_read_samples(gcw_plot *p);
gcw_err pl_write_rss(gcw_plot *p);

#endif
