/*
** live.h: findings on stderr as they happen (watch, child and follow mode): one line when
** an episode opens, when it gets materially worse and when it ends, then a summary at exit.
** Text, coloured when stderr is a terminal and NO_COLOR is not set (https://no-color.org),
** or --findings-format json: one JSON object per line (docs/findings-json.md).
** Never:  decides anything (detectors do) or writes anywhere but the given stream.
*/
#ifndef GCW_LIVE_H
#define GCW_LIVE_H

#include "detect.h"

#include <stdio.h>

typedef struct gcw_live {
  FILE *f;
  int colour;                  /* text only */
  int json;                    /* --findings-format json */
  const char *const *labels;   /* --label KEY=VALUE, as given */
  int nlabels;
} gcw_live;

/* 1 when colour should be used on this stream. */
int gcw_live_colour(FILE *f);
/* event: "open", "update" (materially worse) or "close". */
void gcw_live_finding(const gcw_live *l, const char *event, long long run_id,
                      const gcw_finding *fd);

/* What a live session did, for the summary at its end. */
typedef struct gcw_live_summary {
  long long bytes;             /* read (no summary when nothing was) */
  long cycles;                 /* gc lines */
  long runs;
  long long first_run, last_run; /* their ids (0: none) */
  long findings[GCW_NSEVERITIES];          /* by severity (gcw_severity) */
  long joined;                 /* symptoms explained in a memlimit_thrash finding */
  const char *db;              /* where the data is */
} gcw_live_summary;

void gcw_live_summary_print(const gcw_live *l, const gcw_live_summary *s);

#endif
