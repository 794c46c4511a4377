/* cmd_watch.c: `gctrace-watch [opts]`: stdin to stdout unchanged, trace lines stored. */
#include "cmd.h"

#include "envelope.h"
#include "limits.h"
#include "metrics.h"
#include "metrics_http.h"
#include "live.h"
#include "pipeline.h"
#include "pump.h"
#include "recog.h"
#include "safetext.h"
#include "store.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Signals like `tee -i`: SIGINT, SIGTERM and SIGHUP do not stop the reading. The app
** upstream gets them too (the terminal signals its whole process group, a supervisor its
** unit), and what it prints while it shuts down is exactly what must still pass through;
** we stop at the end of our input, after the app has closed it. A second SIGINT ends at
** once (someone at the terminal means it). A signal that was ignored when we started
** (nohup, `trap '' HUP`) stays ignored.
** The one file-scope mutable variable: how many SIGINTs arrived (set by the handler). */
static volatile sig_atomic_t interrupts, first_signal;

static void on_signal(int sig) {
  if (!first_signal)
    first_signal = sig;
  if (sig == SIGINT && interrupts < 2)
    interrupts = interrupts + 1;
}

static void install_handlers(void) {
  static const int kept_reading[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: the wait is cut short, then resumed */
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof kept_reading / sizeof kept_reading[0]; i++)
    if (sigaction(kept_reading[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
      sigaction(kept_reading[i], &sa, NULL);
}

/* The pump's question between reads: stop now? Only at the second SIGINT. The first
** signal is acknowledged once (unless --quiet), so nobody wonders why we are still here. */
static int stop_requested(void *ctx) {
  int *told = ctx;
  if (told && first_signal && !*told) {
    *told = 1;
    gcw_warn("gctrace-watch: %s: still passing the input through until it ends "
             "(a second interrupt stops at once)\n", strsignal(first_signal));
  }
  return interrupts >= 2;
}

int gcw_cmd_watch(const gcw_config *cfg) {
  gcw_recog *r = NULL;
  gcw_store *s = NULL;
  gcw_pipeline *p = NULL;
  gcw_metrics *m = NULL;
  gcw_metrics_http *h = NULL;
  long long id;
  int told = cfg->quiet; /* the first signal was acknowledged on stderr */
  int status = gcw_cmd_open_live(cfg, &r, &s);
  if (status >= 0)
    return status;
  status = gcw_cmd_metrics_start(cfg, 0, &m, &h);
  if (status >= 0) {
    gcw_recog_close(&r);
    return gcw_cmd_close(&s, status);
  }
  status = GCW_EXIT_OK;
  char *buf = malloc(GCW_READ_CHUNK);
  gcw_run_meta meta = {cfg->labels, cfg->nlabels, NULL, {NULL, NULL, NULL, NULL}};
  gcw_pipeline_opts o = {cfg->strip ? GCW_PASS_STRIP : GCW_PASS_RAW, stdout, 1, cfg->quiet,
                         gcw_envelope_kind_parse(cfg->input_format),
                         {cfg->thresholds, cfg->nthresholds, cfg->pause_slo_ms, !cfg->quiet,
                          cfg->findings_json},
                         m, &meta};
  gcw_err pe = buf ? gcw_pipeline_new(&p, r, s, o) : GCW_ENOMEM;
  if (pe) {
    gcw_warn("gctrace-watch: %s%s\n", pe == GCW_EUSAGE ? gcw_pipeline_errmsg(p) : "out of memory",
            pe == GCW_EUSAGE ? "; try 'gctrace-watch --help'" : "");
    status = pe == GCW_EUSAGE ? GCW_EXIT_USAGE : GCW_EXIT_INTERNAL;
    goto out;
  }
  /* issue 15: --pid names the process whose stderr this is: sample its memory */
  if (cfg->pid > 0 && gcw_pipeline_sample_pid(p, (pid_t)cfg->pid, cfg->sample_interval_s, 1)) {
    gcw_warn("gctrace-watch: --pid: %s\n", gcw_pipeline_errmsg(p));
    status = GCW_EXIT_USAGE;
    goto out;
  }
  install_handlers();
  /* Run by hand with nothing piped in, we would wait in silence for typed input. */
  if (isatty(STDIN_FILENO))
    gcw_warn("gctrace-watch: reading a program's output from the terminal; pipe it in "
                    "(GODEBUG=gctrace=1 ./app 2>&1 | gctrace-watch) or run 'gctrace-watch -- "
                    "./app'; Ctrl-D ends, 'gctrace-watch help' says more\n");
  gcw_err e = gcw_pipeline_source_begin(p, "-", "stdin", &id);
  if (!e)
    e = gcw_pump_fd(p, 0, buf, stop_requested, &told);
  if (stop_requested(NULL)) {
    gcw_warn("gctrace-watch: second interrupt: stopped reading before the end of "
             "the input\n");
    status = 128 + SIGINT;
  }
  if (e == GCW_EREAD) {
    gcw_warn("gctrace-watch: stdin: %s\n", strerror(errno));
    status = GCW_EXIT_IO;
  }
  /* A closed stdout ends the program quietly; what was read is still stored. */
  gcw_err end = gcw_pipeline_source_end(p, NULL);
  if (!e)
    e = end;
  if (e && e != GCW_EPIPE && e != GCW_EREAD) {
    gcw_warn("gctrace-watch: %s\n", gcw_pipeline_errmsg(p));
    status = GCW_EXIT_IO;
  }
  if (e != GCW_EPIPE) /* `| head` ends us quietly: no summary either */
    gcw_cmd_live_summary(cfg, &p, 1);
out:
  gcw_cmd_metrics_stop(&m, &h);
  gcw_pipeline_free(&p);
  free(buf);
  gcw_recog_close(&r);
  return gcw_cmd_close(&s, status);
}
