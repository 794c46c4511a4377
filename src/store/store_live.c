/* store_live.c: the store in watch and child mode fails open. See store.h
** (gcw_store_open_live) and store_queue.h. */
#include "store_impl.h"

#include "limits.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fail-open (watch and child mode) ---------------------------------------------
** Every write call is kept as an op (store_queue.h) until the transaction holding it is
** committed. When a write or gcw_store_commit fails, the transaction is rolled back and the store
** is WAITING: ops are only kept (up to GCW_STORE_QUEUE_MAX bytes; beyond, counted as not
** stored), and every GCW_STORE_RETRY_MS the whole queue is written again in one
** transaction. A failure that waiting cannot cure (a file that is not a database, a newer
** schema, a path that cannot be opened or written) makes the store GONE: rows are only
** counted. Callers never see a failure; gcw_store_close() reports what was not stored.
**
** The ops are whole write calls (events, findings: what the pipeline hands the store), not
** store.c's per-shape row buffers: a replay calls the same gcw_store_w_* entry points, so
** rows go through the normal write path (shape buffers, multi-row INSERTs) again, and a
** rollback forgets the buffered rows (gcw_store_drop_pending). A run whose rows are
** replayed or lost gets no statistics computed while writing (they would count replayed
** rows twice): gcw_store_stats_unusable(), the report computes them from the stored rows. */

/* Failures that go away by themselves: another writer's lock, a full disk. */
static int transient(int rc) {
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
  case SQLITE_FULL:
  case SQLITE_IOERR:
  case SQLITE_NOMEM:
  case SQLITE_PROTOCOL: return 1;
  default: return 0;
  }
}

static void say(gcw_store *s, const char *fmt, const char *detail, long n) {
  char msg[600];
  if (!s->notice || s->warnings >= MAX_WARNINGS)
    return;
  if (++s->warnings == MAX_WARNINGS)
    fmt = "%s (no more messages about the database; the exit status will tell)";
  snprintf(msg, sizeof msg, fmt, detail, n);
  s->notice(s->notice_ctx, msg);
}

