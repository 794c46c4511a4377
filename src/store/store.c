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
#include "import_file.h"
#include "pause.h"
#include "severity.h"
#include "statrun.h"
#include "stats_rss.h"
#include "stats.h"
#include "store_impl.h"
#include "store_queue.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { SCHEMA_VERSION = 1 };

/* Event rows wait in a small buffer per table and go in with one multi-row INSERT of
** SHAPE_ROWS rows. A statement binds only the columns its rows fill: lines of one shape
** (the same fields present) share it; a shape change flushes the rows of the old one. */
enum { SHAPE_ROWS = 128, SHAPES_PER_TABLE = 8, NTABLES = ST_FORCED + 1 };

typedef struct shape {
  uint64_t mask[2];          /* fields present (bit f of fields.h), 0 0: slot unused */
  int ncols;
  int16_t cols[GCW_NFIELDS]; /* the fields bound, in fields.h order */
  sqlite3_stmt *one, *many;  /* 1-row and SHAPE_ROWS-row INSERTs */
  long last_use;
} shape;

typedef struct pending {
  long long run_id, cycle;
  long line;
  char kind[16];             /* a copy: the recognizer's names may be gone at the last flush */
  int repaired, unknown_parts, has_wall, has_pause;
  double pause;
  char wall[40];
  double v[GCW_NFIELDS];     /* values of the shape's columns, in column order */
} pending;

struct table_buf {
  shape shapes[SHAPES_PER_TABLE];
  shape *cur;                /* the shape of the rows waiting (and of the last row) */
  uint8_t last_present[GCW_NFIELDS]; /* present[] of the last row */
  int n;
  long clock;
  pending rows[SHAPE_ROWS];
};
typedef struct table_buf table_buf;


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
    "CREATE TABLE IF NOT EXISTS run_labels(run_id INTEGER NOT NULL REFERENCES runs(id), "
    "key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(run_id, key));"
    "CREATE TABLE IF NOT EXISTS run_program(run_id INTEGER PRIMARY KEY REFERENCES runs(id), "
    "argv TEXT NOT NULL, gogc TEXT, gomemlimit TEXT, gomaxprocs TEXT, godebug TEXT);"
    "CREATE TABLE IF NOT EXISTS finding_parts(finding_id INTEGER PRIMARY KEY "
    "REFERENCES findings(id), part_of INTEGER NOT NULL REFERENCES findings(id));"
    "CREATE TABLE IF NOT EXISTS stats" GCW_STATS_COLUMNS ";"
    /* issue 15: the process's memory as the kernel counts it (procsample.h) */
    "CREATE TABLE IF NOT EXISTS process_samples(run_id INTEGER NOT NULL REFERENCES runs(id), "
    "t_s REAL, wall TEXT, rss_mb REAL, vsz_mb REAL, rss_anon_mb REAL, rss_file_mb REAL, "
    "swap_mb REAL, lazyfree_mb REAL, cgroup_current_mb REAL, cgroup_max_mb REAL);";

static const char indexes[] =
    "CREATE INDEX IF NOT EXISTS gc_cycles_run ON gc_cycles(run_id, gc);"
    "CREATE INDEX IF NOT EXISTS scavenger_run ON scavenger(run_id, line);"
    "CREATE INDEX IF NOT EXISTS pacer_run ON pacer(run_id, line);"
    "CREATE INDEX IF NOT EXISTS runs_source ON runs(source_id);"
    "CREATE INDEX IF NOT EXISTS process_samples_run ON process_samples(run_id, t_s);";

