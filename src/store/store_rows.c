/* store_rows.c: the rows written one at a time — findings, unparsed lines, process
** samples — on store.c's connection and statements (event rows, many at a time, are
** store.c's). Split from store.c, which stays under 900 lines. */
#include "store_impl.h"

#include "limits.h"
#include "severity.h"

#include <sqlite3.h>

/* Parameters 2..13 of both finding statements, in the order of ST_FINDING_ADD. The
** update names its parameters (?3 ...) so that one binding serves both statements; it
** leaves kind (?2) and wall (?10) alone: they describe where the episode began. */
void gcw_store_bind_finding(sqlite3_stmt *st, const gcw_finding *f) {
  sqlite3_bind_text(st, 2, f->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, gcw_severity_name(f->severity), -1, SQLITE_STATIC);
  gcw_store_bind_opt_int(st, 4, f->gc, f->gc >= 0);
  gcw_store_bind_opt_real(st, 5, f->t_s, f->t_s >= 0);
  /* a note without a measurement (an info "skipped") has no value or threshold */
  int measured = f->unit && f->unit[0];
  gcw_store_bind_opt_real(st, 6, f->value, measured);
  gcw_store_bind_opt_real(st, 7, f->threshold, measured);
  if (measured)
    sqlite3_bind_text(st, 8, f->unit, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 8);
  sqlite3_bind_text(st, 9, f->message, -1, SQLITE_TRANSIENT);
  if (f->wall[0])
    sqlite3_bind_text(st, 10, f->wall, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, 10);
  gcw_store_bind_opt_int(st, 11, f->end_gc, f->end_gc >= 0);
  gcw_store_bind_opt_real(st, 12, f->end_t_s, f->end_gc >= 0 && f->end_t_s >= 0);
  sqlite3_bind_text(st, 13, f->next_step, -1, SQLITE_TRANSIENT);
}

gcw_err gcw_store_w_finding_add(gcw_store *s, long long run_id, const gcw_finding *f,
                              long long *id) {
  if (gcw_store_row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_FINDING_ADD];
  sqlite3_bind_int64(st, 1, run_id);
  gcw_store_bind_finding(st, f);
  if (gcw_store_step(s, st, "insert finding"))
    return GCW_EDB;
  *id = sqlite3_last_insert_rowid(s->db);
  return GCW_OK;
}

gcw_err gcw_store_w_finding_update(gcw_store *s, long long id, const gcw_finding *f) {
  if (gcw_store_row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_FINDING_UPDATE];
  sqlite3_bind_int64(st, 1, id);
  gcw_store_bind_finding(st, f);
  return gcw_store_step(s, st, "update finding");
}


gcw_err gcw_store_w_unparsed(gcw_store *s, long long source_id, long line, const char *text,
                           size_t len, const char *why) {
  if (gcw_store_row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_UNPARSED];
  sqlite3_bind_int64(st, 1, source_id);
  sqlite3_bind_int64(st, 2, line);
  /* A blob keeps the bytes as they were (NUL, invalid UTF-8). */
  sqlite3_bind_blob(st, 3, text, (int)(len < GCW_UNPARSED_MAX ? len : GCW_UNPARSED_MAX),
                    SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, why, -1, SQLITE_STATIC);
  return gcw_store_step(s, st, "insert unparsed");
}

gcw_err gcw_store_w_sample(gcw_store *s, long long run_id, const gcw_proc_sample *ps) {
  if (gcw_store_row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_SAMPLE];
  const double mb[] = {ps->rss_mb,      ps->vsz_mb,      ps->rss_anon_mb,
                       ps->rss_file_mb, ps->swap_mb,     ps->lazyfree_mb,
                       ps->cgroup_current_mb, ps->cgroup_max_mb};
  sqlite3_bind_int64(st, 1, run_id);
  sqlite3_bind_double(st, 2, ps->t_s);
  sqlite3_bind_text(st, 3, ps->wall, -1, SQLITE_TRANSIENT);
  for (int i = 0; i < (int)(sizeof mb / sizeof mb[0]); i++)
    gcw_store_bind_opt_real(st, 4 + i, mb[i], mb[i] >= 0);
  return gcw_store_step(s, st, "insert process sample");
}
