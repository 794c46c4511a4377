/*
** cmd_child.c: `gctrace-watch [opts] -- PROG ARGS...`: run PROG with the runtime's traces on,
** relay its stderr to ours byte for byte as it arrives (or --strip), store the trace lines.
**
** PROG gets our environment with GODEBUG = the user's list + gctrace=1 + scavtrace=1 (a
** key the user already set keeps the user's value), our stdin and stdout, and a pipe as
** stderr. We read the pipe until its end, then wait for PROG.
** Exit status: PROG's, 128+N if signal N ended it, 127 if PROG was not found, 126 if it
** could not be executed (what shells do). The store fails open (store.h): a database that
** cannot be opened or written is reported on stderr, PROG runs all the same and its status
** is ours; rows wait in memory until the database takes them, or are counted as lost.
** Signals: SIGINT, SIGTERM and SIGHUP sent to us by kill() are forwarded to PROG; we go on
** reading until PROG's stderr ends. The terminal's ^C and hangup are not forwarded: the
** terminal sends them to the whole foreground process group, PROG included, and a second
** copy would make many servers cut their graceful shutdown short. A signal that was
** ignored when we started (nohup, `&` in a script) stays ignored, for PROG too.
** A process PROG started that keeps its stderr open after PROG exited (a daemonized
** grandchild) delays our exit by at most GRANDCHILD_GRACE_MS (3 s): then we stop reading.
*/
#include "cmd.h"

#include "envelope.h"
#include "limits.h"
#include "metrics.h"
#include "metrics_http.h"
#include "pipeline.h"
#include "pump.h"
#include "recog.h"
#include "process.h"
#include "safetext.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The one file-scope mutable variable: bit N is set when signal N is to be forwarded. */
static volatile sig_atomic_t pending;

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP};
enum { NFORWARDED = sizeof forwarded / sizeof forwarded[0] };

/* Waiting for PROG after its stderr ended: how often pending signals are looked at. */
enum { WAIT_POLL_MS = 20 };
/* After PROG has exited, how long a process it left behind (a daemonized grandchild)
** holding its stderr open may keep us reading: then we stop and exit with PROG's status. */
enum { GRANDCHILD_GRACE_MS = 3000 };

typedef struct child {
  const gcw_config *cfg;
  gcw_pipeline *p;
  char *buf;     /* GCW_READ_CHUNK bytes */
  pid_t pid;
  int fd;        /* our end of PROG's stderr; -1 once closed */
  int db_failed; /* reported; from then on PROG's stderr passes through unstored */
  int exited;    /* PROG has been reaped while its stderr was still open */
  int status;    /* PROG's status as a shell gives it, once exited */
  double exited_ms; /* when we saw it exit (CLOCK_MONOTONIC) */
} child;

/* ---- signals ------------------------------------------------------------------- */

static void on_signal(int sig, siginfo_t *info, void *uctx) {
  (void)uctx;
  /* si_code <= 0: sent by kill(), sigqueue() or tkill(). SI_KERNEL: the terminal's. */
  if (info->si_code <= 0)
    pending = pending | (1 << sig);
}

static void forwarded_set(sigset_t *set) {
  sigemptyset(set);
  for (int i = 0; i < NFORWARDED; i++)
    sigaddset(set, forwarded[i]);
}

