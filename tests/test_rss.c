/*
** test_rss.c: process samples (issue 15) on real processes.
**   - procsample.c on this test process: its RSS against /proc/self/status read here,
**     rising by what we touch and falling by what we unmap; t_s against our own age; a
**     zombie and a missing process; the cost of one read;
**   - tests/go/rss/main.go (built with `go build`), run under `gctrace-watch -- PROG`:
**       (a) grow the heap to 256 MiB, drop it, debug.FreeOSMemory(): samples rise and fall
**           with the heap, as the program's own /proc/self/status reads say; no
**           rss_not_released; the report explains the rest of RSS as the trace's;
**       (b) the same without FreeOSMemory, idling: RSS stays above the heap: the finding
**           (live on stderr and stored), the report's "retained" explanation, the JSON;
**       (c) in a cgroup v2 child with memory.max, when this machine can make one (skipped
**           with a one-line message where it cannot): rss_near_limit;
**   - watch mode with --pid: the same samples from a process we only know by its PID;
**   - the plot's $rss datablock holds every sample; the rss panel draws it;
**   - rss_near_limit's rule on constructed samples (this machine may have no cgroup v2
**     memory controller, so the rule is also checked directly; the samples are made up
**     and say so).
** Every run is bounded (a few seconds; RUN_LIMIT_S kills a hung one).
*/
#include "testutil.h"

#include "detect.h"
#include "plot.h"
#include "procsample.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>

enum { RUN_LIMIT_S = 40, BUILD_LIMIT_S = 300, HEAP_MB = 256 };

typedef struct fixture {
  char prog[512]; /* the built Go program */
} fixture;

static double now_s(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int wait_bounded(pid_t pid, int limit_s) {
  double end = now_s(CLOCK_MONOTONIC) + limit_s;
  int st;
  for (;;) {
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (now_s(CLOCK_MONOTONIC) > end) {
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
      fail_msg("process %d still running after %d s: killed", (int)pid, limit_s);
    }
    usleep(5 * 1000);
  }
}

static pid_t spawn(char *const argv[], char *const envp[], const char *out, const char *err) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&fa, 2, err ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid;
  int rc = tu_spawnp(&pid, argv[0], &fa, argv, envp ? envp : environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc)
    fail_msg("cannot start %s: %s", argv[0], strerror(rc));
  return pid;
}

/* VmRSS of /proc/PID/status in MB, read here (not by procsample.c). */
static double status_rss_mb(const char *pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%s/status", pid);
  FILE *f = fopen(path, "r");
  double kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %lf kB", &kb) == 1)
      break;
  if (f)
    fclose(f);
  return kb / 1024;
}

/* ---- the Go program --------------------------------------------------------------- */

static int build_prog(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx)
    return -1;
  *state = fx;
  char src[512], cache[600], gopath[600], home[600];
  tu_root(fx->prog, sizeof fx->prog, "build/go/rss");
  tu_root(src, sizeof src, "tests/go/rss/main.go");
  snprintf(cache, sizeof cache, "GOCACHE=%s/build/go/cache", env_or("GCW_ROOT", "."));
  snprintf(gopath, sizeof gopath, "GOPATH=%s/build/go/path", env_or("GCW_ROOT", "."));
  snprintf(home, sizeof home, "HOME=%s", env_or("HOME", "/tmp"));
  char *env[] = {cache, gopath, home, "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "CGO_ENABLED=0",
                 "GOTELEMETRY=off", "PATH=/usr/local/bin:/usr/bin:/bin:/usr/lib/go/bin", NULL};
  char *argv[] = {"go", "build", "-o", fx->prog, src, NULL};
  pid_t pid;
  int rc = tu_spawnp(&pid, "go", NULL, argv, env);
  if (rc) {
    fprintf(stderr, "test_rss: cannot run 'go' (%s): run 'make deps' (golang-go)\n", strerror(rc));
    return -1;
  }
  int st;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st)) {
    fprintf(stderr, "test_rss: 'go build -o %s %s' failed\n", fx->prog, src);
    return -1;
  }
  return 0;
}

static int free_fixture(void **state) {
  free(*state);
  return 0;
}

