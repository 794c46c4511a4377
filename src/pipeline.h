/*
** pipeline.h: one source's bytes through every stage, in one direction:
**   bytes -> pass-through (raw, before anything else) -> lines -> splice/recognize
**         -> runs -> store
** Owns:   the line reader, splicer and run tracker of the current source, its digest.
** Input:  bytes of one source at a time (gcw_pipeline_feed), then its end.
** Output: rows in the store; in watch mode the input on stdout (raw or --strip).
** Never:  parses text itself or writes SQL.
*/
#ifndef GCW_PIPELINE_H
#define GCW_PIPELINE_H

#include "err.h"
#include "recog.h"
#include "store.h"

#include <stddef.h>

typedef enum gcw_passthrough {
  GCW_PASS_NONE,  /* analyze: nothing to stdout while reading */
  GCW_PASS_RAW,   /* watch: every byte to stdout as it arrives */
  GCW_PASS_STRIP  /* watch --strip: everything but the trace lines */
} gcw_passthrough;

typedef struct gcw_pipeline_opts {
  gcw_passthrough pass;
  int stamp_arrival; /* watch mode: wall time = arrival time of the line */
  int quiet;         /* no notices on stderr (errors still) */
} gcw_pipeline_opts;

typedef struct gcw_source_totals {
  long long bytes;
  long lines, overlong, events, gc_lines, scav_lines, pacer_lines, forced_lines, unparsed;
  long repaired, runs;
} gcw_source_totals;

typedef struct gcw_pipeline gcw_pipeline;

gcw_err gcw_pipeline_new(gcw_pipeline **out, gcw_recog *r, gcw_store *s, gcw_pipeline_opts o);
void gcw_pipeline_free(gcw_pipeline **pp);
gcw_err gcw_pipeline_source_begin(gcw_pipeline *p, const char *path, const char *kind,
                                  long long *source_id);
/* GCW_EPIPE: stdout was closed by its reader; GCW_EDB/GCW_EWRITE: see message. */
gcw_err gcw_pipeline_feed(gcw_pipeline *p, const char *bytes, size_t n);
gcw_err gcw_pipeline_source_end(gcw_pipeline *p, gcw_source_totals *totals);
/* Watch mode: commit if due, flush stdout. */
gcw_err gcw_pipeline_tick(gcw_pipeline *p);
const char *gcw_pipeline_errmsg(const gcw_pipeline *p);

#endif