static void install_handlers(void) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: a signal cuts the wait short */
  forwarded_set(&sa.sa_mask);
  for (int i = 0; i < NFORWARDED; i++)
    if (sigaction(forwarded[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
      sigaction(forwarded[i], &sa, NULL);
}

/* Send PROG the signals that arrived since the last call. */
static void forward_pending(pid_t pid) {
  sigset_t set, old;
  forwarded_set(&set);
  sigprocmask(SIG_BLOCK, &set, &old);
  int bits = pending;
  pending = 0;
  sigprocmask(SIG_SETMASK, &old, NULL);
  for (int i = 0; i < NFORWARDED; i++)
    if (bits & (1 << forwarded[i]))
      kill(pid, forwarded[i]);
}

static double mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Between reads: forward signals; notice PROG's exit. We stop when PROG's stderr ends, or
** GRANDCHILD_GRACE_MS after PROG exited when something it started still holds the pipe. */
static int forward_wake(void *ctx) {
  child *c = ctx;
  int st;
  if (c->exited)
    return mono_ms() - c->exited_ms >= GRANDCHILD_GRACE_MS;
  forward_pending(c->pid);
  if (waitpid(c->pid, &st, WNOHANG) == c->pid) {
    c->exited = 1;
    c->status = gcw_proc_status(st);
    c->exited_ms = mono_ms();
  }
  return 0;
}

/* ---- environment and start ------------------------------------------------------- */

/* 1 if the comma-separated GODEBUG list sets key (n bytes, its '=' included). */
static int godebug_sets(const char *list, const char *key, size_t n) {
  for (const char *f = list;; f++) {
    if (strncmp(f, key, n) == 0)
      return 1;
    if (!(f = strchr(f, ',')))
      return 0;
  }
}

/* "GODEBUG=" + the user's list + each of ours whose key the user did not set. */
static char *godebug_entry(const char *user) {
  static const char *const ours[] = {"gctrace=1", "scavtrace=1"};
  char *v = malloc(sizeof "GODEBUG=" + strlen(user) + sizeof ",gctrace=1,scavtrace=1");
  if (!v)
    return NULL;
  int comma = *user && user[strlen(user) - 1] != ',';
  char *w = stpcpy(stpcpy(v, "GODEBUG="), user);
  for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
    if (godebug_sets(user, ours[i], strcspn(ours[i], "=") + 1))
      continue;
    if (comma)
      *w++ = ',';
    w = stpcpy(w, ours[i]);
    comma = 1;
  }
  return v;
}

/* PROG's environment: ours with GODEBUG replaced by entry; the strings are borrowed. */
static char **child_environ(char *entry) {
  size_t n = 0;
  while (environ && environ[n])
    n++;
  char **env = malloc((n + 2) * sizeof *env);
  if (!env)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (strncmp(environ[i], "GODEBUG=", 8) != 0)
      env[k++] = environ[i];
  env[k++] = entry;
  env[k] = NULL;
  return env;
}

/* Start PROG; on failure report it and return the status to exit with, else -1. */
static int start(child *c) {
  char *const *argv = c->cfg->child_argv;
  const char *user = getenv("GODEBUG");
  char *entry = godebug_entry(user ? user : "");
  char **env = entry ? child_environ(entry) : NULL;
  /* process.h: PROG's stderr on a pipe, SIGPIPE back to default for it (main() ignores it
  ** for us), stdin and stdout ours */
  gcw_proc proc = {.text = NULL, .cap = 0};
  int rc = env ? gcw_spawn(&proc, &(gcw_spawn_opts){argv, env, 0, -1}) : ENOMEM;
  free(env);
  free(entry);
  if (rc == 0) {
    c->pid = proc.pid;
    c->fd = proc.err;
    return -1;
  }
  gcw_warn("gctrace-watch: %s: %s\n", argv[0], strerror(rc));
  return rc == ENOMEM ? GCW_EXIT_INTERNAL : rc == ENOENT ? 127 : 126;
}

/* ---- relaying ---------------------------------------------------------------------- */

static void report_db(child *c) {
  if (c->db_failed)
    return;
  c->db_failed = 1;
  gcw_warn("gctrace-watch: %s: %s; still passing %s's stderr through, storing no more\n",
          c->cfg->db, gcw_pipeline_errmsg(c->p), c->cfg->child_argv[0]);
}

static void close_pipe(child *c) {
  if (c->fd >= 0)
    close(c->fd);
  c->fd = -1;
}

static int write_all(int fd, const char *b, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, b, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    b += w;
    n -= (size_t)w;
  }
  return 0;
}

/* After a database failure: PROG's stderr straight to ours until it ends. */
static void copy_rest(child *c) {
  for (;;) {
    if (forward_wake(c))
      return;
    ssize_t n;
    if (gcw_pump_read(c->fd, c->buf, &n) || n == 0)
      return;
    if (n > 0 && write_all(2, c->buf, (size_t)n) != 0)
      return;
  }
}

/* Read PROG's stderr until it ends. When our stderr is gone, our end of the pipe is closed
** so PROG sees the broken pipe it would have seen without us. */
static void relay(child *c) {
  gcw_err e = GCW_EDB;
  if (!c->db_failed)
    e = gcw_pump_fd(c->p, c->fd, c->buf, forward_wake, c);
  if (e == GCW_EREAD)
    gcw_warn("gctrace-watch: %s's stderr: %s\n", c->cfg->child_argv[0], strerror(errno));
  else if (e != GCW_OK && e != GCW_EPIPE && e != GCW_EWRITE) {
    report_db(c);
    gcw_pipeline_tick(c->p); /* publishes the failure to --metrics; the error is known */
    copy_rest(c);
  }
  close_pipe(c);
}

