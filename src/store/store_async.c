/* store_async.c: event rows written by a thread of their own. See store_impl.h
** (gcw_store_async_*).
**
** Why: an import spends about 60 % of its time in SQLite and the rest reading, recognizing
** and detecting; on two cores the two halves overlap (issue 12), and in watch mode the
** pass-through never waits for SQLite. Only event rows go through the thread — they are
** 99.9 % of the rows and need no id back. Every other call (a source, a run, a finding:
** rare, and their callers want the new row's id) first waits until the thread has written
** every event handed to it, then runs on the caller's thread as before: rows reach SQLite
** in the order they were given, and SQLite, the shape buffers, the fail-open queue and the
** statistics are only ever used by one thread at a time.
**
** The hand-over is a ring of slots: the reader fills slots and publishes them in batches
** of PUBLISH (one lock per batch), the writer takes everything published and writes it.
** A full ring makes the reader wait: memory stays bounded.
**
** An import's streaming statistics are computed on the reader's thread as the events are
** handed over. A fail-open store (watch, child mode) computes them as it writes, keeps
** its ticks (commit, retry) in the ring in order with the events, and — while the
** database takes rows — keeps no copy of an event it wrote: the slot itself is the copy
** until the transaction commits (a slot is reused only then). When the transaction fails,
** the slots written since the commit are copied into the queue for the replay
** (gcw_store_async_spill), exactly what the queue would have held without the thread. */
#include "store_impl.h"

#include "limits.h"
#include "pause.h"

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Slots: an import's ring is small (its peak RSS is a target); a fail-open store's holds
** a transaction's events (GCW_LIVE_BATCH_ROWS) and as many more for the reader to fill. */
enum { RING_IMPORT = 1024, RING_LIVE = 2 * GCW_LIVE_BATCH_ROWS, PUBLISH = 64 };

/* An event as a slot holds it: the fields present, packed (a gc line has about 20 of the
** 75), so that a slot is a third of a gcw_event; one with more than PACKED present fields
** (none of the runtime's lines today) is held whole in `big`. */
enum { PACKED = 32 };
/* gcw_event's members before v[] and present[] (its header: family, kind, line, wall...) */
#define HEAD offsetof(gcw_event, v)
typedef struct slot {
  int tick;         /* a fail-open store's tick (force in cycle), not an event */
  long long run_id;
  long cycle;
  int has_wall;
  char wall[40];
  gcw_event *big;   /* the whole event when it has more than PACKED fields, else NULL */
  unsigned char head[HEAD]; /* gcw_event's members before v[], as they are */
  unsigned char nfields;
  unsigned char field[PACKED];
  double value[PACKED];
  /* an import's row (row_packed): its table, the shape's mask, the pause of a gc line */
  int row_packed, stn, has_pause;
  uint64_t mask[2];
  double pause;
} slot;

_Static_assert(GCW_NFIELDS <= 255, "slot.field holds a field number in a byte");

/* ev into sl (its header, then its present fields); 0 when it needs `big` and there is
** no memory for it. */
static int pack(slot *sl, const gcw_event *ev) {
  memcpy(sl->head, ev, HEAD);
  int n = 0;
  for (int f = 0; f < GCW_NFIELDS; f++)
    if (ev->present[f]) {
      if (n < PACKED) {
        sl->field[n] = (unsigned char)f;
        sl->value[n] = ev->v[f];
      }
      n++;
    }
  sl->nfields = (unsigned char)(n <= PACKED ? n : 0);
  if (n <= PACKED) {
    free(sl->big);
    sl->big = NULL;
    return 1;
  }
  if (!sl->big && !(sl->big = malloc(sizeof *sl->big)))
    return 0;
  *sl->big = *ev;
  return 1;
}

/* An import's event as the row it becomes (store.c writes it without unpacking); 0 when
** it has more than PACKED columns: then pack() keeps it. */
static int pack_row(slot *sl, const gcw_event *ev) {
  sl->stn = gcw_store_table_of(ev->family);
  int n = gcw_store_row_pack(sl->stn, ev, sl->mask, sl->value, PACKED);
  if (n < 0)
    return 0;
  free(sl->big);
  sl->big = NULL;
  sl->row_packed = 1;
  memcpy(sl->head, ev, HEAD);
  sl->has_pause = sl->stn == gcw_store_table_of(GCW_FAM_GC) && gcw_pause_ms(ev, &sl->pause);
  return 1;
}

/* The event of sl: sl->big, or *scratch filled from the packed fields. */
static const gcw_event *unpack(const slot *sl, gcw_event *scratch) {
  if (sl->big)
    return sl->big;
  memcpy(scratch, sl->head, HEAD);
  memset(scratch->present, 0, sizeof scratch->present);
  for (int i = 0; i < sl->nfields; i++) {
    scratch->present[sl->field[i]] = 1;
    scratch->v[sl->field[i]] = sl->value[i];
  }
  return scratch;
}

