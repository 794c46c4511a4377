/*
** stats_rss.h: the statistics of a run's process samples (issue 15): RSS at its highest
**              and at the end, beside the heap the trace shows at the same moments.
** Owns:   the statements of one call.
** Input:  process_samples and gc_cycles rows of one run (a store without the
**         process_samples table, written by an older version, has no such statistics).
** Output: the GCW_STAT_RSS_* ... GCW_STAT_CGROUP_* values (stats.h) with set[] = 1 where
**         the run can say; stats.c stores them with the others.
** Never:  judges (rss_not_released does) or formats (report.c does).
*/
#ifndef GCW_STATS_RSS_H
#define GCW_STATS_RSS_H

#include "err.h"

#include <sqlite3.h>

gcw_err gcw_stats_rss(sqlite3 *db, long long run, double *v, unsigned char *set);

#endif