/* The program's own reports: "peak VmRSS_kB=N", "dropped ...", "end ...", in MB. */
typedef struct phases {
  double peak, dropped, end;
} phases;

static phases read_phases(const char *out) {
  phases ph = {-1, -1, -1};
  char *text = tu_slurp(out, NULL);
  assert_non_null(text);
  for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
    double kb;
    if (sscanf(l, "peak VmRSS_kB=%lf", &kb) == 1)
      ph.peak = kb / 1024;
    else if (sscanf(l, "dropped VmRSS_kB=%lf", &kb) == 1)
      ph.dropped = kb / 1024;
    else if (sscanf(l, "end VmRSS_kB=%lf", &kb) == 1)
      ph.end = kb / 1024;
  }
  free(text);
  assert_true(ph.peak > 0 && ph.dropped > 0 && ph.end > 0);
  return ph;
}

/* gctrace-watch [extra...] --db db --sample-interval 100ms -- rss [args...] */
static int run_under_watch(void **state, const char *db, const char *const *extra,
                           const char *const *args, const char *out, const char *err) {
  char *argv[32] = {(char *)tu_bin(), "--db", (char *)db, "--sample-interval", "100ms"};
  int k = 5;
  for (; extra && *extra; extra++)
    argv[k++] = (char *)*extra;
  argv[k++] = "--";
  argv[k++] = ((fixture *)*state)->prog;
  for (; args && *args; args++)
    argv[k++] = (char *)*args;
  argv[k] = NULL;
  return wait_bounded(spawn(argv, NULL, out, err), RUN_LIMIT_S);
}

static double q(const char *db, const char *sql) { return tu_db_real(db, sql); }

/* What (a), (b) and --pid share: the samples follow the heap, as /proc said. */
static void expect_samples_follow_heap(const char *db, const phases *ph) {
  assert_true(tu_db_int(db, "SELECT count(*) FROM process_samples") >= 10);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM process_samples WHERE rss_mb IS NULL "
                                 "OR vsz_mb IS NULL OR rss_anon_mb IS NULL OR wall IS NULL"), 0);
  assert_true(tu_db_int(db, "SELECT count(lazyfree_mb) FROM process_samples") >= 1);
  double max = q(db, "SELECT max(rss_mb) FROM process_samples");
  /* the peak: the program held 256 MiB, every page written, and read its own VmRSS then */
  assert_true(max >= HEAP_MB * 0.9);
  assert_true(max >= ph->peak * 0.9 && max <= ph->peak * 1.1 + 8);
  /* before the heap grew RSS was small: the first sample (the first gc line) */
  assert_true(q(db, "SELECT rss_mb FROM process_samples ORDER BY t_s LIMIT 1") < max / 2);
  /* rises with the heap: at the cycle that found the whole heap live, RSS held it. The
  ** program holds the heap 700 ms after that cycle; a sample's t_s may run ahead of @t by
  ** a clock tick and the runtime's start-up (docs/schema.md), so look 50 ms later. */
  double t_live = q(db, "SELECT min(t_s) FROM gc_cycles WHERE heap_live_mb >= 240");
  assert_true(t_live > 0);
  char sql[256];
  snprintf(sql, sizeof sql,
           "SELECT rss_mb FROM process_samples WHERE t_s >= %.6f ORDER BY t_s LIMIT 1",
           t_live + 0.05);
  assert_true(q(db, sql) >= 240);
  /* the @t axis: samples begin after the process started and run past its last cycle */
  assert_true(q(db, "SELECT min(t_s) FROM process_samples") > 0);
  assert_true(q(db, "SELECT max(t_s) FROM process_samples") >=
              q(db, "SELECT max(t_s) FROM gc_cycles"));
  /* at most GCW_SAMPLE_MIN_MS apart is never beaten */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM process_samples AS a JOIN "
                                 "process_samples AS b ON b.rowid = a.rowid + 1 "
                                 "WHERE b.t_s - a.t_s < 0.009"), 0);
}

/* ---- procsample.c on ourselves ------------------------------------------------------------ */

