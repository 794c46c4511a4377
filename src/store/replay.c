/* replay.c: stored rows back into events. See replay.h. */
#include "replay.h"

#include "store_db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* One table's rows of a run, in line order, with each column's field (-1: not a field). */
typedef struct cursor {
  sqlite3_stmt *st;
  int rc;             /* of the last step: SQLITE_ROW while a row is waiting */
  int line_col, wall_col, family_col;
  int field_of[128];
  int ncols;
} cursor;

static int open_cursor(sqlite3 *db, cursor *c, const char *sql, long long run_id) {
  memset(c, 0, sizeof *c);
  if (sqlite3_prepare_v2(db, sql, -1, &c->st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_int64(c->st, 1, run_id);
  c->ncols = sqlite3_column_count(c->st);
  if (c->ncols > (int)(sizeof c->field_of / sizeof c->field_of[0]))
    c->ncols = (int)(sizeof c->field_of / sizeof c->field_of[0]);
  c->line_col = c->wall_col = c->family_col = -1;
  for (int i = 0; i < c->ncols; i++) {
    const char *n = sqlite3_column_name(c->st, i);
    c->field_of[i] = gcw_field_lookup(n, strlen(n));
    if (strcmp(n, "line") == 0)
      c->line_col = i;
    else if (strcmp(n, "wall") == 0)
      c->wall_col = i;
    else if (strcmp(n, "family") == 0)
      c->family_col = i;
  }
  c->rc = sqlite3_step(c->st);
  return 0;
}

static long line_of(const cursor *c) {
  return c->rc == SQLITE_ROW ? (long)sqlite3_column_int64(c->st, c->line_col) : -1;
}

static void event_of(const cursor *c, gcw_family fam, gcw_event *ev) {
  memset(ev, 0, sizeof *ev);
  ev->family = fam;
  if (c->family_col >= 0) {
    const char *f = (const char *)sqlite3_column_text(c->st, c->family_col);
    ev->family = f && strcmp(f, "scvg") == 0 ? GCW_FAM_SCVG : fam;
  }
  ev->kind = gcw_family_name(ev->family);
  ev->line = line_of(c);
  for (int i = 0; i < c->ncols; i++) {
    int f = c->field_of[i];
    if (f >= 0 && sqlite3_column_type(c->st, i) != SQLITE_NULL) {
      ev->v[f] = sqlite3_column_double(c->st, i);
      ev->present[f] = 1;
    }
  }
}

gcw_err gcw_replay_run(gcw_db *db, long long run_id, gcw_replay_event_fn fn, void *ctx) {
  cursor gc, sc;
  gcw_event ev;
  gcw_err e = GCW_OK;
  int bad = open_cursor(gcw_db_conn(db), &gc, "SELECT * FROM gc_cycles WHERE run_id = ?1 ORDER BY line", run_id);
  bad |= open_cursor(gcw_db_conn(db), &sc, "SELECT * FROM scavenger WHERE run_id = ?1 ORDER BY line", run_id);
  while (!bad && (gc.rc == SQLITE_ROW || sc.rc == SQLITE_ROW)) {
    long lg = line_of(&gc), ls = line_of(&sc);
    cursor *c = ls < 0 || (lg >= 0 && lg <= ls) ? &gc : &sc;
    event_of(c, c == &gc ? GCW_FAM_GC : GCW_FAM_SCAV, &ev);
    const char *wall = c->wall_col >= 0 ? (const char *)sqlite3_column_text(c->st, c->wall_col)
                                        : NULL;
    if (fn(ctx, &ev, wall))
      break;
    c->rc = sqlite3_step(c->st);
  }
  if (bad || (gc.rc != SQLITE_ROW && gc.rc != SQLITE_DONE) ||
      (sc.rc != SQLITE_ROW && sc.rc != SQLITE_DONE))
    e = GCW_EDB;
  sqlite3_finalize(gc.st);
  sqlite3_finalize(sc.st);
  return e;
}

gcw_err gcw_replay_run_ids(gcw_db *db, long long run_id, long long *ids, int max, int *n) {
  sqlite3_stmt *st;
  *n = 0;
  if (sqlite3_prepare_v2(gcw_db_conn(db), "SELECT id FROM runs WHERE ?1 = 0 OR id = ?1 ORDER BY id", -1, &st,
                         NULL) != SQLITE_OK)
    return GCW_EDB;
  sqlite3_bind_int64(st, 1, run_id);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
    ids[(*n)++] = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}

gcw_err gcw_replay_info(gcw_db *db, long long run_id, gcw_replay_run_info *info) {
  static const char sql[] =
      "SELECT (SELECT wall IS NOT NULL FROM gc_cycles WHERE run_id = r.id ORDER BY line LIMIT 1), "
      "(SELECT max(t_s) FROM gc_cycles WHERE run_id = r.id), s.added_at "
      "FROM runs r JOIN sources s ON s.id = r.source_id WHERE r.id = ?1";
  sqlite3_stmt *st;
  memset(info, 0, sizeof *info);
  info->last_t_s = -1;
  if (sqlite3_prepare_v2(gcw_db_conn(db), sql, -1, &st, NULL) != SQLITE_OK)
    return GCW_EDB;
  sqlite3_bind_int64(st, 1, run_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    info->has_wall = sqlite3_column_int(st, 0);
    if (sqlite3_column_type(st, 1) != SQLITE_NULL)
      info->last_t_s = sqlite3_column_double(st, 1);
    const char *a = (const char *)sqlite3_column_text(st, 2);
    snprintf(info->added_at, sizeof info->added_at, "%s", a ? a : "");
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? GCW_OK : GCW_EDB;
}

gcw_err gcw_replay_findings(gcw_db *db, long long run_id, gcw_replay_finding *out, int max,
                            int *n) {
  sqlite3_stmt *st;
  *n = 0;
  if (sqlite3_prepare_v2(gcw_db_conn(db),
                         "SELECT kind, severity, coalesce(gc, -1), coalesce(end_gc, -1) "
                         "FROM findings WHERE run_id = ?1 ORDER BY id",
                         -1, &st, NULL) != SQLITE_OK)
    return GCW_EDB;
  sqlite3_bind_int64(st, 1, run_id);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
    gcw_replay_finding *f = &out[(*n)++];
    snprintf(f->kind, sizeof f->kind, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(f->severity, sizeof f->severity, "%s", (const char *)sqlite3_column_text(st, 1));
    f->gc = (long)sqlite3_column_int64(st, 2);
    f->end_gc = (long)sqlite3_column_int64(st, 3);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}
