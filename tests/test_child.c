/*
** test_child.c: end to end with the real Go runtime. tests/go/alloc/main.go is built with
** `go build` (from `make deps`: golang-go) and run; every check uses the trace lines the
** runtime prints at test time, interleaved with the program's own stderr lines.
**   piped:  `alloc 2>&1 | gctrace-watch`: the stream comes out byte for byte, and the store
**           holds one cycle per `gc N @` line of it.
**   child:  `gctrace-watch -- alloc ...`: PROG's stderr passes through (or --strip), its
**           stdout and stdin are untouched, cycles are stored as they happen, GODEBUG is
**           extended but the user's settings win, PROG's exit status or 128+signal comes
**           back, 127/126 when PROG cannot start, SIGINT/SIGTERM/SIGHUP are forwarded.
** How lines are counted: each of the program's own lines ("APP stderr line N", "round N
** done", ...) is one write(), so it is contiguous in the stream, while the runtime writes
** a trace line in many small pieces that the program's lines can cut. Removing the
** program's lines therefore gives the runtime's text exactly; that text is counted.
*/
#include "testutil.h"

#include "limits.h"
#include "sha256.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

enum {
  ROUNDS = 4,      /* alloc's defaults: -lines 20, -gc 2 (forced cycles per round) */
  LINES = 20,
  FORCED = 2,
  RUN_LIMIT_S = 60,  /* any single run of alloc or gctrace-watch */
  BUILD_LIMIT_S = 300
};

typedef struct fixture {
  char alloc[512]; /* the built Go program */
} fixture;

/* ---- processes ------------------------------------------------------------------ */

/* environ with each "KEY=value" of set replacing or adding KEY. The strings are borrowed. */
static char **env_with(const char *const set[]) {
  size_t n = 0, k = 0, ns = 0;
  while (environ[n])
    n++;
  while (set[ns])
    ns++;
  char **env = malloc((n + ns + 1) * sizeof *env);
  assert_non_null(env);
  for (size_t i = 0; i < n; i++) {
    int replaced = 0;
    for (size_t j = 0; j < ns; j++) {
      size_t kl = strcspn(set[j], "=") + 1;
      replaced |= strncmp(environ[i], set[j], kl) == 0;
    }
    if (!replaced)
      env[k++] = environ[i];
  }
  for (size_t j = 0; j < ns; j++)
    env[k++] = (char *)set[j];
  env[k] = NULL;
  return env;
}

/* Start argv with envp (NULL: ours); in/out NULL: /dev/null, err NULL: inherited. */
static pid_t start(char *const argv[], char *const envp[], const char *in, const char *out,
                   const char *err) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (err)
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  int rc = tu_spawnp(&pid, argv[0], &fa, argv, envp ? envp : environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    fprintf(stderr, "cannot start %s: %s\n", argv[0], strerror(rc));
    fail();
  }
  return pid;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait at most limit_s for pid; its status as a shell gives it. A hung process is killed
** and fails the test. */
static int wait_bounded(pid_t pid, int limit_s) {
  double end = now_s() + limit_s;
  int st;
  for (;;) {
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    assert_true(w == 0 || errno == EINTR);
    if (now_s() > end) {
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
      fprintf(stderr, "process %d still running after %d s: killed\n", (int)pid, limit_s);
      fail();
    }
    usleep(5 * 1000);
  }
}

static int run(char *const argv[], char *const envp[], const char *in, const char *out,
               const char *err) {
  return wait_bounded(start(argv, envp, in, out, err), RUN_LIMIT_S);
}

/* Wait at most limit_ms for the file to contain needle. */
static int wait_for_text(const char *path, const char *needle, int limit_ms) {
  for (int waited = 0; waited <= limit_ms; waited += 20) {
    char *text = tu_slurp(path, NULL);
    int found = text && strstr(text, needle);
    free(text);
    if (found)
      return 1;
    usleep(20 * 1000);
  }
  return 0;
}

/* ---- the stream, read back ---------------------------------------------------------- */

typedef struct scan {
  long app_lines;   /* "APP stderr line N", N = 1, 2, ... in order */
  long rounds;      /* "round N done", N = 1, 2, ... in order */
  long out_of_order;
  long gc;          /* "gc N @" lines of the runtime, N = 1, 2, ... in order */
  long scav;        /* "scav " lines */
  long other;       /* lines of neither kind */
  int cut;          /* 1: the stream ends inside a trace line (PROG exited while the runtime
                    ** was printing it) */
} scan;

