/*
** store_db.h: the store's own view of a read connection (src/store/ only).
** Owns:   nothing; declares what store.c, stats.c, store_read.c and replay.c share.
** Never:  is included outside src/store/: it is the one header that names sqlite3, so
**         the rest of the program sees gcw_db and gcw_rows (store_read.h) instead.
*/
#ifndef GCW_STORE_DB_H
#define GCW_STORE_DB_H

#include "store_read.h"

#include <sqlite3.h>

/* A read connection: its own (gcw_db_open) or the writer's (gcw_store_reader). */
struct gcw_db {
  sqlite3 *conn;
  char *path;     /* the file, to reopen it read-write for statistics; NULL: borrowed */
  int borrowed;   /* 1: the store's connection, closed by gcw_store_close, not here */
};

/* Columns of `stats`. The file's table and the TEMP copy a read-only database gets for
** its statistics (gcw_stats_ensure) are made from this one definition. */
#define GCW_STATS_COLUMNS                                                                 \
  "(run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL, value REAL, "       \
  "unit TEXT, PRIMARY KEY(run_id, name)) WITHOUT ROWID"

static inline sqlite3 *gcw_db_conn(gcw_db *db) { return db->conn; }

struct gcw_finding;
/* Parameters 2..13 of an INSERT INTO findings(run_id, kind, severity, gc, t_s, value,
** threshold, unit, message, wall, end_gc, end_t_s, next_step): how a finding is stored,
** in one place for the writer (store.c) and the judged-again copy (store_replay.c). */
void gcw_store_bind_finding(sqlite3_stmt *st, const struct gcw_finding *f);
/* INSERT OR REPLACE every statistic of run_id (one statement: all or none); stats.c, for
** itself and for the store, which writes the statistics computed while reading. */
gcw_err gcw_stats_write(sqlite3 *db, long long run_id, const gcw_stat_values *r);

#endif