static void test_procsample_self(void **state) {
  (void)state;
  char pid[16], msg[200];
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  gcw_procsample *ps = NULL;
  assert_int_equal(gcw_procsample_open(&ps, getpid(), msg, sizeof msg), GCW_OK);
  gcw_proc_sample a, b, c;
  assert_int_equal(gcw_procsample_read(ps, &a), 0);
  double mine = status_rss_mb(pid);
  assert_true(a.rss_mb > 0 && fabs(a.rss_mb - mine) < 2);
  assert_true(a.vsz_mb >= a.rss_mb && a.rss_anon_mb >= 0 && a.rss_file_mb >= 0);
  assert_true(a.rss_anon_mb + a.rss_file_mb <= a.rss_mb + 0.01);
  /* t_s: our age. The test binary started before main(); it has not run for a minute. */
  assert_true(a.t_s > 0 && a.t_s < 60);
  assert_true(a.lazyfree_mb >= 0); /* the first read reads smaps_rollup (Linux 4.14+) */
  /* 64 MiB touched: RSS up by that much; unmapped: down again */
  size_t n = 64u << 20;
  char *m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(m != MAP_FAILED);
  for (size_t i = 0; i < n; i += 4096)
    m[i] = 1;
  assert_int_equal(gcw_procsample_read(ps, &b), 0);
  assert_true(b.rss_mb - a.rss_mb >= 63 && b.rss_mb - a.rss_mb < 70);
  assert_true(fabs(b.rss_mb - status_rss_mb(pid)) < 2);
  assert_true(b.t_s >= a.t_s);
  munmap(m, n);
  assert_int_equal(gcw_procsample_read(ps, &c), 0);
  assert_true(b.rss_mb - c.rss_mb >= 63);
  /* the cost of one sample (status, smaps_rollup, the cgroup files): measured, printed */
  /* smaps_rollup (LazyFree) is read at most 1% of the time: not at every rapid read */
  double t0 = now_s(CLOCK_MONOTONIC);
  int lazy = 0;
  for (int i = 0; i < 1000; i++) {
    assert_int_equal(gcw_procsample_read(ps, &c), 0);
    lazy += c.lazyfree_mb >= 0;
  }
  double us = (now_s(CLOCK_MONOTONIC) - t0) * 1e3;
  assert_true(lazy < 100);
  fprintf(stderr, "test_rss: one process sample of this process took %.1f us (mean of 1000); "
                  "cgroup '%s'\n", us, gcw_procsample_cgroup(ps));
  assert_true(us < 5000); /* a sample a second must not cost the watched machine */
  gcw_procsample_close(&ps);
  assert_null(ps);
}

static void test_procsample_gone(void **state) {
  (void)state;
  char msg[200];
  gcw_procsample *ps = NULL;
  /* a zombie: it has exited, its /proc entry remains without memory */
  pid_t z = fork();
  assert_true(z >= 0);
  if (z == 0)
    _exit(0);
  usleep(20 * 1000);
  gcw_err e = gcw_procsample_open(&ps, z, msg, sizeof msg);
  gcw_proc_sample s;
  if (e == GCW_OK) {
    assert_int_equal(gcw_procsample_read(ps, &s), -1);
    gcw_procsample_close(&ps);
  }
  /* reaped: no such process; a descriptor kept open no longer reads */
  pid_t live = fork();
  assert_true(live >= 0);
  if (live == 0) {
    pause();
    _exit(0);
  }
  assert_int_equal(gcw_procsample_open(&ps, live, msg, sizeof msg), GCW_OK);
  assert_int_equal(gcw_procsample_read(ps, &s), 0);
  kill(live, SIGKILL);
  waitpid(live, NULL, 0);
  waitpid(z, NULL, 0);
  assert_int_equal(gcw_procsample_read(ps, &s), -1);
  gcw_procsample_close(&ps);
  assert_int_equal(gcw_procsample_open(&ps, live, msg, sizeof msg), GCW_EREAD);
  assert_non_null(strstr(msg, "no such process"));
  assert_null(ps);
}