double gcw_store_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The first failure is the one worth reporting: later calls fail because of it (a
** failed COMMIT leaves no transaction, the next INSERT then fails too), so their
** messages would hide the cause. */
static gcw_err fail(gcw_store *s, const char *what) {
  s->last_rc = s->db ? sqlite3_errcode(s->db) : SQLITE_CANTOPEN;
  if (s->q) { /* fail-open: the latest cause, never sticky; the system's reason too */
    int sys = s->db ? sqlite3_system_errno(s->db) : 0;
    snprintf(s->errmsg, sizeof s->errmsg, "%s: %s%s%s", what,
             s->db ? sqlite3_errmsg(s->db) : "?", sys ? ": " : "", sys ? strerror(sys) : "");
    return GCW_EDB;
  }
  if (!s->failed) {
    s->failed = GCW_EDB;
    snprintf(s->errmsg, sizeof s->errmsg, "%s: %s", what, s->db ? sqlite3_errmsg(s->db) : "?");
  }
  return GCW_EDB;
}

const char *gcw_store_errmsg(const gcw_store *s) { return s->errmsg; }

static gcw_err flush_all(gcw_store *s);

/* The store's connection lent to readers, with every waiting row written first (analyze
** reports what it just read through it). */
gcw_db *gcw_store_reader(gcw_store *s) {
  gcw_store_async_wait(s);
  flush_all(s);
  s->reader.conn = s->db;
  s->reader.borrowed = 1;
  return &s->reader;
}

/* "CREATE TABLE t(prefix, f1 INTEGER, ...)": the prefix and every field of the table.
** Returns -1 when cap is too small (a fields.h grown past the buffer), never a cut SQL. */
static int event_sql(int st, char *buf, size_t cap) {
  size_t n = 0;
#define PUT(...) n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__)
  PUT("CREATE TABLE IF NOT EXISTS %s(%s", event_table[st], event_prefix[st]);
  for (int f = 0; f < GCW_NFIELDS; f++)
    if (gcw_field_infos[f].tables & event_bits[st])
      PUT(", %s %s", gcw_field_infos[f].name,
          gcw_field_infos[f].type == GCW_REAL ? "REAL" : "INTEGER");
  PUT(")");
#undef PUT
  return n < cap ? 0 : -1;
}

/* "INSERT INTO t(prefix, f1, ...) VALUES(?,...),..." for rows rows of a shape: the
** columns by name keep an older database (later columns added by ALTER TABLE) writable. */
static int insert_sql(int st, const shape *sh, int rows, char *buf, size_t cap) {
  size_t n = 0;
  int params = event_prefix_cols[st] + sh->ncols;
#define PUT(...) n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__)
  PUT("INSERT INTO %s(%s", event_table[st], event_prefix_names[st]);
  for (int c = 0; c < sh->ncols; c++)
    PUT(", %s", gcw_field_infos[sh->cols[c]].name);
  PUT(") VALUES");
  for (int r = 0; r < rows; r++) {
    PUT("%s(?", r ? "," : "");
    for (int i = 1; i < params; i++)
      PUT(",?");
    PUT(")");
  }
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
    s->last_rc = SQLITE_MISMATCH; /* permanent */
    return s->q ? GCW_EDB : (s->failed = GCW_EDB);
  }
  if (exec(s, schema_fixed))
    return GCW_EDB;
  for (int st = ST_GC; st <= ST_FORCED; st++) {
    if (event_sql(st, sql, sizeof sql) < 0 || exec(s, sql))
      return GCW_EDB;
  }
  /* The indexes exist before anything queries (statistics, reports, detectors' readers):
  ** rows arrive in index order, so keeping them costs little. */
  if (exec(s, indexes))
    return GCW_EDB;
  if (version == SCHEMA_VERSION) /* writing it again would need the write lock */
    return GCW_OK;
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
      {ST_COMMIT, "COMMIT"},
      {ST_SAMPLE, "INSERT INTO process_samples(run_id, t_s, wall, rss_mb, vsz_mb, rss_anon_mb, "
                  "rss_file_mb, swap_mb, lazyfree_mb, cgroup_current_mb, cgroup_max_mb) "
                  "VALUES(?,?,?,?,?,?,?,?,?,?,?)"}};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    if (prepare(s, fixed[i].st, fixed[i].sql))
      return GCW_EDB;
  return GCW_OK;
}

