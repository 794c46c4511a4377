/* stats_rss.c: statistics of the process samples. See stats_rss.h and docs/stats.md. */
#include "stats_rss.h"

#include "rssgap.h"
#include "stats.h"

#include <string.h>

typedef struct out {
  double *v;
  unsigned char *set;
} out;

static void put(out *o, enum gcw_stat id, sqlite3_stmt *st, int c) {
  if (sqlite3_column_type(st, c) == SQLITE_NULL)
    return;
  o->v[id] = sqlite3_column_double(st, c);
  o->set[id] = 1;
}

/* One row of sql (?1 = run, ?2 = x when given) into fn; SQLITE_ROW, SQLITE_DONE or an error. */
static int one_row(sqlite3 *db, const char *sql, long long run, const double *x,
                   void (*fn)(sqlite3_stmt *, void *), void *ctx) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, run);
    if (x)
      sqlite3_bind_double(st, 2, *x);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && fn)
      fn(st, ctx);
  }
  sqlite3_finalize(st);
  return rc;
}

typedef struct moment {
  out *o;
  int is_final;
  double t_s, rss_mb;
} moment;

static void totals_row(sqlite3_stmt *st, void *ctx) {
  out *o = ctx;
  if (sqlite3_column_int64(st, 0) == 0)
    return;
  put(o, GCW_STAT_RSS_SAMPLES, st, 0);
  put(o, GCW_STAT_VSZ_MAX_MB, st, 1);
  put(o, GCW_STAT_CGROUP_PEAK_MB, st, 2);
  put(o, GCW_STAT_CGROUP_MAX_MB, st, 3);
}

static void moment_row(sqlite3_stmt *st, void *ctx) {
  moment *m = ctx;
  m->t_s = sqlite3_column_double(st, 0);
  m->rss_mb = sqlite3_column_double(st, 1);
  put(m->o, m->is_final ? GCW_STAT_RSS_FINAL_T_S : GCW_STAT_RSS_MAX_T_S, st, 0);
  put(m->o, m->is_final ? GCW_STAT_RSS_FINAL_MB : GCW_STAT_RSS_MAX_MB, st, 1);
  if (m->is_final) {
    put(m->o, GCW_STAT_RSS_FINAL_ANON_MB, st, 2);
    put(m->o, GCW_STAT_RSS_FINAL_FILE_MB, st, 3);
    put(m->o, GCW_STAT_LAZYFREE_FINAL_MB, st, 4);
  }
}

static double col_or(sqlite3_stmt *st, int c, double dflt) {
  return sqlite3_column_type(st, c) == SQLITE_NULL ? dflt : sqlite3_column_double(st, c);
}

/* The heap at the moment: the live heap of the latest cycle at or before it, and the goal
** in force (the next cycle's, or estimated after the last: rssgap.h); the part of RSS
** they leave. */
static void heap_row(sqlite3_stmt *st, void *ctx) {
  moment *m = ctx;
  double goal = col_or(st, 4, gcw_rss_next_goal(col_or(st, 0, -1), col_or(st, 1, -1),
                                                col_or(st, 5, -1)));
  put(m->o, m->is_final ? GCW_STAT_RSS_FINAL_LIVE_MB : GCW_STAT_RSS_MAX_LIVE_MB, st, 0);
  enum gcw_stat gid = m->is_final ? GCW_STAT_RSS_FINAL_GOAL_MB : GCW_STAT_RSS_MAX_GOAL_MB;
  if (goal >= 0) {
    m->o->v[gid] = goal;
    m->o->set[gid] = 1;
  }
  gcw_rss_gap g;
  memset(&g, 0, sizeof g);
  g.rss_mb = m->rss_mb;
  g.heap_mb = goal;
  g.stacks_mb = col_or(st, 2, -1);
  g.globals_mb = col_or(st, 3, -1);
  double gap = gcw_rss_unexplained(&g);
  enum gcw_stat id = m->is_final ? GCW_STAT_RSS_FINAL_GAP_MB : GCW_STAT_RSS_MAX_GAP_MB;
  if (gap >= 0) {
    m->o->v[id] = gap;
    m->o->set[id] = 1;
  }
}

