/*
** cmd_plot.c: `gctrace-watch plot`: draw one run of the store with gnuplot (plot.h).
** Input:  the database, opened read-only (a missing one is an error, never created);
**         --run N (default: the latest run that has cycles), --kind K (default all),
**         -o FILE (.png, .svg or .pdf by its extension; '-': the terminal), --term dumb,
**         --size WxH (pixels; characters on the terminal); --threshold and --pause-slo
**         mark the findings of the run judged again with them (cmd_judge.c).
** Output: the image, or the drawing on stdout; gnuplot's warnings on stderr.
** Never:  writes to the database, or invents an output name: -o is required unless the
**         drawing goes to the terminal (--term dumb alone draws on stdout).
*/
#include "cmd.h"

#include "err.h"
#include "plot.h"
#include "safetext.h"
#include "store_read.h"

#include <stdio.h>
#include <string.h>


/* --run N, or the latest run with cycles; 0 after reporting why there is none. */
static long long which_run(gcw_db *db, const gcw_config *cfg) {
  if (cfg->run)
    return cfg->run;
  long long run = gcw_db_latest_run_with_cycles(db);
  if (run < 0)
    gcw_warn("gctrace-watch: %s: cannot read database: %s\n", cfg->db, gcw_db_errmsg(db));
  else if (run == 0)
    gcw_warn("gctrace-watch: %s: no run with GC cycles to plot\n", cfg->db);
  return run > 0 ? run : 0;
}

int gcw_cmd_plot(const gcw_config *cfg) {
  int dumb = cfg->term != NULL; /* cli.c accepts only "dumb" */
  if (!cfg->output && !dumb) {
    gcw_warn("gctrace-watch: plot needs -o FILE (.png, .svg or .pdf), or -o - or "
                    "--term dumb to draw in the terminal; try 'gctrace-watch plot --help'\n");
    return GCW_EXIT_USAGE;
  }
  gcw_db *db = gcw_cmd_open_db(cfg->db);
  if (!db)
    return GCW_EXIT_IO;
  char err[GCW_PLOT_STDERR_MAX + 256];
  int status = GCW_EXIT_IO;
  long long run = which_run(db, cfg);
  int judged = run > 0 ? gcw_cmd_judge_again(db, cfg, &run, 1) : -1;
  if (judged >= 0)
    status = judged;
  else if (run > 0) {
    status = gcw_cmd_status(gcw_plot_run(db, run, cfg->plot_kind, cfg->output, cfg->size, dumb,
                                         err, sizeof err));
    if (err[0]) /* the error, or gnuplot's warnings after a success */
      gcw_warn_lines("gctrace-watch: %s\n", err);
  }
  gcw_db_close(&db);
  return status;
}
