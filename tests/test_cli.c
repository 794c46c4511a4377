/*
** test_cli.c: what the command line says to a person who has not read the manual.
**   - watch mode with a terminal on stdin (run by hand, nothing piped in) says in one
**     line how to feed it, instead of waiting in silence; with a pipe it says nothing;
**   - a file without trace lines names the GODEBUG setting that makes them.
*/
#include "testutil.h"

#include <poll.h>

/* Watch mode with stdin on a pseudo-terminal; Ctrl-D ends the input. Returns stderr. */
static char *watch_on_a_terminal(const char *db) {
  char err[512];
  tu_tmp(err, sizeof err, "tty.err");
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  assert_true(master >= 0);
  assert_int_equal(grantpt(master), 0);
  assert_int_equal(unlockpt(master), 0);
  const char *slave = ptsname(master);
  assert_non_null(slave);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, slave, O_RDWR, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addclose(&fa, master);
  char *argv[] = {(char *)tu_bin(), "--db", (char *)db, NULL};
  pid_t pid;
  assert_int_equal(posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  /* wait for the hint, then end the input as a person would */
  char *text = NULL;
  for (int tries = 0; tries < 100; tries++) {
    free(text);
    text = tu_slurp(err, NULL);
    if (text && *text)
      break;
    poll(NULL, 0, 50);
  }
  assert_int_equal(write(master, "\x04", 1), 1);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  close(master);
  assert_true(WIFEXITED(st));
  free(text);
  text = tu_slurp(err, NULL);
  assert_non_null(text);
  unlink(err);
  return text;
}

static void test_terminal_on_stdin_gets_a_hint(void **state) {
  (void)state;
  char db[512];
  tu_tmp(db, sizeof db, "tty.db");
  char *text = watch_on_a_terminal(db);
  fprintf(stderr, "stderr: %s", text ? text : "(none)");
  assert_non_null(strstr(text, "reading a program's output from the terminal"));
  assert_non_null(strstr(text, "GODEBUG=gctrace=1"));
  assert_non_null(strchr(text, '\n'));
  assert_ptr_equal(strchr(text, '\n') + 1, text + strlen(text)); /* one line */
  free(text);
  tu_rm_db(db);
  /* with a pipe (here /dev/null) on stdin: not a word */
  char err[512];
  tu_tmp(err, sizeof err, "pipe.err");
  char *argv[] = {(char *)tu_bin(), "--db", db, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, err), 0);
  size_t n = 1;
  free(tu_slurp(err, &n));
  assert_int_equal(n, 0);
  unlink(err);
  tu_rm_db(db);
}

static void test_no_trace_names_godebug(void **state) {
  (void)state;
  char db[512], readme[512];
  tu_tmp(db, sizeof db, "none.db");
  tu_result r = tu_capture("analyze", "--db", db, tu_root(readme, sizeof readme, "README.md"),
                           NULL);
  assert_int_equal(r.status, 3);
  assert_non_null(strstr(r.err, "no GC trace lines found"));
  assert_non_null(strstr(r.err, "GODEBUG=gctrace=1"));
  tu_result_free(&r);
  tu_rm_db(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_terminal_on_stdin_gets_a_hint),
      cmocka_unit_test(test_no_trace_names_godebug),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
