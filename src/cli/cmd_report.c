/*
** cmd_report.c: `gctrace-watch report` and `gctrace-watch compare RUN_A RUN_B`.
** Input:  the database, opened read-only and never created. When a run to show has no
**         `stats` rows yet (or fewer than this program knows, or computed when the run
**         had fewer cycles), they are computed first (stats.c) and stored: the database
**         is reopened read-write for that (still never created). A database that cannot be
**         written (a read-only file) gets them in a TEMP copy of `stats` instead, for
**         this invocation only.
** Output: report.c's text or JSON on stdout; messages on stderr.
**         --plot FILE draws the dashboard of the last run reported (plot.c).
** Exit:   0, 1 when a finding at or above --fail-on exists among the runs reported,
**         3 for a missing database, an unknown run or a database error; a failed
**         --plot gives plot's status (2, 3 or 4), which wins over 1.
*/
#include "cmd.h"

#include "err.h"
#include "plot.h"
#include "report.h"
#include "stats.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The runs one invocation shows (runs.id), in order. */
typedef struct run_list {
  long long *ids;
  int n, cap;
} run_list;

static int db_error(const char *path, sqlite3 *db, const char *what) {
  fprintf(stderr, "gctrace-watch: %s: %s: %s\n", path, what, sqlite3_errmsg(db));
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

/* Add the id of every row of sql (?1 bound to arg); 1 row at least is expected. */
static int collect(sqlite3 *db, const char *path, const char *sql, long long arg, run_list *l) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL), nomem = 0;
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, arg);
    while (!nomem && (rc = sqlite3_step(st)) == SQLITE_ROW)
      if (sqlite3_column_type(st, 0) != SQLITE_NULL && list_add(l, sqlite3_column_int64(st, 0)))
        nomem = 1;
  }
  int status = nomem ? GCW_EXIT_INTERNAL : rc == SQLITE_DONE ? -1 : GCW_EXIT_IO;
  if (status == GCW_EXIT_IO)
    db_error(path, db, "cannot read database");
  if (nomem)
    fprintf(stderr, "gctrace-watch: out of memory\n");
  sqlite3_finalize(st);
  return status;
}

/* The run given, or every run, or the latest one. Returns -1 or an exit status. */
static int pick_runs(sqlite3 *db, const gcw_config *cfg, run_list *l) {
  int status;
  if (cfg->all)
    status = collect(db, cfg->db, "SELECT id FROM runs WHERE id > ?1 ORDER BY id", 0, l);
  else if (cfg->run)
    status = collect(db, cfg->db, "SELECT id FROM runs WHERE id = ?1", cfg->run, l);
  else
    status = collect(db, cfg->db, "SELECT max(id) FROM runs WHERE id > ?1", 0, l);
  if (status >= 0 || l->n > 0)
    return status;
  if (cfg->run)
    fprintf(stderr, "gctrace-watch: %s: no run with id %ld; try 'gctrace-watch runs'\n", cfg->db,
            cfg->run);
  else
    fprintf(stderr, "gctrace-watch: %s: no runs in the database\n", cfg->db);
  return GCW_EXIT_IO;
}

/* Does the run have its statistics, all of them, computed from the cycles it has now
** (a run still being written, or one a killed watch left, has more cycles than its
** stored `cycles`)? 1, 0, or -1 on a database error. */
static int has_stats(sqlite3 *db, long long run) {
  static const char sql[] =
      "SELECT (SELECT count(*) FROM stats WHERE run_id = ?1) >= ?2 "
      "AND (SELECT value FROM stats WHERE run_id = ?1 AND name = 'cycles') "
      "= (SELECT count(*) FROM gc_cycles WHERE run_id = ?1)";
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  int has = -1;
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int(st, 2, GCW_STAT_COUNT);
    if (sqlite3_step(st) == SQLITE_ROW)
      has = sqlite3_column_int(st, 0);
  }
  sqlite3_finalize(st);
  return has;
}

