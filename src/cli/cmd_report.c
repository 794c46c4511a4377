/*
** cmd_report.c: `gctrace-watch report` and `gctrace-watch compare RUN_A RUN_B`.
** Input:  the database, opened read-only and never created. When a run to show has no
**         `stats` rows yet (or fewer than this program knows, or computed when the run
**         had fewer cycles), they are computed first (stats.c) and stored: the database
**         is reopened read-write for that (still never created). A database that cannot be
**         written (a read-only file) gets them in a TEMP copy of `stats` instead, for
**         this invocation only.
** Output: report.c's text or JSON on stdout; messages on stderr.
**         --plot FILE draws the dashboard of the last run reported (plot.h).
** Exit:   0, 1 when a finding at or above --fail-on exists among the runs reported,
**         3 for a missing database, an unknown run or a database error; a failed
**         --plot gives plot's status (2, 3 or 4), which wins over 1.
*/
#include "cmd.h"

#include "err.h"
#include "plot.h"
#include "report.h"
#include "safetext.h"
#include "store_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The runs one invocation shows (runs.id), in order. */
typedef struct run_list {
  long long *ids;
  int n, cap;
} run_list;

static int db_error(const char *path, gcw_db *db, const char *what) {
  gcw_warn("gctrace-watch: %s: %s: %s\n", path, what, gcw_db_errmsg(db));
  return GCW_EXIT_IO;
}


static int list_add(run_list *l, long long id) {
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 16;
    long long *ids = realloc(l->ids, (size_t)cap * sizeof *ids);
    if (!ids)
      return -1;
    l->ids = ids;
    l->cap = cap;
  }
  l->ids[l->n++] = id;
  return 0;
}

/* Add the id of every row of query q (?1 bound to arg); 1 row at least is expected. */
static int collect(gcw_db *db, const char *path, enum gcw_query q, long long arg, run_list *l) {
  gcw_rows *r = NULL;
  int rc = gcw_rows_open(db, &r, q, arg, 0) ? -1 : 1, nomem = 0;
  while (!nomem && rc == 1 && (rc = gcw_rows_next(r)) == 1)
    if (!gcw_rows_null(r, 0) && list_add(l, gcw_rows_int(r, 0)))
      nomem = 1;
  int status = nomem ? GCW_EXIT_INTERNAL : rc == 0 ? -1 : GCW_EXIT_IO;
  if (status == GCW_EXIT_IO)
    db_error(path, db, "cannot read database");
  if (nomem)
    gcw_warn("gctrace-watch: out of memory\n");
  gcw_rows_close(&r);
  return status;
}

/* The run given, or every run, or the latest one. Returns -1 or an exit status. */
static int pick_runs(gcw_db *db, const gcw_config *cfg, run_list *l) {
  int status;
  if (cfg->all)
    status = collect(db, cfg->db, GCW_Q_RUN_IDS_FROM, 0, l);
  else if (cfg->run)
    status = collect(db, cfg->db, GCW_Q_RUN_ID, cfg->run, l);
  else
    status = collect(db, cfg->db, GCW_Q_RUN_LATEST, 0, l);
  if (status >= 0 || l->n > 0)
    return status;
  if (cfg->run)
    gcw_warn("gctrace-watch: %s: no run with id %ld; try 'gctrace-watch runs'\n", cfg->db,
            cfg->run);
  else
    gcw_warn("gctrace-watch: %s: no runs in the database\n", cfg->db);
  return GCW_EXIT_IO;
}

/* Make sure every run of l has its statistics (computed and stored when missing: the
** store may reopen the database read-write for that). Returns -1 or an exit status. */
static int ensure_stats(gcw_db *db, const char *path, const run_list *l) {
  const char *what = "";
  gcw_err e = gcw_db_stats_ensure(db, l->ids, l->n, &what);
  if (e == GCW_ENOMEM) {
    gcw_warn("gctrace-watch: out of memory\n");
    return GCW_EXIT_INTERNAL;
  }
  return e ? db_error(path, db, what) : -1;
}

