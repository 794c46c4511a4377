/* store.c: the SQLite sink. See store.h and docs/schema.md.
**
** Why it is built this way: a trace can bring hundreds of thousands of lines per second
** (corpus 08), so every INSERT is prepared once, bound and stepped (never built as text,
** which is also what keeps data out of the SQL), and rows are committed in batches, not
** one transaction per line. The event tables are generated from fields.h so that a new
** figure is one line there, not an edit here. Reading the store back is store_read.c;
** this file only writes. */
#include "store.h"

#include "store_db.h"

#include "detect.h"
#include "fields.h"
#include "limits.h"
#include "pause.h"
#include "severity.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SCHEMA_VERSION = 1 };

/* Statements, one per table written while reading; prepared once at open
** (SQLITE_PREPARE_PERSISTENT: they live as long as the connection). */
enum { ST_GC, ST_SCAV, ST_PACER, ST_FORCED, ST_UNPARSED, ST_RUN_OPEN, ST_RUN_CLOSE,
       ST_SOURCE_BEGIN, ST_SOURCE_END, ST_SOURCE_FILE, ST_FINDING_ADD, ST_FINDING_UPDATE,
       ST_BEGIN, ST_COMMIT, ST_COUNT };

struct gcw_store {
  sqlite3 *db;
  gcw_db reader; /* the same connection, lent to readers (gcw_store_reader) */
  sqlite3_stmt *st[ST_COUNT];
  /* the fields.h fields each event table stores, in column order */
  int16_t cols[ST_FORCED + 1][GCW_NFIELDS];
  int ncols[ST_FORCED + 1];
  int in_tx;
  long rows_in_tx;
  double last_commit_ms;
  long long found; /* first column of the last row a once() query returned (once() has
                   ** no result parameter because its callers want one number each) */
  gcw_err failed;
  char errmsg[256];
};

/* Columns every event table starts with, before the fields of fields.h: what no trace
** line carries as a figure (where the row came from, how it was read) and so is not a
** field. */
static const char *const event_prefix[] = {
    [ST_GC] = "run_id INTEGER NOT NULL REFERENCES runs(id), line INTEGER NOT NULL, "
              "wall TEXT, repaired INTEGER NOT NULL, unknown_parts INTEGER NOT NULL, "
              "pause_ms REAL",
    [ST_SCAV] = "run_id INTEGER NOT NULL REFERENCES runs(id), line INTEGER NOT NULL, "
                "gc INTEGER, family TEXT NOT NULL, wall TEXT, repaired INTEGER NOT NULL, "
                "unknown_parts INTEGER NOT NULL",
    [ST_PACER] = "run_id INTEGER NOT NULL REFERENCES runs(id), line INTEGER NOT NULL, "
                 "gc INTEGER, kind TEXT NOT NULL, wall TEXT, repaired INTEGER NOT NULL, "
                 "unknown_parts INTEGER NOT NULL",
    [ST_FORCED] = "run_id INTEGER NOT NULL REFERENCES runs(id), line INTEGER NOT NULL, "
                  "gc INTEGER, family TEXT NOT NULL, wall TEXT, repaired INTEGER NOT NULL, "
                  "unknown_parts INTEGER NOT NULL"};
/* The same columns by name, for the INSERTs: naming them keeps an older database (whose
** later columns were added by ALTER TABLE) writable. */
static const char *const event_prefix_names[] = {
    [ST_GC] = "run_id, line, wall, repaired, unknown_parts, pause_ms",
    [ST_SCAV] = "run_id, line, gc, family, wall, repaired, unknown_parts",
    [ST_PACER] = "run_id, line, gc, kind, wall, repaired, unknown_parts",
    [ST_FORCED] = "run_id, line, gc, family, wall, repaired, unknown_parts"};
static const char *const event_table[] = {
    [ST_GC] = "gc_cycles", [ST_SCAV] = "scavenger", [ST_PACER] = "pacer",
    [ST_FORCED] = "forced_gc"};
static const unsigned event_bits[] = {
    [ST_GC] = GCW_T_GC, [ST_SCAV] = GCW_T_SCAV, [ST_PACER] = GCW_T_PACER,
    [ST_FORCED] = GCW_T_FORCED};
static const int event_prefix_cols[] = {[ST_GC] = 6, [ST_SCAV] = 7, [ST_PACER] = 7,
                                        [ST_FORCED] = 7};

