/*
** fuzz_pipeline.c: libFuzzer target for the whole reading path (issue 10, item 10):
**   bytes -> lines -> envelope (detected: plain, Docker, CRI, timestamps, syslog)
**         -> splice -> recognition -> runs -> detectors -> store (SQLite in memory)
** fed in chunks whose sizes the input chooses. Built with ASan and UBSan (float-cast-
** overflow included), so an overflowing number anywhere on the way is a finding.
** Invariants checked, not only crashes:
**   - no stage reports an error (the store in memory never fails);
**   - the store holds exactly the gc lines the pipeline counted for the source, and no
**     stored number is beyond the ranges of event.h;
**   - every run's cycles lie within the lines read.
*/
#include "event.h"
#include "limits.h"
#include "pipeline.h"
#include "recog.h"
#include "store.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reopened every so many inputs, so that the rows of earlier inputs stay few. */
enum { REOPEN_EVERY = 200 };

static long long one(sqlite3 *db, const char *sql, long long id) {
  sqlite3_stmt *st;
  long long v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    abort();
  sqlite3_bind_int64(st, 1, id);
  if (sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void check(gcw_store *s, long long source, const gcw_source_totals *t) {
  sqlite3 *db = gcw_store_db(s);
  if (gcw_store_tick(s, 1) != GCW_OK)
    abort();
  long long gc = one(db, "SELECT count(*) FROM gc_cycles WHERE run_id IN "
                         "(SELECT id FROM runs WHERE source_id=?1)", source);
  if (gc != t->gc_lines)
    abort();
  long long bad = one(db, "SELECT count(*) FROM gc_cycles WHERE run_id IN "
                          "(SELECT id FROM runs WHERE source_id=?1) AND "
                          "(abs(gc) > 9007199254740992 OR abs(heap_start_mb) > 9007199254740992 "
                          "OR abs(t_s) > 1e15 OR procs > 2147483647)", source);
  if (bad != 0)
    abort();
  long long lines = one(db, "SELECT count(*) FROM runs WHERE source_id=?1 AND "
                            "(first_line < 1 OR last_line > (SELECT lines FROM sources "
                            "WHERE id=?1))", source);
  if (lines != 0)
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
