/*
** test_follow.c: `analyze --follow` on files that grow and rotate while it runs: lines
** appended arrive in the store; a rename-and-recreate and a copytruncate rotation continue
** the same source and run; a CRI log (as under /var/log/pods) is decoded; SIGTERM ends it
** cleanly with everything stored. The lines are corpus 04b's (real go1.19.8 trace), written
** to the followed file in parts. Every wait is bounded (WAIT_S).
*/
#include "testutil.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

enum { WAIT_S = 15 };

static const char *log04b(void) {
  static char path[512];
  return tu_corpus(path, sizeof path, "04b_memlimit_thrash/gctrace.log");
}

/* Lines first..last (1-based) of 04b appended to path, each turned by wrap (or as is). */
static void append_lines(const char *path, int first, int last, const char *cri_time) {
  FILE *in = fopen(log04b(), "r"), *out = fopen(path, "a");
  assert_non_null(in);
  assert_non_null(out);
  char line[4096];
  for (int n = 1; fgets(line, sizeof line, in); n++) {
    if (n < first || n > last)
      continue;
    if (cri_time) /* a CRI record built around the real line: TIME STREAM F TEXT */
      fprintf(out, "%s stderr F %s", cri_time, line);
    else
      fputs(line, out);
  }
  fclose(in);
  fclose(out);
}

static pid_t start_follow(const char *db, const char *err, const char *file, const char *extra) {
  char *argv[] = {(char *)tu_bin(), "analyze", "--follow", "--db", (char *)db, (char *)file,
                  (char *)extra, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  assert_int_equal(tu_spawnp(&pid, argv[0], &fa, argv, environ), 0); /* default signals */
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait until the store holds `want` gc cycles (the follower commits every 250 ms). */
static long long wait_cycles(const char *db, long long want) {
  long long got = -1;
  for (double t0 = now_s(); now_s() - t0 < WAIT_S; poll(NULL, 0, 100)) {
    if (access(db, F_OK) != 0)
      continue;
    sqlite3 *h;
    sqlite3_stmt *st;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, "SELECT count(*) FROM gc_cycles", -1, &st, NULL) == SQLITE_OK) {
      if (sqlite3_step(st) == SQLITE_ROW)
        got = sqlite3_column_int64(st, 0);
      sqlite3_finalize(st);
    }
    sqlite3_close(h);
    if (got == want)
      break;
  }
  return got;
}

/* A signal (SIGTERM or SIGINT), then its exit status (bounded). */
static int stop(pid_t pid, int sig) {
  kill(pid, sig);
  int st;
  for (double t0 = now_s(); now_s() - t0 < WAIT_S; poll(NULL, 0, 20))
    if (waitpid(pid, &st, WNOHANG) == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);
  fail_msg("analyze --follow did not stop within %d s of signal %d", WAIT_S, sig);
  return -1;
}

