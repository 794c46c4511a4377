/*
** test_plot.c: `plot` and the plot module on stores built by the binary from real corpus
** logs: a leak (02), delayed release (05c), memory-limit thrash (04b), the 300,000-cycle
** log (08) and a Go 1.13 log with scvg lines (12a).
**   - every kind is drawn for each of them by gcw_plot_exec (in this process, so the
**     sanitizers see plot.c) and must give a real PNG of the asked size, gnuplot exiting 0
**     with nothing on its stderr;
**   - the script handed to gnuplot is read back: each datablock holds exactly as many
**     lines as the database has rows (cycles, scavenger lines of each family, findings),
**     or, for 08, as many as there are non-empty time buckets, counted here in SQL; the
**     statistics (p99) are still those of every cycle;
**   - the binary: SVG and PDF output, the dumb terminal on stdout, usage and I/O errors,
**     no half-written file left behind, and a missing gnuplot (empty PATH): one clear
**     line and exit status 3;
**   - wall-time axes, findings on the time axis, and a source path that holds quotes, a
**     backslash and a newline (it goes into the title).
*/
#include "testutil.h"

#include "cmd.h"
#include "plot.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>

/* ---------------------------------------------------------------- the stores */

enum { LEAK, RELEASE, THRASH, BIG, GO113, NLOGS };

static const char *const logs[NLOGS] = {
    [LEAK] = "02_slow_leak/gctrace.log",
    [RELEASE] = "05c_delayed_release_idle/gctrace.log",
    [THRASH] = "04b_memlimit_thrash/gctrace.log",
    [BIG] = "08_large_throughput/gctrace.log",
    [GO113] = "12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log",
};

typedef struct stores {
  char db[NLOGS][512];
} stores;

static void analyze_into(const char *db, const char *path) {
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", (char *)db, (char *)path, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
}

static int setup(void **state) {
  stores *s = calloc(1, sizeof *s);
  if (!s)
    return -1;
  for (int i = 0; i < NLOGS; i++) {
    char path[512];
    tu_tmp(s->db[i], sizeof s->db[i], "plot.db");
    analyze_into(s->db[i], tu_corpus_stored(path, sizeof path, logs[i]));
  }
  *state = s;
  return 0;
}

static int teardown(void **state) {
  stores *s = *state;
  for (int i = 0; i < NLOGS; i++)
    tu_rm_db(s->db[i]);
  free(s);
  return 0;
}

static long long latest_run(const char *db) {
  gcw_db *h = tu_db_open_ro(db);
  long long run = gcw_db_latest_run_with_cycles(h);
  gcw_db_close(&h);
  assert_true(run > 0);
  return run;
}

/* A query with %lld for the run id. */
static long long q_int(const char *db, const char *fmt, long long run) {
  char sql[1024];
  snprintf(sql, sizeof sql, fmt, run, run, run);
  return tu_db_int(db, sql);
}

static double q_real(const char *db, const char *fmt, long long run) {
  char sql[1024];
  snprintf(sql, sizeof sql, fmt, run, run, run);
  return tu_db_real(db, sql);
}

/* ---------------------------------------------------------------- drawing in-process */

/* Draw with gcw_plot_exec; gnuplot must exit 0 and say nothing. */
static void draw(const char *db, long long run, const char *kind, const char *out,
                 const char *size, gcw_plot_stats *st) {
  gcw_db *h = tu_db_open_ro(db);
  gcw_plot_req rq = {run, kind, out, size, 0};
  char err[8192];
  int rc = gcw_plot_exec(h, &rq, st, err, sizeof err);
  gcw_db_close(&h);
  if (rc || err[0])
    fprintf(stderr, "plot %s of run %lld of %s: status %d: %s\n", kind, run, db, rc, err);
  assert_int_equal(rc, 0);
  assert_string_equal(err, "");
  assert_int_equal(st->gnuplot_status, 0);
  assert_int_equal(st->gnuplot_stderr, 0);
}

