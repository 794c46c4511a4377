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

typedef enum gcw_family {
  GCW_FAM_GC,         /* gc N @t ... (Go 1.5+) */
  GCW_FAM_GC_LEGACY,  /* gcN(M): ... (Go 1.0-1.4) */
  GCW_FAM_SCVG,       /* scvgN: / scvg: / forced scvg: (Go 1.0-1.13) */
  GCW_FAM_SCAV,       /* scav ... (Go 1.14+, scavtrace=1) */
  GCW_FAM_PACER,      /* pacer: ... (gcpacertrace=1) */
  GCW_FAM_FORCED,     /* GC forced (Go 1.4+) */
  GCW_FAM_FORCED_OLD, /* scvgN: GC forced (Go 1.0-1.3) */
  GCW_NFAMILIES
} gcw_family;

const char *gcw_family_name(gcw_family f);

typedef struct gcw_event {
  gcw_family family;
  const char *kind;   /* pacer: "start", "end", "end_old", "sweep"; else the family name */
  long line;          /* 1-based line where the line's head was read */
  char wall[40];      /* wall time of that line (ISO 8601 UTC), "" when unknown */
  int repaired;       /* 1: rejoined from pieces split by other output */
  int unknown_parts;  /* parts no pattern knows (a newer Go release) */
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