/* Length of the digits at s followed by tail, or 0; *v gets the number. */
static size_t number_then(const char *s, size_t n, const char *tail, long *v) {
  size_t i = 0, t = strlen(tail);
  for (*v = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
    *v = *v * 10 + (s[i] - '0');
  if (i == 0 || n - i < t || memcmp(s + i, tail, t) != 0)
    return 0;
  return i + t;
}

/* Length of one of the program's own lines starting at s, or 0; counted in sc. */
static size_t app_line_at(const char *s, size_t n, scan *sc) {
  static const struct {
    const char *head, *tail;
    int what; /* 1 app line, 2 round, 0 other */
  } pats[] = {{"APP stderr line ", "\n", 1}, {"round ", " done\n", 2}, {"APP sleeping\n", NULL, 0}};
  for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
    size_t h = strlen(pats[i].head), d;
    long v;
    if (n < h || memcmp(s, pats[i].head, h) != 0)
      continue;
    if (!pats[i].tail)
      return h;
    if (!(d = number_then(s + h, n - h, pats[i].tail, &v)))
      continue;
    long *count = pats[i].what == 1 ? &sc->app_lines : &sc->rounds;
    sc->out_of_order += v != ++*count;
    return h + d;
  }
  return 0;
}

static void count_runtime_line(const char *line, scan *sc) {
  long v;
  if (strncmp(line, "gc ", 3) == 0 && number_then(line + 3, strlen(line + 3), " @", &v)) {
    sc->out_of_order += v != ++sc->gc;
  } else if (strncmp(line, "scav ", 5) == 0) {
    sc->scav++;
  } else if (sc->other++ < 5) {
    fprintf(stderr, "neither the program's nor a trace line: %.200s\n", line);
  }
}

/* Read a captured stream: the program's lines, then the runtime's lines that remain. */
static scan scan_file(const char *path) {
  scan sc = {0, 0, 0, 0, 0, 0, 0};
  size_t n = 0;
  char *b = tu_slurp(path, &n);
  assert_non_null(b);
  char *rt = malloc(n + 1);
  assert_non_null(rt);
  size_t m = 0;
  for (size_t i = 0; i < n;) {
    size_t skip = app_line_at(b + i, n - i, &sc);
    if (skip)
      i += skip;
    else
      rt[m++] = b[i++];
  }
  rt[m] = '\0';
  /* The program may exit while the runtime is still writing a trace line (the GC worker
  ** prints after the world restarts): that last piece has no newline and is not a line. */
  char *tail = strrchr(rt, '\n');
  tail = tail ? tail + 1 : rt;
  sc.cut = *tail != '\0';
  *tail = '\0';
  for (char *line = strtok(rt, "\n"); line; line = strtok(NULL, "\n"))
    count_runtime_line(line, &sc);
  free(rt);
  free(b);
  return sc;
}

static void expect_rounds_only(const char *path, const char *first_line) {
  char want[512] = "";
  if (first_line)
    snprintf(want, sizeof want, "%s\n", first_line);
  for (int r = 1; r <= ROUNDS; r++)
    snprintf(want + strlen(want), sizeof want - strlen(want), "round %d done\n", r);
  char *got = tu_slurp(path, NULL);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

/* The db holds exactly the cycles and scavenger lines the runtime printed, in one run. */
static void expect_stored(const char *db, const scan *sc, const char *stream) {
  if (tu_db_int(db, "SELECT count(*) FROM gc_cycles") != sc->gc ||
      tu_db_int(db, "SELECT count(*) FROM scavenger") != sc->scav)
    fprintf(stderr, "stream %s (kept) printed %ld gc and %ld scav lines; stored in %s:\n",
            stream, sc->gc, sc->scav, db);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), sc->gc);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM scavenger"), sc->scav);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs"), sc->gc || sc->scav ? 1 : 0);
  /* a cut last line is kept as unparsed, or dropped when too short to look like trace */
  assert_true(tu_db_int(db, "SELECT count(*) FROM unparsed") <= sc->cut);
}

static void expect_real_trace(const scan *sc) {
  assert_int_equal(sc->app_lines, ROUNDS * LINES);
  assert_int_equal(sc->out_of_order, 0);
  assert_int_equal(sc->other, 0);
  assert_true(sc->gc >= ROUNDS * FORCED); /* at least the forced cycles */
}

/* ---- the Go program ------------------------------------------------------------------ */

