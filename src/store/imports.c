/* imports.c: the bookkeeping that makes `analyze` exact across runs. See store.h. */
#include "store_impl.h"

#include "severity.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int gcw_store_unfinished(gcw_store *s, const char *path, long long *ids, int max) {
  if (gcw_store_async_wait(s))
    return 0;
  sqlite3_stmt *st;
  int n = 0;
  /* sources.bytes is written at the end of an import: NULL means it never ended */
  if (sqlite3_prepare_v2(s->db,
                         "SELECT id FROM sources WHERE path = ?1 AND bytes IS NULL AND "
                         "kind IN ('file', 'files') ORDER BY id",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
  while (n < max && sqlite3_step(st) == SQLITE_ROW)
    ids[n++] = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static long long col_int(sqlite3_stmt *st, int i, long long dflt) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? dflt : sqlite3_column_int64(st, i);
}

static double col_real(sqlite3_stmt *st, int i, double dflt) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? dflt : sqlite3_column_double(st, i);
}

/* The last run of a source as the run tracker keeps it. 1 if there is one. */
static int load_last_run(gcw_store *s, long long source_id, gcw_run *r) {
  sqlite3_stmt *st;
  int found = 0;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT id, ordinal, first_line, last_line, cycles, missing_cycles, "
                         "repaired, unknown_parts, scav_lines, pacer_lines, forced_lines, "
                         "first_gc, last_gc, first_t_s, last_t_s, procs, era_min, era_max, "
                         "format = 'mixed' FROM runs WHERE source_id = ?1 "
                         "ORDER BY ordinal DESC LIMIT 1",
                         -1, &st, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64(st, 1, source_id);
  if (sqlite3_step(st) == SQLITE_ROW) {
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->ordinal = (int)sqlite3_column_int64(st, 1);
    r->first_line = (long)col_int(st, 2, 0);
    r->last_line = (long)col_int(st, 3, 0);
    r->cycles = (long)col_int(st, 4, 0);
    r->missing = (long)col_int(st, 5, 0);
    r->repaired = (long)col_int(st, 6, 0);
    r->unknown_parts = (long)col_int(st, 7, 0);
    r->scav_lines = (long)col_int(st, 8, 0);
    r->pacer_lines = (long)col_int(st, 9, 0);
    r->forced_lines = (long)col_int(st, 10, 0);
    r->first_gc = (long)col_int(st, 11, -1);
    r->last_gc = (long)col_int(st, 12, -1);
    r->first_t = col_real(st, 13, -1);
    r->last_t = col_real(st, 14, -1);
    r->procs = (int)col_int(st, 15, 0);
    r->era_min = (int)col_int(st, 16, 0);
    r->era_max = (int)col_int(st, 17, 99);
    r->era_conflict = (int)col_int(st, 18, 0);
    found = 1;
  }
  sqlite3_finalize(st);
  return found;
}

int gcw_store_last_import(gcw_store *s, const char *path, gcw_import_info *info) {
  if (gcw_store_async_wait(s))
    return 0;
  sqlite3_stmt *st;
  int found = 0;
  memset(info, 0, sizeof *info);
  /* a finished import of this one plain file (no gzip, no envelope to re-detect midway) */
  if (sqlite3_prepare_v2(
          s->db,
          "SELECT id, bytes, sha256, lines, overlong_lines, "
          "(SELECT count(*) FROM source_files WHERE source_id = s.id), "
          "(SELECT coalesce(max(ordinal), 0) FROM runs WHERE source_id = s.id) "
          "FROM sources s WHERE path = ?1 AND kind = 'file' AND bytes > 0 AND sha256 IS NOT NULL "
          "AND NOT EXISTS (SELECT 1 FROM source_files WHERE source_id = s.id AND kind <> 'file') "
          "ORDER BY id DESC LIMIT 1",
          -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) == SQLITE_ROW) {
    info->source_id = sqlite3_column_int64(st, 0);
    info->bytes = sqlite3_column_int64(st, 1);
    snprintf(info->sha256, sizeof info->sha256, "%s", (const char *)sqlite3_column_text(st, 2));
    info->lines = (long)col_int(st, 3, 0);
    info->overlong = (long)col_int(st, 4, 0);
    info->files = (int)sqlite3_column_int64(st, 5);
    info->ordinals = (int)sqlite3_column_int64(st, 6);
    found = 1;
  }
  sqlite3_finalize(st);
  if (found)
    info->have_run = load_last_run(s, info->source_id, &info->run);
  return found;
}

