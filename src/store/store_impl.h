/*
** store_impl.h: what store.c (the SQL) and store_live.c (fail-open) share. Private to
** src/store: nothing outside it includes this.
*/
#ifndef GCW_STORE_IMPL_H
#define GCW_STORE_IMPL_H

#include "detect.h"
#include "store.h"
#include "store_db.h"
#include "statrun.h"
#include "store_queue.h"

#include <stdint.h>

/* How long a write waits for another writer's lock: BUSY_MS when failing is the end (analyze,
** and a fail-open store's last attempt at exit); LIVE_BUSY_MS for a fail-open store's writes
** (longer locks are waited out in the memory queue, so the pass-through never stalls long);
** RETRY_BUSY_MS for each retry of the queue while the database is unavailable. */
enum { BUSY_MS = 5000, LIVE_BUSY_MS = 250, RETRY_BUSY_MS = 100, MAX_WARNINGS = 3 };

/* Statements, one per table written while reading; prepared once at open
** (SQLITE_PREPARE_PERSISTENT: they live as long as the connection). */
enum { ST_GC, ST_SCAV, ST_PACER, ST_FORCED, ST_UNPARSED, ST_RUN_OPEN, ST_RUN_CLOSE,
       ST_SOURCE_BEGIN, ST_SOURCE_END, ST_SOURCE_FILE, ST_FINDING_ADD, ST_FINDING_UPDATE,
       ST_BEGIN, ST_COMMIT, ST_SAMPLE, ST_COUNT };

struct gcw_store {
  sqlite3 *db;
  gcw_db reader; /* the same connection, lent to readers (gcw_store_reader) */
  sqlite3_stmt *st[ST_COUNT];
  struct table_buf *tables;  /* event rows waiting, by shape (store.c): NTABLES of them */
  gcw_statrun_set *stats;    /* streaming statistics of the open runs */
  char *tmp_path, *final_path; /* fast import: built under tmp_path, renamed at close */
  int in_tx;
  long rows_in_tx;
  double last_commit_ms;
  long long found; /* first column of the last row a once() query returned (once() has
                   ** no result parameter because its callers want one number each) */
  gcw_err failed;
  char errmsg[256];
  int last_rc;     /* SQLite's code of the last failure */
  /* fail-open (watch and child mode, gcw_store_open_live): NULL q means fail closed */
  gcw_store_queue *q;
  /* an import's writer thread for event rows (store_async.c); NULL: none */
  struct gcw_store_async *async;
  enum { LIVE_OK, LIVE_WAITING, LIVE_GONE } live;
  int warnings;
  int finished;    /* live_close() ran: 1 everything stored, 2 rows were lost */
  double last_retry_ms;
  char path[1024];
  gcw_store_notice notice;
  void *notice_ctx;
};

double gcw_store_now_ms(void);
/* A store with its buffers and statistics, not connected (NULL: out of memory). */
gcw_store *gcw_store_alloc(void);
/* Open path read-write (created if missing) with the schema and statements; undo it. */
gcw_err gcw_store_connect(gcw_store *s, const char *path);
void gcw_store_disconnect(gcw_store *s);
/* Forget the event rows waiting in the shape buffers (their transaction was rolled back;
** the queue still holds their ops). */
void gcw_store_drop_pending(gcw_store *s);
/* Rows of the run went through the queue (replayed, queued or lost): the statistics
** computed while writing would count replayed rows twice or miss lost ones, so the run is
** treated as one over statrun's bounds: no values at its close, the report computes them
** from the rows actually stored (gcw_statrun_break, gcw_cmd_stats). */
void gcw_store_stats_unusable(gcw_store *s, long long run_id);
/* store.c's own steps, for the rarer statements kept in imports.c: count a row (opening
** the transaction), keep a failure, write the rows waiting in the shape buffers. */
gcw_err gcw_store_row(gcw_store *s);
/* Step and reset a statement (its failure kept as the store's); bind a value or NULL. */
gcw_err gcw_store_step(gcw_store *s, sqlite3_stmt *st, const char *what);
void gcw_store_bind_opt_int(sqlite3_stmt *st, int i, long long v, int present);
void gcw_store_bind_opt_real(sqlite3_stmt *st, int i, double v, int present);
gcw_err gcw_store_fail(gcw_store *s, const char *what);
gcw_err gcw_store_flush_rows(gcw_store *s);
/* Commit the open transaction (fail-open: then the queue is empty). */
gcw_err gcw_store_commit(gcw_store *s);
/* The writes themselves, with database ids (store.c). */
gcw_err gcw_store_w_source_begin(gcw_store *s, const char *path, const char *kind,
                                 long long *id);
