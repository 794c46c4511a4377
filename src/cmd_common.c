/* cmd_common.c: what every subcommand does at its start and end. */
#include "cmd.h"

#include "err.h"
#include "recog.h"
#include "pipeline.h"
#include "stats.h"
#include "store.h"

#include <stdio.h>

int gcw_cmd_open(const gcw_config *cfg, gcw_recog **r, gcw_store **s) {
  char msg[512];
  gcw_err e = gcw_recog_open(r, msg, sizeof msg);
  if (e) {
    fprintf(stderr, "gctrace-watch: %s\n", e == GCW_ENOMEM ? "out of memory" : msg);
    return GCW_EXIT_INTERNAL;
  }
  e = gcw_store_open(s, cfg->db, msg, sizeof msg);
  if (e) {
    fprintf(stderr, "gctrace-watch: %s: %s\n", cfg->db, e == GCW_ENOMEM ? "out of memory" : msg);
    gcw_recog_close(r);
    return GCW_EXIT_IO;
  }
  return -1;
}

int gcw_cmd_finish_stats(gcw_store *s, gcw_pipeline *p, long long *ids, int max) {
  if (gcw_store_tick(s, 1) != GCW_OK)
    return -1;
  int n = gcw_pipeline_run_ids(p, ids, max);
  sqlite3 *db = gcw_store_db(s);
  for (int i = 0; i < n; i++)
    if (gcw_stats_compute(db, ids[i]) != GCW_OK) {
      fprintf(stderr, "gctrace-watch: statistics: %s\n", sqlite3_errmsg(db));
      return -1;
    }
  return n;
}

int gcw_cmd_close(gcw_store **s, int status) {
  if (!*s)
    return status;
  char msg[300];
  snprintf(msg, sizeof msg, "%s", gcw_store_errmsg(*s));
  gcw_err e = gcw_store_close(s);
  if (e && status == GCW_EXIT_OK) {
    fprintf(stderr, "gctrace-watch: database: %s\n", *msg ? msg : "cannot close");
    return GCW_EXIT_IO;
  }
  return status;
}