/* A finding at or above fail_on among the runs: 1, 0, or -1 on a database error. */
static int has_failing(gcw_db *db, const run_list *l, const char *fail_on) {
  int found = 0;
  for (int i = 0; i < l->n && found == 0; i++)
    found = gcw_db_has_finding_at(db, l->ids[i], fail_on);
  return found;
}

/* What a report.c error means for the exit status. A reader that went away (EPIPE) ends
** quietly: the error flag is cleared so that main() does not report it. */
static int output_status(gcw_err e, gcw_db *db, const char *path) {
  switch (e) {
  case GCW_OK: return -1;
  case GCW_EPIPE: clearerr(stdout); return -1;
  case GCW_EDB: return db_error(path, db, "cannot read database");
  case GCW_EWRITE: gcw_warn("gctrace-watch: stdout: %s\n", strerror(errno)); break;
  case GCW_ENOMEM: case GCW_EUSAGE: case GCW_EOPEN: case GCW_EREAD: case GCW_EGRAMMAR:
  case GCW_ECHILD: case GCW_EGNUPLOT: gcw_warn("gctrace-watch: %s\n", gcw_strerror(e)); break;
  }
  return GCW_EXIT_IO;
}

/* --plot FILE: the dashboard of the last run reported. Returns plot's status. */
static int plot(gcw_db *db, const gcw_config *cfg, const run_list *l) {
  char err[GCW_PLOT_STDERR_MAX + 256];
  err[0] = '\0';
  int status = gcw_cmd_status(gcw_plot_run(db, l->ids[l->n - 1], "all", cfg->plot_file, NULL,
                                            0, err, sizeof err));
  if (err[0]) /* the error, or gnuplot's warnings after a success */
    gcw_warn_lines("gctrace-watch: %s\n", err);
  return status;
}

static int report(gcw_db *db, const gcw_config *cfg, run_list *l) {
  int status = pick_runs(db, cfg, l);
  if (status < 0)
    status = ensure_stats(db, cfg->db, l);
  if (status < 0)
    status = gcw_cmd_judge_again(db, cfg, l->ids, l->n);
  if (status >= 0)
    return status;
  gcw_err e = gcw_report_print(db, l->ids, l->n, strcmp(cfg->format, "json") == 0, stdout);
  status = output_status(e, db, cfg->db);
  if (status < 0 && cfg->plot_file)
    status = plot(db, cfg, l);
  if (status > 0 || !cfg->fail_on)
    return status < 0 ? GCW_EXIT_OK : status;
  int failing = has_failing(db, l, cfg->fail_on);
  if (failing < 0)
    return db_error(cfg->db, db, "cannot read database");
  return failing ? GCW_EXIT_FINDINGS : GCW_EXIT_OK;
}

int gcw_cmd_report(const gcw_config *cfg) {
  run_list l = {NULL, 0, 0};
  gcw_db *db = gcw_cmd_open_db(cfg->db);
  if (!db)
    return GCW_EXIT_IO;
  int status = report(db, cfg, &l);
  gcw_db_close(&db);
  free(l.ids);
  return status;
}

static int compare(gcw_db *db, const gcw_config *cfg, run_list *l) {
  const long pair[2] = {cfg->compare_a, cfg->compare_b};
  for (int i = 0; i < 2; i++) {
    int n = l->n, status = collect(db, cfg->db, GCW_Q_RUN_ID, pair[i], l);
    if (status >= 0)
      return status;
    if (l->n == n) {
      gcw_warn("gctrace-watch: %s: no run with id %ld; try 'gctrace-watch runs'\n",
              cfg->db, pair[i]);
      return GCW_EXIT_IO;
    }
  }
  int status = ensure_stats(db, cfg->db, l);
  if (status >= 0)
    return status;
  status = output_status(gcw_report_compare(db, l->ids[0], l->ids[1],
                                                   strcmp(cfg->format, "json") == 0, stdout), db, cfg->db);
  return status < 0 ? GCW_EXIT_OK : status;
}

int gcw_cmd_compare(const gcw_config *cfg) {
  run_list l = {NULL, 0, 0};
  gcw_db *db = gcw_cmd_open_db(cfg->db);
  if (!db)
    return GCW_EXIT_IO;
  int status = compare(db, cfg, &l);
  gcw_db_close(&db);
  free(l.ids);
  return status;
}