/* A write or gcw_store_commit failed: undo the transaction, keep the ops, say it once. */
static void degrade(gcw_store *s) {
  /* the writer thread's events written since the commit are in its ring, not yet in the
  ** queue: copied there first, in order, so that the replay has them all */
  if (s->async)
    gcw_store_async_spill(s);
  if (s->db && !sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  gcw_store_drop_pending(s); /* rolled back with the rest; the queue keeps their ops */
  s->in_tx = 0;
  s->rows_in_tx = 0;
  s->last_retry_ms = gcw_store_now_ms();
  if (!transient(s->last_rc)) {
    s->live = LIVE_GONE;
    gcw_store_queue_clear(s->q, 1);
    gcw_store_disconnect(s);
    say(s, "%s; no more rows are stored in this session (input still passes through, "
           "findings are still printed)", s->errmsg, 0);
    return;
  }
  if (s->live == LIVE_OK)
    say(s, "%s; storing paused: rows are kept in memory (up to %ld MiB) and written when "
           "the database can take them (input still passes through, findings are still "
           "printed)", s->errmsg, GCW_STORE_QUEUE_MAX >> 20);
  s->live = LIVE_WAITING;
}

static long long live_id(gcw_store *s, int table, long long caller) {
  return gcw_store_queue_id(s->q, table, caller);
}

/* Write one op, its ids translated to the database's. A row whose parent never reached
** the database (dropped at the bound) is dropped too. */
static gcw_err apply(gcw_store *s, gcw_op *o) {
  long long ref = 0, id = 0;
  int table = o->kind == GCW_OP_SOURCE_BEGIN ? GCW_ID_SOURCE
              : o->kind == GCW_OP_RUN_OPEN    ? GCW_ID_RUN
                                              : GCW_ID_FINDING;
  gcw_err e = GCW_OK;
  switch (o->kind) {
  case GCW_OP_SOURCE_END: case GCW_OP_SOURCE_FILE: case GCW_OP_RUN_OPEN: case GCW_OP_UNPARSED:
    ref = live_id(s, GCW_ID_SOURCE, o->ref); break;
  case GCW_OP_EVENT: case GCW_OP_FINDING_ADD: case GCW_OP_SAMPLE: case GCW_OP_RUN_META:
    ref = live_id(s, GCW_ID_RUN, o->ref);
    break;
  case GCW_OP_FINDING_PART:
    ref = live_id(s, GCW_ID_FINDING, o->ref);
    if (live_id(s, GCW_ID_FINDING, o->a) == 0)
      ref = 0; /* the finding it is part of was not stored */
    break;
  case GCW_OP_RUN_CLOSE: ref = live_id(s, GCW_ID_RUN, o->u.run.id); break;
  case GCW_OP_FINDING_UPDATE: ref = live_id(s, GCW_ID_FINDING, o->ref); break;
  case GCW_OP_SOURCE_BEGIN: ref = 1; break;
  }
  if (ref == 0)
    return GCW_OK; /* its parent was not stored: nor is it (counted when dropped) */
  int replaying = s->live != LIVE_OK;
  if (replaying && o->kind == GCW_OP_EVENT) /* before it is counted a second time */
    gcw_store_stats_unusable(s, ref);
  switch (o->kind) {
  case GCW_OP_SOURCE_BEGIN: e = gcw_store_w_source_begin(s, o->text, o->text2, &id); break;
  case GCW_OP_SOURCE_END:
    e = gcw_store_w_source_end(s, ref, o->a, o->text, (long)o->b, (long)o->c);
    break;
  case GCW_OP_SOURCE_FILE:
    e = gcw_store_w_source_file(s, ref, (int)o->u.run.ordinal, o->text, o->text2, (long)o->a,
                          (long)o->b, o->c);
    break;
  case GCW_OP_RUN_OPEN: {
    gcw_run r = o->u.run;
    e = gcw_store_w_run_open(s, ref, &r);
    id = r.id;
    break;
  }
  case GCW_OP_RUN_CLOSE: {
    gcw_run r = o->u.run;
    r.id = ref;
    e = gcw_store_w_run_close(s, &r);
    break;
  }
  case GCW_OP_EVENT:
    e = gcw_store_w_event(s, ref, (long)o->a, &o->u.ev, o->text);
    break;
  case GCW_OP_UNPARSED:
    e = gcw_store_w_unparsed(s, ref, (long)o->a, o->text, o->text_len, o->text2);
    break;
  case GCW_OP_FINDING_ADD: e = gcw_store_w_finding_add(s, ref, &o->u.f, &id); break;
  case GCW_OP_FINDING_UPDATE: e = gcw_store_w_finding_update(s, ref, &o->u.f); break;
  case GCW_OP_SAMPLE: e = gcw_store_w_sample(s, ref, &o->u.ps); break;
  case GCW_OP_RUN_META: e = gcw_store_w_run_meta(s, ref, o->u.meta); break;
  case GCW_OP_FINDING_PART:
    e = gcw_store_w_finding_part(s, ref, live_id(s, GCW_ID_FINDING, o->a));
    break;
  }
  if (!e && replaying && o->kind == GCW_OP_RUN_OPEN)
    gcw_store_stats_unusable(s, id);
  if (!e && id) {
    if (o->handle == 0)
      o->handle = id; /* written at once: callers know the row by its real id */
    else
      gcw_store_queue_map(s->q, table, o->handle, id);
  }
  return e;
}

/* Write every kept op again in one transaction; wait_ms for another writer's lock. */
static void replay(gcw_store *s, int wait_ms) {
  s->last_retry_ms = gcw_store_now_ms();
  if (!s->db && gcw_store_connect(s, s->path) != GCW_OK) {
    gcw_store_disconnect(s);
    if (!transient(s->last_rc))
      degrade(s); /* now known to be permanent */
    return;
  }
  sqlite3_busy_timeout(s->db, wait_ms);
  long n = gcw_store_queue_count(s->q);
  gcw_err e = GCW_OK;
  for (gcw_op *o = gcw_store_queue_first(s->q); o && !e; o = o->next)
    e = apply(s, o);
  if (!e)
    e = gcw_store_commit(s);
  sqlite3_busy_timeout(s->db, LIVE_BUSY_MS);
  if (e) {
    degrade(s);
    return;
  }
  s->live = LIVE_OK;
  say(s, "%sstoring resumed: %ld rows kept in memory were written", "", n);
}

/* A new op for a write call; NULL when it is not kept (GONE, or the bound is hit). */
static gcw_op *keep(gcw_store *s, gcw_op_kind kind, const char *text, size_t len,
                    const char *text2) {
  if (s->live == LIVE_GONE) {
    gcw_store_queue_drop(s->q);
    return NULL;
  }
  gcw_op *o = gcw_store_queue_push(s->q, kind, text, len, text2);
  if (gcw_store_queue_overflowed(s->q))
    say(s, "%s: more than %ld MiB of rows waiting: later rows are dropped (counted) until "
           "the database takes them", s->errmsg, GCW_STORE_QUEUE_MAX >> 20);
  return o;
}

/* Write the op now if the database works; a failure only changes the state. */
static gcw_err live_apply(gcw_store *s, gcw_op *o) {
  if (s->live != LIVE_OK)
    return GCW_OK;
  if (apply(s, o))
    degrade(s);
  else if ((s->rows_in_tx >= GCW_LIVE_BATCH_ROWS ||
            gcw_store_queue_bytes(s->q) >= GCW_STORE_QUEUE_MAX / 2) && gcw_store_commit(s))
    degrade(s);
  return GCW_OK;
}

/* The id to give the caller for a row the op creates. */
static long long handle_of(gcw_store *s, gcw_op *o) {
  if (o && o->handle == 0)
    o->handle = gcw_store_queue_provisional(s->q);
  return o ? o->handle : gcw_store_queue_provisional(s->q);
}

gcw_err gcw_store_live_tick(gcw_store *s, int force) {
  if (s->live == LIVE_WAITING && gcw_store_now_ms() - s->last_retry_ms >= GCW_STORE_RETRY_MS)
    replay(s, RETRY_BUSY_MS);
  else if (s->live == LIVE_OK && (force || gcw_store_now_ms() - s->last_commit_ms >= GCW_COMMIT_MS) &&
           gcw_store_commit(s))
    degrade(s);
  return GCW_OK;
}

/* The end: one last wait for the lock (BUSY_MS); what is still not written is lost.
** Idempotent: gcw_store_flush() and gcw_store_close() both end with it. */
gcw_err gcw_store_live_close(gcw_store *s) {
  if (s->finished)
    return s->finished == 1 ? GCW_OK : GCW_EDB;
  s->finished = 1;
  if (s->live == LIVE_OK && gcw_store_commit(s))
    degrade(s);
  if (s->live == LIVE_WAITING)
    replay(s, BUSY_MS);
  if (s->live != LIVE_OK)
    gcw_store_queue_clear(s->q, 1);
  long lost = gcw_store_queue_lost(s->q);
  if (lost == 0)
    return GCW_OK;
  char cause[200];
  snprintf(cause, sizeof cause, "%.199s", s->errmsg);
  snprintf(s->errmsg, sizeof s->errmsg, "%ld rows were not stored (%s)", lost, cause);
  s->finished = 2;
  return GCW_EDB;
}

long long gcw_store_run_shown(gcw_store *s, long long run_id) {
  if (!s->q || (run_id > 0 && run_id < GCW_PROVISIONAL_ID))
    return run_id; /* a database id already */
  gcw_store_async_wait(s); /* the writer thread maps ids: let it be idle */
  return gcw_store_queue_id(s->q, GCW_ID_RUN, run_id);
}

gcw_store_health gcw_store_health_now(gcw_store *s) {
  if (s->async) /* as the writer thread last saw it */
    return gcw_store_async_health(s);
  return gcw_store_health_compute(s);
}

gcw_store_health gcw_store_health_compute(const gcw_store *s) {
  gcw_store_health h = {!s->failed, 0, 0};
  if (!s->q)
    return h;
  h.up = s->live == LIVE_OK;
  /* while OK the queue holds only the open transaction's ops: nothing is waiting */
  h.waiting = s->live == LIVE_WAITING ? gcw_store_queue_count(s->q) : 0;
  h.lost = gcw_store_queue_lost(s->q);
  return h;
}

gcw_err gcw_store_flush(gcw_store *s) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (s->q)
    return gcw_store_live_close(s);
  return s->failed ? s->failed : gcw_store_commit(s);
}

