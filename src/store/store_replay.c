/*
** store_replay.c: a stored run read back as the events it was stored from, and findings
** judged again put in front of the stored ones. See store_replay.h.
**
** Why replay events rather than query findings: `report --threshold` and `--pause-slo`
** ask what the detectors would have said with other thresholds, and only the detectors
** know their rules. The columns of gc_cycles and scavenger are the fields of fields.h by
** name, so an event is rebuilt field by field: present where the column is not NULL.
*/
#include "store_replay.h"

#include "store_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One cursor per event table: its rows in line order, and the field of each column. */
typedef struct source_rows {
  sqlite3_stmt *st;
  int have;                /* a row is waiting */
  gcw_family family;       /* of every row (gc_cycles), or read from the family column */
  int family_col;          /* -1: none */
  int field[GCW_NFIELDS];  /* field of column 3 + i */
  int nfields;
} source_rows;

/* "SELECT line, wall, <family or NULL>, f1, f2, ... FROM t WHERE run_id=?1 ORDER BY line" */
static gcw_err open_source(gcw_db *db, source_rows *s, const char *table, unsigned bit,
                           int has_family, long long run) {
  char sql[4096];
  size_t n = (size_t)snprintf(sql, sizeof sql, "SELECT line, wall, %s",
                              has_family ? "family" : "NULL");
  s->nfields = 0;
  for (int f = 0; f < GCW_NFIELDS && n < sizeof sql; f++)
    if (gcw_field_infos[f].tables & bit) {
      n += (size_t)snprintf(sql + n, sizeof sql - n, ", %s", gcw_field_infos[f].name);
      s->field[s->nfields++] = f;
    }
  if (n < sizeof sql)
    n += (size_t)snprintf(sql + n, sizeof sql - n,
                          " FROM %s WHERE run_id = ?1 ORDER BY line", table);
  if (n >= sizeof sql)
    return GCW_EUSAGE; /* fields.h outgrew the buffer: never run a cut statement */
  if (sqlite3_prepare_v2(gcw_db_conn(db), sql, -1, &s->st, NULL) != SQLITE_OK)
    return GCW_EDB;
  sqlite3_bind_int64(s->st, 1, run);
  s->family_col = has_family ? 2 : -1;
  return GCW_OK;
}

static int step(source_rows *s) {
  int rc = sqlite3_step(s->st);
  s->have = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static gcw_family family_of(const source_rows *s) {
  if (s->family_col < 0)
    return s->family;
  const char *name = (const char *)sqlite3_column_text(s->st, s->family_col);
  return name && strcmp(name, "scvg") == 0 ? GCW_FAM_SCVG : GCW_FAM_SCAV;
}

/* The current row as an event; *wall gets its wall time or NULL. */
static void to_event(const source_rows *s, gcw_event *ev, const char **wall) {
  memset(ev, 0, sizeof *ev);
  ev->family = family_of(s);
  ev->kind = gcw_family_name(ev->family);
  ev->line = (long)sqlite3_column_int64(s->st, 0);
  *wall = (const char *)sqlite3_column_text(s->st, 1);
  for (int i = 0; i < s->nfields; i++) {
    int c = 3 + i, f = s->field[i];
    if (sqlite3_column_type(s->st, c) == SQLITE_NULL)
      continue;
    ev->present[f] = 1;
    ev->v[f] = sqlite3_column_double(s->st, c);
  }
  if (*wall)
    snprintf(ev->wall, sizeof ev->wall, "%s", *wall);
}

gcw_err gcw_db_replay(gcw_db *db, long long run, gcw_replay_fn fn, void *ctx) {
  source_rows src[2] = {{NULL, 0, GCW_FAM_GC, -1, {0}, 0}, {NULL, 0, GCW_FAM_SCAV, -1, {0}, 0}};
  gcw_err e = open_source(db, &src[0], "gc_cycles", GCW_T_GC, 0, run);
  if (!e)
    e = open_source(db, &src[1], "scavenger", GCW_T_SCAV, 1, run);
  if (!e && (step(&src[0]) || step(&src[1])))
    e = GCW_EDB;
  gcw_event ev;
  /* the two tables merged in line order: the order the detectors saw them in */
  while (!e && (src[0].have || src[1].have)) {
    source_rows *s = !src[1].have ? &src[0]
                     : !src[0].have
                         ? &src[1]
                         : sqlite3_column_int64(src[1].st, 0) < sqlite3_column_int64(src[0].st, 0)
                               ? &src[1]
                               : &src[0];
    const char *wall;
    to_event(s, &ev, &wall);
    fn(ctx, &ev, wall ? ev.wall : NULL);
    if (step(s))
      e = GCW_EDB;
  }
  sqlite3_finalize(src[0].st);
  sqlite3_finalize(src[1].st);
  return e;
}

/* A TEMP table named `findings` comes before the file's in every unqualified name this
** connection resolves (SQLite looks in temp first), so every reader of findings — the
** report, --fail-on — sees the judged-again findings without a change of its own. */
static gcw_err shadow_findings(gcw_db *db) {
  sqlite3 *c = gcw_db_conn(db);
  sqlite3_stmt *st;
  int exists = 0;
  if (sqlite3_prepare_v2(c, "SELECT 1 FROM temp.sqlite_master WHERE name = 'findings'", -1,
                         &st, NULL) != SQLITE_OK)
    return GCW_EDB;
  exists = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  if (exists)
    return GCW_OK;
  return sqlite3_exec(c, "CREATE TEMP TABLE findings AS SELECT * FROM main.findings", NULL,
                      NULL, NULL) == SQLITE_OK
             ? GCW_OK
             : GCW_EDB;
}

gcw_err gcw_db_findings_replace(gcw_db *db, long long run, const gcw_finding *f, int n) {
  if (shadow_findings(db))
    return GCW_EDB;
  sqlite3 *c = gcw_db_conn(db);
  sqlite3_stmt *del = NULL, *ins = NULL;
  gcw_err e = GCW_OK;
  if (sqlite3_prepare_v2(c, "DELETE FROM temp.findings WHERE run_id = ?1", -1, &del, NULL) !=
          SQLITE_OK ||
      sqlite3_prepare_v2(c,
                         "INSERT INTO temp.findings(run_id, kind, severity, gc, t_s, value, "
                         "threshold, unit, message, wall, end_gc, end_t_s, next_step) "
                         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                         -1, &ins, NULL) != SQLITE_OK)
    e = GCW_EDB;
  if (!e) {
    sqlite3_bind_int64(del, 1, run);
    if (sqlite3_step(del) != SQLITE_DONE)
      e = GCW_EDB;
  }
  for (int i = 0; !e && i < n; i++) {
    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, run);
    gcw_store_bind_finding(ins, &f[i]);
    if (sqlite3_step(ins) != SQLITE_DONE)
      e = GCW_EDB;
  }
  sqlite3_finalize(del);
  sqlite3_finalize(ins);
  return e;
}
