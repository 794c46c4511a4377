/*
** fuzz_pipeline.c: libFuzzer target for the whole reading path (issue 10, item 10):
**   bytes -> lines -> envelope (detected: plain, Docker, CRI, timestamps, syslog)
**         -> splice -> recognition -> runs -> detectors -> store (SQLite in memory)
** fed in chunks whose sizes the input chooses. Built with ASan and UBSan (float-cast-
** overflow included), so an overflowing number anywhere on the way is a finding.
** Invariants checked, not only crashes:
**   - no stage reports an error (the store in memory never fails);
**   - the store holds exactly the gc lines the pipeline counted for the source, and no
**     stored number is beyond the ranges of event.h (read back through the store's read
**     API, as report and export read them).
*/
#include "event.h"
#include "limits.h"
#include "pipeline.h"
#include "recog.h"
#include "store.h"
#include "store_read.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reopened every so many inputs, so that the rows of earlier inputs stay few. */
enum { REOPEN_EVERY = 200 };

/* Through the store's read API, as report and export read it: every stored cycle of the
** source's runs, checked against the ranges of event.h; their count and the runs' lines
** against what the pipeline counted. */
static void check(gcw_store *s, long long source, const gcw_source_totals *t) {
  enum { MAX_RUNS = 4096 };
  static long long ids[MAX_RUNS];
  if (gcw_store_tick(s, 1) != GCW_OK)
    abort();
  gcw_db *db = gcw_store_reader(s);
  int n = gcw_store_run_ids(s, source, ids, MAX_RUNS);
  long long cycles = 0;
  for (int i = 0; i < n; i++) {
    gcw_rows *rows = NULL;
    if (gcw_rows_open_table(db, &rows, "gc_cycles", ids[i]) != GCW_OK)
      abort();
    int gc = -1, heap = -1, ts = -1, procs = -1;
    for (int c = 0; c < gcw_rows_ncols(rows); c++) {
      const char *name = gcw_rows_name(rows, c);
      gc = strcmp(name, "gc") == 0 ? c : gc;
      heap = strcmp(name, "heap_start_mb") == 0 ? c : heap;
      ts = strcmp(name, "t_s") == 0 ? c : ts;
      procs = strcmp(name, "procs") == 0 ? c : procs;
    }
    int rc;
    while ((rc = gcw_rows_next(rows)) == 1) {
      cycles++;
      if ((gc >= 0 && fabs(gcw_rows_real(rows, gc)) > GCW_INT_MAX) ||
          (heap >= 0 && fabs(gcw_rows_real(rows, heap)) > GCW_INT_MAX) ||
          (ts >= 0 && fabs(gcw_rows_real(rows, ts)) > GCW_REAL_MAX) ||
          (procs >= 0 && gcw_rows_real(rows, procs) > GCW_PROCS_MAX))
        abort();
    }
    if (rc < 0)
      abort();
    gcw_rows_close(&rows);
  }
  if (n < MAX_RUNS && cycles != t->gc_lines)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static gcw_recog *r; /* compiled once: the grammar does not change between inputs */
  static gcw_store *s;
  static long inputs;
  char msg[256];
  if (!r && gcw_recog_open(&r, msg, sizeof msg)) {
    fprintf(stderr, "%s\n", msg);
    abort();
  }
  if (s && ++inputs % REOPEN_EVERY == 0 && gcw_store_close(&s) != GCW_OK)
    abort();
  if (!s && gcw_store_open(&s, ":memory:", msg, sizeof msg) != GCW_OK) {
    fprintf(stderr, "%s\n", msg);
    abort();
  }
  gcw_pipeline_opts o = {.pass = GCW_PASS_NONE, .out = NULL, .stamp_arrival = size & 1,
                         .quiet = 1, .envelope = 0, .detect = {NULL, 0, 0, 0}};
  gcw_pipeline *p = NULL;
  long long source = 0;
  gcw_source_totals t;
  if (gcw_pipeline_new(&p, r, s, o) || gcw_pipeline_source_begin(p, "fuzz", "file", &source))
    abort();
  size_t pos = 0, step = 1 + (size ? data[0] : 0);
  while (pos < size) {
    size_t n = step < size - pos ? step : size - pos;
    if (gcw_pipeline_feed(p, (const char *)data + pos, n) != GCW_OK)
      abort();
    pos += n;
    step = (step * 7 + data[pos - 1]) % 4099 + 1;
  }
  if (gcw_pipeline_source_end(p, &t) != GCW_OK)
    abort();
  check(s, source, &t);
  gcw_pipeline_free(&p);
  return 0;
}
