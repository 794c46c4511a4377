/* prune.c: retention. See prune.h. */
#include "prune.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static long long file_bytes(const char *path) {
  struct stat st;
  char wal[4200];
  long long n = stat(path, &st) == 0 ? (long long)st.st_size : 0;
  snprintf(wal, sizeof wal, "%s-wal", path);
  if (stat(wal, &st) == 0)
    n += (long long)st.st_size;
  return n;
}

static gcw_err db_fail(sqlite3 *db, const char *what, char *msg, size_t msglen) {
  snprintf(msg, msglen, "%s: %s", what, db ? sqlite3_errmsg(db) : "cannot open");
  return GCW_EDB;
}

/* The doomed runs into TEMP tables: old_runs(id), then old_sources(id) left empty. */
static const char select_sql[] =
    "CREATE TEMP TABLE old_runs(id INTEGER PRIMARY KEY);"
    "CREATE TEMP TABLE old_sources(id INTEGER PRIMARY KEY);";
static const char pick_sql[] =
    "INSERT INTO temp.old_runs SELECT r.id FROM runs r JOIN sources s ON s.id = r.source_id "
    "WHERE max(s.added_at, coalesce((SELECT max(wall) FROM gc_cycles WHERE run_id = r.id), ''), "
    "coalesce((SELECT max(wall) FROM scavenger WHERE run_id = r.id), '')) < ?1";
static const char delete_sql[] =
    "DELETE FROM gc_cycles WHERE run_id IN temp.old_runs;"
    "DELETE FROM scavenger WHERE run_id IN temp.old_runs;"
    "DELETE FROM pacer WHERE run_id IN temp.old_runs;"
    "DELETE FROM forced_gc WHERE run_id IN temp.old_runs;"
    "DELETE FROM finding_parts WHERE finding_id IN "
    "(SELECT id FROM findings WHERE run_id IN temp.old_runs);"
    "DELETE FROM findings WHERE run_id IN temp.old_runs;"
    "DELETE FROM stats WHERE run_id IN temp.old_runs;"
    "DELETE FROM process_samples WHERE run_id IN temp.old_runs;"
    "DELETE FROM run_labels WHERE run_id IN temp.old_runs;"
    "DELETE FROM run_program WHERE run_id IN temp.old_runs;"
    "DELETE FROM runs WHERE id IN temp.old_runs;"
    /* sources that had runs and have none left; a source still being read (bytes not yet
    ** set) is kept */
    "INSERT INTO temp.old_sources SELECT s.id FROM sources s WHERE s.bytes IS NOT NULL "
    "AND s.added_at < ?1 AND NOT EXISTS (SELECT 1 FROM runs WHERE source_id = s.id);"
    "DELETE FROM unparsed WHERE source_id IN temp.old_sources;"
    "DELETE FROM source_files WHERE source_id IN temp.old_sources;"
    "DELETE FROM sources WHERE id IN temp.old_sources;";

static long long count(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  long long n = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

/* Run every statement of sql, binding the cutoff as ?1 where it is used. */
static int exec_bound(sqlite3 *db, const char *sql, const char *cutoff) {
  const char *tail = sql;
  while (tail && *tail) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK)
      return -1;
    if (!st)
      break;
    if (sqlite3_bind_parameter_count(st) > 0)
      sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
      return -1;
  }
  return 0;
}

static gcw_err delete_old(sqlite3 *db, gcw_prune_result *r, char *msg, size_t msglen) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(db, "cannot start deleting", msg, msglen);
  if (sqlite3_exec(db, select_sql, NULL, NULL, NULL) != SQLITE_OK ||
      exec_bound(db, pick_sql, r->cutoff) != 0 || exec_bound(db, delete_sql, r->cutoff) != 0) {
    gcw_err e = db_fail(db, "cannot delete", msg, msglen);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return e;
  }
  r->runs = count(db, "SELECT count(*) FROM temp.old_runs");
  r->sources = count(db, "SELECT count(*) FROM temp.old_sources");
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    gcw_err e = db_fail(db, "cannot commit", msg, msglen);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return e;
  }
  return GCW_OK;
}

gcw_err gcw_prune(const char *path, double older_than_s, gcw_prune_result *r, char *msg,
                  size_t msglen) {
  sqlite3 *db = NULL;
  memset(r, 0, sizeof *r);
  msg[0] = '\0';
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
          SQLITE_OK ||
      sqlite3_exec(db, "SELECT 1 FROM runs LIMIT 1", NULL, NULL, NULL) != SQLITE_OK) {
    gcw_err e = db_fail(db, "cannot open database", msg, msglen);
    sqlite3_close(db);
    return e;
  }
  sqlite3_busy_timeout(db, 5000);
  r->bytes_before = file_bytes(path);
  /* the cutoff in the format of sources.added_at and the wall columns */
  sqlite3_stmt *st;
  char mod[64];
  snprintf(mod, sizeof mod, "-%.0f seconds", older_than_s);
  if (sqlite3_prepare_v2(db, "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?1)", -1, &st,
                         NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, mod, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      snprintf(r->cutoff, sizeof r->cutoff, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  gcw_err e = r->cutoff[0] ? delete_old(db, r, msg, msglen)
                           : db_fail(db, "cannot compute the cutoff", msg, msglen);
  if (!e && r->runs + r->sources > 0) {
    r->vacuumed = sqlite3_exec(db, "VACUUM", NULL, NULL, NULL) == SQLITE_OK;
    if (!r->vacuumed)
      snprintf(msg, msglen, "space not reclaimed now (VACUUM: %s); run prune again later",
               sqlite3_errmsg(db));
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  }
  sqlite3_close(db);
  r->bytes_after = file_bytes(path);
  return e;
}