static void test_gomemlimit_values(void **state) {
  (void)state;
  assert_true(fabs(gcw_gomemlimit_mb("512MiB") - 512) < 1e-9);
  assert_true(fabs(gcw_gomemlimit_mb("2GiB") - 2048) < 1e-9);
  assert_true(fabs(gcw_gomemlimit_mb("1048576") - 1) < 1e-9);
  assert_true(fabs(gcw_gomemlimit_mb("1048576B") - 1) < 1e-9);
  assert_true(fabs(gcw_gomemlimit_mb("1024KiB") - 1) < 1e-9);
  assert_true(gcw_gomemlimit_mb("off") < 0);
  assert_true(gcw_gomemlimit_mb("") < 0);
  assert_true(gcw_gomemlimit_mb("12MB") < 0); /* the runtime rejects MB too */
  assert_true(gcw_gomemlimit_mb("-5") < 0);
}

/* ---- (a) FreeOSMemory ------------------------------------------------------------------- */

static void test_free_os_memory(void **state) {
  char db[512], out[512], err[512], rep[512];
  tu_tmp(db, sizeof db, "rss-a.db");
  tu_tmp(out, sizeof out, "rss-a.out");
  tu_tmp(err, sizeof err, "rss-a.err");
  tu_tmp(rep, sizeof rep, "rss-a.report");
  const char *extra[] = {"--threshold", "rss_not_released.delay_s=0.5", NULL};
  const char *args[] = {"-free", "-idle", "1s", NULL};
  assert_int_equal(run_under_watch(state, db, extra, args, out, err), 0);
  phases ph = read_phases(out);
  expect_samples_follow_heap(db, &ph);
  /* FreeOSMemory returned it at once: the program saw it, and so did the samples */
  assert_true(ph.dropped < ph.peak / 4);
  double last = q(db, "SELECT rss_mb FROM process_samples ORDER BY t_s DESC LIMIT 1");
  assert_true(last < ph.peak / 4);
  assert_true(fabs(last - ph.end) < 16);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings WHERE kind LIKE 'rss%'"), 0);
  /* export --table process_samples: a header, then a line per sample (CRLF, as CSV) */
  char *exp[] = {(char *)tu_bin(), "export", "--db", db, "--table", "process_samples", NULL};
  assert_int_equal(tu_run(exp, NULL, rep, NULL), 0);
  char *csv = tu_slurp(rep, NULL);
  assert_non_null(csv);
  assert_int_equal(strncmp(csv, "run_id,t_s,wall,rss_mb,vsz_mb,rss_anon_mb,rss_file_mb,swap_mb,"
                                "lazyfree_mb,cgroup_current_mb,cgroup_max_mb\r\n", 107), 0);
  long rows = 0;
  for (const char *c = csv; *c; c++)
    rows += *c == '\n';
  assert_int_equal(rows - 1, tu_db_int(db, "SELECT count(*) FROM process_samples"));
  free(csv);
  /* the report: RSS vs heap, explained as the trace's own */
  char *argv[] = {(char *)tu_bin(), "report", "--db", db, NULL};
  assert_int_equal(tu_run(argv, NULL, rep, NULL), 0);
  char *text = tu_slurp(rep, NULL);
  assert_non_null(text);
  assert_non_null(strstr(text, "\n  RSS        max "));
  assert_non_null(strstr(text, "\n  RSS - heap at max "));
  assert_non_null(strstr(text, "the trace accounts for RSS"));
  free(text);
  unlink(out);
  unlink(err);
  unlink(rep);
  tu_rm_db(db);
}

/* ---- (b) no FreeOSMemory: RSS stays up --------------------------------------------------- */