struct gcw_store_async {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t work; /* the writer waits for slots or the end */
  pthread_cond_t done; /* the reader waits for free slots or the writer being idle */
  slot *ring;
  unsigned long nring;
  /* under lock */
  unsigned long published; /* slots handed over (monotonic) */
  unsigned long written;   /* slots the writer is done with (monotonic) */
  unsigned long released;  /* slots that may be filled again (<= written) */
  int stop;
  gcw_err err;             /* the writer's first failure (then it writes nothing more) */
  gcw_store_health health; /* a fail-open store's, after the writer's last batch */
  /* the writer's (or the reader's while the writer is idle) */
  gcw_event scratch;       /* unpack()'s: zeroed once, so that no value read is unset */
  unsigned long cur;       /* slots the writer has taken, the one being written included */
  unsigned long kept_from; /* first slot written since the commit: the copy is the slot */
  /* the reader's own */
  unsigned long filled;    /* slots filled, published or not */
  unsigned long seen;      /* `released` as the reader last saw it under the lock */
};

static slot *at(gcw_store_async *a, unsigned long i) { return &a->ring[i % a->nring]; }

void gcw_store_async_spill(gcw_store *s) {
  gcw_store_async *a = s->async;
  for (unsigned long i = a->kept_from; i < a->cur; i++) {
    const slot *sl = at(a, i);
    if (!sl->tick)
      gcw_store_live_keep_event(s, sl->run_id, sl->cycle, unpack(sl, &a->scratch),
                                sl->has_wall ? sl->wall : NULL);
  }
  a->kept_from = a->cur;
}

/* Slot i, on the writer's thread. */
static gcw_err write_slot(gcw_store *s, gcw_store_async *a, unsigned long i) {
  const slot *sl = at(a, i);
  const char *wall = sl->has_wall ? sl->wall : NULL;
  const gcw_event *ev = sl->tick || sl->row_packed ? NULL : unpack(sl, &a->scratch);
  a->cur = i + 1;
  if (!s->q) {
    a->kept_from = a->cur; /* an import's events need no copy: nothing to replay */
    if (sl->row_packed) {
      const gcw_event *h = &a->scratch; /* the header is all a packed row needs of it */
      memcpy(&a->scratch, sl->head, HEAD);
      gcw_packed_row r = {sl->stn, {sl->mask[0], sl->mask[1]}, sl->value, sl->run_id,
                          sl->cycle, h->line, h->kind, wall, h->repaired,
                          h->unknown_parts, sl->has_pause, sl->pause};
      return gcw_store_w_row(s, &r);
    }
    return gcw_store_w_event_row(s, sl->run_id, sl->cycle, ev, wall);
  }
  gcw_err e = sl->tick ? gcw_store_live_tick(s, (int)sl->cycle)
                       : gcw_store_live_event_direct(s, sl->run_id, sl->cycle, ev, wall);
  if (!s->in_tx || s->live != LIVE_OK)
    a->kept_from = a->cur; /* committed, or copied into the queue (degrade) */
  return e;
}

static void *writer(void *arg) {
  gcw_store *s = arg;
  gcw_store_async *a = s->async;
  pthread_mutex_lock(&a->lock);
  for (;;) {
    while (a->written == a->published && !a->stop)
      pthread_cond_wait(&a->work, &a->lock);
    if (a->written == a->published)
      break; /* stopped, and nothing is left */
    unsigned long from = a->written, to = a->published;
    gcw_err e = a->err;
    pthread_mutex_unlock(&a->lock);
    for (unsigned long i = from; i < to && !e; i++)
      e = write_slot(s, a, i);
    gcw_store_health h = s->q ? gcw_store_health_compute(s) : a->health;
    pthread_mutex_lock(&a->lock);
    a->health = h;
    if (e && !a->err)
      a->err = e;
    a->written = to;
    a->released = e ? to : a->kept_from;
    pthread_cond_broadcast(&a->done);
  }
  pthread_mutex_unlock(&a->lock);
  return NULL;
}

gcw_err gcw_store_async_start(gcw_store *s) {
  gcw_store_async *a = calloc(1, sizeof *a);
  unsigned long n = s->q ? RING_LIVE : RING_IMPORT;
  if (!a || !(a->ring = calloc(n, sizeof *a->ring))) {
    free(a);
    return GCW_OK; /* no memory for a thread's ring: the caller's thread writes, as before */
  }
  a->nring = n;
  pthread_mutex_init(&a->lock, NULL);
  pthread_cond_init(&a->work, NULL);
  pthread_cond_init(&a->done, NULL);
  a->health = gcw_store_health_compute(s);
  s->async = a;
  /* The writer takes no signal: SIGINT, SIGTERM, SIGHUP must reach the reading thread,
  ** whose read they interrupt (watch mode's "like tee -i", cmd_watch.c). A new thread
  ** starts with its creator's mask: block everything around the creation. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&a->thread, NULL, writer, s);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) {
    s->async = NULL; /* no thread: the store writes on the caller's thread, as before */
    pthread_cond_destroy(&a->done);
    pthread_cond_destroy(&a->work);
    pthread_mutex_destroy(&a->lock);
    free(a->ring);
    free(a);
  }
  return GCW_OK;
}