static unsigned be32(const unsigned char *p) {
  return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* A PNG (signature, IHDR first) of w x h pixels. */
static void assert_png(const char *path, unsigned w, unsigned h) {
  size_t n = 0;
  unsigned char *b = (unsigned char *)tu_slurp(path, &n);
  assert_non_null(b);
  assert_true(n > 1000);
  assert_memory_equal(b, "\x89PNG\r\n\x1a\n", 8);
  assert_memory_equal(b + 12, "IHDR", 4);
  assert_int_equal(be32(b + 16), w);
  assert_int_equal(be32(b + 20), h);
  free(b);
}

static void assert_svg(const char *path, int w, int h) {
  char *b = tu_slurp(path, NULL), attr[64];
  assert_non_null(b);
  assert_true(strncmp(b, "<?xml", 5) == 0 || strncmp(b, "<svg", 4) == 0);
  assert_non_null(strstr(b, "<svg"));
  snprintf(attr, sizeof attr, "width=\"%d\"", w);
  assert_non_null(strstr(b, attr));
  snprintf(attr, sizeof attr, "height=\"%d\"", h);
  assert_non_null(strstr(b, attr));
  assert_non_null(strstr(b, "</svg>"));
  free(b);
}

/* No temporary twin (OUTPUT.XXXXXX, whoever wrote it) left next to the output. */
static void assert_no_tmp(const char *out) {
  char dir[600];
  snprintf(dir, sizeof dir, "%s", out);
  char *slash = strrchr(dir, '/');
  assert_non_null(slash);
  *slash = '\0';
  const char *base = slash + 1;
  size_t n = strlen(base);
  DIR *d = opendir(dir);
  assert_non_null(d);
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t k = strlen(e->d_name);
    int twin = strncmp(e->d_name, base, n) == 0 && e->d_name[n] == '.' && k > n + 1;
    if (twin)
      fprintf(stderr, "left behind: %s/%s\n", dir, e->d_name);
    assert_false(twin);
  }
  closedir(d);
}

/* ---------------------------------------------------------------- the script, read back */

typedef struct script {
  char *text;
  long long lines[GCW_PLOT_NBLOCKS]; /* data lines of each block; -1: block absent */
} script;

static const char *const block_names[GCW_PLOT_NBLOCKS] = {"$gc", "$win", "$scav", "$scvg",
                                                          "$find", "$rss"};

static int block_of(const char *line) {
  for (int b = 0; b < GCW_PLOT_NBLOCKS; b++) {
    size_t n = strlen(block_names[b]);
    if (strncmp(line, block_names[b], n) == 0 && strcmp(line + n, " << EOD") == 0)
      return b;
  }
  return -1;
}

/* Count the lines of every `$name << EOD` ... `EOD` block. */
static void count_blocks(script *s) {
  int in = -1;
  for (int b = 0; b < GCW_PLOT_NBLOCKS; b++)
    s->lines[b] = -1;
  for (char *line = s->text, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    if (in < 0 && (in = block_of(line)) >= 0) {
      assert_int_equal(s->lines[in], -1); /* each block once */
      s->lines[in] = 0;
    } else if (in >= 0 && strcmp(line, "EOD") == 0)
      in = -1;
    else if (in >= 0)
      s->lines[in]++;
    if (next)
      next[-1] = '\n';
  }
  assert_int_equal(in, -1);
}

static script script_of(const char *db, long long run, const char *kind, gcw_plot_stats *st) {
  script s = {NULL, {0}};
  size_t n = 0;
  FILE *f = open_memstream(&s.text, &n);
  assert_non_null(f);
  gcw_db *h = tu_db_open_ro(db);
  gcw_plot_req rq = {run, kind, "/tmp/never-written.png", NULL, 0};
  char err[512];
  int rc = gcw_plot_script(h, &rq, f, st, err, sizeof err);
  gcw_db_close(&h);
  fclose(f);
  if (rc)
    fprintf(stderr, "script: %s\n", err);
  assert_int_equal(rc, 0);
  count_blocks(&s);
  for (int b = 0; b < GCW_PLOT_NBLOCKS; b++)
    assert_int_equal(s.lines[b] < 0 ? 0 : s.lines[b], st->points[b]);
  return s;
}

/* Non-empty buckets of GCW_PLOT_BUCKETS equal ones over the cycles' @t range: the same
** arithmetic as plot.c, done by SQLite. */
static long long sql_buckets(const char *db, long long run) {
  double lo = q_real(db, "SELECT min(t_s) FROM gc_cycles WHERE run_id = %lld", run);
  double hi = q_real(db, "SELECT max(t_s) FROM gc_cycles WHERE run_id = %lld", run);
  double width = (hi - lo) / GCW_PLOT_BUCKETS;
  char sql[512];
  snprintf(sql, sizeof sql,
           "SELECT count(DISTINCT min(CAST((t_s - %.17g) / %.17g AS INTEGER), %d)) "
           "FROM gc_cycles WHERE run_id = %lld",
           lo, width, GCW_PLOT_BUCKETS - 1, run);
  return tu_db_int(db, sql);
}