static const char schema_fixed[] =
    "CREATE TABLE IF NOT EXISTS sources(id INTEGER PRIMARY KEY, path TEXT NOT NULL, "
    "kind TEXT NOT NULL, bytes INTEGER, sha256 TEXT, added_at TEXT NOT NULL, lines INTEGER, "
    "overlong_lines INTEGER);"
    "CREATE TABLE IF NOT EXISTS source_files(source_id INTEGER NOT NULL REFERENCES sources(id), "
    "ordinal INTEGER NOT NULL, path TEXT NOT NULL, kind TEXT NOT NULL, first_line INTEGER, "
    "lines INTEGER, bytes INTEGER);"
    "CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, "
    "source_id INTEGER NOT NULL REFERENCES sources(id), ordinal INTEGER NOT NULL, "
    "first_line INTEGER, last_line INTEGER, format TEXT, procs INTEGER, cycles INTEGER, "
    "missing_cycles INTEGER, repaired INTEGER, unknown_parts INTEGER, first_gc INTEGER, "
    "last_gc INTEGER, first_t_s REAL, last_t_s REAL, scav_lines INTEGER, pacer_lines INTEGER, "
    "forced_lines INTEGER, era_min INTEGER, era_max INTEGER);"
    "CREATE TABLE IF NOT EXISTS unparsed(source_id INTEGER NOT NULL REFERENCES sources(id), "
    "line INTEGER NOT NULL, text BLOB NOT NULL, reason TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS findings(id INTEGER PRIMARY KEY, "
    "run_id INTEGER NOT NULL REFERENCES runs(id), kind TEXT NOT NULL, severity TEXT NOT NULL, "
    "gc INTEGER, t_s REAL, value REAL, threshold REAL, unit TEXT, message TEXT NOT NULL, "
    "wall TEXT, end_gc INTEGER, end_t_s REAL, next_step TEXT);"
    "CREATE TABLE IF NOT EXISTS stats" GCW_STATS_COLUMNS ";";

static const char indexes[] =
    "CREATE INDEX IF NOT EXISTS gc_cycles_run ON gc_cycles(run_id, gc);"
    "CREATE INDEX IF NOT EXISTS scavenger_run ON scavenger(run_id, line);"
    "CREATE INDEX IF NOT EXISTS pacer_run ON pacer(run_id, line);"
    "CREATE INDEX IF NOT EXISTS runs_source ON runs(source_id);";

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The first failure is the one worth reporting: later calls fail because of it (a
** failed COMMIT leaves no transaction, the next INSERT then fails too), so their
** messages would hide the cause. */
static gcw_err fail(gcw_store *s, const char *what) {
  if (!s->failed) {
    s->failed = GCW_EDB;
    snprintf(s->errmsg, sizeof s->errmsg, "%s: %s", what, s->db ? sqlite3_errmsg(s->db) : "?");
  }
  return GCW_EDB;
}

const char *gcw_store_errmsg(const gcw_store *s) { return s->errmsg; }

gcw_db *gcw_store_reader(gcw_store *s) {
  s->reader.conn = s->db;
  s->reader.borrowed = 1;
  return &s->reader;
}

/* "CREATE TABLE t(prefix, f1 INTEGER, ...)" or "INSERT INTO t(prefix, f1, ...) VALUES(?,...)".
** Returns -1 when cap is too small (a fields.h grown past the buffer), never a cut SQL. */
static int event_sql(int st, int create, char *buf, size_t cap) {
  size_t n = 0;
  int params = event_prefix_cols[st];
#define PUT(...) n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__)
  if (create)
    PUT("CREATE TABLE IF NOT EXISTS %s(%s", event_table[st], event_prefix[st]);
  else
    PUT("INSERT INTO %s(%s", event_table[st], event_prefix_names[st]);
  for (int f = 0; f < GCW_NFIELDS; f++) {
    if (!(gcw_field_infos[f].tables & event_bits[st]))
      continue;
    params++;
    if (create)
      PUT(", %s %s", gcw_field_infos[f].name,
          gcw_field_infos[f].type == GCW_REAL ? "REAL" : "INTEGER");
    else
      PUT(", %s", gcw_field_infos[f].name);
  }
  if (!create) {
    PUT(") VALUES(?");
    for (int i = 1; i < params; i++)
      PUT(",?");
  }
  PUT(")");
#undef PUT
  return n < cap ? 0 : -1;
}

static gcw_err exec(gcw_store *s, const char *sql) {
  return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? GCW_OK : fail(s, "schema");
}