gcw_err gcw_store_open_live(gcw_store **out, const char *path, gcw_store_notice notice,
                            void *ctx) {
  gcw_store *s = gcw_store_alloc();
  *out = NULL;
  if (!s || !(s->q = gcw_store_queue_new())) {
    gcw_store_close(&s);
    return GCW_ENOMEM;
  }
  snprintf(s->path, sizeof s->path, "%s", path);
  s->notice = notice;
  s->notice_ctx = ctx;
  s->last_commit_ms = gcw_store_now_ms();
  if (gcw_store_connect(s, path) != GCW_OK) {
    gcw_store_disconnect(s);
    s->live = LIVE_OK; /* so that degrade() says it */
    degrade(s);
  }
  *out = s;
  /* events are written by a thread of their own: the pass-through never waits for SQLite */
  return gcw_store_async_start(s);
}

gcw_err gcw_store_source_begin(gcw_store *s, const char *path, const char *kind,
                               long long *id) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_source_begin(s, path, kind, id);
  gcw_op *o = keep(s, GCW_OP_SOURCE_BEGIN, path, strlen(path), kind);
  if (o)
    live_apply(s, o);
  *id = handle_of(s, o);
  return GCW_OK;
}

gcw_err gcw_store_source_end(gcw_store *s, long long id, long long bytes, const char *sha256,
                             long lines, long overlong) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_source_end(s, id, bytes, sha256, lines, overlong);
  gcw_op *o = keep(s, GCW_OP_SOURCE_END, sha256, strlen(sha256), NULL);
  if (!o)
    return GCW_OK;
  o->ref = id;
  o->a = bytes;
  o->b = lines;
  o->c = overlong;
  return live_apply(s, o);
}