/* Nearest-rank p99 over every cycle, counted from the bottom (plot.c counts from the top). */
static double sql_p99(const char *db, long long run) {
  long long n = q_int(db, "SELECT count(pause_ms) FROM gc_cycles WHERE run_id = %lld", run);
  long long rank = (long long)ceil(0.99 * (double)n);
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT pause_ms FROM gc_cycles WHERE run_id = %lld AND pause_ms "
           "IS NOT NULL ORDER BY pause_ms LIMIT 1 OFFSET %lld", run, rank - 1);
  return tu_db_real(db, sql);
}

/* Every block of the dashboard against the database. */
static void check_counts(const char *db, int big) {
  long long run = latest_run(db);
  gcw_plot_stats st;
  script s = script_of(db, run, "all", &st);
  long long cycles = q_int(db, "SELECT count(*) FROM gc_cycles WHERE run_id = %lld", run);
  assert_int_equal(st.x, GCW_PLOT_X_T);
  assert_int_equal(st.rows[GCW_PLOT_GC], cycles);
  assert_int_equal(st.decimated[GCW_PLOT_GC], big);
  if (big) {
    assert_true(st.points[GCW_PLOT_GC] <= GCW_PLOT_BUCKETS);
    assert_int_equal(st.points[GCW_PLOT_GC], sql_buckets(db, run));
    assert_non_null(strstr(s.text, "time buckets, statistics over every cycle"));
  } else {
    assert_int_equal(st.points[GCW_PLOT_GC],
                     q_int(db, "SELECT count(t_s) FROM gc_cycles WHERE run_id = %lld", run));
  }
  const char *fam = "SELECT count(*) FROM scavenger WHERE run_id = %lld AND family = '%s'";
  char sql[256];
  snprintf(sql, sizeof sql, fam, run, "scav");
  long long scav = tu_db_int(db, sql);
  snprintf(sql, sizeof sql, fam, run, "scvg");
  long long scvg = tu_db_int(db, sql);
  assert_int_equal(st.rows[GCW_PLOT_SCAV], scav);
  assert_int_equal(st.rows[GCW_PLOT_SCVG], scvg);
  assert_int_equal(st.decimated[GCW_PLOT_SCAV], scav > GCW_PLOT_MAX_POINTS);
  if (scav > GCW_PLOT_MAX_POINTS)
    assert_true(st.points[GCW_PLOT_SCAV] > 0 && st.points[GCW_PLOT_SCAV] <= GCW_PLOT_BUCKETS);
  else
    assert_int_equal(st.points[GCW_PLOT_SCAV], scav);
  assert_int_equal(st.points[GCW_PLOT_SCVG], scvg);
  double span = q_real(db, "SELECT max(t_s) - min(t_s) FROM gc_cycles WHERE run_id = %lld", run);
  assert_true(st.window_s > 0);
  assert_int_equal(st.points[GCW_PLOT_WIN], (long long)floor(span / st.window_s) + 1);
  assert_true(span / st.window_s <= 61);
  assert_int_equal(st.points[GCW_PLOT_FIND],
                   q_int(db, "SELECT count(*) FROM findings WHERE run_id = %lld "
                             "AND severity <> 'info'", run));
  assert_true(fabs(st.p99_pause_ms - sql_p99(db, run)) < 1e-9);
  free(s.text);
}

static void test_counts(void **state) {
  stores *s = *state;
  for (int i = 0; i < NLOGS; i++)
    check_counts(s->db[i], i == BIG);
}

/* ---------------------------------------------------------------- every kind, every log */

static const char *const kind_names[] = {"heap", "pause", "interval", "cpu", "scavenger", "all"};

/* Open file descriptors of this process (the pipes to gnuplot must all be closed). */
static int open_fds(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/fd");
  assert_non_null(d);
  while (readdir(d))
    n++;
  closedir(d);
  return n;
}

