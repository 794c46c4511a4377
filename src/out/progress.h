/*
** progress.h: a one-line progress bar on stderr for long imports (bytes, %, lines/s).
** Shown only when stderr is a terminal and the total size is known; redrawn at most
** every 100 ms; erased at the end.
*/
#ifndef GCW_PROGRESS_H
#define GCW_PROGRESS_H

typedef struct gcw_progress {
  int on;                /* stderr is a TTY, the size is known, not --quiet */
  long long total_bytes; /* on disk (compressed size for gzip) */
  double start_ms, last_ms;
} gcw_progress;

void gcw_progress_start(gcw_progress *pg, long long total_bytes, int quiet);
void gcw_progress_update(gcw_progress *pg, long long done_bytes, long lines);
void gcw_progress_end(gcw_progress *pg);

#endif
