/*
** cmd_follow.c: `gctrace-watch analyze --follow FILE...`: follow log files as they grow and
** rotate (like `tail -F`, from their start) until SIGINT or SIGTERM, as watch mode does
** for stdin: container envelopes, arrival times, live findings, the store committed at
** least every GCW_COMMIT_MS.
** Each file is a source of its own with its own pipeline (a node's pods are unrelated
** processes); a rotation continues the same source. On SIGINT/SIGTERM what the files hold
** at that moment is read and stored, every source is ended, and the summary printed.
*/
#include "cmd.h"

#include "envelope.h"
#include "follow.h"
#include "limits.h"
#include "metrics.h"
#include "metrics_http.h"
#include "pipeline.h"
#include "recog.h"
#include "safetext.h"
#include "store.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one file-scope mutable variable: set by the signal handler, read by the loop. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

/* No SA_RESTART: a signal cuts the wait between looks short. */
static void install_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

typedef struct followed {
  gcw_follow *file;
  gcw_pipeline *p;
  int failed; /* its store or read failed: reported, no longer read */
} followed;

static void notice(const gcw_config *cfg, const char *path, gcw_follow_change c) {
  if (cfg->quiet || c == GCW_FOLLOW_SAME)
    return;
  gcw_warn("gctrace-watch: %s: %s\n", path,
          c == GCW_FOLLOW_OPENED    ? "following"
          : c == GCW_FOLLOW_ROTATED ? "rotated: the old file was read to its end; reading the new one"
                                    : "truncated (copytruncate): reading it again from its start");
}

/* Read what one file has now (at most `rounds` chunks). Returns bytes read, -1 on failure. */
static long long pump_file(const gcw_config *cfg, followed *f, char *buf, int rounds) {
  long long total = 0;
  for (int i = 0; i < rounds && !f->failed; i++) {
    gcw_follow_change c;
    ssize_t n = gcw_follow_read(f->file, buf, GCW_READ_CHUNK, &c);
    if (c == GCW_FOLLOW_ROTATED || c == GCW_FOLLOW_TRUNCATED)
      gcw_pipeline_end_line(f->p); /* the old file's last partial line ends there */
    notice(cfg, gcw_follow_path(f->file), c);
    if (n < 0) {
      gcw_warn("gctrace-watch: %s: %s\n", gcw_follow_path(f->file), strerror(errno));
      f->failed = 1;
      return -1;
    }
    if (n == 0)
      break;
    total += n;
    gcw_err e = gcw_pipeline_feed(f->p, buf, (size_t)n);
    if (e) {
      gcw_warn("gctrace-watch: %s: %s\n", gcw_follow_path(f->file), gcw_pipeline_errmsg(f->p));
      f->failed = 1;
      return -1;
    }
  }
  return total;
}

/* Follow until a signal; then read what is there and stop. */
static int follow_all(const gcw_config *cfg, followed *fs, int n, char *buf) {
  int status = GCW_EXIT_OK;
  for (int draining = 0;;) {
    long long got = 0;
    for (int i = 0; i < n; i++) {
      long long k = pump_file(cfg, &fs[i], buf, draining ? 1 << 20 : 64);
      if (k < 0)
        status = GCW_EXIT_IO;
      else
        got += k;
      if (!fs[i].failed && gcw_pipeline_tick(fs[i].p) != GCW_OK) {
        gcw_warn("gctrace-watch: %s\n", gcw_pipeline_errmsg(fs[i].p));
        fs[i].failed = 1;
        status = GCW_EXIT_IO;
      }
    }
    if (draining)
      return status;
    if (stop_signal)
      draining = 1; /* one more pass: what the files hold now is read and stored */
    else if (got == 0)
      poll(NULL, 0, GCW_COMMIT_MS); /* a signal ends the wait early */
  }
}

static int usage_error(const char *what) {
  gcw_warn("gctrace-watch: analyze --follow %s; try 'gctrace-watch --help'\n", what);
  return GCW_EXIT_USAGE;
}

