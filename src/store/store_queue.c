/* store_queue.c: uncommitted writes kept for a replay. See store_queue.h. */
#include "store_queue.h"

#include "limits.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct id_pair {
  int table;
  long long caller, db;
} id_pair;

struct gcw_store_queue {
  gcw_op *head, *tail;
  long count;
  size_t bytes;
  long lost;          /* ops dropped at the bound or given up */
  int overflowed;     /* the bound was hit and not yet said */
  int full;           /* the bound is hit: drop until the queue is cleared */
  long long next_provisional;
  id_pair *ids;       /* rows whose id differs from what callers know */
  size_t nids, capids;
  /* The ops live in chunks, one after another, and are forgotten all at once: a
  ** fail-open store copies every write call, and a malloc/free per row (and a walk over
  ** them to free them) cost watch mode a third of its time. */
  struct chunk *chunks, *cur; /* in use: chunks..cur */
  struct chunk *spare;        /* emptied, kept for the next transaction */
  int nspare;
};

typedef struct chunk {
  struct chunk *next;
  size_t used, cap;
  max_align_t data[]; /* cap bytes, aligned for any op */
} chunk;

enum { CHUNK_BYTES = 1 << 20, SPARE_CHUNKS = 8 };

/* size bytes for an op from the current chunk, or a new one (NULL: out of memory). */
static void *chunk_alloc(gcw_store_queue *q, size_t size) {
  size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  if (!q->cur || q->cur->cap - q->cur->used < size) {
    chunk *c = NULL;
    if (q->spare && q->spare->cap >= size) {
      c = q->spare;
      q->spare = c->next;
      q->nspare--;
    } else {
      size_t cap = size > CHUNK_BYTES ? size : CHUNK_BYTES;
      if (!(c = malloc(sizeof *c + cap)))
        return NULL;
      c->cap = cap;
    }
    c->next = NULL;
    c->used = 0;
    if (q->cur)
      q->cur->next = c;
    else
      q->chunks = c;
    q->cur = c;
  }
  void *p = (char *)q->cur->data + q->cur->used;
  q->cur->used += size;
  return p;
}

gcw_store_queue *gcw_store_queue_new(void) {
  gcw_store_queue *q = calloc(1, sizeof *q);
  if (q)
    q->next_provisional = GCW_PROVISIONAL_ID;
  return q;
}

static void free_chunks(chunk *c) {
  for (chunk *next; c; c = next) {
    next = c->next;
    free(c);
  }
}

static void free_ops(gcw_store_queue *q) {
  for (chunk *c = q->chunks, *next; c; c = next) {
    next = c->next;
    if (q->nspare < SPARE_CHUNKS && c->cap == CHUNK_BYTES) {
      c->next = q->spare;
      q->spare = c;
      q->nspare++;
    } else {
      free(c);
    }
  }
  q->chunks = q->cur = NULL;
  q->head = q->tail = NULL;
  q->count = 0;
  q->bytes = 0;
}

void gcw_store_queue_free(gcw_store_queue **pq) {
  if (!pq || !*pq)
    return;
  free_ops(*pq);
  free_chunks((*pq)->spare);
  free((*pq)->ids);
  free(*pq);
  *pq = NULL;
}

gcw_op *gcw_store_queue_push(gcw_store_queue *q, gcw_op_kind kind, const char *text,
                             size_t text_len, const char *text2) {
  size_t n2 = text2 ? strlen(text2) + 1 : 0;
  size_t size = sizeof(gcw_op) + (text ? text_len + 1 : 0) + n2;
  if (!q->full && q->bytes + size > GCW_STORE_QUEUE_MAX) {
    q->full = 1;
    q->overflowed = 1;
  }
  gcw_op *o = q->full ? NULL : chunk_alloc(q, size);
  if (!o) {
    q->lost++;
    return NULL;
  }
  /* the header only: the caller sets the member of u its kind uses */
  memset(o, 0, offsetof(gcw_op, u));
  o->kind = kind;
  char *w = (char *)(o + 1);
  if (text) {
    memcpy(w, text, text_len);
    w[text_len] = '\0';
    o->text = w;
    o->text_len = text_len;
    w += text_len + 1;
  }
  if (text2) {
    memcpy(w, text2, n2);
    o->text2 = w;
  }
  if (q->tail)
    q->tail->next = o;
  else
    q->head = o;
  q->tail = o;
  q->count++;
  q->bytes += size;
  return o;
}

gcw_op *gcw_store_queue_first(gcw_store_queue *q) { return q->head; }
long gcw_store_queue_count(const gcw_store_queue *q) { return q->count; }
size_t gcw_store_queue_bytes(const gcw_store_queue *q) { return q->bytes; }
long gcw_store_queue_lost(const gcw_store_queue *q) { return q->lost; }
void gcw_store_queue_drop(gcw_store_queue *q) { q->lost++; }

void gcw_store_queue_clear(gcw_store_queue *q, int lost) {
  if (lost)
    q->lost += q->count;
  free_ops(q);
  q->full = 0;
}

int gcw_store_queue_overflowed(gcw_store_queue *q) {
  int o = q->overflowed;
  q->overflowed = 0;
  return o;
}

static id_pair *find(const gcw_store_queue *q, int table, long long caller) {
  for (size_t i = q->nids; i-- > 0;)
    if (q->ids[i].table == table && q->ids[i].caller == caller)
      return &q->ids[i];
  return NULL;
}

void gcw_store_queue_map(gcw_store_queue *q, int table, long long caller, long long db) {
  id_pair *p = find(q, table, caller);
  if (p) {
    p->db = db;
    return;
  }
  if (caller == db)
    return;
  if (q->nids == q->capids) {
    size_t cap = q->capids ? q->capids * 2 : 16;
    id_pair *grown = realloc(q->ids, cap * sizeof *grown);
    if (!grown)
      return; /* the caller's id stays unmapped: its later rows are dropped at replay */
    q->ids = grown;
    q->capids = cap;
  }
  q->ids[q->nids++] = (id_pair){table, caller, db};
}

long long gcw_store_queue_id(const gcw_store_queue *q, int table, long long caller) {
  const id_pair *p = find(q, table, caller);
  if (p)
    return p->db;
  return caller > 0 && caller < GCW_PROVISIONAL_ID ? caller : 0;
}

long long gcw_store_queue_provisional(gcw_store_queue *q) { return q->next_provisional++; }
