/*
** store_queue.h: the rows the store has not committed yet, kept in memory so that a
** failed transaction (database locked by another writer, disk full) can be written
** again later instead of being lost (issue 10, "fail open").
** Owns:   copies of the write calls since the last successful commit, in order, and the
**         ids a replay gave to rows that callers know under another id.
** Input:  one op per write call of the store (gcw_store_*), up to GCW_STORE_QUEUE_MAX bytes.
** Output: the ops in order (for a replay); counts of what had to be dropped.
** Never:  talks to SQLite (store.c replays the ops).
*/
#ifndef GCW_STORE_QUEUE_H
#define GCW_STORE_QUEUE_H

#include "detect.h"
#include "event.h"
#include "procsample.h"
#include "runs.h"

#include <stddef.h>

typedef enum gcw_op_kind {
  GCW_OP_SOURCE_BEGIN, GCW_OP_SOURCE_END, GCW_OP_SOURCE_FILE, GCW_OP_RUN_OPEN,
  GCW_OP_RUN_CLOSE, GCW_OP_EVENT, GCW_OP_UNPARSED, GCW_OP_FINDING_ADD, GCW_OP_FINDING_UPDATE,
  GCW_OP_SAMPLE, GCW_OP_RUN_META, GCW_OP_FINDING_PART
} gcw_op_kind;

/* One write call. `handle` is the id the caller was given for the row this op creates
** (source, run, finding): the real id when it was written at once, a provisional one
** (from GCW_PROVISIONAL_ID up: positive, as callers and detectors require, and beyond any
** rowid SQLite gives) when the database was not available. */
#define GCW_PROVISIONAL_ID (1LL << 62)
typedef struct gcw_op {
  struct gcw_op *next;
  gcw_op_kind kind;
  long long handle;   /* SOURCE_BEGIN, RUN_OPEN, FINDING_ADD: the row's id for callers */
  long long ref;      /* the row it belongs to: source, run or finding id (caller's id) */
  long long a, b, c;  /* numbers: bytes/lines/ordinal/cycle/line, by kind; FINDING_PART:
                      ** a is the finding it is part of (caller's id) */
  char *text, *text2; /* path/sha256/wall/unparsed bytes, kind/why (NUL-terminated) */
  size_t text_len;    /* bytes of text (unparsed lines may hold NUL) */
  union {
    gcw_event ev;     /* EVENT */
    gcw_run run;      /* RUN_CLOSE */
    gcw_finding f;    /* FINDING_ADD, FINDING_UPDATE */
    gcw_proc_sample ps; /* SAMPLE */
    const struct gcw_run_meta *meta; /* RUN_META: the caller's, which outlives the store */
  } u;
} gcw_op;

typedef struct gcw_store_queue gcw_store_queue;

gcw_store_queue *gcw_store_queue_new(void);
void gcw_store_queue_free(gcw_store_queue **pq);
/* A new op at the end (NULL when the bound is hit or memory is short: the op is counted
** as dropped). The texts are copied. */
gcw_op *gcw_store_queue_push(gcw_store_queue *q, gcw_op_kind kind, const char *text,
                             size_t text_len, const char *text2);
gcw_op *gcw_store_queue_first(gcw_store_queue *q);
long gcw_store_queue_count(const gcw_store_queue *q);
size_t gcw_store_queue_bytes(const gcw_store_queue *q);
/* Forget every op (they were committed, or are given up: `lost` says which). */
void gcw_store_queue_clear(gcw_store_queue *q, int lost);
/* One row not kept (the database is gone for good): counted as not stored. */
void gcw_store_queue_drop(gcw_store_queue *q);
/* Rows not stored: dropped at the bound plus given up. */
long gcw_store_queue_lost(const gcw_store_queue *q);
/* Whether the bound was hit since the last call (to say so once). */
int gcw_store_queue_overflowed(gcw_store_queue *q);

/* Ids: a caller's id of a row (table 0 sources, 1 runs, 2 findings) -> the database's. */
enum { GCW_ID_SOURCE, GCW_ID_RUN, GCW_ID_FINDING };
void gcw_store_queue_map(gcw_store_queue *q, int table, long long caller, long long db);
/* The database's id for a caller's id: the mapped one, or the id itself. 0 for a
** provisional id that has no row yet. */
long long gcw_store_queue_id(const gcw_store_queue *q, int table, long long caller);
/* The next provisional id (GCW_PROVISIONAL_ID, +1, ...). */
long long gcw_store_queue_provisional(gcw_store_queue *q);

#endif
