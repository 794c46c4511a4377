/* store_read.c: reading the store back. See store_read.h; the tables are docs/schema.md. */
#include "store_db.h"

#include "severity.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct gcw_rows {
  gcw_db *db;
  sqlite3_stmt *st;
};

/* ---- the queries; each one's columns are listed in store_read.h ---- */

static const char *const queries[GCW_NQUERIES] = {
    /* the walls come from the cycles: a run read by analyze has none, and `runs` then
    ** shows @t of its first and last cycles */
    [GCW_Q_RUNS] =
        "SELECT r.id, s.path, r.cycles, r.missing_cycles, r.repaired, r.format, r.procs, "
        "r.first_t_s, r.last_t_s, "
        "(SELECT wall FROM gc_cycles WHERE run_id = r.id AND wall IS NOT NULL "
        "ORDER BY line LIMIT 1), "
        "(SELECT wall FROM gc_cycles WHERE run_id = r.id AND wall IS NOT NULL "
        "ORDER BY line DESC LIMIT 1) "
        "FROM runs AS r LEFT JOIN sources AS s ON s.id = r.source_id ORDER BY r.id",
    [GCW_Q_RUN_IDS_FROM] = "SELECT id FROM runs WHERE id > ?1 ORDER BY id",
    [GCW_Q_RUN_ID] = "SELECT id FROM runs WHERE id = ?1",
    [GCW_Q_RUN_LATEST] = "SELECT max(id) FROM runs WHERE id > ?1",
    /* the aliases are the JSON keys of the report (docs/report-json.md) */
    [GCW_Q_RUN] =
        "SELECT r.id AS id, r.ordinal AS ordinal, r.source_id AS source_id, s.path AS source, "
        "r.format AS format, r.era_min AS era_min, r.era_max AS era_max, r.procs AS procs, "
        /* a run still open (being written, or left by a killed watcher) has its totals
        ** only at close: until then they are counted from its rows */
        "coalesce(r.cycles, (SELECT count(*) FROM gc_cycles WHERE run_id = r.id)) AS cycles, "
        "coalesce(r.first_gc, (SELECT min(gc) FROM gc_cycles WHERE run_id = r.id)) AS first_gc, "
        "coalesce(r.last_gc, (SELECT max(gc) FROM gc_cycles WHERE run_id = r.id)) AS last_gc, "
        "coalesce(r.first_t_s, (SELECT min(t_s) FROM gc_cycles WHERE run_id = r.id)) "
        "AS first_t_s, "
        "coalesce(r.last_t_s, (SELECT max(t_s) FROM gc_cycles WHERE run_id = r.id)) "
        "AS last_t_s, r.missing_cycles AS missing_cycles, "
        "r.repaired AS repaired, r.unknown_parts AS unknown_parts, r.scav_lines AS scav_lines, "
        "r.pacer_lines AS pacer_lines, r.forced_lines AS forced_lines, "
        "r.first_line AS first_line, r.last_line AS last_line, "
        "(SELECT count(*) FROM unparsed AS u WHERE u.source_id = r.source_id) AS source_unparsed, "
        "(SELECT g.wall FROM gc_cycles AS g WHERE g.run_id = r.id AND g.gc = r.first_gc) "
        "AS first_wall, "
        "(SELECT g.wall FROM gc_cycles AS g WHERE g.run_id = r.id AND g.gc = r.last_gc) "
        "AS last_wall, r.cycles IS NULL AS open "
        "FROM runs AS r LEFT JOIN sources AS s ON s.id = r.source_id WHERE r.id = ?1",
    [GCW_Q_FINDINGS] =
        "SELECT id AS id, kind AS kind, severity AS severity, gc AS gc, t_s AS t_s, "
        "coalesce(wall, (SELECT g.wall FROM gc_cycles AS g WHERE g.run_id = f.run_id AND "
        "g.gc = f.gc)) AS wall, "
        "end_gc AS end_gc, end_t_s AS end_t_s, value AS value, threshold AS threshold, "
        "unit AS unit, message AS message, next_step AS next_step, "
        "(SELECT g.wall FROM gc_cycles AS g WHERE g.run_id = f.run_id AND g.gc = f.end_gc) "
        "AS end_wall FROM findings AS f "
        "WHERE run_id = ?1 ORDER BY " GCW_SEVERITY_RANK_SQL("severity") " DESC, gc, id",
    [GCW_Q_FINDING_COUNTS] =
        "SELECT count(*), sum(severity = 'error'), sum(severity = 'warn'), "
        "sum(severity = 'info') FROM findings WHERE run_id = ?1",
    [GCW_Q_RUN_FILE] =
        "SELECT f.path FROM runs AS r JOIN source_files AS f ON f.source_id = r.source_id "
        "AND f.first_line <= r.first_line WHERE r.id = ?1 AND "
        "(SELECT count(*) FROM source_files WHERE source_id = r.source_id) > 1 "
        "ORDER BY f.first_line DESC LIMIT 1",
    [GCW_Q_HEAP_PEAK] =
        "SELECT max(max(coalesce(heap_start_mb, 0), coalesce(heap_end_mb, 0))), max(goal_mb), "
        "count(heap_live_mb) FROM gc_cycles WHERE run_id = ?1",
    [GCW_Q_LIVE_AT_RANK] = "SELECT heap_live_mb FROM gc_cycles WHERE run_id = ?1 AND "
                           "heap_live_mb IS NOT NULL ORDER BY heap_live_mb LIMIT 1 OFFSET ?2",
    [GCW_Q_KINDS] = "SELECT kind, sum(run_id = ?1), sum(run_id = ?2) FROM findings "
                    "WHERE run_id IN (?1, ?2) GROUP BY kind ORDER BY kind",
    [GCW_Q_PLOT_RUN] = "SELECT r.format, r.procs, s.path, s.kind, s.added_at, r.ordinal "
                       "FROM runs AS r "
                       "LEFT JOIN sources AS s ON s.id = r.source_id WHERE r.id = ?1",
    /* the last line of any kind: the run may idle long after its last cycle */
    [GCW_Q_PLOT_LAST_WALL] =
        "SELECT max(w) FROM (SELECT max(wall) AS w FROM gc_cycles WHERE run_id = ?1 "
        "UNION ALL SELECT max(wall) FROM scavenger WHERE run_id = ?1 "
        "UNION ALL SELECT max(wall) FROM pacer WHERE run_id = ?1 "
        "UNION ALL SELECT max(wall) FROM forced_gc WHERE run_id = ?1)",
    [GCW_Q_PLOT_THRASH_GC] = "SELECT min(gc) FROM findings WHERE run_id = ?1 AND kind = "
                                 "'memlimit_thrash'",
    [GCW_Q_PLOT_LABELS] = "SELECT key, value FROM run_labels WHERE run_id = ?1 ORDER BY rowid",
    [GCW_Q_PLOT_PROGRAM] = "SELECT gomemlimit FROM run_program WHERE run_id = ?1",
    [GCW_Q_PLOT_SHAPE] =
        "SELECT count(*), count(wall), count(t_s), count(heap_live_mb), "
        "count(pause_ms), coalesce(sum(forced), 0), count(cpu_assist_ms), "
        "min(t_s), max(t_s), min(wall), max(wall), min(gc), max(gc) "
        "FROM gc_cycles WHERE run_id = ?1",
    /* sorted from the top, so SQLite keeps only the top rows while sorting */
    [GCW_Q_PLOT_MAX_PAUSE] = "SELECT pause_ms, gc FROM gc_cycles WHERE run_id = ?1 AND "
                             "pause_ms IS NOT NULL ORDER BY pause_ms DESC, gc LIMIT 1",
    [GCW_Q_PLOT_PAUSE_AT] = "SELECT pause_ms FROM gc_cycles WHERE run_id = ?1 AND "
                            "pause_ms IS NOT NULL ORDER BY pause_ms DESC LIMIT 1 OFFSET ?2",
    [GCW_Q_PLOT_OTHERS] =
        "SELECT coalesce(sum(family = 'scav'), 0), coalesce(sum(family = 'scvg'), 0), "
        "(SELECT count(*) FROM findings WHERE run_id = ?1 AND severity <> 'info') "
        "FROM scavenger WHERE run_id = ?1",
    /* in cycle-number order, which is time order (the (run_id, gc) index serves it) */
    [GCW_Q_PLOT_CYCLES] =
        "SELECT wall, t_s, gc, heap_live_mb, heap_start_mb, goal_mb, heap_end_mb, pause_ms, "
        "forced, cpu_pct, cpu_sweep_term_ms, cpu_assist_ms, cpu_bg_ms, cpu_idle_ms, "
        "cpu_mark_term_ms, procs FROM gc_cycles WHERE run_id = ?1 ORDER BY gc, line",
    [GCW_Q_PLOT_CYCLE_X] =
        "SELECT gc, wall, t_s FROM gc_cycles WHERE run_id = ?1 ORDER BY gc, line",
    [GCW_Q_PLOT_SCAV] =
        "SELECT gc, wall, released_kib / 1024.0, "
        "(coalesce(work_kib, 0) + coalesce(work_bg_kib, 0) + coalesce(work_eager_kib, 0) "
        "+ coalesce(released_kb, 0)) / 1024.0, util_pct, NULL, NULL "
        "FROM scavenger WHERE run_id = ?1 AND family = 'scav' ORDER BY gc, line",
    [GCW_Q_PLOT_SCVG] =
        "SELECT gc, wall, sys_mb, consumed_mb, heap_released_mb, inuse_mb, released_mb "
        "FROM scavenger WHERE run_id = ?1 AND family = 'scvg' ORDER BY gc, line",
    [GCW_Q_PLOT_FINDINGS] =
        "SELECT gc, kind, severity, t_s FROM findings WHERE run_id = ?1 "
        "AND severity <> 'info' ORDER BY gc IS NULL, gc, t_s, id",
    [GCW_Q_PLOT_SAMPLES_SHAPE] =
        "SELECT count(*), count(cgroup_max_mb), min(t_s), max(t_s), min(wall), max(wall) "
        "FROM process_samples WHERE run_id = ?1",
    [GCW_Q_PLOT_SAMPLES] =
        "SELECT wall, t_s, rss_mb, rss_anon_mb, rss_file_mb, lazyfree_mb, cgroup_max_mb, "
        "cgroup_current_mb FROM process_samples WHERE run_id = ?1 ORDER BY t_s",
};

