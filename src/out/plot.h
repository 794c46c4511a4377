/*
** plot.h: draw one stored run with gnuplot (heap, pause, interval, cpu, scavenger, or
**         all of them as one dashboard on a shared time axis).
** Owns:   one gnuplot child per call: started by process.h (argv, never a shell), fed its
**         script on a pipe, its stderr captured through a second pipe, waited for.
** Input:  a read connection of the store (store_read.h) and a run id.
** Output: the image gnuplot writes (PNG, SVG or PDF by the output's extension; text on the
**         dumb terminal) on gnuplot's stdout, a FILE.XXXXXX created with O_EXCL and
**         renamed over FILE only on success. No file name reaches the script; user text
**         reaches it only as single-quoted strings (gnuplot expands nothing in them).
** Never:  writes to the database, writes a script file, or lets decimation touch a
**         statistic: p99, counts and maxima come from the store over every row; only the
**         points handed to gnuplot are bucketed (min and max kept, so spikes survive).
**
** The script carries its data inline as datablocks, one per data set:
**   $gc    one line per cycle (x, then heap live/start/goal/end, pause, forced, cpu_pct,
**          interval), or per time bucket with a min and a max column for each when the
**          run has more than GCW_PLOT_MAX_POINTS cycles;
**   $win   one line per window of W seconds: STW, assist, background and idle mark CPU
**          as % of the window's CPU (the estimate, see plot_decimate.c; idle mark is kept
**          in the data but not drawn: it is no cost), and cycles/s;
**   $scav  scavtrace lines (Go 1.14+), $scvg gctrace scavenger lines (Go <= 1.13), each
**          decimated like $gc when there are more than GCW_PLOT_MAX_POINTS;
**   $find  one line per finding (warn or error) that can be placed on the time axis:
**          x, severity, 1 when it begins an episode (only those get a marker).
**   $rss   one line per process sample (issue 15): RSS, its anonymous and file-backed
**          parts, the lazily freed part, the cgroup's memory.max and memory.current
**          (decimated like $gc).
** x is seconds: since the epoch (wall), since the process started (@t), or the cycle
** number (see gcw_plot_x).
** Each block is `$name << EOD`, data lines, `EOD`: a test can count the lines.
*/
#ifndef GCW_PLOT_H
#define GCW_PLOT_H

#include "err.h"
#include "limits.h"
#include "store_read.h"

#include <stddef.h>
#include <stdio.h>

/* GCW_PLOT_MAX_POINTS, GCW_PLOT_BUCKETS, GCW_PLOT_STDERR_MAX: see limits.h. */

/* The datablocks. */
enum gcw_plot_block { GCW_PLOT_GC, GCW_PLOT_WIN, GCW_PLOT_SCAV, GCW_PLOT_SCVG, GCW_PLOT_FIND,
                      GCW_PLOT_RSS, GCW_PLOT_NBLOCKS };

/* How the x axis is measured: wall time when every cycle of the run has `wall`, else @t
** (seconds since the process started), else the cycle number (Go <= 1.4 print no time). */
enum gcw_plot_x { GCW_PLOT_X_WALL, GCW_PLOT_X_T, GCW_PLOT_X_GC };

typedef struct gcw_plot_req {
  long long run_id;   /* runs.id */
  const char *kind;   /* heap, pause, interval, cpu, scavenger, rss or all (NULL: all) */
  const char *output; /* FILE.png, .svg or .pdf; "-" or NULL: the terminal (dumb) */
  const char *size;   /* "WxH": pixels (dumb: characters); NULL: the default */
  int dumb;           /* 1: text on the dumb terminal, to output or to stdout */
} gcw_plot_req;

typedef struct gcw_plot_stats {
  long long rows[GCW_PLOT_NBLOCKS];   /* database rows read into each block */
  long long points[GCW_PLOT_NBLOCKS]; /* data lines written to each block (0: not written) */
  int decimated[GCW_PLOT_NBLOCKS];    /* 1: that block holds time buckets, not rows */
  enum gcw_plot_x x;                  /* what the x axis measures */
  double window_s;                    /* W of $win, seconds */
  double p99_pause_ms;                /* over every cycle with a pause; -1: none */
  int gnuplot_status;                 /* exit status of gnuplot (-1: not run, 128+N: signal N) */
  size_t gnuplot_stderr;              /* bytes gnuplot wrote on stderr */
} gcw_plot_stats;

/* Draw run_id. Returns GCW_OK when the image was written, else (err says why, without
** the "gctrace-watch: " prefix): GCW_EUSAGE a bad kind, size or output name; GCW_EDB the
** run is not there, has no cycles, or the database cannot be read; GCW_EOPEN/GCW_EWRITE
** the output cannot be created or put in place; GCW_ECHILD gnuplot is missing (err:
** "gnuplot not found; install it: apt-get install gnuplot-nox"), cannot be started or
** lacks the terminal; GCW_EGNUPLOT gnuplot failed on our script, quit before reading it,
** or wrote nothing (err holds its stderr); GCW_ENOMEM. On success err holds gnuplot's
** warnings ("gnuplot: ..."), or "" when there were none. kind NULL: all; output NULL or
** "-": the terminal; size NULL: 1200x900 for all, 1200x600 for one kind. Ignores SIGPIPE
** while it talks to gnuplot (the previous disposition is restored). The command line
** maps these to exit statuses (cmd.h gcw_cmd_status). */
gcw_err gcw_plot_run(gcw_db *db, long long run_id, const char *kind, const char *output,
                     const char *size, int dumb, char *err, size_t errlen);

/* The same with the request as a struct; st (optional) receives what was drawn. */
gcw_err gcw_plot_exec(gcw_db *db, const gcw_plot_req *rq, gcw_plot_stats *st, char *err,
                      size_t errlen);

/* Write the script gcw_plot_exec would feed gnuplot to out (for tests and debugging).
** Same return values, without the gnuplot ones. */
gcw_err gcw_plot_script(gcw_db *db, const gcw_plot_req *rq, FILE *out, gcw_plot_stats *st,
                        char *err, size_t errlen);

#endif