/* ---- fast import into a new database: see import_file.h ---- */

/* The finished import takes its name (never replacing a database that appeared meanwhile). */
static gcw_err publish_import(gcw_store *s) {
  return gcw_import_publish(s->tmp_path, s->final_path, s->errmsg, sizeof s->errmsg) ? GCW_EDB
                                                                                      : GCW_OK;
}

static gcw_err open_db(gcw_store *s, const char *path, int fast) {
  const char *file = path;
  if (fast)
    s->tmp_path = gcw_import_begin(path);
  if (s->tmp_path) {
    s->final_path = strdup(path);
    if (!s->final_path)
      return GCW_ENOMEM;
    file = s->tmp_path;
  }
  /* One thread uses the connection: SQLite's own mutexes would only cost time. */
  if (sqlite3_open_v2(file, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK)
    return fail(s, "cannot open");
  /* fail-open: a lock is waited out in the memory queue, not in the pass-through */
  sqlite3_busy_timeout(s->db, s->q ? LIVE_BUSY_MS : BUSY_MS);
  /* 16 KiB pages (new databases only: an existing one keeps its page size). Foreign keys
  ** are declared for readers but not enforced: this is the only writer, it inserts a run
  ** before its rows, and a check per row would cost a lookup per line. */
  if (s->tmp_path)
    sqlite3_exec(s->db, "PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                        "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-4000",
                 NULL, NULL, NULL);
  else
    sqlite3_exec(s->db, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                        "PRAGMA cache_size=-2000",
                 NULL, NULL, NULL);
  gcw_err err = create_schema(s);
  return err ? err : prepare_all(s);
}

gcw_err gcw_store_connect(gcw_store *s, const char *path) { return open_db(s, path, 0); }

static void shape_free(shape *sh);

/* Undo gcw_store_connect (fail-open: the database went away). Rows waiting in the shape
** buffers belong to the transaction rolled back: the queue (store_queue.h) still has them. */
void gcw_store_disconnect(gcw_store *s) {
  for (int stn = 0; stn < NTABLES && s->tables; stn++) {
    s->tables[stn].n = 0;
    s->tables[stn].cur = NULL;
    for (int i = 0; i < SHAPES_PER_TABLE; i++)
      shape_free(&s->tables[stn].shapes[i]);
  }
  for (int i = 0; i < ST_COUNT; i++) {
    sqlite3_finalize(s->st[i]);
    s->st[i] = NULL;
  }
  if (s->db)
    sqlite3_close(s->db);
  s->db = NULL;
  s->in_tx = 0;
  s->rows_in_tx = 0;
}

void gcw_store_drop_pending(gcw_store *s) {
  for (int stn = 0; stn < NTABLES && s->tables; stn++)
    s->tables[stn].n = 0;
}

void gcw_store_stats_unusable(gcw_store *s, long long run_id) {
  gcw_statrun_break(s->stats, run_id);
}

gcw_store *gcw_store_alloc(void) {
  /* SQLite's memory statistics cost a mutex per allocation; this program never reads
  ** them. Only possible before SQLite initializes (else a harmless SQLITE_MISUSE). */
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  gcw_store *s = calloc(1, sizeof *s);
  if (s && (!(s->tables = calloc(NTABLES, sizeof *s->tables)) ||
            gcw_statrun_set_new(&s->stats) != GCW_OK)) {
    free(s->tables);
    free(s);
    s = NULL;
  }
  return s;
}

static gcw_err store_open(gcw_store **out, const char *path, int fast, char *msg, size_t msglen) {
  gcw_store *s = gcw_store_alloc();
  *out = NULL;
  if (!s)
    return GCW_ENOMEM;
  gcw_err err = open_db(s, path, fast);
  if (err) {
    snprintf(msg, msglen, "%s", err == GCW_ENOMEM ? "out of memory" : s->errmsg);
    s->failed = err; /* nothing to publish */
    gcw_store_close(&s);
    return err;
  }
  s->last_commit_ms = gcw_store_now_ms();
  if (fast)
    gcw_store_async_start(s);
  *out = s;
  return GCW_OK;
}

gcw_err gcw_store_open(gcw_store **out, const char *path, char *msg, size_t msglen) {
  return store_open(out, path, 0, msg, msglen);
}

gcw_err gcw_store_open_import(gcw_store **out, const char *path, char *msg, size_t msglen) {
  return store_open(out, path, 1, msg, msglen);
}

gcw_err gcw_store_step(gcw_store *s, sqlite3_stmt *st, const char *what) {
  /* Every parameter is bound (NULL included) before each step: no clear_bindings. */
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? GCW_OK : fail(s, what);
}

/* The batching's invariant: rows are counted only inside a transaction, never more than
** GCW_BATCH_ROWS of them, and SQLite agrees whether one is open (after a failure SQLite
** may have rolled back on its own: then nothing more is written anyway). A fail-open
** store (s->q) counts up to GCW_BATCH_ROWS before store_live.c commits, and restores the
** agreement with SQLite by rolling back after a failure (degrade()). */
static int batch_ok(const gcw_store *s) {
  return (s->in_tx == 0 || s->in_tx == 1) && s->rows_in_tx >= 0 &&
         (s->q ? s->rows_in_tx <= GCW_BATCH_ROWS : s->rows_in_tx < GCW_BATCH_ROWS) &&
         (s->in_tx || s->rows_in_tx == 0) &&
         (s->failed || s->q || !s->db || s->in_tx == !sqlite3_get_autocommit(s->db));
}

/* ---- event rows: buffered by shape, inserted SHAPE_ROWS at a time ---- */

void gcw_store_bind_opt_int(sqlite3_stmt *st, int i, long long v, int present) {
  if (present)
    sqlite3_bind_int64(st, i, v);
  else
    sqlite3_bind_null(st, i);
}

void gcw_store_bind_opt_real(sqlite3_stmt *st, int i, double v, int present) {
  if (present)
    sqlite3_bind_double(st, i, v);
  else
    sqlite3_bind_null(st, i);
}

/* Bind one waiting row at parameter i (1-based); returns the next parameter. */
static int bind_row(sqlite3_stmt *st, int stn, const shape *sh, const pending *r, int i) {
  sqlite3_bind_int64(st, i++, r->run_id);
  sqlite3_bind_int64(st, i++, r->line);
  if (stn != ST_GC) {
    gcw_store_bind_opt_int(st, i++, r->cycle, r->cycle >= 0);
    sqlite3_bind_text(st, i++, r->kind, -1, SQLITE_STATIC); /* bound and stepped at once */
  }
  if (r->has_wall)
    sqlite3_bind_text(st, i, r->wall, -1, SQLITE_STATIC); /* flushed before it changes */
  else
    sqlite3_bind_null(st, i);
  i++;
  sqlite3_bind_int(st, i++, r->repaired);
  sqlite3_bind_int(st, i++, r->unknown_parts);
  if (stn == ST_GC)
    gcw_store_bind_opt_real(st, i++, r->pause, r->has_pause);
  for (int c = 0; c < sh->ncols; c++, i++) {
    if (gcw_field_infos[sh->cols[c]].type == GCW_REAL)
      sqlite3_bind_double(st, i, r->v[c]);
    else
      sqlite3_bind_int64(st, i, (sqlite3_int64)r->v[c]);
  }
  return i;
}

static gcw_err prepare_shape(gcw_store *s, int stn, shape *sh, int rows, sqlite3_stmt **out) {
  char sql[65536];
  if (*out)
    return GCW_OK;
  if (insert_sql(stn, sh, rows, sql, sizeof sql) < 0 ||
      sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK)
    return fail(s, "prepare insert");
  return GCW_OK;
}

/* Insert the rows waiting in table stn: full batches with one statement, the rest one by one. */
static gcw_err flush_table(gcw_store *s, int stn) {
  table_buf *t = &s->tables[stn];
  shape *sh = t->cur;
  int n = t->n;
  t->n = 0;
  if (n == 0 || s->failed)
    return s->failed;
  if (n == SHAPE_ROWS) {
    if (prepare_shape(s, stn, sh, SHAPE_ROWS, &sh->many))
      return GCW_EDB;
    for (int r = 0, i = 1; r < n; r++)
      i = bind_row(sh->many, stn, sh, &t->rows[r], i);
    return gcw_store_step(s, sh->many, "insert");
  }
  if (prepare_shape(s, stn, sh, 1, &sh->one))
    return GCW_EDB;
  for (int r = 0; r < n; r++) {
    bind_row(sh->one, stn, sh, &t->rows[r], 1);
    if (gcw_store_step(s, sh->one, "insert"))
      return GCW_EDB;
  }
  return GCW_OK;
}

static gcw_err flush_all(gcw_store *s) {
  for (int stn = 0; stn < NTABLES && s->tables; stn++)
    if (flush_table(s, stn))
      return GCW_EDB;
  return s->failed;
}

static void shape_free(shape *sh) {
  sqlite3_finalize(sh->one);
  sqlite3_finalize(sh->many);
  memset(sh, 0, sizeof *sh);
}

/* The fields of table stn an event has, as a shape's mask, and their values in field
** (= column) order into vals (up to max of them). Returns how many, or -1 beyond max. */
int gcw_store_row_pack(int stn, const gcw_event *ev, uint64_t mask[2], double *vals, int max) {
  int n = 0;
  mask[0] = 0;
  mask[1] = (uint64_t)1 << 63; /* never 0 0: that marks a free slot (fields < 127) */
  for (int f = 0; f < GCW_NFIELDS; f++)
    if (ev->present[f] && (gcw_field_infos[f].tables & event_bits[stn])) {
      mask[f >> 6] |= (uint64_t)1 << (f & 63);
      if (vals && n < max)
        vals[n] = ev->v[f];
      n++;
    }
  return vals && n > max ? -1 : n;
}

static shape *shape_by_mask(gcw_store *s, int stn, const uint64_t mask[2]);

/* The shape of an event in table stn (found or made); NULL after a failed flush. */
static shape *shape_of(gcw_store *s, int stn, const gcw_event *ev) {
  table_buf *t = &s->tables[stn];
  /* lines of one shape come in runs: the same present[] as the last row, the same shape */
  if (t->cur && memcmp(t->last_present, ev->present, sizeof t->last_present) == 0) {
    t->cur->last_use = ++t->clock;
    return t->cur;
  }
  memcpy(t->last_present, ev->present, sizeof t->last_present);
  uint64_t mask[2];
  gcw_store_row_pack(stn, ev, mask, NULL, 0);
  return shape_by_mask(s, stn, mask);
}

static shape *shape_by_mask(gcw_store *s, int stn, const uint64_t mask[2]) {
  table_buf *t = &s->tables[stn];
  if (t->cur && t->cur->mask[0] == mask[0] && t->cur->mask[1] == mask[1]) {
    t->cur->last_use = ++t->clock;
    return t->cur;
  }
  shape *sh = NULL, *lru = &t->shapes[0];
  for (int i = 0; i < SHAPES_PER_TABLE && !sh; i++) {
    shape *c = &t->shapes[i];
    if (c->mask[0] == mask[0] && c->mask[1] == mask[1])
      sh = c;
    else if (c->last_use < lru->last_use)
      lru = c;
  }
  if (!sh) {
    if (t->cur == lru && flush_table(s, stn))
      return NULL;
    if (t->cur == lru)
      t->cur = NULL;
    shape_free(lru);
    sh = lru;
    sh->mask[0] = mask[0];
    sh->mask[1] = mask[1];
    for (int f = 0; f < GCW_NFIELDS; f++)
      if (mask[f >> 6] & ((uint64_t)1 << (f & 63)))
        sh->cols[sh->ncols++] = (int16_t)f;
  }
  sh->last_use = ++t->clock;
  return sh;
}

gcw_err gcw_store_fail(gcw_store *s, const char *what) { return fail(s, what); }
gcw_err gcw_store_flush_rows(gcw_store *s) { return flush_all(s); }

gcw_err gcw_store_commit(gcw_store *s) {
  assert(batch_ok(s) || s->rows_in_tx == GCW_BATCH_ROWS);
  if (!s->in_tx)
    return GCW_OK;
  if (flush_all(s))
    return GCW_EDB;
  s->in_tx = 0;
  s->rows_in_tx = 0;
  s->last_commit_ms = gcw_store_now_ms();
  gcw_err e = gcw_store_step(s, s->st[ST_COMMIT], "commit");
  if (!e && s->q) /* written for good: nothing left to replay */
    gcw_store_queue_clear(s->q, 0);
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
    if (gcw_store_step(s, s->st[ST_BEGIN], "begin"))
      return GCW_EDB;
    s->in_tx = 1;
  }
  /* fail-open: store_live.c commits, so that a commit never comes between an op kept in
  ** the queue and its write */
  if (++s->rows_in_tx >= GCW_BATCH_ROWS && !s->q)
    return gcw_store_commit(s) ? GCW_EDB : row(s);
  assert(batch_ok(s));
  return GCW_OK;
}