/* Wait for PROG, forwarding signals meanwhile; its status the way a shell gives it. */
static int wait_child(const child *c) {
  int st;
  pid_t pid = c->pid;
  if (c->exited)
    return c->status;
  for (;;) {
    forward_pending(pid);
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid)
      return gcw_proc_status(st);
    if (w < 0 && errno != EINTR)
      return GCW_EXIT_INTERNAL;
    poll(NULL, 0, WAIT_POLL_MS); /* a signal ends it early */
  }
}

/* PROG started: relay its stderr into a source of its own, then wait for it. */
static int run(child *c) {
  long long id;
  const char *prog = c->cfg->child_argv[0];
  if (gcw_pipeline_source_begin(c->p, prog, "child", &id))
    report_db(c);
  relay(c);
  gcw_err e = gcw_pipeline_source_end(c->p, NULL);
  if (e && e != GCW_EPIPE && e != GCW_EWRITE && e != GCW_EREAD)
    report_db(c);
  return wait_child(c);
}

/* PROG's stderr is its own plain text: "auto" would only risk taking an app's leading
** timestamp for an envelope. A format the user names is used as given. */
static int envelope_of(const gcw_config *cfg) {
  if (strcmp(cfg->input_format, "auto") == 0)
    return GCW_ENV_PLAIN;
  return gcw_envelope_kind_parse(cfg->input_format);
}

/* Pass-through to our stderr as it arrives, arrival times, findings live unless --quiet. */
static gcw_pipeline_opts pipeline_opts(const gcw_config *cfg, gcw_metrics *m,
                                       const gcw_run_meta *meta) {
  gcw_pipeline_opts o = {.pass = cfg->strip ? GCW_PASS_STRIP : GCW_PASS_RAW,
                         .out = stderr,
                         .stamp_arrival = 1,
                         .quiet = cfg->quiet,
                         .envelope = envelope_of(cfg),
                         .detect = {cfg->thresholds, cfg->nthresholds, cfg->pause_slo_ms,
                                    !cfg->quiet, cfg->findings_json},
                         .metrics = m,
                         .meta = meta};
  return o;
}

int gcw_cmd_child(const gcw_config *cfg) {
  child c = {cfg, NULL, NULL, -1, -1, 0, 0, 0, 0};
  gcw_recog *r = NULL;
  gcw_store *s = NULL;
  gcw_metrics *m = NULL;
  gcw_metrics_http *h = NULL;
  char *godebug = NULL; /* GODEBUG=... as PROG gets it (run_program) */
  int status = gcw_cmd_open_live(cfg, &r, &s);
  if (status >= 0)
    return status;
  /* before PROG starts: a bad --label stops here; an endpoint that cannot listen does not */
  status = gcw_cmd_metrics_start(cfg, 0, &m, &h);
  if (status >= 0)
    goto out;
  c.buf = malloc(GCW_READ_CHUNK);
  /* what PROG runs with, recorded with its runs: GODEBUG as start() extends it */
  const char *user = getenv("GODEBUG");
  godebug = godebug_entry(user ? user : "");
  gcw_run_meta meta = {cfg->labels, cfg->nlabels, cfg->child_argv,
                       {getenv("GOGC"), getenv("GOMEMLIMIT"), getenv("GOMAXPROCS"),
                        godebug ? godebug + sizeof "GODEBUG=" - 1 : NULL}};
  gcw_err pe = c.buf ? gcw_pipeline_new(&c.p, r, s, pipeline_opts(cfg, m, &meta)) : GCW_ENOMEM;
  if (pe == GCW_EUSAGE) { /* a bad --threshold: PROG is not started */
    gcw_warn("gctrace-watch: %s; try 'gctrace-watch --help'\n", gcw_pipeline_errmsg(c.p));
    status = GCW_EXIT_USAGE;
    goto out;
  }
  if (pe) {
    gcw_warn("gctrace-watch: out of memory\n");
    status = GCW_EXIT_INTERNAL;
    goto out;
  }
  install_handlers();
  status = start(&c);
  if (status < 0) {
    /* issue 15: PROG's memory beside its trace; a process that cannot be read (it may
    ** have exited at once) is simply not sampled */
    gcw_pipeline_sample_pid(c.p, c.pid, cfg->sample_interval_s, 0);
    status = run(&c);
    gcw_cmd_live_summary(cfg, &c.p, 1);
  }
out:
  gcw_cmd_metrics_stop(&m, &h);
  gcw_pipeline_free(&c.p);
  free(godebug);
  free(c.buf);
  gcw_recog_close(&r);
  /* PROG's status wins; a failure to close the store is still reported (once). */
  gcw_cmd_close(&s, c.db_failed ? GCW_EXIT_IO : GCW_EXIT_OK);
  return status;
}