/* ---- connections ---- */

/* "file:" + path, percent-encoded, + query: a URI filename for sqlite3_open_v2. */
static int uri_of(const char *path, const char *query, char *out, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  size_t w = (size_t)snprintf(out, n, "file:");
  for (const unsigned char *p = (const unsigned char *)path; *p && w + 4 < n; p++) {
    if (isalnum(*p) || strchr("/-._~", *p)) {
      out[w++] = (char)*p;
    } else {
      out[w++] = '%';
      out[w++] = hex[*p >> 4];
      out[w++] = hex[*p & 15];
    }
  }
  int k = snprintf(out + w, n > w ? n - w : 0, "?%s", query);
  return k < 0 || w + (size_t)k >= n ? -1 : 0;
}

static int exists(const char *path, const char *suffix) {
  char p[4200];
  snprintf(p, sizeof p, "%s%s", path, suffix);
  return access(p, F_OK) == 0;
}

/* Whether we may write the file and its directory (where -wal and -shm would go). */
static int may_write(const char *path) {
  char dir[4200];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash)
    slash[slash == dir] = '\0'; /* "/x.db" -> "/", "a/b/x.db" -> "a/b" */
  return access(path, W_OK) == 0 && access(slash ? dir : ".", W_OK) == 0;
}

/* Reading must leave nothing behind (no -wal or -shm of ours) and work where we cannot
** write (issue 10). Where we may write the file and its directory, a read-write
** connection (that writes nothing): SQLite removes its -wal and -shm when the last
** connection closes. Where we may not and a writer is active (its -wal exists), a
** read-only connection on the writer's files. Else an immutable read: no lock, no file
** created; with no -wal the file holds every committed row (a writer starting meanwhile
** writes its own -wal first). */
static int open_for_reading(const char *path, sqlite3 **conn) {
  char uri[12800];
  int writable = may_write(path);
  int flags = SQLITE_OPEN_NOMUTEX;
  if (writable || exists(path, "-wal") || strcmp(path, ":memory:") == 0)
    return sqlite3_open_v2(path, conn,
                           flags | (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY),
                           NULL);
  if (!exists(path, ""))
    return sqlite3_open_v2(path, conn, flags | SQLITE_OPEN_READONLY, NULL); /* the error */
  if (uri_of(path, "mode=ro&immutable=1", uri, sizeof uri) != 0)
    return SQLITE_CANTOPEN;
  return sqlite3_open_v2(uri, conn, flags | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
}

gcw_err gcw_db_open(gcw_db **out, const char *path, int writable, char *msg, size_t msglen) {
  gcw_db *db = calloc(1, sizeof *db);
  *out = NULL;
  if (db)
    db->path = strdup(path);
  if (!db || !db->path) {
    free(db);
    snprintf(msg, msglen, "out of memory");
    return GCW_ENOMEM;
  }
  if (writable && !may_write(path)) { /* SQLite would open it read-only, leaving a -shm */
    snprintf(msg, msglen, "not writable");
    gcw_db_close(&db);
    return GCW_EDB;
  }
  /* One thread uses the connection: SQLite's own mutexes would only cost time. */
  int rc = writable ? sqlite3_open_v2(path, &db->conn,
                                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
                    : open_for_reading(path, &db->conn);
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(db->conn, 5000);
    /* opening is lazy: this reads the header, so a file that is not a database fails now */
    rc = sqlite3_exec(db->conn, "SELECT 1 FROM sqlite_master LIMIT 1", NULL, NULL, NULL);
  }
  if (rc == SQLITE_OK) {
    *out = db;
    return GCW_OK;
  }
  /* "No such file or directory" says more than SQLite's "unable to open database file" */
  int sys = rc == SQLITE_CANTOPEN && db->conn ? sqlite3_system_errno(db->conn) : 0;
  snprintf(msg, msglen, "%s", sys ? strerror(sys) : db->conn ? sqlite3_errmsg(db->conn)
                                                              : sqlite3_errstr(rc));
  gcw_db_close(&db);
  return GCW_EDB;
}

void gcw_db_close(gcw_db **pdb) {
  gcw_db *db = *pdb;
  if (!db)
    return;
  if (!db->borrowed)
    sqlite3_close(db->conn);
  free(db->path);
  free(db);
  *pdb = NULL;
}

const char *gcw_db_errmsg(const gcw_db *db) { return sqlite3_errmsg(db->conn); }

/* ---- cursors ---- */

static gcw_err rows_prepare(gcw_db *db, gcw_rows **out, const char *sql) {
  gcw_rows *r = calloc(1, sizeof *r);
  *out = NULL;
  if (!r)
    return GCW_ENOMEM;
  r->db = db;
  if (sqlite3_prepare_v2(db->conn, sql, -1, &r->st, NULL) != SQLITE_OK) {
    gcw_rows_close(&r);
    return GCW_EDB;
  }
  *out = r;
  return GCW_OK;
}

gcw_err gcw_rows_open(gcw_db *db, gcw_rows **out, enum gcw_query q, long long a, long long b) {
  gcw_err e = rows_prepare(db, out, queries[q]);
  if (e)
    return e;
  /* a query without ?1 or ?2 has nothing to bind: SQLITE_RANGE is not an error here */
  if (sqlite3_bind_parameter_count((*out)->st) >= 1)
    sqlite3_bind_int64((*out)->st, 1, a);
  if (sqlite3_bind_parameter_count((*out)->st) >= 2)
    sqlite3_bind_int64((*out)->st, 2, b);
  return GCW_OK;
}

int gcw_rows_next(gcw_rows *r) {
  int rc = sqlite3_step(r->st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

void gcw_rows_rewind(gcw_rows *r) { sqlite3_reset(r->st); }

void gcw_rows_close(gcw_rows **pr) {
  if (!*pr)
    return;
  sqlite3_finalize((*pr)->st);
  free(*pr);
  *pr = NULL;
}

int gcw_rows_ncols(const gcw_rows *r) { return sqlite3_column_count(r->st); }
const char *gcw_rows_name(const gcw_rows *r, int c) { return sqlite3_column_name(r->st, c); }

enum gcw_type gcw_rows_type(const gcw_rows *r, int c) {
  switch (sqlite3_column_type(r->st, c)) {
  case SQLITE_INTEGER: return GCW_TYPE_INT;
  case SQLITE_FLOAT: return GCW_TYPE_REAL;
  case SQLITE_TEXT: return GCW_TYPE_TEXT;
  case SQLITE_BLOB: return GCW_TYPE_BLOB;
  default: return GCW_TYPE_NULL;
  }
}

int gcw_rows_null(const gcw_rows *r, int c) {
  return sqlite3_column_type(r->st, c) == SQLITE_NULL;
}
long long gcw_rows_int(const gcw_rows *r, int c) { return sqlite3_column_int64(r->st, c); }
double gcw_rows_real(const gcw_rows *r, int c) { return sqlite3_column_double(r->st, c); }
double gcw_rows_real_or_nan(const gcw_rows *r, int c) {
  return gcw_rows_null(r, c) ? NAN : sqlite3_column_double(r->st, c);
}
const unsigned char *gcw_rows_text(const gcw_rows *r, int c) {
  return sqlite3_column_text(r->st, c);
}
const void *gcw_rows_blob(const gcw_rows *r, int c) { return sqlite3_column_blob(r->st, c); }
size_t gcw_rows_bytes(const gcw_rows *r, int c) { return (size_t)sqlite3_column_bytes(r->st, c); }

/* ---- export: whole tables ---- */

/* Every table of docs/schema.md: its filter by run (?1 = runs.id) and natural order. */
static const struct {
  const char *name;
  const char *by_run;
  const char *order;
} tables[] = {
    {"gc_cycles", "run_id = ?1", "run_id, line, rowid"},
    {"scavenger", "run_id = ?1", "run_id, line, rowid"},
    {"pacer", "run_id = ?1", "run_id, line, rowid"},
    {"forced_gc", "run_id = ?1", "run_id, line, rowid"},
    {"runs", "id = ?1", "id"},
    {"sources", "id = (SELECT source_id FROM runs WHERE id = ?1)", "id"},
    {"source_files", "source_id = (SELECT source_id FROM runs WHERE id = ?1)",
     "source_id, ordinal"},
    {"unparsed", "source_id = (SELECT source_id FROM runs WHERE id = ?1)",
     "source_id, line, rowid"},
    {"findings", "run_id = ?1", "id"},
    {"stats", "run_id = ?1", "run_id, name"},
    {"process_samples", "run_id = ?1", "run_id, t_s"},
    {"finding_parts", "finding_id IN (SELECT id FROM findings WHERE run_id = ?1)",
     "finding_id"},
    {"run_labels", "run_id = ?1", "run_id, key"},
    {"run_program", "run_id = ?1", "run_id"},
};
enum { NTABLES = sizeof tables / sizeof tables[0] };

const char *const gcw_store_tables[NTABLES + 1] = {
    "gc_cycles", "scavenger", "pacer", "forced_gc", "runs", "sources", "source_files",
    "unparsed", "findings", "stats", "process_samples", "finding_parts", "run_labels",
    "run_program", NULL};

static int table_index(const char *name) {
  for (int i = 0; i < NTABLES; i++)
    if (strcmp(tables[i].name, name) == 0)
      return i;
  return -1;
}

int gcw_store_table_known(const char *name) { return name && table_index(name) >= 0; }

gcw_err gcw_rows_open_table(gcw_db *db, gcw_rows **out, const char *table, long long run) {
  int t = table_index(table);
  char sql[256];
  *out = NULL;
  if (t < 0)
    return GCW_EUSAGE;
  /* the table name and clauses come from tables[], never from the caller's string */
  snprintf(sql, sizeof sql, "SELECT * FROM %s%s%s ORDER BY %s", tables[t].name,
           run ? " WHERE " : "", run ? tables[t].by_run : "", tables[t].order);
  gcw_err e = rows_prepare(db, out, sql);
  if (!e && run)
    sqlite3_bind_int64((*out)->st, 1, run);
  return e;
}

/* ---- typed answers ---- */

/* The first column of the first row of q as an integer; *none = 1 when there is no row
** or it is NULL. Returns 0, or -1 on a database error. */
static int first_int(gcw_db *db, enum gcw_query q, long long a, long long *v, int *none) {
  gcw_rows *r;
  *v = 0;
  *none = 1;
  if (gcw_rows_open(db, &r, q, a, 0))
    return -1;
  int rc = gcw_rows_next(r);
  if (rc == 1 && !gcw_rows_null(r, 0)) {
    *v = gcw_rows_int(r, 0);
    *none = 0;
  }
  gcw_rows_close(&r);
  return rc < 0 ? -1 : 0;
}

int gcw_db_run_exists(gcw_db *db, long long id) {
  long long v;
  int none;
  return first_int(db, GCW_Q_RUN_ID, id, &v, &none) < 0 ? -1 : !none;
}

/* One number from sql with ?1 = a and ?2 = text, or b when text is NULL (a statement
** with fewer parameters ignores the rest); on a database error, or no row, fallback. */
static long long scalar(gcw_db *db, const char *sql, long long a, long long b, const char *text,
                        long long fallback) {
  sqlite3_stmt *st = NULL;
  long long v = fallback;
  if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, a);
    if (text)
      sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    else
      sqlite3_bind_int64(st, 2, b);
    if (sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0); /* NULL reads as 0 */
  }
  sqlite3_finalize(st);
  return v;
}

long long gcw_db_latest_run_with_cycles(gcw_db *db) {
  /* max() of no rows is NULL: 0, "no run" */
  return scalar(db, "SELECT max(run_id) FROM gc_cycles", 0, 0, NULL, -1);
}

int gcw_db_has_table(gcw_db *db, const char *name) {
  return (int)scalar(db, "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                         "name = ?2)", 0, 0, name, -1);
}

int gcw_db_has_finding_at(gcw_db *db, long long run, const char *severity) {
  static const char sql[] =
      "SELECT EXISTS(SELECT 1 FROM findings WHERE run_id = ?1 AND "
      GCW_SEVERITY_RANK_SQL("severity") " >= " GCW_SEVERITY_RANK_SQL("?2") ")";
  return (int)scalar(db, sql, run, 0, severity, -1);
}

int gcw_db_has_samples(gcw_db *db) {
  static const char sql[] = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                            "name = 'process_samples' AND ?1 = ?1";
  return (int)scalar(db, sql, 0, 0, NULL, -1);
}

/* ---- statistics ---- */

gcw_err gcw_db_stats_load(gcw_db *db, long long run, double v[GCW_STAT_COUNT],
                          unsigned char has[GCW_STAT_COUNT]) {
  sqlite3_stmt *st = NULL;
  memset(v, 0, GCW_STAT_COUNT * sizeof *v);
  memset(has, 0, GCW_STAT_COUNT * sizeof *has);
  int rc = sqlite3_prepare_v2(db->conn, "SELECT name, value FROM stats WHERE run_id = ?1", -1,
                              &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, run);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const unsigned char *name = sqlite3_column_text(st, 0);
      int id = name ? gcw_stats_lookup((const char *)name) : -1;
      if (id >= 0 && sqlite3_column_type(st, 1) != SQLITE_NULL) {
        v[id] = sqlite3_column_double(st, 1);
        has[id] = 1;
      }
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? GCW_OK : GCW_EDB;
}

/* Does the run have its statistics, all of them, computed from the cycles it has now
** (a run still being written, or one a killed watch left, has more cycles than its
** stored `cycles`)? 1, 0, or -1 on a database error. */
static int has_stats(gcw_db *db, long long run) {
  static const char sql[] =
      "SELECT (SELECT count(*) FROM stats WHERE run_id = ?1) >= ?2 "
      "AND (SELECT value FROM stats WHERE run_id = ?1 AND name = 'cycles') "
      "= (SELECT count(*) FROM gc_cycles WHERE run_id = ?1)";
  return (int)scalar(db, sql, run, GCW_STAT_COUNT, NULL, -1);
}

/* A TEMP `stats` (searched before the file's own) holding a copy of the stored rows: the
** statistics of a database that cannot be written live there for this connection. */
static int temp_stats(gcw_db *db) {
  static const char sql[] =
      "CREATE TEMP TABLE IF NOT EXISTS stats" GCW_STATS_COLUMNS ";"
      "INSERT OR IGNORE INTO temp.stats SELECT run_id, name, value, unit FROM main.stats;";
  return sqlite3_exec(db->conn, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Swap db's read-only connection for a read-write one; 0, or -1 when the file cannot be
** opened so (then db is unchanged). */
static int reopen_writable(gcw_db *db) {
  gcw_db *rw = NULL;
  char msg[256];
  if (db->borrowed || !db->path || gcw_db_open(&rw, db->path, 1, msg, sizeof msg) != GCW_OK)
    return -1;
  sqlite3_close(db->conn);
  db->conn = rw->conn;
  rw->conn = NULL;
  gcw_db_close(&rw);
  return 0;
}

/* Compute the missing statistics on a read-write connection, or else into TEMP. */
static gcw_err compute_missing(gcw_db *db, const long long *ids, int n, const int *need) {
  int rw = db->borrowed || reopen_writable(db) == 0;
  if (!rw && temp_stats(db))
    return GCW_EDB;
  for (int i = 0; i < n; i++) {
    if (!need[i] || gcw_stats_compute(db, ids[i]) == GCW_OK)
      continue;
    /* opened read-write, but the file (or its directory) refuses writes */
    if (rw && sqlite3_errcode(db->conn) == SQLITE_READONLY && temp_stats(db) == 0 &&
        gcw_stats_compute(db, ids[i]) == GCW_OK)
      continue;
    return GCW_EDB;
  }
  return GCW_OK;
}

gcw_err gcw_db_stats_ensure(gcw_db *db, const long long *ids, int n, const char **what) {
  int *need = calloc((size_t)n + 1, sizeof *need), missing = 0;
  *what = "cannot read database";
  if (!need)
    return GCW_ENOMEM;
  for (int i = 0; i < n; i++) {
    int has = has_stats(db, ids[i]);
    if (has < 0) {
      free(need);
      return GCW_EDB;
    }
    need[i] = !has;
    missing |= !has;
  }
  *what = "cannot compute statistics";
  gcw_err e = missing ? compute_missing(db, ids, n, need) : GCW_OK;
  free(need);
  return e;
}
