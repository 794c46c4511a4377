/*
** bench_recog.c: recognition alone, for bench/run.sh.
** Reads FILE with read(2) in GCW_READ_CHUNK (64 KiB) chunks through the same stages the
** ingest uses before the store: gcw_lines -> gcw_splice (which calls the recognizer).
** The splice sink only counts events (per family) and unparsed pieces: no runs, no store.
** Prints one line:  events=N lines=N gc=N scav=N unparsed=N repaired=N seconds=S
** (seconds: wall time of the read/recognize loop only, grammar compilation excluded).
** Exit status: 0 ok, 2 usage, 3 cannot open/read, 4 grammar or allocation failure.
**
** Built by bench/run.sh (not by the Makefile):
**   cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -Ibuild $(pkg-config --cflags libpcre2-8) \
**      bench/bench_recog.c src/lines.c src/splice.c src/recog.c src/fields.c src/err.c \
**      build/grammar.c $(pkg-config --libs libpcre2-8) -o build/bench/bench_recog
*/
#include "event.h"
#include "limits.h"
#include "lines.h"
#include "recog.h"
#include "splice.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct counts {
  long events, gc, scav, unparsed;
} counts;

typedef struct line_ctx {
  gcw_splice *splice;
  gcw_spans spans; /* computed per line as the pipeline does (for --strip) */
} line_ctx;

static void on_event(void *ctx, const gcw_event *ev) {
  counts *c = ctx;
  c->events++;
  switch (ev->family) {
  case GCW_FAM_GC:
  case GCW_FAM_GC_LEGACY: c->gc++; break;
  case GCW_FAM_SCAV:
  case GCW_FAM_SCVG: c->scav++; break;
  default: break;
  }
}

static void on_unparsed(void *ctx, long line, const char *text, size_t len, const char *why) {
  (void)line, (void)text, (void)len, (void)why;
  ((counts *)ctx)->unparsed++;
}

/* Same call the pipeline makes (spans included, as analyze computes them too). */
static void on_line(void *ctx, const char *text, size_t len, const gcw_line_info *info) {
  line_ctx *lc = ctx;
  gcw_splice_line(lc->splice, text, len, info->no, NULL, &lc->spans);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  char msg[512] = "";
  gcw_recog *r = NULL;
  if (gcw_recog_open(&r, msg, sizeof msg) != GCW_OK) {
    fprintf(stderr, "bench_recog: grammar: %s\n", msg);
    return 4;
  }
  counts c = {0};
  static line_ctx lc;
  gcw_splice *s = NULL;
  gcw_lines *l = NULL;
  if (gcw_splice_new(&s, r, (gcw_splice_sink){&c, on_event, on_unparsed}) != GCW_OK) {
    fprintf(stderr, "bench_recog: out of memory\n");
    return 4;
  }
  lc.splice = s;
  if (gcw_lines_new(&l, (gcw_lines_sink){&lc, on_line, NULL}) != GCW_OK) {
    fprintf(stderr, "bench_recog: out of memory\n");
    return 4;
  }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "bench_recog: %s: %s\n", argv[1], strerror(errno));
    return 3;
  }
  static char buf[GCW_READ_CHUNK];
  double t0 = now_s();
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      fprintf(stderr, "bench_recog: %s: %s\n", argv[1], strerror(errno));
      return 3;
    }
    if (n == 0)
      break;
    gcw_lines_feed(l, buf, (size_t)n);
  }
  gcw_lines_finish(l);
  gcw_splice_finish(s);
  double t1 = now_s();
  close(fd);
  gcw_splice_stats st = gcw_splice_get_stats(s);
  printf("events=%ld lines=%ld gc=%ld scav=%ld unparsed=%ld repaired=%ld seconds=%.6f\n",
         c.events, gcw_lines_count(l), c.gc, c.scav, c.unparsed, st.repaired, t1 - t0);
  gcw_lines_free(&l);
  gcw_splice_free(&s);
  gcw_recog_close(&r);
  return 0;
}
