/*
** report.h: the report of runs and the comparison of two, formatted from the store.
** Owns:   the statements of one call; one run's statistics at a time.
** Input:  `runs`, `sources`, `stats` (stats.c wrote them) and `findings` (detectors).
** Output: text (a one-screen summary per run, then its findings by severity; colour only
**         on a terminal without NO_COLOR) or JSON (docs/report-json.md), on `out`.
** Never:  computes a statistic or judges one: a missing `stats` row prints as "-" /
**         null. Findings are streamed, never held.
*/
#ifndef GCW_REPORT_H
#define GCW_REPORT_H

#include "err.h"
#include "store_read.h"

#include <stdio.h>

/* Print the report of run_ids[0..n) (runs.id), in that order; json: 1 for JSON.
** Returns GCW_OK, GCW_EDB (gcw_db_errmsg(db) says why), GCW_EPIPE (the reader of `out`
** went away) or GCW_EWRITE (errno says why). */
gcw_err gcw_report_print(gcw_db *db, const long long *run_ids, int n, int json, FILE *out);

/* Print what a GOGC-style decision weighs for runs a and b side by side — memory (peak
** heap, max goal, live p50/max), CPU (GC CPU, cycles/min, interval p50), latency (pauses,
** findings) and the workload (allocation rate, no verdict) — with the change (B - A) and
** whether B is better or worse, a verdict per group, and the finding kinds only in A,
** only in B and in both. json: 1 for JSON (docs/report-json.md, "compare").
** Returns as gcw_report_print(). */
gcw_err gcw_report_compare(gcw_db *db, long long a, long long b, int json, FILE *out);

#endif