static int at_moment(sqlite3 *db, long long run, moment *m, const char *sql) {
  /* the latest cycle at or before ?2, the goal of the one after it, the live heap of the
  ** one before it */
  static const char heap_sql[] =
      "SELECT heap_live_mb, goal_mb, stacks_mb, globals_mb, (SELECT goal_mb FROM gc_cycles "
      "WHERE run_id = ?1 AND t_s > ?2 AND goal_mb IS NOT NULL ORDER BY t_s, gc LIMIT 1), "
      "(SELECT heap_live_mb FROM gc_cycles WHERE run_id = ?1 AND t_s <= ?2 AND goal_mb IS NOT "
      "NULL ORDER BY t_s DESC, gc DESC LIMIT 1 OFFSET 1) FROM gc_cycles WHERE run_id = ?1 "
      "AND t_s <= ?2 AND goal_mb IS NOT NULL ORDER BY t_s DESC, gc DESC LIMIT 1";
  int rc = one_row(db, sql, run, NULL, moment_row, m);
  if (rc != SQLITE_ROW)
    return rc;
  return one_row(db, heap_sql, run, &m->t_s, heap_row, m);
}

gcw_err gcw_stats_rss(sqlite3 *db, long long run, double *v, unsigned char *set) {
  static const char has_table[] =
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'process_samples' "
      "AND ?1 = ?1";
  static const char totals_sql[] =
      "SELECT count(*), max(vsz_mb), max(cgroup_current_mb), (SELECT cgroup_max_mb FROM "
      "process_samples WHERE run_id = ?1 AND cgroup_max_mb IS NOT NULL ORDER BY t_s DESC "
      "LIMIT 1) FROM process_samples WHERE run_id = ?1";
  /* the moment RSS first came within 1% of its highest: where it reached its peak, not a
  ** sample a few KiB higher taken after the heap was already dropped */
  static const char max_sql[] =
      "SELECT t_s, (SELECT max(rss_mb) FROM process_samples WHERE run_id = ?1) FROM "
      "process_samples WHERE run_id = ?1 AND rss_mb >= 0.99 * (SELECT max(rss_mb) FROM "
      "process_samples WHERE run_id = ?1) ORDER BY t_s LIMIT 1";
  /* LazyFree: the latest sample that read it (smaps_rollup is read at most 1% of the time) */
  static const char final_sql[] =
      "SELECT t_s, rss_mb, rss_anon_mb, rss_file_mb, (SELECT lazyfree_mb FROM process_samples "
      "WHERE run_id = ?1 AND lazyfree_mb IS NOT NULL ORDER BY t_s DESC LIMIT 1) FROM "
      "process_samples WHERE run_id = ?1 AND rss_mb IS NOT NULL ORDER BY t_s DESC LIMIT 1";
  out o = {v, set};
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, has_table, -1, &st, NULL), tables = 0;
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, run);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
      tables = sqlite3_column_int(st, 0);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW)
    return GCW_EDB;
  if (!tables)
    return GCW_OK;
  moment mx = {&o, 0, 0, 0}, fin = {&o, 1, 0, 0};
  rc = one_row(db, totals_sql, run, NULL, totals_row, &o);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    rc = at_moment(db, run, &mx, max_sql);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    rc = at_moment(db, run, &fin, final_sql);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}

static double stat_or(const double *v, const unsigned char *has, enum gcw_stat id, double dflt) {
  return has[id] ? v[id] : dflt;
}

const char *gcw_stats_rss_explain(const double *v, const unsigned char *has, int era_min,
                                  int era_max, char *buf, size_t n) {
  if (!has[GCW_STAT_RSS_FINAL_MB])
    return NULL;
  gcw_rss_gap g = {v[GCW_STAT_RSS_FINAL_MB],
                   stat_or(v, has, GCW_STAT_RSS_FINAL_GOAL_MB, -1),
                   -1,
                   -1,
                   stat_or(v, has, GCW_STAT_LAZYFREE_FINAL_MB, -1),
                   stat_or(v, has, GCW_STAT_RSS_FINAL_FILE_MB, -1),
                   stat_or(v, has, GCW_STAT_SCAV_RETAINED, -1),
                   stat_or(v, has, GCW_STAT_SCAV_NOW_FINAL, -1),
                   era_min,
                   era_max};
  /* the stored gap already took stacks and globals off: explain that figure */
  if (has[GCW_STAT_RSS_FINAL_GAP_MB])
    g.heap_mb = g.rss_mb - v[GCW_STAT_RSS_FINAL_GAP_MB];
  return gcw_rss_explain(&g, buf, n);
}