static void test_every_kind(void **state) {
  stores *s = *state;
  char out[512];
  tu_tmp(out, sizeof out, "plot.png");
  int fds = open_fds();
  for (int i = 0; i < NLOGS; i++) {
    long long run = latest_run(s->db[i]);
    for (size_t k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++) {
      if (i == BIG && tu_quick() && k != 5)
        continue; /* under the sanitizers: the dashboard of 08 only */
      gcw_plot_stats st;
      draw(s->db[i], run, kind_names[k], out, "900x700", &st);
      assert_png(out, 900, 700);
      assert_no_tmp(out);
    }
  }
  assert_int_equal(open_fds(), fds);
  unlink(out);
}

/* The default sizes: 1200x900 for the dashboard, 1200x600 for one kind. */
static void test_default_size(void **state) {
  stores *s = *state;
  char out[512];
  gcw_plot_stats st;
  tu_tmp(out, sizeof out, "plot.png");
  draw(s->db[LEAK], latest_run(s->db[LEAK]), "all", out, NULL, &st);
  assert_png(out, 1200, 900);
  draw(s->db[LEAK], latest_run(s->db[LEAK]), "pause", out, NULL, &st);
  assert_png(out, 1200, 600);
  unlink(out);
}

/* ---------------------------------------------------------------- the binary */

typedef struct result {
  int status;
  char *out, *err;
} result;

/* Run the binary with argv[1..] and the given environment (NULL: ours). */
static result run_env(char *const *args, char **envp) {
  char *argv[24] = {(char *)tu_bin()};
  int argc = 1;
  for (; args[argc - 1] && argc < 23; argc++)
    argv[argc] = args[argc - 1];
  argv[argc] = NULL;
  char out[512], err[512];
  tu_tmp(out, sizeof out, "out");
  tu_tmp(err, sizeof err, "err");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  result r = {-1, NULL, NULL};
  if (tu_spawn(&pid, argv[0], &fa, argv, envp ? envp : environ) == 0) {
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  posix_spawn_file_actions_destroy(&fa);
  r.out = tu_slurp(out, NULL);
  r.err = tu_slurp(err, NULL);
  assert_non_null(r.out);
  assert_non_null(r.err);
  unlink(out);
  unlink(err);
  return r;
}

#define RUN(...) run_env((char *const[]){__VA_ARGS__, NULL}, NULL)

static void result_free(result *r) {
  free(r->out);
  free(r->err);
}

static void test_binary_svg_pdf(void **state) {
  stores *s = *state;
  char svg[512], pdf[512];
  tu_tmp(svg, sizeof svg, "plot.svg");
  tu_tmp(pdf, sizeof pdf, "plot.pdf");
  result r = RUN("plot", "--db", s->db[RELEASE], "--kind", "heap", "-o", svg, "--size", "800x500");
  assert_string_equal(r.err, "");
  assert_int_equal(r.status, 0);
  assert_svg(svg, 800, 500);
  result_free(&r);
  r = RUN("plot", "--db", s->db[GO113], "-o", svg);
  assert_string_equal(r.err, "");
  assert_int_equal(r.status, 0);
  assert_svg(svg, 1200, 900);
  result_free(&r);
  r = RUN("plot", "--db", s->db[THRASH], "--kind", "cpu", "-o", pdf);
  assert_string_equal(r.err, "");
  assert_int_equal(r.status, 0);
  size_t n = 0;
  char *b = tu_slurp(pdf, &n);
  assert_non_null(b);
  assert_true(n > 1000 && memcmp(b, "%PDF-", 5) == 0);
  free(b);
  result_free(&r);
  unlink(svg);
  unlink(pdf);
}

/* In the terminal: text with the axis labels, on stdout. */
static void test_dumb(void **state) {
  stores *s = *state;
  result r = RUN("plot", "--db", s->db[LEAK], "--term", "dumb", "--kind", "heap");
  assert_string_equal(r.err, "");
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "heap, MiB"));
  assert_non_null(strstr(r.out, "time since the process started, s"));
  assert_non_null(strstr(r.out, "live heap"));
  assert_null(strstr(r.out, "\x1b")); /* plain text */
  result_free(&r);
  r = RUN("plot", "--db", s->db[GO113], "-o", "-");
  assert_string_equal(r.err, "");
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "pause, ms"));
  assert_non_null(strstr(r.out, "interval, ms"));
  assert_non_null(strstr(r.out, "GC CPU, %"));
  assert_non_null(strstr(r.out, "retained (consumed)"));
  result_free(&r);
}