gcw_err gcw_store_w_source_end(gcw_store *s, long long id, long long bytes, const char *sha256,
                               long lines, long overlong);
gcw_err gcw_store_w_source_file(gcw_store *s, long long source_id, int ordinal,
                                const char *path, const char *kind, long first_line,
                                long lines, long long bytes);
gcw_err gcw_store_w_run_open(gcw_store *s, long long source_id, gcw_run *run);
gcw_err gcw_store_w_run_close(gcw_store *s, const gcw_run *r);
gcw_err gcw_store_w_event(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                          const char *wall);
/* An import's event row as the reading thread packs it for the writer (store_async.c):
** its table (statement), the shape's mask and the values of those columns in order. */
typedef struct gcw_packed_row {
  int stn;
  uint64_t mask[2];
  const double *vals;
  long long run_id;
  long cycle, line;
  const char *kind, *wall;
  int repaired, unknown_parts, has_pause;
  double pause;
} gcw_packed_row;
int gcw_store_table_of(gcw_family f);
int gcw_store_row_pack(int stn, const gcw_event *ev, uint64_t mask[2], double *vals, int max);
gcw_err gcw_store_w_row(gcw_store *s, const gcw_packed_row *p);
/* gcw_store_w_event is these two: the row (to the shape buffers) and its statistics; an
** import's writer thread does the first while the reader's thread does the second. */
gcw_err gcw_store_w_event_row(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                              const char *wall);
void gcw_store_event_stats(gcw_store *s, long long run_id, long cycle, const gcw_event *ev);
gcw_err gcw_store_w_unparsed(gcw_store *s, long long source_id, long line, const char *text,
                             size_t len, const char *why);
gcw_err gcw_store_w_finding_add(gcw_store *s, long long run_id, const gcw_finding *f,
                                long long *id);
gcw_err gcw_store_w_finding_update(gcw_store *s, long long id, const gcw_finding *f);
gcw_err gcw_store_w_sample(gcw_store *s, long long run_id, const gcw_proc_sample *ps);
gcw_err gcw_store_w_run_meta(gcw_store *s, long long run_id, const gcw_run_meta *m);
gcw_err gcw_store_w_finding_part(gcw_store *s, long long id, long long part_of);
/* An import's event rows on a thread of their own (store_async.c). Every entry point of
** the store but gcw_store_event() calls gcw_store_async_wait() first: then the writer is
** idle, every event handed over is written, and the caller may use the connection. */
typedef struct gcw_store_async gcw_store_async;
/* Start the writer (import and fail-open stores). Never fails: without memory or a thread
** the store writes on the caller's thread, as it did before. */
gcw_err gcw_store_async_start(gcw_store *s);
gcw_err gcw_store_async_event(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                              const char *wall);
gcw_err gcw_store_async_wait(gcw_store *s);
/* A fail-open store's tick (commit, retry), done by the writer after the events before it. */
gcw_err gcw_store_async_tick(gcw_store *s, int force);
/* A fail-open store's health as the writer last saw it. */
gcw_store_health gcw_store_async_health(gcw_store *s);
/* Copy the events the writer wrote since the last commit (still in its ring) into the
** fail-open queue, in order; called by degrade() and by a wait for the writer. */
void gcw_store_async_spill(gcw_store *s);
/* The writer's failure so far (GCW_EDB after waiting for it to be idle), without waiting
** when there is none. */
gcw_err gcw_store_async_failed(gcw_store *s);
void gcw_store_async_stop(gcw_store *s);
/* Fail-open mode (store_live.c). */
gcw_err gcw_store_live_tick(gcw_store *s, int force);
gcw_err gcw_store_live_event(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                             const char *wall);
/* Keep an event for a replay without writing it (NULL: not kept, counted as lost). */
struct gcw_op *gcw_store_live_keep_event(gcw_store *s, long long run_id, long cycle,
                                         const gcw_event *ev, const char *wall);
/* The writer thread's event: while the store is OK written at once with no copy kept (the
** writer keeps the event in its ring until the commit; a failure spills the ring's copies
** into the queue, gcw_store_async_spill), else kept as gcw_store_live_event keeps it.
** Commits after GCW_LIVE_BATCH_ROWS rows, so the ring never holds more of them. */
gcw_err gcw_store_live_event_direct(gcw_store *s, long long run_id, long cycle,
                                    const gcw_event *ev, const char *wall);
gcw_store_health gcw_store_health_compute(const gcw_store *s);
gcw_err gcw_store_live_close(gcw_store *s);

#endif