/* IF NOT EXISTS everywhere: opening an existing database is the normal case (watch
** appends to the file analyze wrote). A newer user_version is refused rather than
** written to: this program would not know the columns that version added. */
static gcw_err create_schema(gcw_store *s) {
  char sql[8192];
  int version = 0;
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
    return fail(s, "cannot read the database");
  if (sqlite3_step(q) == SQLITE_ROW)
    version = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  if (version > SCHEMA_VERSION) {
    snprintf(s->errmsg, sizeof s->errmsg,
             "database schema version %d is newer than this program's (%d)", version,
             SCHEMA_VERSION);
    return s->failed = GCW_EDB;
  }
  if (exec(s, schema_fixed))
    return GCW_EDB;
  for (int st = ST_GC; st <= ST_FORCED; st++) {
    if (event_sql(st, 1, sql, sizeof sql) < 0 || exec(s, sql))
      return GCW_EDB;
  }
  snprintf(sql, sizeof sql, "PRAGMA user_version=%d", SCHEMA_VERSION);
  return exec(s, sql);
}

static gcw_err prepare(gcw_store *s, int st, const char *sql) {
  if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st[st], NULL) !=
      SQLITE_OK)
    return fail(s, "prepare");
  return GCW_OK;
}

static gcw_err prepare_all(gcw_store *s) {
  char sql[8192];
  for (int st = ST_GC; st <= ST_FORCED; st++) {
    if (event_sql(st, 0, sql, sizeof sql) < 0 || prepare(s, st, sql))
      return GCW_EDB;
    for (int f = 0; f < GCW_NFIELDS; f++)
      if (gcw_field_infos[f].tables & event_bits[st])
        s->cols[st][s->ncols[st]++] = (int16_t)f;
  }
  static const struct { int st; const char *sql; } fixed[] = {
      {ST_UNPARSED, "INSERT INTO unparsed VALUES(?,?,?,?)"},
      {ST_RUN_OPEN, "INSERT INTO runs(source_id, ordinal, first_line, era_min, era_max) "
                    "VALUES(?,?,?,0,99)"},
      {ST_RUN_CLOSE, "UPDATE runs SET first_line=?, last_line=?, format=?, procs=?, cycles=?, "
                     "missing_cycles=?, repaired=?, unknown_parts=?, first_gc=?, last_gc=?, "
                     "first_t_s=?, last_t_s=?, scav_lines=?, pacer_lines=?, forced_lines=?, "
                     "era_min=?, era_max=? WHERE id=?"},
      {ST_SOURCE_BEGIN, "INSERT INTO sources(path, kind, added_at) "
                        "VALUES(?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))"},
      {ST_SOURCE_END, "UPDATE sources SET bytes=?, sha256=?, lines=?, overlong_lines=? "
                      "WHERE id=?"},
      {ST_SOURCE_FILE, "INSERT INTO source_files VALUES(?,?,?,?,?,?,?)"},
      {ST_FINDING_ADD, "INSERT INTO findings(run_id, kind, severity, gc, t_s, value, threshold, "
                       "unit, message, wall, end_gc, end_t_s, next_step) "
                       "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {ST_FINDING_UPDATE, "UPDATE findings SET severity=?3, gc=?4, t_s=?5, value=?6, "
                          "threshold=?7, unit=?8, message=?9, end_gc=?11, end_t_s=?12, "
                          "next_step=?13 WHERE id=?1"},
      {ST_BEGIN, "BEGIN"},
      {ST_COMMIT, "COMMIT"}};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    if (prepare(s, fixed[i].st, fixed[i].sql))
      return GCW_EDB;
  return GCW_OK;
}

gcw_err gcw_store_open(gcw_store **out, const char *path, char *msg, size_t msglen) {
  gcw_store *s = calloc(1, sizeof *s);
  *out = NULL;
  if (!s)
    return GCW_ENOMEM;
  gcw_err err = GCW_OK;
  /* One thread uses the connection: SQLite's own mutexes would only cost time. */
  if (sqlite3_open_v2(path, &s->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    err = fail(s, "cannot open");
  } else {
    sqlite3_busy_timeout(s->db, 5000);
    /* WAL: readers (report, plot, a user's sqlite3) never block the writer. Foreign keys
    ** are declared for readers but not enforced: this is the only writer, it inserts a
    ** run before its rows, and a check per row would cost a lookup per line. */
    sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                        "PRAGMA cache_size=-2000",
                 NULL, NULL, NULL);
    err = create_schema(s);
    if (!err)
      err = prepare_all(s);
  }
  if (err) {
    snprintf(msg, msglen, "%s", s->errmsg);
    gcw_store_close(&s);
    return err;
  }
  s->last_commit_ms = now_ms();
  *out = s;
  return GCW_OK;
}

