/*
** test_defaultdb.c: where the database is without --db, and reading without litter
** (issue 10, item 4).
**   - the default is $GCTRACE_WATCH_DB, else $XDG_STATE_HOME/gctrace-watch/gctrace.db,
**     else ~/.local/state/gctrace-watch/gctrace.db, created with its directory by the
**     first write, never in the working directory; `report` finds it from elsewhere;
**   - the reading commands work on a database they cannot write (a read-only file
**     system; another user's file, run as nobody) and create no -wal/-shm file, nor do
**     they in a writable directory.
*/
#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <sys/mount.h>

/* Run `gctrace-watch ARGS` in directory cwd with the environment env (NULL-terminated
** "K=V" list replacing ours entirely), stdin from in; returns the exit status. */
static int run_in(const char *cwd, char *const env[], const char *in, char *const args[],
                  const char *out) {
  char *argv[16] = {(char *)tu_bin()};
  int n = 1;
  while (args[n - 1] && n < 15) {
    argv[n] = args[n - 1];
    n++;
  }
  argv[n] = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, cwd);
  posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  int rc = tu_spawn(&pid, argv[0], &fa, argv, env);
  posix_spawn_file_actions_destroy(&fa);
  assert_int_equal(rc, 0);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int is_empty_dir(const char *dir) {
  char cmd[600];
  int n = 0;
  FILE *p;
  snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir); /* the test's own listing */
  p = popen(cmd, "r");
  assert_non_null(p);
  assert_int_equal(fscanf(p, "%d", &n), 1);
  pclose(p);
  return n == 0;
}

static void test_default_path(void **state) {
  (void)state;
  char home[400], work[400], other[400], log[512], db[600], xdg[400], out[512];
  tu_tmp(home, sizeof home, "home");
  tu_tmp(work, sizeof work, "work");
  tu_tmp(other, sizeof other, "other");
  tu_tmp(xdg, sizeof xdg, "xdg");
  tu_tmp(out, sizeof out, "report.out");
  assert_int_equal(mkdir(home, 0755), 0);
  assert_int_equal(mkdir(work, 0755), 0);
  assert_int_equal(mkdir(other, 0755), 0);
  tu_corpus(log, sizeof log, "01_steady_state_web/gctrace.log");
  char henv[500], xenv[500], denv[700];
  snprintf(henv, sizeof henv, "HOME=%s", home);
  snprintf(xenv, sizeof xenv, "XDG_STATE_HOME=%s", xdg);
  /* 1. ~/.local/state/gctrace-watch/gctrace.db, directories created, nothing in cwd */
  char *env1[] = {henv, "PATH=/usr/bin:/bin", NULL};
  char *watch[] = {"--quiet", NULL};
  assert_int_equal(run_in(work, env1, log, watch, NULL), 0);
  snprintf(db, sizeof db, "%s/.local/state/gctrace-watch/gctrace.db", home);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 37);
  assert_true(is_empty_dir(work));
  struct stat st;
  char dir[700];
  snprintf(dir, sizeof dir, "%s/.local/state/gctrace-watch", home);
  assert_int_equal(stat(dir, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0700);
  /* report, from another directory, finds it */
  char *report[] = {"report", NULL};
  assert_int_equal(run_in(other, env1, NULL, report, out), 0);
  char *text = tu_slurp(out, NULL);
  assert_non_null(strstr(text, "cycles     37"));
  free(text);
  assert_true(is_empty_dir(other));
  /* 2. $XDG_STATE_HOME */
  char *env2[] = {henv, xenv, "PATH=/usr/bin:/bin", NULL};
  char *analyze[] = {"analyze", "--quiet", log, NULL};
  assert_int_equal(run_in(work, env2, NULL, analyze, NULL), 0);
  snprintf(db, sizeof db, "%s/gctrace-watch/gctrace.db", xdg);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 37);
  assert_true(is_empty_dir(work));
  /* 3. $GCTRACE_WATCH_DB wins */
  snprintf(denv, sizeof denv, "GCTRACE_WATCH_DB=%s/env.db", other);
  char *env3[] = {henv, xenv, denv, "PATH=/usr/bin:/bin", NULL};
  assert_int_equal(run_in(work, env3, log, watch, NULL), 0);
  snprintf(db, sizeof db, "%s/env.db", other);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 37);
  assert_true(is_empty_dir(work));
  char cmd[1700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s' '%s'", home, work, other, xdg);
  assert_int_equal(system(cmd), 0);
  unlink(out);
}

