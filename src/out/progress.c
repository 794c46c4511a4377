/* progress.c: the progress bar. See progress.h. */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

enum { BAR_WIDTH = 30, REDRAW_MS = 100 };

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void gcw_progress_start(gcw_progress *pg, long long total_bytes, int quiet) {
  pg->on = !quiet && total_bytes > 0 && isatty(2);
  pg->total_bytes = total_bytes;
  pg->start_ms = pg->last_ms = now_ms();
}

void gcw_progress_update(gcw_progress *pg, long long done, long lines) {
  if (!pg->on)
    return;
  double t = now_ms();
  if (t - pg->last_ms < REDRAW_MS)
    return;
  pg->last_ms = t;
  double frac = (double)done / (double)pg->total_bytes;
  if (frac > 1)
    frac = 1;
  char bar[BAR_WIDTH + 1];
  int full = (int)(frac * BAR_WIDTH);
  for (int i = 0; i < BAR_WIDTH; i++)
    bar[i] = i < full ? '#' : '.';
  bar[BAR_WIDTH] = '\0';
  double secs = (t - pg->start_ms) / 1e3;
  fprintf(stderr, "\r[%s] %3d%%  %.1f MB  %.0f lines/s ", bar, (int)(frac * 100),
          (double)done / 1e6, secs > 0 ? (double)lines / secs : 0.0);
  fflush(stderr);
}

void gcw_progress_end(gcw_progress *pg) {
  if (pg->on)
    fprintf(stderr, "\r%*s\r", BAR_WIDTH + 40, "");
}