/* No gnuplot on PATH: one line naming the package, exit 3, no file. */
static void test_no_gnuplot(void **state) {
  stores *s = *state;
  char out[512], *env[64];
  int n = 0;
  for (char **e = environ; *e && n < 62; e++)
    if (strncmp(*e, "PATH=", 5) != 0)
      env[n++] = *e;
  env[n++] = "PATH=";
  env[n] = NULL;
  tu_tmp(out, sizeof out, "plot.png");
  result r = run_env((char *const[]){"plot", "--db", s->db[LEAK], "-o", out, NULL}, env);
  assert_int_equal(r.status, 3);
  assert_string_equal(r.err,
                      "gctrace-watch: gnuplot not found; install it: apt-get install gnuplot-nox\n");
  assert_string_equal(r.out, "");
  assert_int_equal(access(out, F_OK), -1);
  assert_no_tmp(out);
  result_free(&r);
  /* the same through the module */
  const char *path = getenv("PATH");
  char *saved = path ? strdup(path) : NULL;
  setenv("PATH", "", 1);
  gcw_db *h = tu_db_open_ro(s->db[LEAK]);
  char err[512];
  int rc = gcw_plot_run(h, latest_run(s->db[LEAK]), "all", out, NULL, 0, err, sizeof err);
  gcw_db_close(&h);
  if (saved)
    setenv("PATH", saved, 1);
  free(saved);
  assert_int_equal(rc, GCW_ECHILD);       /* a missing program ... */
  assert_int_equal(gcw_cmd_status(rc), 3); /* ... is exit status 3 */
  assert_string_equal(err, "gnuplot not found; install it: apt-get install gnuplot-nox");
  assert_int_equal(access(out, F_OK), -1);
  assert_no_tmp(out);
}

/* Run `plot` with a stand-in gnuplot (a shell script, first on PATH). */
static result with_fake_gnuplot(const char *db, const char *out, const char *body) {
  char dir[512], path[600], pathvar[4200], *env[64];
  tu_tmp(dir, sizeof dir, "fakebin");
  assert_int_equal(mkdir(dir, 0755), 0);
  snprintf(path, sizeof path, "%s/gnuplot", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "#!/bin/sh\n%s\n", body);
  fclose(f);
  assert_int_equal(chmod(path, 0755), 0);
  int n = 0;
  for (char **e = environ; *e && n < 62; e++)
    if (strncmp(*e, "PATH=", 5) != 0)
      env[n++] = *e;
  snprintf(pathvar, sizeof pathvar, "PATH=%s:%s", dir, env_or("PATH", "/usr/bin:/bin"));
  env[n++] = pathvar;
  env[n] = NULL;
  result r = run_env((char *const[]){"plot", "--db", (char *)db, "-o", (char *)out, NULL}, env);
  unlink(path);
  rmdir(dir);
  return r;
}

/* A stand-in that reads the whole script and draws a byte on its stdout (the output). */
#define WRITE_OUTPUT "cat >/dev/null; echo x"

/* gnuplot failing, quitting early, warning, or flooding its stderr before it reads. */
static void test_gnuplot_trouble(void **state) {
  stores *s = *state;
  char out[512];
  tu_tmp(out, sizeof out, "fake.png");
  result r = with_fake_gnuplot(s->db[LEAK], out, "cat >/dev/null; echo 'line 3: boom' >&2; exit 1");
  assert_int_equal(r.status, 4);
  assert_string_equal(r.err, "gctrace-watch: gnuplot failed (exit status 1):\nline 3: boom\n");
  assert_int_equal(access(out, F_OK), -1);
  assert_no_tmp(out);
  result_free(&r);
  r = with_fake_gnuplot(s->db[BIG], out, "exit 0"); /* never reads its script */
  assert_int_equal(r.status, 4);
  assert_non_null(strstr(r.err, "writing to gnuplot: Broken pipe"));
  assert_int_equal(access(out, F_OK), -1);
  assert_no_tmp(out);
  result_free(&r);
  r = with_fake_gnuplot(s->db[LEAK], out, "cat >/dev/null; echo 'warning: odd' >&2");
  assert_int_equal(r.status, 4); /* exit 0, but no image */
  char want[700];
  snprintf(want, sizeof want, "gctrace-watch: gnuplot wrote nothing to %s\n", out);
  assert_string_equal(r.err, want);
  assert_int_equal(access(out, F_OK), -1);
  assert_no_tmp(out);
  result_free(&r);
  r = with_fake_gnuplot(s->db[LEAK], out, WRITE_OUTPUT "; echo 'warning: odd' >&2");
  assert_int_equal(r.status, 0);
  assert_string_equal(r.err, "gctrace-watch: gnuplot: warning: odd\n");
  result_free(&r);
  /* 1 MB on stderr before reading a byte: neither side may wait for the other */
  r = with_fake_gnuplot(s->db[BIG], out, "head -c 1000000 /dev/zero | tr '\\0' x >&2; "
                                         WRITE_OUTPUT);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "gctrace-watch: gnuplot: xxxx"));
  assert_non_null(strstr(r.err, "[...]"));
  assert_true(strlen(r.err) < GCW_PLOT_STDERR_MAX + 100);
  result_free(&r);
  unlink(out);
}

