/* store_async.c: an import's event rows written by a thread of their own. See
** store_impl.h (gcw_store_async_*).
**
** Why: an import spends about 60 % of its time in SQLite and the rest reading, recognizing
** and detecting; on two cores the two halves can overlap (issue 12). Only event rows go
** through the thread — they are 99.9 % of the rows and need no id back. Every other call
** (a source, a run, a finding: rare, and their callers want the new row's id) first waits
** until the thread has written every event handed to it, then runs on the caller's thread
** as before: rows reach SQLite in the order they were given, and SQLite, the shape buffers
** and the streaming statistics are only ever used by one thread at a time.
**
** The streaming statistics of the event rows (statrun.c) are computed on the reader's
** thread as the events are handed over; nothing else of the store's is touched there.
**
** The hand-over is a ring of RING slots: the reader fills slots and publishes them in
** batches of PUBLISH (one lock per batch), the writer takes everything published, writes
** it, and frees the slots. A full ring makes the reader wait: memory stays bounded. */
#include "store_impl.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { RING = 1024, PUBLISH = 64 };

typedef struct slot {
  int tick;         /* a fail-open store's tick (force in cycle), not an event */
  long long run_id;
  long cycle;
  int has_wall;
  char wall[40];
  gcw_event ev;
} slot;

struct gcw_store_async {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t work; /* the writer waits for slots or the end */
  pthread_cond_t done; /* the reader waits for free slots or the writer being idle */
  slot *ring;
  /* under lock */
  unsigned long published; /* slots handed over (monotonic) */
  unsigned long written;   /* slots the writer finished (monotonic) */
  int stop;
  gcw_err err;             /* the writer's first failure (then it writes nothing more) */
  gcw_store_health health; /* a fail-open store's, after the writer's last batch */
  /* the reader's own */
  unsigned long filled;    /* slots filled, published or not */
  unsigned long seen;      /* `written` as the reader last saw it under the lock */
};

/* One slot, on the writer's thread. A fail-open store takes the event as it always does
** (kept for a replay, written when the database can take it: store_live.c), and does its
** ticks here, in order with the events. */
static gcw_err write_slot(gcw_store *s, const slot *sl) {
  const char *wall = sl->has_wall ? sl->wall : NULL;
  if (sl->tick)
    return gcw_store_live_tick(s, (int)sl->cycle);
  if (s->q)
    return gcw_store_live_event(s, sl->run_id, sl->cycle, &sl->ev, wall);
  return gcw_store_w_event_row(s, sl->run_id, sl->cycle, &sl->ev, wall);
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
      e = write_slot(s, &a->ring[i % RING]);
    gcw_store_health h = s->q ? gcw_store_health_compute(s) : a->health;
    pthread_mutex_lock(&a->lock);
    a->health = h;
    if (e && !a->err)
      a->err = e;
    a->written = to;
    pthread_cond_broadcast(&a->done);
  }
  pthread_mutex_unlock(&a->lock);
  return NULL;
}

gcw_err gcw_store_async_start(gcw_store *s) {
  gcw_store_async *a = calloc(1, sizeof *a);
  if (!a || !(a->ring = malloc(RING * sizeof *a->ring))) {
    free(a);
    return GCW_OK; /* no memory for a thread's ring: the caller's thread writes, as before */
  }
  pthread_mutex_init(&a->lock, NULL);
  pthread_cond_init(&a->work, NULL);
  pthread_cond_init(&a->done, NULL);
  a->health = gcw_store_health_compute(s);
  s->async = a;
  if (pthread_create(&a->thread, NULL, writer, s) != 0) {
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
  a->seen = a->written;
}

/* The next free slot (waiting while the ring is full). */
static slot *next_slot(gcw_store_async *a) {
  if (a->filled - a->seen >= RING) { /* full, as far as the reader knows */
    pthread_mutex_lock(&a->lock);
    publish_locked(a);
    while (a->filled - a->written >= RING)
      pthread_cond_wait(&a->done, &a->lock);
    a->seen = a->written;
    pthread_mutex_unlock(&a->lock);
  }
  return &a->ring[a->filled % RING];
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
  sl->ev = *ev;
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
  pthread_mutex_lock(&a->lock);
  publish_locked(a);
  a->stop = 1;
  pthread_cond_signal(&a->work);
  pthread_mutex_unlock(&a->lock);
  pthread_join(a->thread, NULL);
  pthread_cond_destroy(&a->done);
  pthread_cond_destroy(&a->work);
  pthread_mutex_destroy(&a->lock);
  free(a->ring);
  free(a);
  s->async = NULL;
}
