/* live.c: one line per new finding on stderr. See live.h. */
#include "live.h"

#include "severity.h"
#include "writer.h"

#include <stdlib.h>
#include <unistd.h>

int gcw_live_colour(FILE *f) { return gcw_colour_wanted(f); }

void gcw_live_finding(FILE *f, int colour, int run_ordinal, const gcw_finding *fd) {
  const char *sev = gcw_severity_name(fd->severity);
  char on[16];
  snprintf(on, sizeof on, "\033[%sm", gcw_severity_colour(sev));
  char where[80];
  if (fd->wall[0])
    snprintf(where, sizeof where, "gc %ld %s", fd->gc, fd->wall);
  else if (fd->t_s >= 0)
    snprintf(where, sizeof where, "gc %ld @%.3fs", fd->gc, fd->t_s);
  else
    snprintf(where, sizeof where, "gc %ld", fd->gc);
  fprintf(f, "gctrace-watch: %s%s%s %s (run %d, %s): %s [%.4g %s, threshold %.4g]\n",
          colour ? on : "", sev, colour ? "\033[0m" : "", fd->kind,
          run_ordinal, where, fd->message, fd->value, fd->unit ? fd->unit : "", fd->threshold);
  fflush(f);
}