static void test_not_released(void **state) {
  char db[512], out[512], err[512], rep[512], got[1200];
  tu_tmp(db, sizeof db, "rss-b.db");
  tu_tmp(out, sizeof out, "rss-b.out");
  tu_tmp(err, sizeof err, "rss-b.err");
  tu_tmp(rep, sizeof rep, "rss-b.report");
  /* delay_s 0.5: the default (10 s) is longer than a bounded test; the rule is the same */
  const char *extra[] = {"--threshold", "rss_not_released.delay_s=0.5", NULL};
  const char *args[] = {"-idle", "1200ms", NULL};
  assert_int_equal(run_under_watch(state, db, extra, args, out, err), 0);
  phases ph = read_phases(out);
  expect_samples_follow_heap(db, &ph);
  /* the program itself saw RSS stay up after the drop */
  assert_true(ph.dropped > ph.peak * 0.7);
  /* the finding, with value, threshold and the scavenger's figures; live on stderr too */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings WHERE kind = 'rss_not_released' "
                                 "AND severity = 'warn' AND value >= 64 AND threshold = 64 "
                                 "AND unit = 'MB'"), 1);
  tu_db_text(db, "SELECT message || ' | ' || next_step FROM findings WHERE kind = "
                 "'rss_not_released'", got, sizeof got);
  assert_non_null(strstr(got, "after the live heap fell from"));
  assert_non_null(strstr(got, "the scavenger released"));
  assert_non_null(strstr(got, "retained, not yet scavenged"));
  char *live = tu_slurp(err, NULL);
  assert_non_null(live);
  assert_non_null(strstr(live, "gctrace-watch: warn rss_not_released (run 1"));
  free(live);
  /* the value is RSS minus the trace's heap at a sample, never above the highest RSS */
  assert_true(q(db, "SELECT value FROM findings WHERE kind = 'rss_not_released'") <=
              q(db, "SELECT max(rss_mb) FROM process_samples"));
  /* report --threshold judges the stored run again, process samples included: a gap
  ** threshold above any RSS leaves no rss_not_released, the one it was read with keeps it */
  char *strict[] = {(char *)tu_bin(), "report", "--db", db, "--threshold",
                    "rss_not_released.min_gap_mb=100000", NULL};
  assert_int_equal(tu_run(strict, NULL, rep, NULL), 0);
  char *text = tu_slurp(rep, NULL);
  assert_non_null(text);
  assert_null(strstr(text, "rss_not_released"));
  free(text);
  char *same[] = {(char *)tu_bin(), "report", "--db", db, "--threshold",
                  "rss_not_released.delay_s=0.5", NULL};
  assert_int_equal(tu_run(same, NULL, rep, NULL), 0);
  text = tu_slurp(rep, NULL);
  assert_non_null(text);
  assert_non_null(strstr(text, "WARN  rss_not_released"));
  free(text);
  /* JSON: the statistics and the explanation */
  char *argv[] = {(char *)tu_bin(), "report", "--db", db, "--format", "json", NULL};
  assert_int_equal(tu_run(argv, NULL, rep, NULL), 0);
  char *json = tu_slurp(rep, NULL);
  assert_non_null(json);
  assert_non_null(strstr(json, "\"rss_max_mb\": "));
  assert_non_null(strstr(json, "\"rss_explanation\": \""));
  assert_non_null(strstr(json, "\"kind\": \"rss_not_released\""));
  free(json);
  /* stats agree with the rows */
  assert_true(fabs(q(db, "SELECT value FROM stats WHERE name = 'rss_max_mb'") -
                   q(db, "SELECT max(rss_mb) FROM process_samples")) < 1e-6);
  assert_int_equal(tu_db_int(db, "SELECT value FROM stats WHERE name = 'rss_samples'"),
                   tu_db_int(db, "SELECT count(*) FROM process_samples"));
  unlink(out);
  unlink(err);
  unlink(rep);
  tu_rm_db(db);
}

/* ---- the plot -------------------------------------------------------------------------- */