/* A TEMP `stats` (searched before the file's own) holding a copy of the stored rows: the
** statistics of a database that cannot be written live there for this invocation. */
static int temp_stats(sqlite3 *db) {
  static const char sql[] =
      "CREATE TEMP TABLE IF NOT EXISTS stats(run_id INTEGER NOT NULL, name TEXT NOT NULL, "
      "value REAL, unit TEXT, PRIMARY KEY(run_id, name)) WITHOUT ROWID;"
      "INSERT OR IGNORE INTO temp.stats SELECT run_id, name, value, unit FROM main.stats;";
  return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Compute the missing statistics on a read-write connection, or else into TEMP on the
** read-only one. *db may be replaced by the read-write connection. */
static int compute_missing(sqlite3 **db, const char *path, const run_list *l, const int *need) {
  sqlite3 *rw = gcw_cmd_open_db(path, 1);
  if (rw) {
    sqlite3_close(*db);
    *db = rw;
  } else if (temp_stats(*db)) {
    return db_error(path, *db, "cannot compute statistics");
  }
  for (int i = 0; i < l->n; i++) {
    if (!need[i] || gcw_stats_compute(*db, l->ids[i]) == GCW_OK)
      continue;
    if (rw && sqlite3_errcode(*db) == SQLITE_READONLY && temp_stats(*db) == 0 &&
        gcw_stats_compute(*db, l->ids[i]) == GCW_OK)
      continue; /* opened read-write, but the file (or its directory) refuses writes */
    return db_error(path, *db, "cannot compute statistics");
  }
  return -1;
}

/* Make sure every run of l has its statistics. Returns -1 or an exit status. */
static int ensure_stats(sqlite3 **db, const char *path, const run_list *l) {
  int *need = calloc((size_t)l->n, sizeof *need), missing = 0;
  if (!need) {
    fprintf(stderr, "gctrace-watch: out of memory\n");
    return GCW_EXIT_INTERNAL;
  }
  for (int i = 0; i < l->n; i++) {
    int has = has_stats(*db, l->ids[i]);
    if (has < 0) {
      free(need);
      return db_error(path, *db, "cannot read database");
    }
    need[i] = !has;
    missing |= !has;
  }
  int status = missing ? compute_missing(db, path, l, need) : -1;
  free(need);
  return status;
}

/* A finding at or above fail_on among the runs: 1, 0, or -1 on a database error. */
static int has_failing(sqlite3 *db, const run_list *l, const char *fail_on) {
  static const char sql[] =
      "SELECT EXISTS(SELECT 1 FROM findings WHERE run_id = ?1 AND "
      "(severity = 'error' OR (?2 = 'warn' AND severity = 'warn')))";
  sqlite3_stmt *st = NULL;
  int found = 0, rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  for (int i = 0; i < l->n && rc == SQLITE_OK && !found; i++) {
    sqlite3_bind_int64(st, 1, l->ids[i]);
    sqlite3_bind_text(st, 2, fail_on, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    found = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    rc = rc == SQLITE_ROW ? sqlite3_reset(st) : rc;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_OK ? found : -1;
}

/* What a report.c error means for the exit status. A reader that went away (EPIPE) ends
** quietly: the error flag is cleared so that main() does not report it. */
static int output_status(gcw_err e, sqlite3 *db, const char *path) {
  switch (e) {
  case GCW_OK: return -1;
  case GCW_EPIPE: clearerr(stdout); return -1;
  case GCW_EDB: return db_error(path, db, "cannot read database");
  case GCW_EWRITE: fprintf(stderr, "gctrace-watch: stdout: %s\n", strerror(errno)); break;
  case GCW_ENOMEM: case GCW_EUSAGE: case GCW_EOPEN: case GCW_EREAD: case GCW_EGRAMMAR:
  case GCW_ECHILD: fprintf(stderr, "gctrace-watch: %s\n", gcw_strerror(e)); break;
  }
  return GCW_EXIT_IO;
}

/* --plot FILE: the dashboard of the last run reported. Returns plot's status. */
static int plot(sqlite3 *db, const gcw_config *cfg, const run_list *l) {
  char err[GCW_PLOT_STDERR_MAX + 256];
  err[0] = '\0';
  int status = gcw_plot_run(db, l->ids[l->n - 1], "all", cfg->plot_file, NULL, 0, err,
                            sizeof err);
  if (err[0]) /* the error, or gnuplot's warnings after a success */
    fprintf(stderr, "gctrace-watch: %s\n", err);
  return status;
}

static int report(sqlite3 **db, const gcw_config *cfg, run_list *l) {
  int status = pick_runs(*db, cfg, l);
  if (status < 0)
    status = ensure_stats(db, cfg->db, l);
  if (status >= 0)
    return status;
  gcw_err e = gcw_report_print(*db, l->ids, l->n, strcmp(cfg->format, "json") == 0, stdout);
  status = output_status(e, *db, cfg->db);
  if (status < 0 && cfg->plot_file)
    status = plot(*db, cfg, l);
  if (status > 0 || !cfg->fail_on)
    return status < 0 ? GCW_EXIT_OK : status;
  int failing = has_failing(*db, l, cfg->fail_on);
  if (failing < 0)
    return db_error(cfg->db, *db, "cannot read database");
  return failing ? GCW_EXIT_FINDINGS : GCW_EXIT_OK;
}

int gcw_cmd_report(const gcw_config *cfg) {
  run_list l = {NULL, 0, 0};
  sqlite3 *db = gcw_cmd_open_db(cfg->db, 0);
  if (!db)
    return GCW_EXIT_IO;
  int status = report(&db, cfg, &l);
  sqlite3_close(db);
  free(l.ids);
  return status;
}

static int compare(sqlite3 **db, const gcw_config *cfg, run_list *l) {
  const long pair[2] = {cfg->compare_a, cfg->compare_b};
  for (int i = 0; i < 2; i++) {
    int n = l->n, status = collect(*db, cfg->db, "SELECT id FROM runs WHERE id = ?1", pair[i], l);
    if (status >= 0)
      return status;
    if (l->n == n) {
      fprintf(stderr, "gctrace-watch: %s: no run with id %ld; try 'gctrace-watch runs'\n",
              cfg->db, pair[i]);
      return GCW_EXIT_IO;
    }
  }
  int status = ensure_stats(db, cfg->db, l);
  if (status >= 0)
    return status;
  status = output_status(gcw_report_compare(*db, l->ids[0], l->ids[1], stdout), *db, cfg->db);
  return status < 0 ? GCW_EXIT_OK : status;
}

int gcw_cmd_compare(const gcw_config *cfg) {
  run_list l = {NULL, 0, 0};
  sqlite3 *db = gcw_cmd_open_db(cfg->db, 0);
  if (!db)
    return GCW_EXIT_IO;
  int status = compare(&db, cfg, &l);
  sqlite3_close(db);
  free(l.ids);
  return status;
}
