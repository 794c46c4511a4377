/* cmd_common.c: what every subcommand does at its start and end. */
#include "cmd.h"

#include "dbpath.h"
#include "err.h"
#include "metrics.h"
#include "metrics_http.h"
#include "live.h"
#include "pipeline.h"
#include "recog.h"
#include "safetext.h"
#include "stats.h"
#include "store.h"
#include "store_read.h"
#include "writer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

gcw_db *gcw_cmd_open_db(const char *path) {
  gcw_db *db = NULL;
  char msg[256];
  if (gcw_db_open(&db, path, 0, msg, sizeof msg) != GCW_OK)
    gcw_warn("gctrace-watch: %s: cannot open database: %s\n", path, msg);
  return db;
}

int gcw_cmd_stdout_end(gcw_writer *w, int status) {
  gcw_err e = gcw_writer_end(w);
  if (e == GCW_OK)
    return status;
  if (e == GCW_EPIPE) {
    clearerr(w->f);
    return status;
  }
  gcw_warn("gctrace-watch: stdout: %s\n", strerror(w->err_no));
  return GCW_EXIT_IO;
}

/* The default database's directory is made by the first command that writes. */
static void make_dir(const gcw_config *cfg) {
  if (cfg->db_default && gcw_dbpath_make_dir(cfg->db) != 0)
    gcw_warn("gctrace-watch: %s: cannot create its directory: %s\n", cfg->db,
            strerror(errno));
}

int gcw_cmd_open(const gcw_config *cfg, gcw_recog **r, gcw_store **s) {
  char msg[512];
  gcw_err e = gcw_recog_open(r, msg, sizeof msg);
  if (e) {
    gcw_warn("gctrace-watch: %s\n", e == GCW_ENOMEM ? "out of memory" : msg);
    return GCW_EXIT_INTERNAL;
  }
  make_dir(cfg);
  /* analyze --follow stores as watch mode does: readers see its rows as they come */
  e = cfg->cmd == GCW_CMD_ANALYZE && !cfg->follow
          ? gcw_store_open_import(s, cfg->db, msg, sizeof msg)
          : gcw_store_open(s, cfg->db, msg, sizeof msg);
  if (e) {
    gcw_warn("gctrace-watch: %s: %s\n", cfg->db, e == GCW_ENOMEM ? "out of memory" : msg);
    gcw_recog_close(r);
    return GCW_EXIT_IO;
  }
  return -1;
}

/* A notice of the fail-open store: what failed, what is (not) being stored. */
static void db_notice(void *ctx, const char *msg) {
  gcw_warn("gctrace-watch: %s: %s\n", (const char *)ctx, msg);
}

int gcw_cmd_open_live(const gcw_config *cfg, gcw_recog **r, gcw_store **s) {
  char msg[512];
  gcw_err e = gcw_recog_open(r, msg, sizeof msg);
  if (e) {
    gcw_warn("gctrace-watch: %s\n", e == GCW_ENOMEM ? "out of memory" : msg);
    return GCW_EXIT_INTERNAL;
  }
  make_dir(cfg);
  if (gcw_store_open_live(s, cfg->db, db_notice, (void *)cfg->db) != GCW_OK) {
    gcw_warn("gctrace-watch: out of memory\n");
    gcw_recog_close(r);
    return GCW_EXIT_INTERNAL;
  }
  return -1;
}

int gcw_cmd_stats(gcw_db *db, const long long *ids, int n) {
  for (int i = 0; i < n; i++)
    if (!gcw_stats_present(db, ids[i]) && gcw_stats_compute(db, ids[i]) != GCW_OK) {
      gcw_warn("gctrace-watch: statistics: %s\n", gcw_db_errmsg(db));
      return -1;
    }
  return n;
}

int gcw_cmd_status(gcw_err e) {
  switch (e) {
  case GCW_OK: return GCW_EXIT_OK;
  case GCW_EUSAGE: return GCW_EXIT_USAGE;
  case GCW_ENOMEM: case GCW_EGNUPLOT: case GCW_EGRAMMAR: return GCW_EXIT_INTERNAL;
  case GCW_EOPEN: case GCW_EREAD: case GCW_EWRITE: case GCW_EPIPE: case GCW_EDB:
  case GCW_ECHILD: break;
  }
  return GCW_EXIT_IO;
}

int gcw_cmd_close(gcw_store **s, int status) {
  if (!*s)
    return status;
  char msg[300];
  gcw_store_flush(*s);
  snprintf(msg, sizeof msg, "%s", gcw_store_errmsg(*s));
  gcw_err e = gcw_store_close(s);
  if (e && status == GCW_EXIT_OK) {
    gcw_warn("gctrace-watch: database: %s\n", *msg ? msg : "cannot close");
    return GCW_EXIT_IO;
  }
  return status;
}

int gcw_cmd_metrics_start(const gcw_config *cfg, int fatal, gcw_metrics **m,
                          gcw_metrics_http **h) {
  char msg[400];
  *m = NULL;
  *h = NULL;
  if (!cfg->metrics)
    return -1;
  /* the --label pairs become labels of every series (issue 10's labels, issue 11) */
  gcw_err e = gcw_metrics_new(m, cfg->labels, cfg->nlabels, msg, sizeof msg);
  if (e) {
    gcw_warn("gctrace-watch: %s\n", e == GCW_EUSAGE ? msg : "out of memory");
    return e == GCW_EUSAGE ? GCW_EXIT_USAGE : GCW_EXIT_INTERNAL;
  }
  e = gcw_metrics_http_start(h, *m, cfg->metrics, msg, sizeof msg);
  if (!e)
    return -1;
  gcw_metrics_free(m);
  gcw_warn("gctrace-watch: %s%s\n", e == GCW_ENOMEM ? "out of memory" : msg,
          fatal ? "" : "; going on without metrics");
  if (!fatal)
    return -1;
  return e == GCW_EUSAGE ? GCW_EXIT_USAGE : GCW_EXIT_IO;
}

void gcw_cmd_metrics_stop(gcw_metrics **m, gcw_metrics_http **h) {
  gcw_metrics_http_stop(h);
  gcw_metrics_free(m);
}

void gcw_cmd_live_summary(const gcw_config *cfg, gcw_pipeline *const *p, int n) {
  gcw_live_summary sum;
  memset(&sum, 0, sizeof sum);
  if (cfg->quiet)
    return;
  for (int i = 0; i < n; i++)
    if (p[i])
      gcw_pipeline_summary(p[i], &sum);
  if (sum.bytes == 0)
    return; /* nothing came (an empty pipe, Ctrl-D at a terminal): not a word */
  sum.db = cfg->db;
  gcw_live l = {stderr, 0, cfg->findings_json, cfg->labels, cfg->nlabels};
  gcw_live_summary_print(&l, &sum);
}