static gcw_err step(gcw_store *s, sqlite3_stmt *st, const char *what) {
  /* Every parameter is bound (NULL included) before each step: no clear_bindings. */
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? GCW_OK : fail(s, what);
}

/* The batching's invariant: rows are counted only inside a transaction, never more than
** GCW_BATCH_ROWS of them, and SQLite agrees whether one is open (after a failure SQLite
** may have rolled back on its own: then nothing more is written anyway). */
static int batch_ok(const gcw_store *s) {
  return (s->in_tx == 0 || s->in_tx == 1) && s->rows_in_tx >= 0 &&
         s->rows_in_tx < GCW_BATCH_ROWS && (s->in_tx || s->rows_in_tx == 0) &&
         (s->failed || !s->db || s->in_tx == !sqlite3_get_autocommit(s->db));
}

static gcw_err commit(gcw_store *s) {
  assert(batch_ok(s) || s->rows_in_tx == GCW_BATCH_ROWS);
  if (!s->in_tx)
    return GCW_OK;
  s->in_tx = 0;
  s->rows_in_tx = 0;
  s->last_commit_ms = now_ms();
  gcw_err e = step(s, s->st[ST_COMMIT], "commit");
  assert(batch_ok(s));
  return e;
}

/* Every write goes through here: open a transaction, count the row. The transaction is
** what makes batch import fast (one fsync per GCW_BATCH_ROWS rows instead of per row);
** the count bounds the WAL file and what a crash can lose. */
static gcw_err row(gcw_store *s) {
  assert(batch_ok(s));
  if (s->failed)
    return s->failed;
  if (!s->in_tx) {
    if (step(s, s->st[ST_BEGIN], "begin"))
      return GCW_EDB;
    s->in_tx = 1;
  }
  if (++s->rows_in_tx >= GCW_BATCH_ROWS)
    return commit(s) ? GCW_EDB : row(s);
  assert(batch_ok(s));
  return GCW_OK;
}

gcw_err gcw_store_tick(gcw_store *s, int force) {
  assert(batch_ok(s));
  if (s->failed)
    return s->failed;
  if (force || now_ms() - s->last_commit_ms >= GCW_COMMIT_MS)
    return commit(s);
  return GCW_OK;
}

/* Indexes are built at close, not at open: maintaining them row by row would slow the
** import, and building them once over the finished tables is cheaper. A store that
** failed closes without them (the next session's close builds them: IF NOT EXISTS). */
gcw_err gcw_store_close(gcw_store **pp) {
  gcw_store *s = pp ? *pp : NULL;
  if (!s)
    return GCW_OK;
  if (s->db && !s->failed) {
    commit(s);
    if (!s->failed)
      exec(s, indexes);
  }
  gcw_err err = s->failed;
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(s->st[i]);
  if (s->db && sqlite3_close(s->db) != SQLITE_OK && !err)
    err = GCW_EDB;
  free(s);
  *pp = NULL;
  return err;
}

gcw_err gcw_store_source_begin(gcw_store *s, const char *path, const char *kind,
                               long long *id) {
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_SOURCE_BEGIN];
  sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
  if (step(s, st, "insert source"))
    return GCW_EDB;
  *id = sqlite3_last_insert_rowid(s->db);
  return GCW_OK;
}

gcw_err gcw_store_source_end(gcw_store *s, long long id, long long bytes, const char *sha256,
                             long lines, long overlong) {
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_SOURCE_END];
  sqlite3_bind_int64(st, 1, bytes);
  sqlite3_bind_text(st, 2, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, lines);
  sqlite3_bind_int64(st, 4, overlong);
  sqlite3_bind_int64(st, 5, id);
  return step(s, st, "update source");
}

gcw_err gcw_store_source_file(gcw_store *s, long long source_id, int ordinal, const char *path,
                              const char *kind, long first_line, long lines, long long bytes) {
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_SOURCE_FILE];
  sqlite3_bind_int64(st, 1, source_id);
  sqlite3_bind_int(st, 2, ordinal);
  sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 5, first_line);
  sqlite3_bind_int64(st, 6, lines);
  sqlite3_bind_int64(st, 7, bytes);
  return step(s, st, "insert source file");
}

