/*
** test_import.c: `analyze` into a database that does not exist builds it under a
** temporary name ("DB.import-PID", no journal) and renames it when complete: killed with
** SIGKILL in the middle, it leaves no database; the next import removes the dead one's
** temporary file and stores every cycle exactly once. An import into an existing
** database appends in WAL mode, as watch mode does. Input: corpus 08 (600,000 real
** lines, about a second of work), so the kill lands inside the import.
*/
#include "testutil.h"

#include <dirent.h>
#include <signal.h>
#include <time.h>

/* How many files in the database's directory are its import temporaries. */
static int import_files(const char *db, char *found, size_t n) {
  char dir[512];
  const char *slash = strrchr(db, '/');
  snprintf(dir, sizeof dir, "%.*s", (int)(slash - db), db);
  const char *base = slash + 1;
  char prefix[600];
  snprintf(prefix, sizeof prefix, "%s.import-", base);
  DIR *d = opendir(dir);
  assert_non_null(d);
  int k = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
      snprintf(found, n, "%.300s/%.300s", dir, e->d_name);
      k++;
    }
  closedir(d);
  return k;
}

static long file_size(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

static void test_killed_import_leaves_no_database(void **state) {
  (void)state;
  char log[512], db[512], tmp[700];
  tu_corpus_stored(log, sizeof log, "08_large_throughput/gctrace.log"); /* the .gz */
  tu_tmp(db, sizeof db, "import.db");
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, log, NULL};
  pid_t pid;
  assert_int_equal(tu_spawnp(&pid, argv[0], NULL, argv, environ), 0);
  /* wait until the import is under way: its temporary file holds rows */
  snprintf(tmp, sizeof tmp, "%s.import-%ld", db, (long)pid);
  struct timespec pause = {0, 2 * 1000 * 1000};
  for (int i = 0; i < 5000 && file_size(tmp) < 256 * 1024; i++)
    nanosleep(&pause, NULL);
  assert_true(file_size(tmp) >= 256 * 1024);
  assert_int_equal(file_size(db), -1); /* not published while it is being built */
  assert_int_equal(kill(pid, SIGKILL), 0);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL); /* killed inside the import */
  char found[700];
  assert_int_equal(file_size(db), -1); /* no half database */
  assert_int_equal(import_files(db, found, sizeof found), 1); /* only the dead one's file */
  assert_string_equal(found, tmp);

  /* the rerun: the dead import's file is removed, every cycle stored once */
  tu_analyze(db, log);
  assert_int_equal(import_files(db, found, sizeof found), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources"), 1);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 300000);
  assert_int_equal(tu_db_int(db, "SELECT count(DISTINCT gc) FROM gc_cycles"), 300000);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM scavenger"), 300000);
  assert_int_equal(tu_db_int(db, "SELECT page_size FROM pragma_page_size"), 16384);
  char buf[64];
  assert_string_equal(tu_db_text(db, "PRAGMA integrity_check", buf, sizeof buf), "ok");
  assert_string_equal(tu_db_text(db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
  tu_rm_db(db);
}

/* Appending to an existing database: WAL while it runs, and the rows of both imports. */
static void test_append_keeps_existing_database(void **state) {
  (void)state;
  char a[512], b[512], db[512], found[700], buf[64];
  tu_tmp(db, sizeof db, "append.db");
  tu_analyze(db, tu_corpus(a, sizeof a, "02_slow_leak/gctrace.log"));
  long long first = tu_db_int(db, "SELECT count(*) FROM gc_cycles");
  assert_true(first > 0);
  tu_analyze(db, tu_corpus(b, sizeof b, "03_pause_spikes/gctrace.log"));
  assert_int_equal(import_files(db, found, sizeof found), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources"), 2);
  assert_true(tu_db_int(db, "SELECT count(*) FROM gc_cycles") > first);
  assert_string_equal(tu_db_text(db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
  tu_rm_db(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_killed_import_leaves_no_database),
      cmocka_unit_test(test_append_keeps_existing_database),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