gcw_err gcw_store_row(gcw_store *s) { return row(s); }

gcw_err gcw_store_tick(gcw_store *s, int force) {
  /* an import with a writer thread commits every GCW_BATCH_ROWS rows there; waiting for
  ** it here, at every chunk read, would undo the overlap */
  if (s->async && s->q)
    return gcw_store_async_tick(s, force);
  if (s->async && !force)
    return gcw_store_async_failed(s);
  if (gcw_store_async_wait(s))
    return s->failed;
  if (s->q)
    return gcw_store_live_tick(s, force);
  assert(batch_ok(s));
  if (s->failed)
    return s->failed;
  if (force || gcw_store_now_ms() - s->last_commit_ms >= GCW_COMMIT_MS)
    return gcw_store_commit(s);
  return GCW_OK;
}

/* A fast import ends as an ordinary WAL database under its own name. */
static void finish_import(gcw_store *s) {
  if (!s->failed && s->tmp_path &&
      sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
    fail(s, "journal");
}

gcw_err gcw_store_close(gcw_store **pp) {
  gcw_store *s = pp ? *pp : NULL;
  if (!s)
    return GCW_OK;
  gcw_store_async_stop(s); /* every event handed over is written first */
  if (s->q)
    s->failed = gcw_store_live_close(s);
  else if (s->db && !s->failed)
    gcw_store_commit(s);
  finish_import(s);
  gcw_err err = s->failed;
  for (int stn = 0; stn < NTABLES && s->tables; stn++)
    for (int i = 0; i < SHAPES_PER_TABLE; i++)
      shape_free(&s->tables[stn].shapes[i]);
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(s->st[i]);
  if (s->db && sqlite3_close(s->db) != SQLITE_OK && !err)
    err = GCW_EDB;
  if (s->tmp_path) {
    if (!err)
      err = publish_import(s);
    else
      unlink(s->tmp_path); /* a failed import leaves no half database */
  }
  gcw_statrun_set_free(&s->stats);
  gcw_store_queue_free(&s->q);
  free(s->tables);
  free(s->tmp_path);
  free(s->final_path);
  free(s);
  *pp = NULL;
  return err;
}

gcw_err gcw_store_w_source_begin(gcw_store *s, const char *path, const char *kind,
                               long long *id) {
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_SOURCE_BEGIN];
  sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
  if (gcw_store_step(s, st, "insert source"))
    return GCW_EDB;
  *id = sqlite3_last_insert_rowid(s->db);
  return GCW_OK;
}

