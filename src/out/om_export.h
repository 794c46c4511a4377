/*
** om_export.h: `export --format openmetrics`: stored runs as OpenMetrics samples with
** timestamps, for `promtool tsdb create-blocks-from openmetrics FILE DIR` (backfill).
** Owns:   one registry (metrics.h) and one temporary file per family during a call.
** Input:  a database opened read-only by the caller (store_read.h); a run id or 0 for all.
** Output: the same families and series the --metrics endpoint serves for a run (those
**         with a series per run), each sample stamped, then "# EOF".
** Never:  writes two samples of a series with the same timestamp, or out of order.
**
** Timestamps: the wall time of each row where the run has one (watch and child mode
** stamp arrival times; container logs carry theirs). A run without wall times (a plain
** log read by analyze) is placed on its own @t axis so that its last cycle falls at the
** time its source was read (sources.added_at): the log was written before it was read.
** Rows within the same millisecond become one sample (the state after the last of them);
** a row whose time goes back joins the sample before it.
*/
#ifndef GCW_OM_EXPORT_H
#define GCW_OM_EXPORT_H

#include "err.h"

#include <stddef.h>
#include <stdio.h>

typedef struct gcw_db gcw_db;

/* GCW_EDB (message in msg), GCW_EWRITE (errno says why), GCW_ENOMEM. */
gcw_err gcw_om_export(gcw_db *db, long long run_id, FILE *out, char *msg, size_t msglen);

#endif