static int build_alloc(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx)
    return -1;
  *state = fx;
  char src[512], cache[600], gopath[600], home[600];
  tu_root(fx->alloc, sizeof fx->alloc, "build/go/alloc");
  tu_root(src, sizeof src, "tests/go/alloc/main.go");
  snprintf(cache, sizeof cache, "GOCACHE=%s/build/go/cache", env_or("GCW_ROOT", "."));
  snprintf(gopath, sizeof gopath, "GOPATH=%s/build/go/path", env_or("GCW_ROOT", "."));
  snprintf(home, sizeof home, "HOME=%s", env_or("HOME", "/tmp"));
  const char *set[] = {cache, gopath, home, "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod",
                       "CGO_ENABLED=0", "GOTELEMETRY=off", NULL};
  char **env = env_with(set);
  char *argv[] = {"go", "build", "-o", fx->alloc, src, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid;
  int rc = tu_spawnp(&pid, "go", &fa, argv, env);
  posix_spawn_file_actions_destroy(&fa);
  free(env);
  if (rc != 0) {
    fprintf(stderr, "test_child: cannot run 'go' (%s): the Go toolchain is needed to build "
                    "tests/go/alloc; run 'make deps' (it installs golang-go)\n", strerror(rc));
    return -1;
  }
  int st = wait_bounded(pid, BUILD_LIMIT_S);
  if (st != 0) {
    fprintf(stderr, "test_child: 'go build -o %s %s' failed with status %d\n", fx->alloc, src, st);
    return -1;
  }
  return 0;
}

static int free_fixture(void **state) {
  free(*state);
  return 0;
}

static const char *alloc_path(void **state) { return ((fixture *)*state)->alloc; }

/* ---- piped: alloc 2>&1 | gctrace-watch ---------------------------------------------- */

/* The program's stderr captured to a file, then given to watch mode: the same bytes out. */
static void test_captured_stderr_through_watch(void **state) {
  char out[512], err[512], wout[512], db[512], rounds[16];
  tu_tmp(out, sizeof out, "alloc.out");
  tu_tmp(err, sizeof err, "alloc.err");
  tu_tmp(wout, sizeof wout, "watch.out");
  tu_tmp(db, sizeof db, "watch.db");
  snprintf(rounds, sizeof rounds, "%d", ROUNDS);
  const char *set[] = {"GODEBUG=gctrace=1,scavtrace=1", NULL};
  char **env = env_with(set);
  char *alloc[] = {(char *)alloc_path(state), "-rounds", rounds, NULL};
  assert_int_equal(run(alloc, env, NULL, out, err), 0);
  free(env);
  expect_rounds_only(out, NULL);
  scan sc = scan_file(err);
  expect_real_trace(&sc);
  char *watch[] = {(char *)tu_bin(), "--db", db, NULL};
  assert_int_equal(run(watch, NULL, err, wout, NULL), 0);
  assert_true(tu_same_file(err, wout));
  expect_stored(db, &sc, err);
  unlink(out);
  unlink(err);
  unlink(wout);
  tu_rm_db(db);
}