gcw_err gcw_store_w_source_end(gcw_store *s, long long id, long long bytes, const char *sha256,
                             long lines, long overlong) {
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_SOURCE_END];
  sqlite3_bind_int64(st, 1, bytes);
  sqlite3_bind_text(st, 2, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, lines);
  sqlite3_bind_int64(st, 4, overlong);
  sqlite3_bind_int64(st, 5, id);
  return gcw_store_step(s, st, "update source");
}

gcw_err gcw_store_w_source_file(gcw_store *s, long long source_id, int ordinal, const char *path,
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
  return gcw_store_step(s, st, "insert source file");
}

gcw_err gcw_store_w_run_open(gcw_store *s, long long source_id, gcw_run *run) {
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_RUN_OPEN];
  sqlite3_bind_int64(st, 1, source_id);
  sqlite3_bind_int(st, 2, run->ordinal);
  sqlite3_bind_int64(st, 3, run->first_line);
  if (gcw_store_step(s, st, "insert run"))
    return GCW_EDB;
  run->id = sqlite3_last_insert_rowid(s->db);
  gcw_statrun_open(s->stats, run->id);
  return GCW_OK;
}

/* issue 15: the statistics of the run's process samples (stats_rss.c), from the rows this
** connection has written, beside the ones computed while reading. */
static gcw_err stats_add_rss(gcw_store *s, long long run, gcw_stat_values *vals) {
  double v[GCW_STAT_COUNT];
  unsigned char set[GCW_STAT_COUNT] = {0};
  gcw_err e = gcw_stats_rss(s->db, run, v, set);
  for (int i = 0; !e && i < GCW_STAT_COUNT; i++)
    if (set[i])
      gcw_stats_put(vals, (enum gcw_stat)i, v[i]);
  return e;
}

