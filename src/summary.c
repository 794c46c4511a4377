/* summary.c: per-run summary from the store. See summary.h. */
#include "summary.h"

#include <sqlite3.h>
#include <string.h>

typedef struct stats {
  long n;
  double p50, p99, max;
} stats;

/* Nearest-rank percentile of a column over a run: the value at rank ceil(q*n). */
static double percentile(sqlite3 *db, const char *sql, long long run, long n, double q) {
  sqlite3_stmt *st;
  double v = 0;
  long rank = (long)(q * (double)n + 0.999999);
  if (rank < 1)
    rank = 1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64(st, 1, run);
  sqlite3_bind_int64(st, 2, rank - 1);
  if (sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  return v;
}

static stats pause_stats(sqlite3 *db, long long run) {
  static const char count_sql[] =
      "SELECT count(pause_ms), max(pause_ms) FROM gc_cycles WHERE run_id=?1";
  static const char rank_sql[] = "SELECT pause_ms FROM gc_cycles WHERE run_id=?1 AND "
                                 "pause_ms IS NOT NULL ORDER BY pause_ms LIMIT 1 OFFSET ?2";
  stats s = {0, 0, 0, 0};
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, count_sql, -1, &st, NULL) != SQLITE_OK)
    return s;
  sqlite3_bind_int64(st, 1, run);
  if (sqlite3_step(st) == SQLITE_ROW) {
    s.n = sqlite3_column_int64(st, 0);
    s.max = sqlite3_column_double(st, 1);
  }
  sqlite3_finalize(st);
  if (s.n > 0) {
    s.p50 = percentile(db, rank_sql, run, s.n, 0.50);
    s.p99 = percentile(db, rank_sql, run, s.n, 0.99);
  }
  return s;
}

static void print_run(sqlite3 *db, sqlite3_stmt *st, FILE *out) {
  long long id = sqlite3_column_int64(st, 0);
  int ordinal = sqlite3_column_int(st, 1);
  const char *format = (const char *)sqlite3_column_text(st, 2);
  long cycles = sqlite3_column_int64(st, 3);
  char range[64] = "";
  if (cycles > 0)
    snprintf(range, sizeof range, " (gc %lld..%lld)", sqlite3_column_int64(st, 6),
             sqlite3_column_int64(st, 7));
  fprintf(out, "  run %d (id %lld, lines %lld-%lld): %s, %ld cycles%s, %lld repaired, "
               "%lld missing, %lld scavenger, %lld pacer lines\n",
          ordinal, id, sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
          format ? format : "unknown", cycles, range, sqlite3_column_int64(st, 8),
          sqlite3_column_int64(st, 9), sqlite3_column_int64(st, 10), sqlite3_column_int64(st, 11));
  if (cycles == 0)
    return;
  stats p = pause_stats(db, id);
  if (p.n > 0)
    fprintf(out, "    pause (STW) p50 %.3g ms, p99 %.3g ms, max %.3g ms\n", p.p50, p.p99, p.max);
  sqlite3_stmt *h;
  if (sqlite3_prepare_v2(db,
                         "SELECT min(heap_live_mb), max(heap_live_mb), min(heap_end_mb), "
                         "max(heap_end_mb) FROM gc_cycles WHERE run_id=?",
                         -1, &h, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(h, 1, id);
    if (sqlite3_step(h) == SQLITE_ROW) {
      if (sqlite3_column_type(h, 0) != SQLITE_NULL)
        fprintf(out, "    live heap min %lld MB, max %lld MB\n", sqlite3_column_int64(h, 0),
                sqlite3_column_int64(h, 1));
      else if (sqlite3_column_type(h, 2) != SQLITE_NULL) /* Go <= 1.4: no marked live heap */
        fprintf(out, "    heap at GC end min %lld MB, max %lld MB\n", sqlite3_column_int64(h, 2),
                sqlite3_column_int64(h, 3));
    }
    sqlite3_finalize(h);
  }
}

static gcw_err print_source(sqlite3 *db, long long source, FILE *out) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT path, lines, bytes, (SELECT count(*) FROM unparsed WHERE "
                         "source_id=?1), (SELECT count(*) FROM runs WHERE source_id=?1) "
                         "FROM sources WHERE id=?1",
                         -1, &st, NULL) != SQLITE_OK)
    return GCW_EDB;
  sqlite3_bind_int64(st, 1, source);
  if (sqlite3_step(st) == SQLITE_ROW)
    fprintf(out, "%s: %lld lines, %lld bytes, %lld runs, %lld unparsed\n",
            (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
            sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 3));
  sqlite3_finalize(st);
  if (sqlite3_prepare_v2(db,
                         "SELECT id, ordinal, format, cycles, first_line, last_line, first_gc, "
                         "last_gc, repaired, missing_cycles, scav_lines, pacer_lines "
                         "FROM runs WHERE source_id=? ORDER BY ordinal",
                         -1, &st, NULL) != SQLITE_OK)
    return GCW_EDB;
  sqlite3_bind_int64(st, 1, source);
  while (sqlite3_step(st) == SQLITE_ROW)
    print_run(db, st, out);
  sqlite3_finalize(st);
  return GCW_OK;
}

gcw_err gcw_summary_print(gcw_store *s, const long long *source_ids, int n, FILE *out) {
  sqlite3 *db = gcw_store_db(s);
  for (int i = 0; i < n; i++)
    if (print_source(db, source_ids[i], out))
      return GCW_EDB;
  return GCW_OK;
}
