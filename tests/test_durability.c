/*
** test_durability.c: in watch mode a batch is committed at least every 250 ms, so a
** watcher killed with SIGKILL in the middle of a stream leaves a database that passes
** PRAGMA integrity_check and holds every cycle that arrived more than 250 ms before the
** kill. The stream is corpus 04a (real lines), written slowly through a pipe by the test.
*/
#include "testutil.h"

#include <signal.h>
#include <time.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void test_sigkill_mid_stream(void **state) {
  (void)state;
  char path[512], db[512];
  size_t n = 0;
  char *log = tu_slurp(tu_corpus_plain(path, sizeof path, "04a_ramp_alloc_rate/gctrace.log"), &n);
  assert_non_null(log);
  tu_tmp(db, sizeof db, "kill.db");
  int to[2];
  assert_int_equal(pipe(to), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, to[0], 0);
  posix_spawn_file_actions_addclose(&fa, to[1]);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, NULL};
  pid_t pid;
  assert_int_equal(tu_spawnp(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(to[0]);
  /* one line every 2 ms; remember when each gc line was handed over */
  enum { MAX_GC = 2000 };
  static double sent_at[MAX_GC + 1];
  double start = now_ms(), kill_at = start + 1500;
  long gc_sent = 0;
  char *p = log;
  while (p < log + n && now_ms() < kill_at) {
    char *nl = memchr(p, '\n', (size_t)(log + n - p));
    size_t len = (size_t)(nl - p) + 1;
    assert_int_equal(write(to[1], p, len), (ssize_t)len);
    if (strncmp(p, "gc ", 3) == 0 && gc_sent < MAX_GC)
      sent_at[++gc_sent] = now_ms();
    p += len;
    usleep(2000);
  }
  double killed = now_ms();
  assert_int_equal(kill(pid, SIGKILL), 0);
  int st;
  waitpid(pid, &st, 0);
  assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  close(to[1]);
  long due = 0; /* gc lines handed over more than 250 ms before the kill */
  for (long i = 1; i <= gc_sent; i++)
    due += sent_at[i] < killed - 250;
  fprintf(stderr, "  sent %ld gc lines, %ld of them > 250 ms before SIGKILL\n", gc_sent, due);
  assert_true(due > 100);
  char ok[64];
  assert_string_equal(tu_db_text(db, "PRAGMA integrity_check", ok, sizeof ok), "ok");
  long long stored = tu_db_int(db, "SELECT count(*) FROM gc_cycles");
  assert_true(stored >= due);
  assert_true(stored <= gc_sent);
  /* and they are the first ones, in order, none missing */
  assert_int_equal(tu_db_int(db, "SELECT max(gc) FROM gc_cycles"), stored);
  free(log);
  tu_rm_db(db);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sigkill_mid_stream),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