gcw_err gcw_store_w_run_close(gcw_store *s, const gcw_run *r) {
  char era[24];
  if (row(s))
    return GCW_EDB;
  sqlite3_stmt *st = s->st[ST_RUN_CLOSE];
  int i = 1;
  sqlite3_bind_int64(st, i++, r->first_line);
  sqlite3_bind_int64(st, i++, r->last_line);
  sqlite3_bind_text(st, i++, gcw_era_text(r->era_min, r->era_max, r->era_conflict, era, sizeof era),
                    -1, SQLITE_TRANSIENT);
  gcw_store_bind_opt_int(st, i++, r->procs, r->procs > 0);
  sqlite3_bind_int64(st, i++, r->cycles);
  sqlite3_bind_int64(st, i++, r->missing);
  sqlite3_bind_int64(st, i++, r->repaired);
  sqlite3_bind_int64(st, i++, r->unknown_parts);
  gcw_store_bind_opt_int(st, i++, r->first_gc, r->cycles > 0);
  gcw_store_bind_opt_int(st, i++, r->last_gc, r->cycles > 0);
  gcw_store_bind_opt_real(st, i++, r->first_t, r->first_t >= 0);
  gcw_store_bind_opt_real(st, i++, r->last_t, r->last_t >= 0);
  sqlite3_bind_int64(st, i++, r->scav_lines);
  sqlite3_bind_int64(st, i++, r->pacer_lines);
  sqlite3_bind_int64(st, i++, r->forced_lines);
  sqlite3_bind_int(st, i++, r->era_min);
  sqlite3_bind_int(st, i++, r->era_max);
  sqlite3_bind_int64(st, i++, r->id);
  if (gcw_store_step(s, st, "update run"))
    return GCW_EDB;
  /* The run's statistics, computed as its lines arrived (none if they could not be kept
  ** exactly within bounded memory: a report then computes them from the rows). */
  gcw_stat_values vals;
  if (gcw_statrun_close(s->stats, r->id, &vals) &&
      (stats_add_rss(s, r->id, &vals) || gcw_stats_write(s->db, r->id, &vals)))
    return fail(s, "statistics");
  return GCW_OK;
}

