/* cmd_watch.c: `gctrace-watch [opts]`: stdin to stdout unchanged, trace lines stored. */
#include "cmd.h"

#include "limits.h"
#include "pipeline.h"
#include "recog.h"
#include "store.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The one file-scope mutable variable: set by the signal handler, read by the loop. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void install_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

/* Read stdin until its end or a signal; commit at least every GCW_COMMIT_MS. */
static gcw_err pump(gcw_pipeline *p, char *buf) {
  struct pollfd pfd = {0, POLLIN, 0};
  for (;;) {
    if (stop_signal)
      return GCW_OK;
    int ready = poll(&pfd, 1, GCW_COMMIT_MS);
    if (ready < 0 && errno != EINTR)
      return GCW_EREAD;
    if (ready > 0) {
      ssize_t n = read(0, buf, GCW_READ_CHUNK);
      if (n == 0)
        return GCW_OK;
      if (n < 0 && errno != EINTR && errno != EAGAIN)
        return GCW_EREAD;
      if (n > 0) {
        gcw_err e = gcw_pipeline_feed(p, buf, (size_t)n);
        if (e)
          return e;
      }
    }
    gcw_err e = gcw_pipeline_tick(p);
    if (e)
      return e;
  }
}

int gcw_cmd_watch(const gcw_config *cfg) {
  gcw_recog *r = NULL;
  gcw_store *s = NULL;
  gcw_pipeline *p = NULL;
  long long id;
  int status = gcw_cmd_open(cfg, &r, &s);
  if (status >= 0)
    return status;
  status = GCW_EXIT_OK;
  char *buf = malloc(GCW_READ_CHUNK);
  gcw_pipeline_opts o = {cfg->strip ? GCW_PASS_STRIP : GCW_PASS_RAW, 1, cfg->quiet};
  if (!buf || gcw_pipeline_new(&p, r, s, o)) {
    fprintf(stderr, "gctrace-watch: out of memory\n");
    status = GCW_EXIT_INTERNAL;
    goto out;
  }
  install_handlers();
  gcw_err e = gcw_pipeline_source_begin(p, "-", "stdin", &id);
  if (!e)
    e = pump(p, buf);
  if (e == GCW_EREAD) {
    fprintf(stderr, "gctrace-watch: stdin: %s\n", strerror(errno));
    status = GCW_EXIT_IO;
  }
  /* A closed stdout ends the program quietly; what was read is still stored. */
  gcw_err end = gcw_pipeline_source_end(p, NULL);
  if (!e)
    e = end;
  if (e && e != GCW_EPIPE && e != GCW_EREAD) {
    fprintf(stderr, "gctrace-watch: %s\n", gcw_pipeline_errmsg(p));
    status = GCW_EXIT_IO;
  }
out:
  gcw_pipeline_free(&p);
  free(buf);
  gcw_recog_close(&r);
  return gcw_cmd_close(&s, status);
}