int gcw_cmd_follow(const gcw_config *cfg) {
  for (int i = 0; i < cfg->nfiles; i++)
    if (strcmp(cfg->files[i], "-") == 0)
      return usage_error("reads files, not stdin ('-'): pipe into 'gctrace-watch' instead");
  if (cfg->plot_file || cfg->fail_on)
    return usage_error("does not take --plot or --fail-on: use 'report' on the runs it stored");
  gcw_recog *r = NULL;
  gcw_store *s = NULL;
  int status = gcw_cmd_open(cfg, &r, &s);
  if (status >= 0)
    return status;
  /* --metrics: one registry for every file followed; a bad address or a port in use is
  ** fatal here, since no program's output waits on us (docs/fleet.md, the DaemonSet) */
  gcw_metrics *m = NULL;
  gcw_metrics_http *h = NULL;
  status = gcw_cmd_metrics_start(cfg, 1, &m, &h);
  if (status >= 0) {
    gcw_recog_close(&r);
    return gcw_cmd_close(&s, status);
  }
  status = GCW_EXIT_OK;
  gcw_run_meta meta = {cfg->labels, cfg->nlabels, NULL, {NULL, NULL, NULL, NULL}};
  gcw_pipeline_opts o = {GCW_PASS_NONE, stdout, 1, cfg->quiet,
                         gcw_envelope_kind_parse(cfg->input_format),
                         {cfg->thresholds, cfg->nthresholds, cfg->pause_slo_ms, !cfg->quiet,
                          cfg->findings_json},
                         m, &meta};
  char *buf = malloc(GCW_READ_CHUNK);
  followed *fs = calloc((size_t)cfg->nfiles, sizeof *fs);
  gcw_pipeline **ps = calloc((size_t)cfg->nfiles, sizeof *ps);
  int n = 0;
  if (!buf || !fs || !ps) {
    gcw_warn("gctrace-watch: out of memory\n");
    status = GCW_EXIT_INTERNAL;
    goto out;
  }
  for (; n < cfg->nfiles; n++) {
    long long id;
    gcw_err e = gcw_follow_open(&fs[n].file, cfg->files[n]);
    if (!e)
      e = gcw_pipeline_new(&fs[n].p, r, s, o);
    if (!e)
      e = gcw_pipeline_source_begin(fs[n].p, cfg->files[n], "follow", &id);
    ps[n] = fs[n].p;
    if (e) {
      gcw_warn("gctrace-watch: %s%s\n",
              e == GCW_ENOMEM ? "out of memory" : gcw_pipeline_errmsg(fs[n].p),
              e == GCW_EUSAGE ? "; try 'gctrace-watch --help'" : "");
      status = e == GCW_EUSAGE ? GCW_EXIT_USAGE : e == GCW_ENOMEM ? GCW_EXIT_INTERNAL : GCW_EXIT_IO;
      n++;
      goto out;
    }
  }
  install_handlers();
  status = follow_all(cfg, fs, n, buf);
out:
  for (int i = 0; i < n; i++) {
    if (fs[i].p && gcw_pipeline_source_end(fs[i].p, NULL) != GCW_OK && !fs[i].failed) {
      gcw_warn("gctrace-watch: %s: %s\n", cfg->files[i], gcw_pipeline_errmsg(fs[i].p));
      status = GCW_EXIT_IO;
    }
  }
  if (status == GCW_EXIT_OK || status == GCW_EXIT_IO)
    gcw_cmd_live_summary(cfg, ps, n);
  for (int i = 0; i < n; i++) {
    gcw_pipeline_free(&fs[i].p);
    gcw_follow_close(&fs[i].file);
  }
  free(ps);
  free(fs);
  free(buf);
  gcw_cmd_metrics_stop(&m, &h);
  gcw_recog_close(&r);
  return gcw_cmd_close(&s, status);
}