static void expect(result r, int status, const char *in_err) {
  if (!strstr(r.err, in_err))
    fprintf(stderr, "stderr was: %s\n", r.err);
  assert_int_equal(r.status, status);
  assert_non_null(strstr(r.err, in_err));
  result_free(&r);
}

static void test_errors(void **state) {
  stores *s = *state;
  char *db = s->db[LEAK];
  char missing[512];
  tu_tmp(missing, sizeof missing, "missing.db");
  expect(RUN("plot", "--db", db), 2, "plot needs -o FILE");
  expect(RUN("plot", "--db", db, "-o", "/tmp/x.jpg"), 2, "must end in .png, .svg or .pdf");
  expect(RUN("plot", "--db", db, "--run", "99", "-o", "/tmp/x.png"), 3, "no run 99");
  expect(RUN("plot", "--db", missing, "-o", "/tmp/x.png"), 3, "cannot open database");
  assert_int_equal(access(missing, F_OK), -1); /* not created */
  expect(RUN("plot", "--db", db, "-o", "/nonexistent-dir/x.png"), 3,
         "/nonexistent-dir/x.png: No such file or directory");
  char out[512];
  tu_tmp(out, sizeof out, "plot.png");
  expect(RUN("plot", "--db", db, "--run", "99", "-o", out), 3, "no run 99");
  assert_int_equal(access(out, F_OK), -1);
  assert_no_tmp(out);
  expect(RUN("plot", "--db", db, "--kind", "heap", "-o", "/tmp/x.png", "--size", "5x5"), 2,
         "--size");
}

/* An existing image is replaced only by a complete new one. */
static void test_replace(void **state) {
  stores *s = *state;
  char out[512];
  tu_tmp(out, sizeof out, "plot.png");
  FILE *f = fopen(out, "w");
  assert_non_null(f);
  fputs("old", f);
  fclose(f);
  result r = RUN("plot", "--db", s->db[LEAK], "--kind", "pause", "-o", out, "--size", "640x480");
  assert_int_equal(r.status, 0);
  result_free(&r);
  assert_png(out, 640, 480);
  unlink(out);
}

/* ---------------------------------------------------------------- axes and annotations */

static void copy_file(const char *from, const char *to) {
  size_t n = 0;
  char *b = tu_slurp(from, &n);
  assert_non_null(b);
  FILE *f = fopen(to, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, n, f), n);
  fclose(f);
  free(b);
}

static void exec_sql(const char *db, const char *sql) {
  sqlite3 *h;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  if (sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK) {
    fprintf(stderr, "SQL error: %s\n  in: %s\n", sqlite3_errmsg(h), sql);
    fail();
  }
  sqlite3_close(h);
}

