/*
** cmd_prune.c: `gctrace-watch prune --older-than DURATION`: retention (prune.h).
** DURATION: a number and a unit, s, m, h, d or w, or several of them ("1d12h").
** Never:  creates a database: a missing one is an error.
*/
#include "cmd.h"

#include "err.h"
#include "prune.h"
#include "safetext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seconds in "7d", "12h", "1d12h", "90m", "30s", "2w"; -1 if it is not such a duration. */
double gcw_parse_duration(const char *s) {
  double total = 0;
  if (!s || !*s)
    return -1;
  while (*s) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || !(v >= 0) || v > 1e6)
      return -1;
    double unit;
    switch (*end) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: return -1;
    }
    total += v * unit;
    s = end + 1;
  }
  return total;
}

static void mb(char *buf, size_t n, long long bytes) {
  snprintf(buf, n, "%.1f MB", (double)bytes / 1e6);
}

int gcw_cmd_prune(const gcw_config *cfg) {
  gcw_prune_result r;
  char msg[512], before[32], after[32];
  if (gcw_prune(cfg->db, cfg->older_than_s, &r, msg, sizeof msg) != GCW_OK) {
    gcw_warn("gctrace-watch: %s: %s\n", cfg->db, msg);
    return GCW_EXIT_IO;
  }
  mb(before, sizeof before, r.bytes_before);
  mb(after, sizeof after, r.bytes_after);
  printf("pruned %lld runs and %lld sources last active before %s; %s -> %s%s\n", r.runs,
         r.sources, r.cutoff, before, after, r.vacuumed ? " (VACUUM)" : "");
  if (msg[0])
    gcw_warn("gctrace-watch: %s: %s\n", cfg->db, msg);
  return GCW_EXIT_OK;
}
