/* cmd_common.c: what every subcommand does at its start and end. */
#include "cmd.h"

#include "err.h"
#include "recog.h"
#include "stats.h"
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* An existing database (never created). The probe reads the header, so a file that is
** not a database fails here. writable=0: read-only, and a failure is reported; writable=1:
** read-write (for statistics), silently NULL when that is not possible. */
sqlite3 *gcw_cmd_open_db(const char *path, int writable) {
  sqlite3 *db = NULL;
  /* One thread uses the connection: SQLite's own mutexes would only cost time. */
  int flags = (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path, &db, flags, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    rc = sqlite3_exec(db, "SELECT 1 FROM sqlite_master LIMIT 1", NULL, NULL, NULL);
  }
  if (rc == SQLITE_OK)
    return db;
  int sys = rc == SQLITE_CANTOPEN && db ? sqlite3_system_errno(db) : 0;
  if (!writable)
    fprintf(stderr, "gctrace-watch: %s: cannot open database: %s\n", path,
            sys ? strerror(sys) : db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  sqlite3_close(db);
  return NULL;
}

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

int gcw_cmd_stats(sqlite3 *db, const long long *ids, int n) {
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
