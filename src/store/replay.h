/*
** replay.h: a stored run read back as the events it was made of (export, backfill).
** Owns:   nothing beyond one call (statements are finalized before it returns).
** Input:  a database opened by the caller (store_read.h); a run id.
** Output: the run's gc_cycles and scavenger rows, merged in line order, as gcw_event
**         (fields from the columns of fields.h; NULL columns absent) with their wall time;
**         the run's findings; the anchor of a run without wall times.
** Never:  writes.
*/
#ifndef GCW_REPLAY_H
#define GCW_REPLAY_H

#include "err.h"
#include "event.h"

#include <stddef.h>

typedef struct gcw_db gcw_db;

/* One event; wall is NULL when the row has none. Nonzero stops the replay. */
typedef int (*gcw_replay_event_fn)(void *ctx, const gcw_event *ev, const char *wall);
gcw_err gcw_replay_run(gcw_db *db, long long run_id, gcw_replay_event_fn fn, void *ctx);

/* The ids of every run (run_id 0) or of that one, ascending; *n of at most max. */
gcw_err gcw_replay_run_ids(gcw_db *db, long long run_id, long long *ids, int max, int *n);

typedef struct gcw_replay_run_info {
  int has_wall;        /* its first gc row has a wall time */
  double last_t_s;     /* @t of its last cycle (-1: none) */
  char added_at[40];   /* when its source was read (ISO 8601 UTC) */
} gcw_replay_run_info;
gcw_err gcw_replay_info(gcw_db *db, long long run_id, gcw_replay_run_info *info);

typedef struct gcw_replay_finding {
  char kind[48];
  char severity[8];
  long gc, end_gc; /* -1: none / still open */
} gcw_replay_finding;
/* The run's findings in id order, at most max; *n how many were copied. */
gcw_err gcw_replay_findings(gcw_db *db, long long run_id, gcw_replay_finding *out, int max,
                            int *n);

#endif
