/*
** fuzz_splice.c: libFuzzer target for line assembly, recognition and splice repair.
** Invariants checked, not only crashes (SQLite's fuzzinvariants.c idea):
**   - the same bytes fed whole and fed in chunks of fuzzer-chosen sizes give the same
**     events and unparsed pieces, in the same order;
**   - every event's line number lies within the lines read;
**   - no piece kept as unparsed is longer than the splice ceiling;
**   - the hand-written scanner (scan.c) and the grammar give the same event, or both
**     none, for the whole input and for each of its lines, at every start of a trace
**     line in it (tests/test_scan.c does the same on the corpus).
*/
#include "lines.h"
#include "limits.h"
#include "recog.h"
#include "scan.h"
#include "splice.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct digest {
  uint64_t h;
  long events, unparsed, max_line;
} digest;

typedef struct harness {
  gcw_splice *splice;
  gcw_lines *lines;
  digest d;
} harness;

static void mix(digest *d, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    d->h = (d->h ^ b[i]) * 0x100000001b3ull;
}

static void on_event(void *ctx, const gcw_event *ev) {
  harness *h = ctx;
  h->d.events++;
  mix(&h->d, &ev->family, sizeof ev->family);
  mix(&h->d, &ev->line, sizeof ev->line);
  mix(&h->d, &ev->repaired, sizeof ev->repaired);
  for (int f = 0; f < GCW_NFIELDS; f++)
    if (ev->present[f])
      mix(&h->d, &ev->v[f], sizeof ev->v[f]);
}

static void on_unparsed(void *ctx, long line, const char *text, size_t len, const char *why) {
  harness *h = ctx;
  (void)why;
  if (len > GCW_SPLICE_MAX)
    abort();
  h->d.unparsed++;
  mix(&h->d, &line, sizeof line);
  mix(&h->d, text, len);
}

static void on_line(void *ctx, const char *text, size_t len, const gcw_line_info *info) {
  harness *h = ctx;
  h->d.max_line = info->no;
  gcw_splice_line(h->splice, text, len, info->no, NULL, NULL);
}

static digest run(gcw_recog *r, const uint8_t *data, size_t size, int chunked) {
  harness h;
  memset(&h, 0, sizeof h);
  h.d.h = 0xcbf29ce484222325ull;
  gcw_splice_sink ss = {&h, on_event, on_unparsed};
  gcw_lines_sink ls = {&h, on_line, NULL};
  if (gcw_splice_new(&h.splice, r, ss) || gcw_lines_new(&h.lines, ls))
    abort();
  size_t pos = 0, step = 1;
  while (pos < size) {
    size_t n = chunked ? step : size - pos;
    if (n > size - pos)
      n = size - pos;
    gcw_lines_feed(h.lines, (const char *)data + pos, n);
    pos += n;
    step = (step * 7 + data[pos - 1]) % 97 + 1;
  }
  gcw_lines_finish(h.lines);
  gcw_splice_finish(h.splice);
  gcw_lines_free(&h.lines);
  gcw_splice_free(&h.splice);
  return h.d;
}

/* Recognize text with and without the scanner: the same answer and the same event. */
static void scan_agrees(gcw_recog *r, const char *text, size_t len) {
  gcw_event a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  gcw_recog_use_scan(r, 1);
  int ra = gcw_recog_line(r, text, len, &a);
  gcw_recog_use_scan(r, 0);
  int rb = gcw_recog_line(r, text, len, &b);
  gcw_recog_use_scan(r, 1);
  if (ra != rb)
    abort();
  if (!ra)
    return;
  if (a.family != b.family || strcmp(a.kind, b.kind) != 0 || a.unknown_parts != b.unknown_parts ||
      a.era_min != b.era_min || a.era_max != b.era_max || a.nexcl != b.nexcl)
    abort();
  for (int i = 0; i < a.nexcl; i++)
    if (a.excl_min[i] != b.excl_min[i] || a.excl_max[i] != b.excl_max[i])
      abort();
  for (int f = 0; f < GCW_NFIELDS; f++)
    if (a.present[f] != b.present[f] ||
        (a.present[f] && memcmp(&a.v[f], &b.v[f], sizeof(double)) != 0))
      abort();
}

static void scan_agrees_everywhere(gcw_recog *r, const char *text, size_t len) {
  for (long at = gcw_recog_find_start(r, text, len, 0); at >= 0;
       at = gcw_recog_find_start(r, text, len, (size_t)at + 1))
    scan_agrees(r, text + at, len - (size_t)at);
}

static void scan_check(gcw_recog *r, const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  scan_agrees(r, text, size);
  for (size_t at = 0; at < size;) {
    const char *nl = memchr(text + at, '\n', size - at);
    size_t end = nl ? (size_t)(nl - text) : size;
    scan_agrees_everywhere(r, text + at, end - at);
    at = end + 1;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static gcw_recog *r; /* compiled once: the grammar does not change between inputs */
  if (!r) {
    char msg[256];
    if (gcw_recog_open(&r, msg, sizeof msg)) {
      fprintf(stderr, "%s\n", msg);
      abort();
    }
  }
  digest whole = run(r, data, size, 0);
  digest chunked = run(r, data, size, 1);
  if (whole.h != chunked.h || whole.events != chunked.events ||
      whole.unparsed != chunked.unparsed)
    abort();
  scan_check(r, data, size);
  return 0;
}