gcw_err gcw_store_source_reopen(gcw_store *s, long long id) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  sqlite3_stmt *st;
  if (s->failed)
    return s->failed;
  if (!s->in_tx) {
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
      return GCW_EDB;
    s->in_tx = 1;
  }
  if (sqlite3_prepare_v2(s->db, "UPDATE sources SET bytes = NULL WHERE id = ?1", -1, &st, NULL) !=
      SQLITE_OK)
    return GCW_EDB;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}

/* ---- once-per-source statements (moved from store.c, which stays under 900 lines) ---- */

/* Run one statement with up to two integer/text parameters; for the rare paths (once per
** source), where preparing each time costs nothing worth a persistent statement. */
static gcw_err once(gcw_store *s, const char *sql, long long a, const char *text) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return gcw_store_fail(s, "prepare");
  if (text)
    sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, text ? 2 : 1, a);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    s->found = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? GCW_OK : gcw_store_fail(s, sql);
}

gcw_err gcw_store_find_duplicate(gcw_store *s, long long source_id, const char *sha256,
                                 long long *other) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  s->found = 0;
  if (gcw_store_row(s) || once(s, "SELECT min(id) FROM sources WHERE sha256=?1 AND id<>?2", source_id, sha256))
    return GCW_EDB;
  *other = s->found;
  return GCW_OK;
}

/* Children before parents: foreign keys are not enforced (see gcw_store_open), but a
** reader that enables them, or joins on them, must never find a row whose parent is
** gone. */
gcw_err gcw_store_source_delete(gcw_store *s, long long id) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  static const char *const sql[] = {
      "DELETE FROM gc_cycles WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM scavenger WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM pacer WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM forced_gc WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      ("DELETE FROM finding_parts WHERE finding_id IN (SELECT f.id FROM findings AS f JOIN "
       "runs AS r ON r.id = f.run_id WHERE r.source_id=?1)"),
      "DELETE FROM findings WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM stats WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM process_samples WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM run_labels WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM run_program WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM runs WHERE source_id=?1", "DELETE FROM unparsed WHERE source_id=?1",
      "DELETE FROM source_files WHERE source_id=?1", "DELETE FROM sources WHERE id=?1"};
  if (gcw_store_row(s) || gcw_store_flush_rows(s))
    return GCW_EDB;
  for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
    if (once(s, sql[i], id, NULL))
      return GCW_EDB;
  return GCW_OK;
}


int gcw_store_worst_finding(gcw_store *s, long long source_id) {
  if (gcw_store_async_wait(s))
    return 0;
  s->found = 0;
  if (once(s,
           "SELECT coalesce(max(" GCW_SEVERITY_RANK_SQL("severity") "), 0) "
           "FROM findings WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
           source_id, NULL))
    return 0;
  return (int)s->found;
}

int gcw_store_run_ids(gcw_store *s, long long source_id, long long *ids, int max) {
  if (gcw_store_async_wait(s))
    return 0;
  sqlite3_stmt *st;
  int n = 0;
  if (sqlite3_prepare_v2(s->db, "SELECT id FROM runs WHERE source_id=? ORDER BY ordinal", -1,
                         &st, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64(st, 1, source_id);
  while (n < max && sqlite3_step(st) == SQLITE_ROW)
    ids[n++] = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}