/* Run one statement with up to two integer/text parameters; for the rare paths (once per
** source), where preparing each time costs nothing worth a persistent statement. */
static gcw_err once(gcw_store *s, const char *sql, long long a, const char *text) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return fail(s, "prepare");
  if (text)
    sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, text ? 2 : 1, a);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    s->found = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? GCW_OK : fail(s, sql);
}

gcw_err gcw_store_find_duplicate(gcw_store *s, long long source_id, const char *sha256,
                                 long long *other) {
  s->found = 0;
  if (row(s) || once(s, "SELECT min(id) FROM sources WHERE sha256=?1 AND id<>?2", source_id, sha256))
    return GCW_EDB;
  *other = s->found;
  return GCW_OK;
}

/* Children before parents: foreign keys are not enforced (see gcw_store_open), but a
** reader that enables them, or joins on them, must never find a row whose parent is
** gone. */
gcw_err gcw_store_source_delete(gcw_store *s, long long id) {
  static const char *const sql[] = {
      "DELETE FROM gc_cycles WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM scavenger WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM pacer WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM forced_gc WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM findings WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM stats WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
      "DELETE FROM runs WHERE source_id=?1", "DELETE FROM unparsed WHERE source_id=?1",
      "DELETE FROM source_files WHERE source_id=?1", "DELETE FROM sources WHERE id=?1"};
  if (row(s))
    return GCW_EDB;
  for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
    if (once(s, sql[i], id, NULL))
      return GCW_EDB;
  return GCW_OK;
}

gcw_err gcw_store_run_open(gcw_store *s, long long source_id, gcw_run *run) {
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_RUN_OPEN];
  sqlite3_bind_int64(st, 1, source_id);
  sqlite3_bind_int(st, 2, run->ordinal);
  sqlite3_bind_int64(st, 3, run->first_line);
  if (step(s, st, "insert run"))
    return GCW_EDB;
  run->id = sqlite3_last_insert_rowid(s->db);
  return GCW_OK;
}

static void bind_opt_int(sqlite3_stmt *st, int i, long long v, int present) {
  if (present)
    sqlite3_bind_int64(st, i, v);
  else
    sqlite3_bind_null(st, i);
}

static void bind_opt_real(sqlite3_stmt *st, int i, double v, int present) {
  if (present)
    sqlite3_bind_double(st, i, v);
  else
    sqlite3_bind_null(st, i);
}

gcw_err gcw_store_run_close(gcw_store *s, const gcw_run *r) {
  char era[24];
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_RUN_CLOSE];
  int i = 1;
  sqlite3_bind_int64(st, i++, r->first_line);
  sqlite3_bind_int64(st, i++, r->last_line);
  sqlite3_bind_text(st, i++, gcw_era_text(r->era_min, r->era_max, r->era_conflict, era, sizeof era),
                    -1, SQLITE_TRANSIENT);
  bind_opt_int(st, i++, r->procs, r->procs > 0);
  sqlite3_bind_int64(st, i++, r->cycles);
  sqlite3_bind_int64(st, i++, r->missing);
  sqlite3_bind_int64(st, i++, r->repaired);
  sqlite3_bind_int64(st, i++, r->unknown_parts);
  bind_opt_int(st, i++, r->first_gc, r->cycles > 0);
  bind_opt_int(st, i++, r->last_gc, r->cycles > 0);
  bind_opt_real(st, i++, r->first_t, r->first_t >= 0);
  bind_opt_real(st, i++, r->last_t, r->last_t >= 0);
  sqlite3_bind_int64(st, i++, r->scav_lines);
  sqlite3_bind_int64(st, i++, r->pacer_lines);
  sqlite3_bind_int64(st, i++, r->forced_lines);
  sqlite3_bind_int(st, i++, r->era_min);
  sqlite3_bind_int(st, i++, r->era_max);
  sqlite3_bind_int64(st, i++, r->id);
  return step(s, st, "update run");
}

/* The table of a family: the old and new spellings of a line go to the same table (the
** `family` column keeps which one it was). */
static int statement_for(gcw_family f) {
  switch (f) {
  case GCW_FAM_GC:
  case GCW_FAM_GC_LEGACY: return ST_GC;
  case GCW_FAM_SCVG:
  case GCW_FAM_SCAV: return ST_SCAV;
  case GCW_FAM_PACER: return ST_PACER;
  case GCW_FAM_FORCED:
  case GCW_FAM_FORCED_OLD: return ST_FORCED;
  case GCW_NFAMILIES: break;
  }
  return ST_GC;
}

