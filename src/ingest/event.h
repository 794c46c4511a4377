/*
** event.h: the typed event the recognizer makes from one trace line.
** Sinks see events, never text. Every figure is a field of fields.h; `present[f]`
** says whether the line carried field f (absent fields are stored as NULL).
*/
#ifndef GCW_EVENT_H
#define GCW_EVENT_H

#include "fields.h"

#include <stdint.h>

enum { GCW_EVENT_EXCL = 2 };

/* The families of trace lines: one row each, the enum and the name the grammar
** (the "family" fields of the grammar files), the store (events' kind) and the docs use. */
#define GCW_FAMILIES(X)                                                    \
  X(GC, "gc")                 /* gc N @t ... (Go 1.5+) */                  \
  X(GC_LEGACY, "gc_legacy")   /* gcN(M): ... (Go 1.0-1.4) */               \
  X(SCVG, "scvg")             /* scvgN: / scvg: / forced scvg: (1.0-1.13) */ \
  X(SCAV, "scav")             /* scav ... (Go 1.14+, scavtrace=1) */       \
  X(PACER, "pacer")           /* pacer: ... (gcpacertrace=1) */            \
  X(FORCED, "forced")         /* GC forced (Go 1.4+) */                    \
  X(FORCED_OLD, "forced_old") /* scvgN: GC forced (Go 1.0-1.3) */

#define GCW_FAMILY_ENUM_(id, name) GCW_FAM_##id,
typedef enum gcw_family { GCW_FAMILIES(GCW_FAMILY_ENUM_) GCW_NFAMILIES } gcw_family;
#undef GCW_FAMILY_ENUM_

/* The largest magnitude a number of a trace line may have. An integer above 2^53 is not
** exact in the double that carries it and would overflow the int64/long it becomes; a
** real above 1e15 (seconds, MB, ms, %) is no real value and its casts to integers (time
** buckets) would overflow. GOMAXPROCS also fits an int. */
#define GCW_INT_MAX 9007199254740992.0 /* 2^53 */
#define GCW_REAL_MAX 1e15
#define GCW_PROCS_MAX 2147483647.0

const char *gcw_family_name(gcw_family f);

typedef struct gcw_event {
  gcw_family family;
  const char *kind;   /* pacer: "start", "end", "end_old", "sweep"; else the family name */
  long line;          /* 1-based line where the line's head was read */
  char wall[40];      /* wall time of that line (ISO 8601 UTC), "" when unknown */
  int repaired;       /* 1: rejoined from pieces split by other output */
  int unknown_parts;  /* parts no pattern knows (a newer Go release) */
  int out_of_range;   /* a number beyond what our types hold (GCW_INT_MAX, GCW_REAL_MAX):
                      ** the line is kept as unparsed, never stored as an event */
  int era_min;        /* Go 1.x minor releases that print this exact shape */
  int era_max;
  /* Releases this line cannot come from that lie inside [era_min, era_max] (a range can
  ** only be narrowed from its ends); the run applies them to its own range. */
  int nexcl;
  int excl_min[GCW_EVENT_EXCL], excl_max[GCW_EVENT_EXCL];
  double v[GCW_NFIELDS];
  uint8_t present[GCW_NFIELDS];
} gcw_event;

#endif