/* Every reading command on db succeeds and leaves dir as it was (only the db file).
** as_nobody: run as user nobody (the file is another user's). */
static void read_everything(const char *dir, const char *db, int as_nobody) {
  const char *cmds[][6] = {{"runs", NULL},
                           {"report", NULL},
                           {"report", "--format", "json", NULL},
                           {"export", "--table", "findings", NULL},
                           {"compare", "1", "1", NULL},
                           {"plot", "--term", "dumb", NULL}};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    char *argv[16];
    int n = 0;
    if (as_nobody) {
      argv[n++] = "setpriv";
      argv[n++] = "--reuid=nobody";
      argv[n++] = "--regid=nogroup";
      argv[n++] = "--clear-groups";
    }
    argv[n++] = (char *)tu_bin();
    for (int k = 0; cmds[i][k]; k++)
      argv[n++] = (char *)cmds[i][k];
    argv[n++] = "--db";
    argv[n++] = (char *)db;
    argv[n] = NULL;
    int st = tu_run(argv, NULL, NULL, NULL);
    if (st != 0)
      fail_msg("%s on %s: exit %d", cmds[i][0], db, st);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) = 1", dir);
    if (system(cmd) != 0) {
      snprintf(cmd, sizeof cmd, "ls -la '%s' >&2", dir);
      (void)system(cmd);
      fail_msg("%s left files next to the database", cmds[i][0]);
    }
  }
}

static void test_read_only_fs(void **state) {
  (void)state;
  char dir[400], db[500], log[512];
  tu_tmp(dir, sizeof dir, "rofs");
  assert_int_equal(mkdir(dir, 0755), 0);
  if (mount("tmpfs", dir, "tmpfs", 0, "size=8m") != 0) {
    fprintf(stderr, "mount tmpfs on %s refused (%s): skipped (needs root)\n", dir,
            strerror(errno));
    rmdir(dir);
    skip();
  }
  snprintf(db, sizeof db, "%s/g.db", dir);
  tu_analyze(db, tu_corpus(log, sizeof log, "03_pause_spikes/gctrace.log"));
  assert_int_equal(mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
  read_everything(dir, db, 0);
  umount(dir);
  rmdir(dir);
}

static void test_other_users_file_and_writable_dir(void **state) {
  (void)state;
  char dir[400], db[500], log[512];
  tu_tmp(dir, sizeof dir, "shared");
  assert_int_equal(mkdir(dir, 0755), 0);
  snprintf(db, sizeof db, "%s/g.db", dir);
  tu_analyze(db, tu_corpus(log, sizeof log, "03_pause_spikes/gctrace.log"));
  /* a writable directory: reading leaves nothing either */
  read_everything(dir, db, 0);
  if (getuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0) {
    fprintf(stderr, "not root or no setpriv: the other-user case is skipped\n");
  } else {
    /* root's file, 0644, in a directory everyone may write (like /tmp): read as nobody */
    assert_int_equal(chmod(dir, 01777), 0);
    assert_int_equal(chmod(db, 0644), 0);
    read_everything(dir, db, 1);
  }
  tu_rm_db(db);
  rmdir(dir);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_path),
      cmocka_unit_test(test_read_only_fs),
      cmocka_unit_test(test_other_users_file_and_writable_dir),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
