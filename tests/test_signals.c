/*
** test_signals.c: signals like `tee -i` (issue 10, item 3).
**   watch mode: SIGINT/SIGTERM/SIGHUP mid-stream do not stop the reading: every byte the
**               producer writes after the signal still arrives, and we exit after EOF; a
**               second SIGINT ends at once (128+SIGINT); a signal ignored when we started
**               (nohup) stays ignored (no acknowledgement, nothing changes).
**   child mode: a grandchild that keeps PROG's stderr open after PROG exited delays our
**               exit by at most GRANDCHILD_GRACE_MS (3 s); PROG's status is kept.
*/
#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

enum { LIMIT_S = 60 };

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait at most limit_s for pid (killed and failed after that); a shell's status. */
static int wait_bounded(pid_t pid, double limit_s) {
  double end = now_s() + limit_s;
  int st;
  for (;;) {
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (now_s() > end) {
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
      fail_msg("process %d still running after %.0f s", (int)pid, limit_s);
    }
    usleep(5 * 1000);
  }
}

/* gctrace-watch in watch mode reading the pipe *wfd writes to; stdout and stderr to files.
** ignore_hup: started as nohup starts it (SIGHUP ignored). */
static pid_t start_watch(const char *db, int *wfd, const char *out, const char *err,
                         int ignore_hup) {
  int pp[2];
  assert_int_equal(pipe(pp), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pp[0], 0);
  posix_spawn_file_actions_addclose(&fa, pp[1]);
  posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char *argv[] = {(char *)tu_bin(), "--db", (char *)db, NULL};
  /* an ignored disposition survives exec: that is all nohup does about SIGHUP */
  struct sigaction ign, old;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGHUP, ignore_hup ? &ign : NULL, &old);
  pid_t pid;
  /* default dispositions whatever this test inherited (tu_spawnattr: `make check` may run
  ** with SIGINT ignored), but for SIGHUP when it is to stay ignored as under nohup */
  posix_spawnattr_t at;
  tu_spawnattr(&at);
  if (ignore_hup) {
    sigset_t def;
    posix_spawnattr_getsigdefault(&at, &def);
    sigdelset(&def, SIGHUP);
    posix_spawnattr_setsigdefault(&at, &def);
  }
  int rc = posix_spawn(&pid, argv[0], &fa, &at, argv, environ);
  posix_spawnattr_destroy(&at);
  if (ignore_hup)
    sigaction(SIGHUP, &old, NULL);
  posix_spawn_file_actions_destroy(&fa);
  close(pp[0]);
  assert_int_equal(rc, 0);
  *wfd = pp[1];
  return pid;
}

static void write_all(int fd, const char *b, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, b, n);
    assert_true(w > 0);
    b += w;
    n -= (size_t)w;
  }
}

/* Write bytes in a few slow chunks: the producer is still writing after the signal. */
static void produce(int fd, const char *b, size_t n, int chunks) {
  size_t step = n / (size_t)chunks + 1;
  for (size_t at = 0; at < n; at += step) {
    write_all(fd, b + at, at + step < n ? step : n - at);
    usleep(50 * 1000);
  }
}

/* One signal mid-stream: everything written afterwards still passes through and is
** stored; we exit 0 after EOF. */
static void signal_mid_stream(int sig, int ignore_hup) {
  char log[512], out[512], err[512], db[512], ref[512];
  tu_corpus_plain(log, sizeof log, "06_interleaved_applog/combined.log");
  size_t n = 0;
  char *input = tu_slurp(log, &n);
  assert_non_null(input);
  tu_tmp(out, sizeof out, "sig.out");
  tu_tmp(err, sizeof err, "sig.err");
  tu_tmp(db, sizeof db, "sig.db");
  tu_tmp(ref, sizeof ref, "sig-ref.db");
  int wfd;
  pid_t pid = start_watch(db, &wfd, out, err, ignore_hup);
  produce(wfd, input, n / 3, 4);
  usleep(300 * 1000);
  assert_int_equal(kill(pid, sig), 0);
  usleep(300 * 1000);
  /* still running, and still reading */
  assert_int_equal(waitpid(pid, NULL, WNOHANG), 0);
  produce(wfd, input + n / 3, n - n / 3, 8);
  close(wfd);
  assert_int_equal(wait_bounded(pid, LIMIT_S), 0);
  assert_true(tu_same_file(log, out));
  /* stored as much as a watcher nobody signalled */
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", ref, NULL};
  assert_int_equal(tu_run(argv, log, "/dev/null", "/dev/null"), 0);
  assert_true(tu_db_int(ref, "SELECT count(*) FROM gc_cycles") > 100);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"),
                   tu_db_int(ref, "SELECT count(*) FROM gc_cycles"));
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources WHERE bytes IS NOT NULL"), 1);
  assert_int_equal(tu_db_int(db, "SELECT bytes FROM sources"), (long long)n);
  char *e = tu_slurp(err, NULL);
  assert_non_null(e);
  if (ignore_hup)
    assert_null(strstr(e, "still passing the input through"));
  else
    assert_non_null(strstr(e, "still passing the input through"));
  free(e);
  free(input);
  unlink(out);
  unlink(err);
  tu_rm_db(db);
  tu_rm_db(ref);
}