gcw_err gcw_store_source_file(gcw_store *s, long long source_id, int ordinal, const char *path,
                              const char *kind, long first_line, long lines, long long bytes) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_source_file(s, source_id, ordinal, path, kind, first_line, lines, bytes);
  gcw_op *o = keep(s, GCW_OP_SOURCE_FILE, path, strlen(path), kind);
  if (!o)
    return GCW_OK;
  o->ref = source_id;
  o->u.run.ordinal = ordinal;
  o->a = first_line;
  o->b = lines;
  o->c = bytes;
  return live_apply(s, o);
}

gcw_err gcw_store_run_open(gcw_store *s, long long source_id, gcw_run *run) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_run_open(s, source_id, run);
  gcw_op *o = keep(s, GCW_OP_RUN_OPEN, NULL, 0, NULL);
  if (o) {
    o->ref = source_id;
    o->u.run = *run;
    live_apply(s, o);
  }
  run->id = handle_of(s, o);
  return GCW_OK;
}

gcw_err gcw_store_run_close(gcw_store *s, const gcw_run *run) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_run_close(s, run);
  gcw_op *o = keep(s, GCW_OP_RUN_CLOSE, NULL, 0, NULL);
  if (!o)
    return GCW_OK;
  o->u.run = *run;
  return live_apply(s, o);
}

gcw_err gcw_store_event(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                        const char *wall) {
  if (s->async)
    return gcw_store_async_event(s, run_id, cycle, ev, wall);
  if (!s->q)
    return gcw_store_w_event(s, run_id, cycle, ev, wall);
  return gcw_store_live_event(s, run_id, cycle, ev, wall);
}

gcw_err gcw_store_live_event(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                             const char *wall) {
  gcw_op *o = gcw_store_live_keep_event(s, run_id, cycle, ev, wall);
  return o ? live_apply(s, o) : GCW_OK;
}