static void test_plot_series(void **state) {
  char db[512], out[512], png[512];
  tu_tmp(db, sizeof db, "rss-p.db");
  tu_tmp(out, sizeof out, "rss-p.out");
  tu_tmp(png, sizeof png, "rss-p.png");
  const char *args[] = {"-mb", "128", "-idle", "300ms", NULL};
  assert_int_equal(run_under_watch(state, db, NULL, args, out, NULL), 0);
  long long samples = tu_db_int(db, "SELECT count(*) FROM process_samples");
  assert_true(samples >= 5);
  gcw_db *h = tu_db_open_ro(db);
  const char *kinds[] = {"heap", "rss", "all"};
  for (int k = 0; k < 3; k++) {
    char *text = NULL, err[512];
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    gcw_plot_req rq = {1, kinds[k], png, NULL, 0};
    gcw_plot_stats st;
    memset(&st, 0, sizeof st);
    assert_int_equal(gcw_plot_script(h, &rq, f, &st, err, sizeof err), 0);
    fclose(f);
    /* every sample is a line of $rss, and the panel draws it */
    assert_int_equal(st.rows[GCW_PLOT_RSS], samples);
    assert_int_equal(st.points[GCW_PLOT_RSS], samples);
    char *a = strstr(text, "$rss << EOD\n"), *z = a ? strstr(a, "\nEOD\n") : NULL;
    assert_non_null(z);
    long lines = 0;
    for (char *c = a; c < z; c++)
      lines += *c == '\n';
    assert_int_equal(lines, samples);
    assert_non_null(strstr(text, k == 1 ? "title 'anonymous (RssAnon)'" : "title 'RSS (kernel)'"));
    free(text);
  }
  gcw_db_close(&h);
  /* and gnuplot draws it */
  char *argv[] = {(char *)tu_bin(), "plot", "--db", db, "--kind", "rss", "-o", png, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  struct stat sb;
  assert_int_equal(stat(png, &sb), 0);
  assert_true(sb.st_size > 1000);
  unlink(png);
  unlink(out);
  tu_rm_db(db);
}

/* ---- watch --pid ----------------------------------------------------------------------- */

static void test_watch_pid(void **state) {
  char db[512], out[512], wout[512], pidarg[16];
  tu_tmp(db, sizeof db, "rss-w.db");
  tu_tmp(out, sizeof out, "rss-w.out");
  tu_tmp(wout, sizeof wout, "rss-w.watch");
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  /* the program, its stderr on a pipe; it waits before growing while gctrace-watch starts */
  char godebug[] = "GODEBUG=gctrace=1";
  char *penv[] = {godebug, NULL};
  char *prog[] = {((fixture *)*state)->prog, "-free", "-idle", "500ms", "-wait", "300ms", NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  pid_t writer;
  assert_int_equal(tu_spawnp(&writer, prog[0], &fa, prog, penv), 0);
  posix_spawn_file_actions_destroy(&fa);
  snprintf(pidarg, sizeof pidarg, "%d", (int)writer);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
  posix_spawn_file_actions_addopen(&fa, 1, wout, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  char *watch[] = {(char *)tu_bin(), "--quiet", "--db", db, "--pid", pidarg,
                   "--sample-interval", "100ms", NULL};
  pid_t reader;
  assert_int_equal(tu_spawnp(&reader, watch[0], &fa, watch, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[0]);
  close(fds[1]);
  assert_int_equal(wait_bounded(writer, RUN_LIMIT_S), 0);
  assert_int_equal(wait_bounded(reader, RUN_LIMIT_S), 0);
  phases ph = read_phases(out);
  expect_samples_follow_heap(db, &ph);
  assert_true(q(db, "SELECT rss_mb FROM process_samples ORDER BY t_s DESC LIMIT 1") <
              ph.peak / 4);
  /* a PID that is not there: a one-line usage error, nothing read */
  char *bad[] = {(char *)tu_bin(), "--db", db, "--pid", pidarg, NULL};
  assert_int_equal(tu_run(bad, NULL, NULL, out), 2);
  char *msg = tu_slurp(out, NULL);
  assert_non_null(msg);
  assert_non_null(strstr(msg, "gctrace-watch: --pid: process "));
  assert_non_null(strstr(msg, "no such process\n"));
  free(msg);
  unlink(out);
  unlink(wout);
  tu_rm_db(db);
}

/* A --pid process that ends while the input goes on: sampling stops with one notice, and
** the input is still read and stored. The input is the real corpus 01 log; the process is
** a child of ours that only waits. */
static void test_pid_ends_one_notice(void **state) {
  (void)state;
  char db[512], err[512], log[512], pidarg[16];
  tu_tmp(db, sizeof db, "rss-n.db");
  tu_tmp(err, sizeof err, "rss-n.err");
  tu_corpus(log, sizeof log, "01_steady_state_web/gctrace.log");
  pid_t target = fork();
  assert_true(target >= 0);
  if (target == 0) {
    pause();
    _exit(0);
  }
  snprintf(pidarg, sizeof pidarg, "%d", (int)target);
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  char *watch[] = {(char *)tu_bin(), "--db", db, "--pid", pidarg, "--sample-interval", "50ms",
                   NULL};
  pid_t reader;
  assert_int_equal(tu_spawnp(&reader, watch[0], &fa, watch, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[0]);
  size_t n = 0;
  char *text = tu_slurp(log, &n);
  assert_non_null(text);
  size_t half = strchr(text + n / 2, '\n') - text + 1;
  long gc_lines = strncmp(text, "gc ", 3) == 0;
  for (const char *c = strstr(text, "\ngc "); c; c = strstr(c + 1, "\ngc "))
    gc_lines++;
  assert_true(write(fds[1], text, half) == (ssize_t)half);
  usleep(300 * 1000); /* samples are taken (and stored or not: the log is not this process's) */
  kill(target, SIGKILL);
  waitpid(target, NULL, 0);
  usleep(300 * 1000); /* the next samples find it gone */
  assert_true(write(fds[1], text + half, n - half) == (ssize_t)(n - half));
  close(fds[1]);
  assert_int_equal(wait_bounded(reader, RUN_LIMIT_S), 0);
  char *msg = tu_slurp(err, NULL), want[128];
  assert_non_null(msg);
  snprintf(want, sizeof want, "gctrace-watch: process %d has ended or /proc cannot be read: "
           "memory sampling stopped\n", (int)target);
  char *at = strstr(msg, want);
  assert_non_null(at);
  assert_null(strstr(at + strlen(want), "memory sampling stopped"));
  free(msg);
  /* every gc line of the log was still stored */
  assert_true(gc_lines > 10);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), gc_lines);
  free(text);
  unlink(err);
  tu_rm_db(db);
}

/* ---- (c) a cgroup with memory.max -------------------------------------------------------- */

/* The cgroup2 mount point from /proc/self/mountinfo (read here, not by procsample.c). */
static int cgroup2_mount(char *mnt, size_t n) {
  FILE *f = fopen("/proc/self/mountinfo", "r");
  char line[2048], m[1024];
  int found = 0;
  while (f && !found && fgets(line, sizeof line, f))
    if (strstr(line, " - cgroup2 ") && sscanf(line, "%*s %*s %*s %*s %1023s", m) == 1) {
      snprintf(mnt, n, "%s", m);
      found = 1;
    }
  if (f)
    fclose(f);
  return found;
}

static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY);
  if (fd < 0)
    return -1;
  ssize_t w = write(fd, text, strlen(text));
  close(fd);
  return w == (ssize_t)strlen(text) ? 0 : -1;
}

static void test_cgroup_limit(void **state) {
  char mnt[1024], dir[1200], file[1300], db[512], out[512];
  if (!cgroup2_mount(mnt, sizeof mnt)) {
    fprintf(stderr, "test_rss: skipped the memory.max test: no cgroup2 mount\n");
    return;
  }
  snprintf(dir, sizeof dir, "%s/gcw-test-%d", mnt, (int)getpid());
  if (mkdir(dir, 0755) != 0) {
    fprintf(stderr, "test_rss: skipped the memory.max test: cannot create %s (%s)\n", dir,
            strerror(errno));
    return;
  }
  snprintf(file, sizeof file, "%s/memory.max", dir);
  if (access(file, W_OK) != 0 || write_file(file, "240M") != 0) {
    fprintf(stderr, "test_rss: skipped the memory.max test: %s has no memory controller "
                    "(memory.max: %s)\n", mnt, strerror(errno));
    rmdir(dir);
    return;
  }
  tu_tmp(db, sizeof db, "rss-c.db");
  tu_tmp(out, sizeof out, "rss-c.out");
  snprintf(file, sizeof file, "%s/cgroup.procs", dir);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) { /* into the cgroup, then gctrace-watch -- rss: PROG starts inside it */
    char me[16];
    snprintf(me, sizeof me, "%d", (int)getpid());
    if (write_file(file, me) != 0)
      _exit(99);
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    execl(tu_bin(), tu_bin(), "--quiet", "--db", db, "--sample-interval", "100ms", "--",
          ((fixture *)*state)->prog, "-mb", "200", "-idle", "300ms", (char *)NULL);
    _exit(98);
  }
  int st = wait_bounded(pid, RUN_LIMIT_S);
  rmdir(dir);
  assert_int_equal(st, 0);
  assert_true(fabs(q(db, "SELECT max(cgroup_max_mb) FROM process_samples") - 240) < 1e-6);
  assert_true(q(db, "SELECT max(cgroup_current_mb) FROM process_samples") >= 180);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings WHERE kind = 'rss_near_limit' "
                                 "AND value >= 90 AND threshold = 90"), 1);
  unlink(out);
  tu_rm_db(db);
}