gcw_err gcw_store_event(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                        const char *wall) {
  if (row(s))
    return GCW_EDB;
  int stn = statement_for(ev->family);
  sqlite3_stmt *st = s->st[stn];
  int i = 1;
  double pause = 0;
  sqlite3_bind_int64(st, i++, run_id);
  sqlite3_bind_int64(st, i++, ev->line);
  if (stn != ST_GC) {
    bind_opt_int(st, i++, cycle, cycle >= 0);
    sqlite3_bind_text(st, i++, ev->kind, -1, SQLITE_STATIC);
  }
  if (wall)
    sqlite3_bind_text(st, i, wall, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
  i++;
  sqlite3_bind_int(st, i++, ev->repaired);
  sqlite3_bind_int(st, i++, ev->unknown_parts);
  if (stn == ST_GC) {
    int has = gcw_pause_ms(ev, &pause);
    bind_opt_real(st, i++, pause, has);
  }
  for (int c = 0; c < s->ncols[stn]; c++, i++) {
    int f = s->cols[stn][c];
    if (!ev->present[f])
      sqlite3_bind_null(st, i);
    else if (gcw_field_infos[f].type == GCW_REAL)
      sqlite3_bind_double(st, i, ev->v[f]);
    else
      sqlite3_bind_int64(st, i, (sqlite3_int64)ev->v[f]);
  }
  return step(s, st, "insert");
}

/* Parameters 2..13 of both finding statements, in the order of ST_FINDING_ADD. The
** update names its parameters (?3 ...) so that one binding serves both statements; it
** leaves kind (?2) and wall (?10) alone: they describe where the episode began. */
void gcw_store_bind_finding(sqlite3_stmt *st, const gcw_finding *f) {
  sqlite3_bind_text(st, 2, f->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, gcw_severity_name(f->severity), -1, SQLITE_STATIC);
  bind_opt_int(st, 4, f->gc, f->gc >= 0);
  bind_opt_real(st, 5, f->t_s, f->t_s >= 0);
  /* a note without a measurement (an info "skipped") has no value or threshold */
  int measured = f->unit && f->unit[0];
  bind_opt_real(st, 6, f->value, measured);
  bind_opt_real(st, 7, f->threshold, measured);
  if (measured)
    sqlite3_bind_text(st, 8, f->unit, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 8);
  sqlite3_bind_text(st, 9, f->message, -1, SQLITE_TRANSIENT);
  if (f->wall[0])
    sqlite3_bind_text(st, 10, f->wall, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, 10);
  bind_opt_int(st, 11, f->end_gc, f->end_gc >= 0);
  bind_opt_real(st, 12, f->end_t_s, f->end_gc >= 0 && f->end_t_s >= 0);
  sqlite3_bind_text(st, 13, f->next_step, -1, SQLITE_TRANSIENT);
}

gcw_err gcw_store_finding_add(gcw_store *s, long long run_id, const gcw_finding *f,
                              long long *id) {
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_FINDING_ADD];
  sqlite3_bind_int64(st, 1, run_id);
  gcw_store_bind_finding(st, f);
  if (step(s, st, "insert finding"))
    return GCW_EDB;
  *id = sqlite3_last_insert_rowid(s->db);
  return GCW_OK;
}

gcw_err gcw_store_finding_update(gcw_store *s, long long id, const gcw_finding *f) {
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_FINDING_UPDATE];
  sqlite3_bind_int64(st, 1, id);
  gcw_store_bind_finding(st, f);
  return step(s, st, "update finding");
}

int gcw_store_worst_finding(gcw_store *s, long long source_id) {
  s->found = 0;
  if (once(s,
           "SELECT coalesce(max(" GCW_SEVERITY_RANK_SQL("severity") "), 0) "
           "FROM findings WHERE run_id IN (SELECT id FROM runs WHERE source_id=?1)",
           source_id, NULL))
    return 0;
  return (int)s->found;
}

int gcw_store_run_ids(gcw_store *s, long long source_id, long long *ids, int max) {
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

gcw_err gcw_store_unparsed(gcw_store *s, long long source_id, long line, const char *text,
                           size_t len, const char *why) {
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_UNPARSED];
  sqlite3_bind_int64(st, 1, source_id);
  sqlite3_bind_int64(st, 2, line);
  /* A blob keeps the bytes as they were (NUL, invalid UTF-8). */
  sqlite3_bind_blob(st, 3, text, (int)(len < GCW_UNPARSED_MAX ? len : GCW_UNPARSED_MAX),
                    SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, why, -1, SQLITE_STATIC);
  return step(s, st, "insert unparsed");
}