static void test_watch_signals_keep_reading(void **state) {
  (void)state;
  signal_mid_stream(SIGINT, 0);
  signal_mid_stream(SIGTERM, 0);
  signal_mid_stream(SIGHUP, 0);
}

/* nohup: SIGHUP was ignored when we started, so it stays ignored (not even acknowledged). */
static void test_watch_nohup(void **state) {
  (void)state;
  signal_mid_stream(SIGHUP, 1);
}

/* A second SIGINT ends at once, while the producer still holds the pipe open. */
static void test_watch_second_sigint(void **state) {
  (void)state;
  char out[512], err[512], db[512];
  tu_tmp(out, sizeof out, "sig2.out");
  tu_tmp(err, sizeof err, "sig2.err");
  tu_tmp(db, sizeof db, "sig2.db");
  int wfd;
  pid_t pid = start_watch(db, &wfd, out, err, 0);
  write_all(wfd, "hello\n", 6);
  usleep(300 * 1000);
  kill(pid, SIGINT);
  usleep(300 * 1000);
  assert_int_equal(waitpid(pid, NULL, WNOHANG), 0);
  double t0 = now_s();
  kill(pid, SIGINT);
  assert_int_equal(wait_bounded(pid, 5), 128 + SIGINT);
  assert_true(now_s() - t0 < 2);
  close(wfd);
  char *o = tu_slurp(out, NULL);
  assert_string_equal(o, "hello\n");
  free(o);
  unlink(out);
  unlink(err);
  tu_rm_db(db);
}

/* Child mode: PROG exits (status 3) leaving a grandchild that holds its stderr for 30 s;
** we exit with PROG's status within the grace time (3 s) plus a margin, not after 30 s. */
static void test_child_grandchild_holds_stderr(void **state) {
  (void)state;
  char db[512], err[512];
  tu_tmp(db, sizeof db, "gchild.db");
  tu_tmp(err, sizeof err, "gchild.err");
  /* PROG is a shell script here (the test's child program, not ours): it backgrounds a
  ** sleep, which inherits the stderr pipe, and exits 3 */
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, "--", "/bin/sh", "-c",
                  "echo before >&2; sleep 30 & exit 3", NULL};
  double t0 = now_s();
  pid_t pid;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t at;
  tu_spawnattr(&at); /* default dispositions, whatever this test inherited */
  assert_int_equal(posix_spawn(&pid, argv[0], &fa, &at, argv, environ), 0);
  posix_spawnattr_destroy(&at);
  posix_spawn_file_actions_destroy(&fa);
  assert_int_equal(wait_bounded(pid, 20), 3);
  double took = now_s() - t0;
  assert_true(took >= 2.5); /* the grace time was given */
  assert_true(took < 8);
  char *e = tu_slurp(err, NULL);
  assert_non_null(strstr(e, "before\n"));
  free(e);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources WHERE bytes IS NOT NULL"), 1);
  unlink(err);
  tu_rm_db(db);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_watch_signals_keep_reading),
      cmocka_unit_test(test_watch_nohup),
      cmocka_unit_test(test_watch_second_sigint),
      cmocka_unit_test(test_child_grandchild_holds_stderr),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
