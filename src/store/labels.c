/* labels.c: what is said about runs and findings beside their rows: a run's labels and
** program (child mode), written when the run opens and read by runs, report and plot; and
** which findings are symptoms of another. See store.h and docs/schema.md (run_labels,
** run_program, finding_parts). */
#include "store_db.h"
#include "store_impl.h"

#include <stdio.h>
#include <string.h>

enum { MAX_ARGS = 256 };

static gcw_err step_done(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}

static gcw_err store_labels(sqlite3 *db, long long run_id, const gcw_run_meta *m) {
  for (int i = 0; i < m->nlabels; i++) {
    sqlite3_stmt *st;
    const char *eq = strchr(m->labels[i], '=');
    if (!eq)
      continue;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO run_labels VALUES(?,?,?)", -1, &st,
                           NULL) != SQLITE_OK)
      return GCW_EDB;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, m->labels[i], (int)(eq - m->labels[i]), SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, eq + 1, -1, SQLITE_TRANSIENT);
    if (step_done(st))
      return GCW_EDB;
  }
  return GCW_OK;
}

/* argv as a JSON array built by SQLite's json_array(): one bound parameter per argument
** (the statement text holds only placeholders). */
static gcw_err store_program(sqlite3 *db, long long run_id, const gcw_run_meta *m) {
  char sql[8 * MAX_ARGS + 200];
  int argc = 0;
  while (m->argv[argc] && argc < MAX_ARGS)
    argc++;
  size_t n = (size_t)snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO run_program VALUES(?1, "
                                               "json_array(");
  for (int i = 0; i < argc; i++)
    n += (size_t)snprintf(sql + n, sizeof sql - n, "%s?%d", i ? "," : "", i + 6);
  snprintf(sql + n, sizeof sql - n, "), ?2, ?3, ?4, ?5)");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return GCW_EDB;
  sqlite3_bind_int64(st, 1, run_id);
  for (int i = 0; i < 4; i++)
    if (m->env[i])
      sqlite3_bind_text(st, i + 2, m->env[i], -1, SQLITE_TRANSIENT);
  for (int i = 0; i < argc; i++)
    sqlite3_bind_text(st, i + 6, m->argv[i], -1, SQLITE_TRANSIENT);
  return step_done(st);
}

gcw_err gcw_store_w_run_meta(gcw_store *s, long long run_id, const gcw_run_meta *m) {
  sqlite3 *db = s->db; /* not gcw_store_reader(): a replay on the writer thread comes here */
  if (!m || run_id <= 0 || !db)
    return GCW_OK;
  gcw_err e = store_labels(db, run_id, m);
  if (!e && m->argv)
    e = store_program(db, run_id, m);
  return e;
}

/* One text column of a one-row query about run_id, into buf ("" when none). */
static void one_text(gcw_db *g, const char *sql, long long run_id, char *buf, size_t n) {
  sqlite3_stmt *st;
  sqlite3 *db = gcw_db_conn(g);
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return; /* a database from before labels: none */
  sqlite3_bind_int64(st, 1, run_id);
  /* a value that does not fit is left out whole: a cut one would not be valid JSON */
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
      (size_t)sqlite3_column_bytes(st, 0) < n)
    snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
}

void gcw_store_labels_text(gcw_db *db, long long run_id, char *buf, size_t n) {
  one_text(db, "SELECT group_concat(key || '=' || value, ', ') FROM "
               "(SELECT key, value FROM run_labels WHERE run_id=?1 ORDER BY key)",
           run_id, buf, n);
}

void gcw_store_labels_json(gcw_db *db, long long run_id, char *buf, size_t n) {
  one_text(db, "SELECT json_group_object(key, value) FROM "
               "(SELECT key, value FROM run_labels WHERE run_id=?1 ORDER BY key)",
           run_id, buf, n);
  if (!buf[0])
    snprintf(buf, n, "{}");
}

void gcw_store_program_json(gcw_db *db, long long run_id, char *buf, size_t n) {
  one_text(db, "SELECT json_object('argv', json(argv), 'GOGC', gogc, 'GOMEMLIMIT', "
               "gomemlimit, 'GOMAXPROCS', gomaxprocs, 'GODEBUG', godebug) "
               "FROM run_program WHERE run_id=?1",
           run_id, buf, n);
  if (!buf[0])
    snprintf(buf, n, "null");
}

gcw_err gcw_store_w_finding_part(gcw_store *s, long long id, long long part_of) {
  sqlite3_stmt *st;
  sqlite3 *db = s->db; /* not gcw_store_reader(): a replay on the writer thread comes here */
  if (id <= 0 || part_of <= 0 || !db)
    return GCW_OK;
  if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO finding_parts VALUES(?,?)", -1,
                         &st, NULL) != SQLITE_OK)
    return GCW_EDB;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, part_of);
  return step_done(st);
}