/* ---- rss_near_limit's rule on constructed samples ------------------------------------------- */

typedef struct seen {
  int opened, updated, closed;
  gcw_finding last;
} seen;

static long long on_open(void *ctx, long long run, const gcw_finding *f) {
  (void)run;
  seen *s = ctx;
  s->opened++;
  s->last = *f;
  return s->opened;
}

static void on_update(void *ctx, long long run, long long h, const gcw_finding *f,
                      gcw_finding_change change) {
  (void)run;
  (void)h;
  (void)change;
  seen *s = ctx;
  s->updated++;
  s->closed += f->end_gc >= 0 || f->end_t_s >= 0;
  s->last = *f;
}

/* Made-up samples (not from a process): a 500 MB container limit. */
static gcw_proc_sample made_up(double t, double rss, double current, double gomemlimit) {
  gcw_proc_sample s;
  memset(&s, 0, sizeof s);
  s.t_s = t;
  snprintf(s.wall, sizeof s.wall, "2026-01-01T00:00:%02dZ", (int)t);
  s.rss_mb = rss;
  s.vsz_mb = 2000;
  s.rss_anon_mb = rss;
  s.rss_file_mb = 0;
  s.swap_mb = 0;
  s.lazyfree_mb = 0;
  s.cgroup_current_mb = current;
  s.cgroup_max_mb = 500;
  s.gomemlimit_mb = gomemlimit;
  return s;
}

