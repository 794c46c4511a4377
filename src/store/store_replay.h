/*
** store_replay.h: a stored run read back as events, to be judged again (report
**                 --threshold / --pause-slo), and the findings of that judgement shown
**                 in place of the stored ones.
** Owns:   nothing past a call (statements are finalized before it returns).
** Input:  a read connection (store_read.h) and a run id.
** Output: gc_cycles and scavenger rows of the run as gcw_events, in line order (the
**         order the detectors first saw them), each with its wall time or NULL.
** Never:  writes the file: judged-again findings go to a TEMP table of this connection.
*/
#ifndef GCW_STORE_REPLAY_H
#define GCW_STORE_REPLAY_H

#include "detect.h"
#include "err.h"
#include "event.h"
#include "store_read.h"

typedef void (*gcw_replay_fn)(void *ctx, const gcw_event *ev, const char *wall);

/* Every stored gc and scavenger line of run, in line order, through fn. */
gcw_err gcw_db_replay(gcw_db *db, long long run, gcw_replay_fn fn, void *ctx);

/* From now on this connection's findings of run are f[0..n), not the stored ones (the
** file is not touched; other runs keep theirs). */
gcw_err gcw_db_findings_replace(gcw_db *db, long long run, const gcw_finding *f, int n);

#endif