/* A store with wall times (as watch mode writes them) is drawn against the time of day. */
static void test_wall_time(void **state) {
  stores *s = *state;
  char db[512], out[512];
  tu_tmp(db, sizeof db, "wall.db");
  tu_tmp(out, sizeof out, "wall.png");
  exec_sql(s->db[LEAK], "PRAGMA wal_checkpoint(TRUNCATE)");
  copy_file(s->db[LEAK], db);
  exec_sql(db, "UPDATE gc_cycles SET wall = strftime('%Y-%m-%dT%H:%M:%fZ', "
               "1795374423.5 + t_s, 'unixepoch')");
  long long run = latest_run(db);
  gcw_plot_stats st;
  script sc = script_of(db, run, "all", &st);
  assert_int_equal(st.x, GCW_PLOT_X_WALL);
  assert_non_null(strstr(sc.text, "timedate"));
  assert_non_null(strstr(sc.text, "wall time, UTC, 2026-11-22"));
  char *first = strstr(sc.text, "$gc << EOD\n");
  assert_non_null(first);
  assert_true(strtod(first + strlen("$gc << EOD\n"), NULL) > 1.7e9); /* epoch seconds */
  free(sc.text);
  draw(db, run, "all", out, NULL, &st);
  assert_png(out, 1200, 900);
  /* one cycle without a wall: back to @t, never a mix */
  exec_sql(db, "UPDATE gc_cycles SET wall = NULL WHERE gc = 3");
  sc = script_of(db, run, "heap", &st);
  assert_int_equal(st.x, GCW_PLOT_X_T);
  assert_null(strstr(sc.text, "timedate"));
  free(sc.text);
  unlink(out);
  tu_rm_db(db);
}

/* Findings are placed at their cycle; notes (severity info) are not drawn. */
static void test_findings(void **state) {
  stores *s = *state;
  char db[512], out[512];
  tu_tmp(db, sizeof db, "find.db");
  tu_tmp(out, sizeof out, "find.png");
  exec_sql(s->db[LEAK], "PRAGMA wal_checkpoint(TRUNCATE)");
  copy_file(s->db[LEAK], db);
  long long run = latest_run(db);
  char sql[1024];
  snprintf(sql, sizeof sql,
           "INSERT INTO findings(run_id, kind, severity, gc, t_s, value, threshold, unit, "
           "message) VALUES (%lld, 'heap_growth', 'warn', 10, 1.0, 3, 1, 'MB/s', 'a'), "
           "(%lld, 'heap_growth', 'warn', 30, 20.0, 3, 1, 'MB/s', 'b'), "
           "(%lld, 'pause_spike', 'error', 44, NULL, 4, 1, 'ms', 'c \"quoted\"'), "
           "(%lld, 'delayed_release', 'info', 0, 0, 0, 0, '', 'skipped: a note')",
           run, run, run, run);
  exec_sql(db, sql);
  gcw_plot_stats st;
  script sc = script_of(db, run, "all", &st);
  long long want = q_int(db, "SELECT count(*) FROM findings WHERE run_id = %lld AND "
                             "severity <> 'info'", run);
  assert_true(want >= 3);
  assert_int_equal(st.points[GCW_PLOT_FIND], want);
  assert_non_null(strstr(sc.text, "heap_growth"));
  assert_non_null(strstr(sc.text, "pause_spike"));
  free(sc.text);
  draw(db, run, "all", out, "1000x800", &st);
  assert_png(out, 1000, 800);
  unlink(out);
  tu_rm_db(db);
}

/* The source path goes into the title: quotes, a backslash, a newline and a byte that is
** not UTF-8 stay text (gnuplot says nothing). The output name keeps its bytes. */
static void test_odd_source_name(void **state) {
  (void)state;
  char dir[512], log[600], db[512], out[512], path[512];
  tu_tmp(dir, sizeof dir, "odd");
  assert_int_equal(mkdir(dir, 0755), 0);
  snprintf(log, sizeof log, "%s/we\"ird 'na\\me\n$(x) \xff\xc3\xa9.log", dir);
  copy_file(tu_corpus(path, sizeof path, logs[LEAK]), log);
  tu_tmp(db, sizeof db, "odd.db");
  tu_tmp(out, sizeof out, "odd-\xff.png");
  analyze_into(db, log);
  gcw_plot_stats st;
  draw(db, latest_run(db), "all", out, NULL, &st);
  assert_png(out, 1200, 900);
  unlink(out);
  unlink(log);
  rmdir(dir);
  tu_rm_db(db);
}