/* The table of a family: the old and new spellings of a line go to the same table (the
** `family` column keeps which one it was). */
int gcw_store_table_of(gcw_family f) {
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

/* The streaming statistics of an event row (statrun.h). */
void gcw_store_event_stats(gcw_store *s, long long run_id, long cycle, const gcw_event *ev) {
  int stn = gcw_store_table_of(ev->family);
  if (stn == ST_GC) {
    double pause = 0;
    int has_pause = gcw_pause_ms(ev, &pause);
    gcw_statrun_gc(s->stats, run_id, ev, has_pause, pause);
  } else if (stn == ST_SCAV)
    gcw_statrun_scav(s->stats, run_id, cycle, ev);
}

gcw_err gcw_store_w_event(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                          const char *wall) {
  gcw_err e = gcw_store_w_event_row(s, run_id, cycle, ev, wall);
  if (!e)
    gcw_store_event_stats(s, run_id, cycle, ev);
  return e;
}

/* Start a row of table stn with shape sh: the columns every event table has. */
static pending *row_begin(gcw_store *s, int stn, shape *sh, long long run_id, long cycle,
                          long line, const char *kind, const char *wall) {
  table_buf *t = &s->tables[stn];
  if (t->cur != sh && flush_table(s, stn))
    return NULL;
  t->cur = sh;
  pending *r = &t->rows[t->n++];
  r->run_id = run_id;
  r->line = line;
  r->cycle = cycle;
  size_t kn = strnlen(kind, sizeof r->kind - 1);
  memcpy(r->kind, kind, kn);
  r->kind[kn] = '\0';
  r->has_wall = wall != NULL;
  if (wall) { /* as snprintf(r->wall, sizeof r->wall, "%s", wall), without its cost */
    size_t n = strnlen(wall, sizeof r->wall - 1);
    memcpy(r->wall, wall, n);
    r->wall[n] = '\0';
  }
  return r;
}

gcw_err gcw_store_w_row(gcw_store *s, const gcw_packed_row *p) {
  if (gcw_store_row(s))
    return GCW_EDB;
  table_buf *t = &s->tables[p->stn];
  shape *sh = shape_by_mask(s, p->stn, p->mask);
  memset(t->last_present, 0xff, sizeof t->last_present); /* no present[] matches it now */
  pending *r = sh ? row_begin(s, p->stn, sh, p->run_id, p->cycle, p->line, p->kind, p->wall)
                  : NULL;
  if (!r)
    return GCW_EDB;
  r->repaired = p->repaired;
  r->unknown_parts = p->unknown_parts;
  r->has_pause = p->has_pause;
  r->pause = p->pause;
  memcpy(r->v, p->vals, (size_t)sh->ncols * sizeof r->v[0]);
  return t->n == SHAPE_ROWS ? flush_table(s, p->stn) : GCW_OK;
}

gcw_err gcw_store_w_event_row(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                              const char *wall) {
  if (row(s))
    return GCW_EDB;
  int stn = gcw_store_table_of(ev->family);
  table_buf *t = &s->tables[stn];
  shape *sh = shape_of(s, stn, ev);
  pending *r = sh ? row_begin(s, stn, sh, run_id, cycle, ev->line, ev->kind, wall) : NULL;
  if (!r)
    return GCW_EDB;
  r->repaired = ev->repaired;
  r->unknown_parts = ev->unknown_parts;
  r->has_pause = stn == ST_GC && gcw_pause_ms(ev, &r->pause);
  for (int c = 0; c < sh->ncols; c++)
    r->v[c] = ev->v[sh->cols[c]];
  return t->n == SHAPE_ROWS ? flush_table(s, stn) : GCW_OK;
}