static void test_near_limit_rule(void **state) {
  (void)state;
  seen s;
  memset(&s, 0, sizeof s);
  gcw_detect *d = NULL;
  char msg[200];
  gcw_detect_sink sink = {&s, on_open, on_update, NULL};
  assert_int_equal(gcw_detect_new(&d, sink, NULL, 0, 0, msg, sizeof msg), GCW_OK);
  gcw_proc_sample a = made_up(1, 300, 310, -1); /* 62%: fine */
  gcw_detect_sample(d, 1, &a);
  assert_int_equal(s.opened, 0);
  gcw_proc_sample b = made_up(2, 440, 460, -1); /* 92% of memory.max, GOMEMLIMIT unset */
  gcw_detect_sample(d, 1, &b);
  assert_int_equal(s.opened, 1);
  assert_string_equal(s.last.kind, "rss_near_limit");
  assert_true(fabs(s.last.value - 92) < 1e-9 && fabs(s.last.threshold - 90) < 1e-9);
  assert_non_null(strstr(s.last.message, "GOMEMLIMIT is not set"));
  assert_non_null(strstr(s.last.next_step, "GOMEMLIMIT=450MiB"));
  gcw_proc_sample c = made_up(3, 300, 320, -1); /* back down: the episode ends */
  gcw_detect_sample(d, 1, &c);
  assert_true(s.closed >= 1);
  /* GOMEMLIMIT at 80% of the limit guards it: no finding */
  gcw_proc_sample e = made_up(4, 470, 480, 400);
  gcw_detect_sample(d, 1, &e);
  assert_int_equal(s.opened, 1);
  /* GOMEMLIMIT above the limit does not */
  gcw_proc_sample f = made_up(5, 470, 480, 1024);
  gcw_detect_sample(d, 1, &f);
  assert_int_equal(s.opened, 2);
  assert_non_null(strstr(s.last.message, "GOMEMLIMIT (1024 MB) is above"));
  gcw_detect_free(&d);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_procsample_self), cmocka_unit_test(test_procsample_gone),
      cmocka_unit_test(test_gomemlimit_values), cmocka_unit_test(test_free_os_memory),
      cmocka_unit_test(test_not_released),    cmocka_unit_test(test_plot_series),
      cmocka_unit_test(test_watch_pid),       cmocka_unit_test(test_pid_ends_one_notice),
      cmocka_unit_test(test_cgroup_limit),
      cmocka_unit_test(test_near_limit_rule),
  };
  return cmocka_run_group_tests(tests, build_prog, free_fixture);
}