/* Names an attacker controls reach gnuplot's script (the source path in the title) or
** name its output: backquotes, macros, system() and a pipe must stay text. Each of these
** once ran `touch` through gnuplot. A marker file in the working directory of gnuplot
** (a fresh directory) proves nothing ran; the output names are built here, not real. */
static void test_hostile_names(void **state) {
  (void)state;
  char dir[512], cwd[4096], path[512];
  tu_tmp(dir, sizeof dir, "hostile");
  assert_int_equal(mkdir(dir, 0755), 0);
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(dir), 0);
  static const char *const names[] = {
      "a`touch PWNED1`.log", "b\"`touch PWNED2`\".log", "c' . system('touch PWNED3') . '.log",
      "d@x`touch PWNED4`.log", "e\\`touch PWNED5`\n.log",
  };
  assert_int_equal(mkdir("dir`touch PWNED6`", 0755), 0);
  for (size_t i = 0; i < sizeof names / sizeof *names + 1; i++) {
    char log[600], db[512];
    if (i < sizeof names / sizeof *names)
      snprintf(log, sizeof log, "%s", names[i]);
    else
      snprintf(log, sizeof log, "dir`touch PWNED6`/x.log");
    copy_file(tu_corpus(path, sizeof path, logs[LEAK]), log);
    tu_tmp(db, sizeof db, "hostile.db");
    analyze_into(db, log);
    gcw_plot_stats st;
    draw(db, latest_run(db), "all", "o`touch PWNED7`$(touch PWNED8).png", NULL, &st);
    assert_png("o`touch PWNED7`$(touch PWNED8).png", 1200, 900);
    result r = RUN("plot", "--db", db, "-o", "p`touch PWNED9`.svg");
    assert_int_equal(r.status, 0);
    result_free(&r);
    assert_int_equal(access("p`touch PWNED9`.svg", F_OK), 0);
    r = RUN("plot", "--db", db, "-o", "|touch PWNED10.png");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "may not begin with '|'"));
    result_free(&r);
    unlink(log);
    tu_rm_db(db);
  }
  for (int k = 1; k <= 10; k++) {
    char marker[32];
    snprintf(marker, sizeof marker, "PWNED%d", k);
    if (access(marker, F_OK) == 0)
      fprintf(stderr, "gnuplot ran a command: %s/%s exists\n", dir, marker);
    assert_int_equal(access(marker, F_OK), -1);
    snprintf(marker, sizeof marker, "PWNED%d.png", k);
    assert_int_equal(access(marker, F_OK), -1);
  }
  unlink("o`touch PWNED7`$(touch PWNED8).png");
  unlink("p`touch PWNED9`.svg");
  rmdir("dir`touch PWNED6`");
  assert_int_equal(chdir(cwd), 0);
  assert_int_equal(rmdir(dir), 0); /* nothing else was left in it */
}

/* The output is a symlink planted by someone else: it is replaced, its target untouched;
** the temporary twin is created exclusively, so no planted name is ever opened. */
static void test_planted_symlink(void **state) {
  stores *s = *state;
  char victim[512], out[512];
  tu_tmp(victim, sizeof victim, "victim");
  tu_tmp(out, sizeof out, "link.png");
  FILE *f = fopen(victim, "w");
  assert_non_null(f);
  fputs("precious", f);
  fclose(f);
  assert_int_equal(symlink(victim, out), 0);
  result r = RUN("plot", "--db", s->db[LEAK], "--kind", "heap", "-o", out, "--size", "640x480");
  assert_int_equal(r.status, 0);
  result_free(&r);
  struct stat sb;
  assert_int_equal(lstat(out, &sb), 0);
  assert_true(S_ISREG(sb.st_mode));
  assert_png(out, 640, 480);
  size_t n = 0;
  char *b = tu_slurp(victim, &n);
  assert_non_null(b);
  assert_int_equal(n, 8);
  assert_memory_equal(b, "precious", 8);
  free(b);
  assert_no_tmp(out);
  unlink(out);
  unlink(victim);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counts),       cmocka_unit_test(test_every_kind),
      cmocka_unit_test(test_default_size), cmocka_unit_test(test_binary_svg_pdf),
      cmocka_unit_test(test_dumb),         cmocka_unit_test(test_no_gnuplot),
      cmocka_unit_test(test_errors),       cmocka_unit_test(test_replace),
      cmocka_unit_test(test_gnuplot_trouble),
      cmocka_unit_test(test_wall_time),    cmocka_unit_test(test_findings),
      cmocka_unit_test(test_odd_source_name), cmocka_unit_test(test_hostile_names),
      cmocka_unit_test(test_planted_symlink),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