/* Hand the filled slots over (the lock is held). */
static void publish_locked(gcw_store_async *a) {
  if (a->published != a->filled) {
    a->published = a->filled;
    pthread_cond_signal(&a->work);
  }
  a->seen = a->released;
}

/* The next free slot (waiting while the ring is full). */
static slot *next_slot(gcw_store_async *a) {
  if (a->filled - a->seen >= a->nring) { /* full, as far as the reader knows */
    pthread_mutex_lock(&a->lock);
    publish_locked(a);
    while (a->filled - a->released >= a->nring)
      pthread_cond_wait(&a->done, &a->lock);
    a->seen = a->released;
    pthread_mutex_unlock(&a->lock);
  }
  return at(a, a->filled);
}

gcw_err gcw_store_async_tick(gcw_store *s, int force) {
  gcw_store_async *a = s->async;
  slot *sl = next_slot(a);
  sl->tick = 1;
  sl->cycle = force;
  a->filled++;
  pthread_mutex_lock(&a->lock); /* now: a tick is when waiting rows may be written */
  publish_locked(a);
  pthread_mutex_unlock(&a->lock);
  return GCW_OK; /* a fail-open store never fails a call */
}

gcw_store_health gcw_store_async_health(gcw_store *s) {
  gcw_store_async *a = s->async;
  pthread_mutex_lock(&a->lock);
  gcw_store_health h = a->health;
  pthread_mutex_unlock(&a->lock);
  return h;
}

gcw_err gcw_store_async_event(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                              const char *wall) {
  gcw_store_async *a = s->async;
  slot *sl = next_slot(a);
  sl->tick = 0;
  sl->run_id = run_id;
  sl->cycle = cycle;
  sl->has_wall = wall != NULL;
  if (wall) {
    size_t n = strnlen(wall, sizeof sl->wall - 1);
    memcpy(sl->wall, wall, n);
    sl->wall[n] = '\0';
  }
  sl->row_packed = 0;
  if (!(!s->q && pack_row(sl, ev)) && !pack(sl, ev)) {
    /* no memory for a large event: written on this thread instead */
    gcw_err e = gcw_store_async_wait(s);
    if (!e)
      e = s->q ? gcw_store_live_event(s, run_id, cycle, ev, wall)
               : gcw_store_w_event(s, run_id, cycle, ev, wall);
    return e;
  }
  /* an import's statistics on this thread: the writer does the SQLite half (a fail-open
  ** store computes them as it writes, since a replayed run's are not used) */
  if (!s->q)
    gcw_store_event_stats(s, run_id, cycle, ev);
  a->filled++;
  gcw_err e = GCW_OK;
  if (a->filled % PUBLISH == 0) {
    pthread_mutex_lock(&a->lock);
    publish_locked(a);
    e = a->err;
    pthread_mutex_unlock(&a->lock);
  }
  /* a failure: wait until the writer is idle, so that the caller may read errmsg */
  return e ? gcw_store_async_wait(s) : GCW_OK;
}

gcw_err gcw_store_async_wait(gcw_store *s) {
  gcw_store_async *a = s->async;
  if (!a)
    return GCW_OK;
  pthread_mutex_lock(&a->lock);
  publish_locked(a);
  while (a->written != a->published)
    pthread_cond_wait(&a->done, &a->lock);
  /* The writer is idle. What the caller writes next comes after the events written since
  ** the commit: their copies go to the queue first, so that a replay keeps that order. */
  if (s->q && s->live == LIVE_OK && a->kept_from != a->cur)
    gcw_store_async_spill(s);
  a->released = a->written;
  a->seen = a->released;
  gcw_err e = a->err;
  pthread_mutex_unlock(&a->lock);
  return e;
}

gcw_err gcw_store_async_failed(gcw_store *s) {
  gcw_store_async *a = s->async;
  pthread_mutex_lock(&a->lock);
  gcw_err e = a->err;
  pthread_mutex_unlock(&a->lock);
  return e ? gcw_store_async_wait(s) : GCW_OK;
}

void gcw_store_async_stop(gcw_store *s) {
  gcw_store_async *a = s->async;
  if (!a)
    return;
  gcw_store_async_wait(s); /* the last events' copies into the queue, as every wait */
  pthread_mutex_lock(&a->lock);
  a->stop = 1;
  pthread_cond_signal(&a->work);
  pthread_mutex_unlock(&a->lock);
  pthread_join(a->thread, NULL);
  pthread_cond_destroy(&a->done);
  pthread_cond_destroy(&a->work);
  pthread_mutex_destroy(&a->lock);
  for (unsigned long i = 0; i < a->nring; i++)
    free(a->ring[i].big);
  free(a->ring);
  free(a);
  s->async = NULL;
}