gcw_op *gcw_store_live_keep_event(gcw_store *s, long long run_id, long cycle,
                                  const gcw_event *ev, const char *wall) {
  gcw_op *o = keep(s, GCW_OP_EVENT, wall, wall ? strlen(wall) : 0, NULL);
  if (!o) { /* lost: the run's statistics come from what is stored */
    long long db_id = live_id(s, GCW_ID_RUN, run_id);
    if (db_id > 0)
      gcw_store_stats_unusable(s, db_id);
    return NULL;
  }
  o->ref = run_id;
  o->a = cycle;
  o->u.ev = *ev;
  return o;
}

gcw_err gcw_store_live_event_direct(gcw_store *s, long long run_id, long cycle,
                                    const gcw_event *ev, const char *wall) {
  if (s->live != LIVE_OK)
    return gcw_store_live_event(s, run_id, cycle, ev, wall); /* kept for the replay */
  long long ref = live_id(s, GCW_ID_RUN, run_id);
  if (ref != 0 && gcw_store_w_event(s, ref, cycle, ev, wall)) {
    degrade(s); /* the ring's copies, this one included, go to the queue */
    return GCW_OK;
  }
  /* every event kept in the ring is a row of this transaction: this bounds them too */
  if (s->rows_in_tx >= GCW_LIVE_BATCH_ROWS && gcw_store_commit(s))
    degrade(s);
  return GCW_OK;
}

gcw_err gcw_store_unparsed(gcw_store *s, long long source_id, long line, const char *text,
                           size_t len, const char *why) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_unparsed(s, source_id, line, text, len, why);
  if (len > GCW_UNPARSED_MAX)
    len = GCW_UNPARSED_MAX;
  gcw_op *o = keep(s, GCW_OP_UNPARSED, text, len, why);
  if (!o)
    return GCW_OK;
  o->ref = source_id;
  o->a = line;
  return live_apply(s, o);
}

gcw_err gcw_store_finding_add(gcw_store *s, long long run_id, const gcw_finding *f,
                              long long *id) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_finding_add(s, run_id, f, id);
  gcw_op *o = keep(s, GCW_OP_FINDING_ADD, NULL, 0, NULL);
  if (o) {
    o->ref = run_id;
    o->u.f = *f;
    live_apply(s, o);
  }
  *id = handle_of(s, o);
  return GCW_OK;
}

gcw_err gcw_store_finding_update(gcw_store *s, long long id, const gcw_finding *f) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_finding_update(s, id, f);
  gcw_op *o = keep(s, GCW_OP_FINDING_UPDATE, NULL, 0, NULL);
  if (!o)
    return GCW_OK;
  o->ref = id;
  o->u.f = *f;
  return live_apply(s, o);
}

/* issue 15: a process sample, kept and replayed like an event (its run may be provisional). */
gcw_err gcw_store_sample(gcw_store *s, long long run_id, const gcw_proc_sample *ps) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_sample(s, run_id, ps);
  gcw_op *o = keep(s, GCW_OP_SAMPLE, NULL, 0, NULL);
  if (!o)
    return GCW_OK;
  o->ref = run_id;
  o->u.ps = *ps;
  return live_apply(s, o);
}

/* A run's labels and program (child mode): kept and replayed like its rows, so that they
** are written under the run's real id, never block the pass-through, and wait with the
** rest when the database does. */
gcw_err gcw_store_run_meta(gcw_store *s, long long run_id, const gcw_run_meta *m) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_run_meta(s, run_id, m);
  if (!m)
    return GCW_OK;
  gcw_op *o = keep(s, GCW_OP_RUN_META, NULL, 0, NULL);
  if (!o)
    return GCW_OK;
  o->ref = run_id;
  o->u.meta = m;
  return live_apply(s, o);
}

gcw_err gcw_store_finding_part(gcw_store *s, long long id, long long part_of) {
  if (gcw_store_async_wait(s))
    return GCW_EDB;
  if (!s->q)
    return gcw_store_w_finding_part(s, id, part_of);
  gcw_op *o = keep(s, GCW_OP_FINDING_PART, NULL, 0, NULL);
  if (!o)
    return GCW_OK;
  o->ref = id;
  o->a = part_of;
  return live_apply(s, o);
}