/* 04b has 3242 lines; gc lines 1..N are its odd lines (gc and scav alternate). */
static void test_grow_rotate_truncate(void **state) {
  (void)state;
  char dir[256], file[400], moved[400], copy[400], db[400], err[400];
  tu_tmp(dir, sizeof dir, "follow");
  assert_int_equal(mkdir(dir, 0700), 0);
  snprintf(file, sizeof file, "%s/app.log", dir);
  snprintf(moved, sizeof moved, "%s/app.log.1", dir);
  snprintf(copy, sizeof copy, "%s/app.log.2", dir);
  snprintf(db, sizeof db, "%s/f.db", dir);
  snprintf(err, sizeof err, "%s/err", dir);
  append_lines(file, 1, 1000, NULL);
  pid_t pid = start_follow(db, err, file, "--label");
  (void)pid;
  /* --label without a value is a usage error: it exits at once, status 2 */
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_int_equal(WEXITSTATUS(st), 2);
  pid = start_follow(db, err, file, "--label=node=n1");
  assert_int_equal(wait_cycles(db, 500), 500);
  /* growth */
  append_lines(file, 1001, 1600, NULL);
  assert_int_equal(wait_cycles(db, 800), 800);
  /* rename and recreate (logrotate's default) */
  assert_int_equal(rename(file, moved), 0);
  append_lines(file, 1601, 2400, NULL);
  assert_int_equal(wait_cycles(db, 1200), 1200);
  /* copytruncate: copied away, then cut to zero in place, then written on */
  char *cp[] = {"cp", file, copy, NULL};
  assert_int_equal(tu_run(cp, NULL, NULL, NULL), 0);
  assert_int_equal(truncate(file, 0), 0);
  poll(NULL, 0, 600); /* let the follower see the file empty */
  append_lines(file, 2401, 3000, NULL);
  assert_int_equal(wait_cycles(db, 1500), 1500);
  /* lines written just before SIGTERM are still read and stored */
  append_lines(file, 3001, 3242, NULL);
  assert_int_equal(stop(pid, SIGTERM), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 1621);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM scavenger"), 1621);
  /* one process: one source, one run, no cycle missing, the label stored */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources WHERE kind='follow'"), 1);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs WHERE cycles=1621 AND "
                                 "missing_cycles=0"), 1);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM run_labels WHERE key='node' AND "
                                 "value='n1'"), 1);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings WHERE kind='memlimit_thrash'"),
                   1);
  char *text = tu_slurp(err, NULL);
  assert_non_null(strstr(text, "rotated"));
  assert_non_null(strstr(text, "truncated"));
  assert_non_null(strstr(text, "error memlimit_thrash (run 1,"));
  assert_non_null(strstr(text, "1621 cycles in 1 run (run 1)"));
  free(text);
  unlink(file);
  unlink(moved);
  unlink(copy);
  unlink(err);
  tu_rm_db(db);
  rmdir(dir);
}

/* A file that does not exist yet is followed once it appears; a CRI log is decoded (its
** records' times become the cycles' wall times); SIGINT ends it like SIGTERM. */
static void test_cri_appearing_later(void **state) {
  (void)state;
  char dir[256], file[400], db[400], err[400];
  tu_tmp(dir, sizeof dir, "followcri");
  assert_int_equal(mkdir(dir, 0700), 0);
  snprintf(file, sizeof file, "%s/0.log", dir);
  snprintf(db, sizeof db, "%s/f.db", dir);
  snprintf(err, sizeof err, "%s/err", dir);
  pid_t pid = start_follow(db, err, file, "--quiet");
  poll(NULL, 0, 500);
  append_lines(file, 1, 400, "2026-12-01T10:00:00.000000000Z");
  assert_int_equal(wait_cycles(db, 200), 200);
  append_lines(file, 401, 600, "2026-12-01T10:00:00.000000000Z");
  assert_int_equal(stop(pid, SIGINT), 0); /* ^C: the same clean end, the last lines kept */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 300);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE wall LIKE "
                                 "'2026-12-01T10:00:00%'"), 300);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM unparsed"), 0);
  size_t n = 1;
  free(tu_slurp(err, &n));
  assert_int_equal(n, 0); /* --quiet */
  unlink(file);
  unlink(err);
  tu_rm_db(db);
  rmdir(dir);
}

/* Usage errors: stdin, --plot */
static void test_usage(void **state) {
  (void)state;
  char db[512];
  tu_tmp(db, sizeof db, "fu.db");
  tu_result r = tu_capture("analyze", "--follow", "--db", db, "-", NULL);
  assert_int_equal(r.status, 2);
  tu_result_free(&r);
  r = tu_capture("analyze", "--follow", "--plot", "x.png", "--db", db, log04b(), NULL);
  assert_int_equal(r.status, 2);
  tu_result_free(&r);
  assert_int_equal(access(db, F_OK), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grow_rotate_truncate),
      cmocka_unit_test(test_cri_appearing_later),
      cmocka_unit_test(test_usage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