/* A true pipe, stdout and stderr of the program on it, read as it is written. */
static void test_true_pipe(void **state) {
  char wout[512], db[512], rounds[16];
  tu_tmp(wout, sizeof wout, "pipe.out");
  tu_tmp(db, sizeof db, "pipe.db");
  snprintf(rounds, sizeof rounds, "%d", ROUNDS);
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  const char *set[] = {"GODEBUG=gctrace=1,scavtrace=1", NULL};
  char **env = env_with(set);
  char *alloc[] = {(char *)alloc_path(state), "-rounds", rounds, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  pid_t writer;
  assert_int_equal(tu_spawnp(&writer, alloc[0], &fa, alloc, env), 0);
  posix_spawn_file_actions_destroy(&fa);
  free(env);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
  posix_spawn_file_actions_addopen(&fa, 1, wout, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  char *watch[] = {(char *)tu_bin(), "--db", db, NULL};
  pid_t reader;
  assert_int_equal(tu_spawnp(&reader, watch[0], &fa, watch, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[0]);
  close(fds[1]);
  assert_int_equal(wait_bounded(writer, RUN_LIMIT_S), 0);
  assert_int_equal(wait_bounded(reader, RUN_LIMIT_S), 0);
  scan sc = scan_file(wout);
  expect_real_trace(&sc);
  assert_int_equal(sc.rounds, ROUNDS);
  expect_stored(db, &sc, wout);
  unlink(wout);
  tu_rm_db(db);
}

/* ---- child mode ------------------------------------------------------------------- */

/* gctrace-watch --quiet --db db [--strip] -- alloc -rounds ROUNDS extra...; its status. */
static int run_child(void **state, const char *db, int strip, const char *const extra[],
                     char *const envp[], const char *in, const char *out, const char *err) {
  char rounds[16];
  snprintf(rounds, sizeof rounds, "%d", ROUNDS);
  /* --quiet: live findings would share our stderr with PROG's, which is compared exactly */
  char *argv[16] = {(char *)tu_bin(), "--quiet", "--db", (char *)db};
  int k = 4;
  if (strip)
    argv[k++] = "--strip";
  argv[k++] = "--";
  argv[k++] = (char *)alloc_path(state);
  argv[k++] = "-rounds";
  argv[k++] = rounds;
  for (int i = 0; extra && extra[i]; i++)
    argv[k++] = (char *)extra[i];
  argv[k] = NULL;
  return run(argv, envp, in, out, err);
}

static void test_child_passes_stderr_and_stores(void **state) {
  char in[512], out[512], err[512], db[512], sql[700];
  tu_tmp(in, sizeof in, "child.in");
  tu_tmp(out, sizeof out, "child.out");
  tu_tmp(err, sizeof err, "child.err");
  tu_tmp(db, sizeof db, "child.db");
  FILE *f = fopen(in, "w");
  assert_non_null(f);
  fputs("first line of our stdin\nsecond\n", f);
  fclose(f);
  const char *extra[] = {"-cat-stdin", NULL};
  assert_int_equal(run_child(state, db, 0, extra, NULL, in, out, err), 0);
  expect_rounds_only(out, "stdin: first line of our stdin\nstdin: second");
  scan sc = scan_file(err);
  expect_real_trace(&sc);
  expect_stored(db, &sc, err);
  /* what we passed on is what we read: same length, same digest */
  size_t n = 0;
  char *bytes = tu_slurp(err, &n), hex[65], stored[80];
  gcw_sha256 sha;
  gcw_sha256_init(&sha);
  gcw_sha256_update(&sha, bytes, n);
  gcw_sha256_hex(&sha, hex);
  free(bytes);
  assert_int_equal(tu_db_int(db, "SELECT bytes FROM sources"), (long long)n);
  assert_string_equal(tu_db_text(db, "SELECT sha256 FROM sources", stored, sizeof stored), hex);
  snprintf(sql, sizeof sql, "SELECT count(*) FROM sources WHERE kind = 'child' AND path = '%s'",
           alloc_path(state));
  assert_int_equal(tu_db_int(db, sql), 1);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE wall IS NULL"), 0);
  unlink(in);
  unlink(out);
  unlink(err);
  tu_rm_db(db);
}

/* --strip: exactly the program's own lines remain, whole and in order. */
static void test_child_strip(void **state) {
  char out[512], err[512], db[512];
  tu_tmp(out, sizeof out, "strip.out");
  tu_tmp(err, sizeof err, "strip.err");
  tu_tmp(db, sizeof db, "strip.db");
  assert_int_equal(run_child(state, db, 1, NULL, NULL, NULL, out, err), 0);
  expect_rounds_only(out, NULL);
  char want[8192] = "";
  for (int i = 1; i <= ROUNDS * LINES; i++)
    snprintf(want + strlen(want), sizeof want - strlen(want), "APP stderr line %d\n", i);
  char *got = tu_slurp(err, NULL);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
  assert_true(tu_db_int(db, "SELECT count(*) FROM gc_cycles") >= ROUNDS * FORCED);
  unlink(out);
  unlink(err);
  tu_rm_db(db);
}

static void test_child_exit_status(void **state) {
  char db[512];
  tu_tmp(db, sizeof db, "status.db");
  const char *exit3[] = {"-exit", "3", NULL};
  assert_int_equal(run_child(state, db, 0, exit3, NULL, NULL, NULL, "/dev/null"), 3);
  const char *term[] = {"-kill-self", "TERM", NULL};
  assert_int_equal(run_child(state, db, 0, term, NULL, NULL, NULL, "/dev/null"), 128 + SIGTERM);
  const char *killed[] = {"-kill-self", "KILL", NULL};
  assert_int_equal(run_child(state, db, 0, killed, NULL, NULL, NULL, "/dev/null"),
                   128 + SIGKILL);
  /* each of the three runs was stored whole, as its own source */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources WHERE bytes IS NOT NULL"), 3);
  tu_rm_db(db);
}

/* The user's GODEBUG settings are kept; a key the user set is not overridden. */
static void test_child_godebug(void **state) {
  char out[512], err[512], db[512];
  tu_tmp(out, sizeof out, "godebug.out");
  tu_tmp(err, sizeof err, "godebug.err");
  tu_tmp(db, sizeof db, "godebug.db");
  const char *extra[] = {"-print-godebug", NULL};
  const char *user[] = {"GODEBUG=madvdontneed=1", NULL};
  char **env = env_with(user);
  assert_int_equal(run_child(state, db, 0, extra, env, NULL, out, err), 0);
  free(env);
  expect_rounds_only(out, "GODEBUG=madvdontneed=1,gctrace=1,scavtrace=1");
  scan sc = scan_file(err);
  expect_real_trace(&sc);
  expect_stored(db, &sc, err);
  tu_rm_db(db);
  const char *off[] = {"GODEBUG=gctrace=0", NULL};
  env = env_with(off);
  assert_int_equal(run_child(state, db, 0, extra, env, NULL, out, err), 0);
  free(env);
  expect_rounds_only(out, "GODEBUG=gctrace=0,scavtrace=1");
  sc = scan_file(err);
  assert_int_equal(sc.gc, 0);
  assert_int_equal(sc.other, 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM scavenger"), sc.scav);
  unlink(out);
  unlink(err);
  tu_rm_db(db);
}

static void expect_cannot_start(const char *prog, int status, const char *why) {
  char err[512], db[512], want[1024];
  tu_tmp(err, sizeof err, "start.err");
  tu_tmp(db, sizeof db, "start.db");
  char *argv[] = {(char *)tu_bin(), "--db", db, "--", (char *)prog, "-x", NULL};
  assert_int_equal(run(argv, NULL, NULL, NULL, err), status);
  snprintf(want, sizeof want, "gctrace-watch: %s: %s\n", prog, why);
  char *got = tu_slurp(err, NULL);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources"), 0);
  unlink(err);
  tu_rm_db(db);
}

static void test_child_cannot_start(void **state) {
  (void)state;
  char src[512];
  expect_cannot_start("/nonexistent/alloc", 127, "No such file or directory");
  expect_cannot_start("gcw-no-such-program-in-path", 127, "No such file or directory");
  /* exists but is not executable: 126, as in shells */
  expect_cannot_start(tu_root(src, sizeof src, "tests/go/alloc/main.go"), 126,
                      "Permission denied");
}

/* A signal sent to gctrace-watch reaches PROG; what came before it is stored (and was
** committed while PROG still ran). */
static void forward_one(void **state, int sig) {
  char out[512], err[512], db[512];
  tu_tmp(out, sizeof out, "signal.out");
  tu_tmp(err, sizeof err, "signal.err");
  tu_tmp(db, sizeof db, "signal.db");
  char rounds[16];
  snprintf(rounds, sizeof rounds, "%d", ROUNDS);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, "--", (char *)alloc_path(state),
                  "-rounds", rounds, "-sleep", "30s", NULL};
  double t0 = now_s();
  pid_t pid = start(argv, NULL, NULL, out, err);
  if (!wait_for_text(err, "APP sleeping\n", 20 * 1000)) {
    kill(pid, SIGKILL);
    fail_msg("the program did not reach its sleep within 20 s");
  }
  usleep(3 * GCW_COMMIT_MS * 1000); /* a commit is due while PROG sleeps */
  scan sc = scan_file(err);
  expect_real_trace(&sc);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), sc.gc);
  assert_int_equal(kill(pid, sig), 0);
  assert_int_equal(wait_bounded(pid, 10), 128 + sig);
  assert_true(now_s() - t0 < 20); /* well before the 30 s sleep ends */
  sc = scan_file(err);
  expect_real_trace(&sc);
  expect_stored(db, &sc, err);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources WHERE bytes IS NOT NULL"), 1);
  unlink(out);
  unlink(err);
  tu_rm_db(db);
}

static void test_child_signals_forwarded(void **state) {
  forward_one(state, SIGTERM);
  forward_one(state, SIGINT);
  forward_one(state, SIGHUP);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_captured_stderr_through_watch),
      cmocka_unit_test(test_true_pipe),
      cmocka_unit_test(test_child_passes_stderr_and_stores),
      cmocka_unit_test(test_child_strip),
      cmocka_unit_test(test_child_exit_status),
      cmocka_unit_test(test_child_godebug),
      cmocka_unit_test(test_child_cannot_start),
      cmocka_unit_test(test_child_signals_forwarded),
  };
  return cmocka_run_group_tests(tests, build_alloc, free_fixture);
}
