/*
** metrics_publish.c: what --metrics costs the reading thread, per event, with scrapes
** hammering the snapshot from another thread (the worst case: back-to-back scrapes).
**
**   build/bench/metrics_publish LOG N
**
** The real lines of LOG are recognized into events; N times, one event is fed to a registry
** holding GCW_METRICS_RUNS runs (the largest snapshot) and published, as the pipeline does
** after each read. Each feed+publish is timed (CLOCK_MONOTONIC). Printed: p50/p99/p99.9/max
** in ns, once without a scraper and once with a thread that scrapes (copies the snapshot
** under the lock and renders it) without pause, and how often the lock was busy (the
** publish was left for the next call instead of waiting).
*/
#include "limits.h"
#include "metrics.h"
#include "recog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct scraper {
  gcw_metrics *m;
  volatile int stop;
  long scrapes;
} scraper;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *scrape_loop(void *arg) {
  scraper *s = arg;
  gcw_metrics_text t = {0};
  while (!s->stop) {
    t.len = 0;
    if (gcw_metrics_scrape(s->m, GCW_OM_OPENMETRICS, &t) == GCW_OK)
      s->scrapes++;
  }
  gcw_metrics_text_free(&t);
  return NULL;
}

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

static void measure(gcw_metrics *m, const gcw_event *ev, int nev, long n, int with_scraper) {
  long long *dt = malloc((size_t)n * sizeof *dt);
  long busy = 0;
  scraper s = {m, 0, 0};
  pthread_t th;
  if (with_scraper)
    pthread_create(&th, NULL, scrape_loop, &s);
  for (long i = 0; i < n; i++) {
    long long t0 = now_ns();
    gcw_metrics_event(m, 1 + i % GCW_METRICS_RUNS, &ev[i % nev], 0);
    busy += !gcw_metrics_publish(m);
    dt[i] = now_ns() - t0;
  }
  s.stop = 1;
  if (with_scraper)
    pthread_join(th, NULL);
  qsort(dt, (size_t)n, sizeof *dt, cmp);
  printf("scraper=%-3s events=%ld scrapes=%ld lock_busy=%ld  feed+publish ns: p50=%lld p99=%lld "
         "p99.9=%lld max=%lld\n",
         with_scraper ? "on" : "off", n, s.scrapes, busy, dt[n / 2], dt[n * 99 / 100],
         dt[n * 999 / 1000], dt[n - 1]);
  free(dt);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s LOG N\n", argv[0]);
    return 2;
  }
  char msg[512];
  gcw_recog *r;
  if (gcw_recog_open(&r, msg, sizeof msg)) {
    fprintf(stderr, "%s\n", msg);
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  if (!f)
    return 2;
  int cap = 1 << 16, nev = 0;
  gcw_event *ev = malloc((size_t)cap * sizeof *ev);
  char *line = NULL;
  size_t lcap = 0;
  ssize_t len;
  while (nev < cap && (len = getline(&line, &lcap, f)) > 0) {
    if (line[len - 1] == '\n')
      len--;
    if (gcw_recog_line(r, line, (size_t)len, &ev[nev]) == 1)
      nev++;
  }
  free(line);
  fclose(f);
  gcw_recog_close(&r);
  if (nev == 0)
    return 2;
  gcw_metrics *m;
  if (gcw_metrics_new(&m, NULL, 0, msg, sizeof msg))
    return 2;
  for (int i = 1; i <= GCW_METRICS_RUNS; i++)
    gcw_metrics_run_open(m, i, 0);
  long n = atol(argv[2]);
  measure(m, ev, nev, n, 0);
  measure(m, ev, nev, n, 1);
  gcw_metrics_free(&m);
  free(ev);
  return 0;
}
