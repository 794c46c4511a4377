/*
** prune.h: retention: delete the runs whose last activity is older than a cutoff, with
** every row that belongs to them, then give the space back to the file system.
** Owns:   its own read-write connection for the duration of the call.
** Input:  a database path and an age in seconds.
** Output: how many runs and sources were deleted, the file's size before and after.
** Never:  creates a database.
**
** A run's last activity is the latest time the database knows for it: the latest wall
** time of its cycles and scavenger lines (the arrival time in watch mode, the log's own
** time with an envelope) or, when later or the only one, when its source was added.
** A source left without runs is deleted with its unparsed lines and file list. The
** deletion is one transaction; then VACUUM rebuilds the file (it needs the database to
** itself: when another writer is active it is skipped and said so, the rows stay
** deleted), and the WAL is truncated.
*/
#ifndef GCW_PRUNE_H
#define GCW_PRUNE_H

#include "err.h"

#include <stddef.h>

typedef struct gcw_prune_result {
  long long runs, sources;          /* deleted */
  long long bytes_before, bytes_after;
  int vacuumed;                     /* 0: VACUUM could not run (msg says why) */
  char cutoff[40];                  /* ISO 8601 UTC */
} gcw_prune_result;

gcw_err gcw_prune(const char *path, double older_than_s, gcw_prune_result *r, char *msg,
                  size_t msglen);

#endif
