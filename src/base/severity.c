/* severity.c: the severity table. See severity.h. */
#include "severity.h"

#include <string.h>

typedef struct row {
  const char *name;
  int rank;
  const char *colour;
} row;

/* The --fail-on column is read by cli.c from GCW_SEVERITIES itself. */
#define GCW_SEV_ROW_(id, name, rank, colour, fails) [GCW_SEV_##id] = {name, rank, colour},
static const row table[GCW_NSEVERITIES] = {GCW_SEVERITIES(GCW_SEV_ROW_)};
#undef GCW_SEV_ROW_

static const row *find(const char *name) {
  for (int i = 0; name && i < GCW_NSEVERITIES; i++)
    if (strcmp(table[i].name, name) == 0)
      return &table[i];
  return NULL;
}

const char *gcw_severity_name(gcw_severity s) {
  return s >= 0 && s < GCW_NSEVERITIES ? table[s].name : table[0].name;
}

int gcw_severity_rank(const char *name) {
  const row *r = find(name);
  return r ? r->rank : 0;
}

const char *gcw_severity_colour(const char *name) {
  const row *r = find(name);
  return r ? r->colour : table[0].colour;
}
