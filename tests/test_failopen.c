/*
** test_failopen.c: the app never pays for our database (issue 10, item 2).
** Whatever happens to the database — it cannot be opened (/proc/x.db, a directory, a
** read-only file system), is corrupt or of a newer schema, is locked by another writer
** for 12 s, or its disk fills up mid-run — watch mode passes every byte through
** unchanged (cmp-identical) and child mode runs PROG and returns its status. One warning
** says what failed. A lock released or space freed resumes storing without losing rows;
** when rows were lost the exit status is 3 (after the whole input passed through).
** The tmpfs cases need mount(2) (root): refused, they are skipped with a message.
*/
#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <time.h>

static const char *small_log(char *buf, size_t n) {
  return tu_corpus(buf, n, "01_steady_state_web/gctrace.log");
}

static long count_of(const char *text, const char *needle) {
  long n = 0;
  for (const char *p = text; (p = strstr(p, needle)); p++)
    n++;
  return n;
}

/* `gctrace-watch --db DB < log`: status, the output identical to the input, one warning
** naming the database, containing `why`. */
static void watch_fails_open(const char *db, const char *why) {
  char log[512], out[512], err[512];
  small_log(log, sizeof log);
  tu_tmp(out, sizeof out, "fo.out");
  tu_tmp(err, sizeof err, "fo.err");
  char *argv[] = {(char *)tu_bin(), "--db", (char *)db, NULL};
  assert_int_equal(tu_run(argv, log, out, err), 3);
  assert_true(tu_same_file(log, out));
  char *e = tu_slurp(err, NULL);
  assert_non_null(e);
  if (!strstr(e, why) || count_of(e, "no more rows are stored") != 1)
    fail_msg("stderr does not say '%s' once:\n%s", why, e);
  assert_non_null(strstr(e, "rows were not stored"));
  free(e);
  unlink(out);
  unlink(err);
}

/* Child mode: PROG runs and its status comes back; its stderr passes through. */
static void child_fails_open(const char *db) {
  char log[512], err[512], script[1200];
  small_log(log, sizeof log);
  tu_tmp(err, sizeof err, "fo-child.err");
  /* the test's own child program: copies the log to its stderr and exits 7 */
  snprintf(script, sizeof script, "cat '%s' >&2; exit 7", log);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", (char *)db, "--", "/bin/sh", "-c",
                  script, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, err), 7);
  size_t nl = 0;
  char *e = tu_slurp(err, NULL), *l = tu_slurp(log, &nl);
  assert_non_null(e);
  assert_non_null(strstr(e, l));
  free(e);
  free(l);
  unlink(err);
}

static void test_cannot_open(void **state) {
  (void)state;
  char dir[512];
  watch_fails_open("/proc/x.db", "/proc/x.db: cannot open");
  child_fails_open("/proc/x.db");
  tu_tmp(dir, sizeof dir, "fo-dir");
  assert_int_equal(mkdir(dir, 0755), 0);
  watch_fails_open(dir, "Is a directory");
  child_fails_open(dir);
  rmdir(dir);
}

static void test_corrupt_and_future(void **state) {
  (void)state;
  char db[512], junk[512];
  tu_tmp(db, sizeof db, "fo-corrupt.db");
  /* not a database: 8 KiB of the text of a corpus log */
  FILE *f = fopen(db, "wb");
  small_log(junk, sizeof junk);
  size_t n = 0;
  char *text = tu_slurp(junk, &n);
  fwrite(text, 1, n > 8192 ? 8192 : n, f);
  fclose(f);
  free(text);
  watch_fails_open(db, "file is not a database");
  child_fails_open(db);
  tu_rm_db(db);
  tu_tmp(db, sizeof db, "fo-future.db");
  tu_corpus_db(db, sizeof db, "01_steady_state_web/gctrace.log");
  tu_exec(db, "PRAGMA user_version=99");
  long long cycles = tu_db_int(db, "SELECT count(*) FROM gc_cycles");
  watch_fails_open(db, "schema version 99 is newer");
  child_fails_open(db);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), cycles);
  tu_rm_db(db);
}

/* A tmpfs of `size` at a fresh directory (in dir); 0 if mount(2) is refused. */
static int mount_tmpfs(char *dir, size_t n, const char *opts, unsigned long flags) {
  tu_tmp(dir, n, "fo-mnt");
  assert_int_equal(mkdir(dir, 0755), 0);
  if (mount("tmpfs", dir, "tmpfs", flags, opts) != 0) {
    fprintf(stderr, "mount tmpfs on %s refused (%s): skipped (needs root)\n", dir,
            strerror(errno));
    rmdir(dir);
    return 0;
  }
  return 1;
}

static void test_read_only_fs(void **state) {
  (void)state;
  char dir[400], db[500];
  if (!mount_tmpfs(dir, sizeof dir, "size=1m", MS_RDONLY))
    skip();
  snprintf(db, sizeof db, "%s/gctrace.db", dir);
  watch_fails_open(db, "cannot open");
  child_fails_open(db);
  umount(dir);
  rmdir(dir);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Stream `log` into `gctrace-watch --db DB` in `chunks` pieces over about `secs` seconds;
** between pieces, at `at`, call then(ctx). Returns the exit status; out gets stdout. */
typedef void (*midway)(void *ctx);
static int stream_slowly(const char *db, const char *log, const char *out, const char *err,
                         int chunks, double secs, int at, midway then, void *ctx) {
  size_t n = 0;
  char *b = tu_slurp(log, &n);
  assert_non_null(b);
  int pp[2];
  assert_int_equal(pipe(pp), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pp[0], 0);
  posix_spawn_file_actions_addclose(&fa, pp[1]);
  posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char *argv[] = {(char *)tu_bin(), "--db", (char *)db, NULL};
  pid_t pid;
  assert_int_equal(tu_spawn(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(pp[0]);
  size_t step = n / (size_t)chunks + 1;
  int i = 0;
  for (size_t off = 0; off < n; off += step, i++) {
    if (i == at)
      then(ctx);
    size_t len = off + step < n ? step : n - off;
    for (size_t w = 0; w < len;) {
      ssize_t k = write(pp[1], b + off + w, len - w);
      assert_true(k > 0);
      w += (size_t)k;
    }
    usleep((useconds_t)(secs / chunks * 1e6));
  }
  close(pp[1]);
  free(b);
  int st;
  double end = now_s() + 60;
  while (waitpid(pid, &st, WNOHANG) == 0) {
    if (now_s() > end) {
      kill(pid, SIGKILL);
      fail_msg("gctrace-watch did not end");
    }
    usleep(10000);
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The reference: how many cycles a watcher with a healthy database stores from log. */
static long long reference_cycles(const char *log) {
  char db[512];
  tu_tmp(db, sizeof db, "fo-ref.db");
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, NULL};
  assert_int_equal(tu_run(argv, log, NULL, NULL), 0);
  long long n = tu_db_int(db, "SELECT count(*) FROM gc_cycles");
  tu_rm_db(db);
  assert_true(n > 1000);
  return n;
}

/* ---- another writer holds the lock for 12 s ---------------------------------------- */

typedef struct locker {
  const char *db;
  pid_t pid;
  int hold_s; /* how long the lock is held */
} locker;

/* A second process takes the write lock (BEGIN EXCLUSIVE, a row written) and keeps it
** for 12 s before committing. */
static void take_lock(void *ctx) {
  locker *l = ctx;
  int ready[2];
  assert_int_equal(pipe(ready), 0);
  l->pid = fork();
  assert_true(l->pid >= 0);
  if (l->pid == 0) {
    sqlite3 *h;
    char c = 'x';
    if (sqlite3_open(l->db, &h) != SQLITE_OK ||
        sqlite3_exec(h, "BEGIN EXCLUSIVE; INSERT INTO unparsed VALUES(0, 0, 'x', 'locker')",
                     NULL, NULL, NULL) != SQLITE_OK)
      _exit(1);
    if (write(ready[1], &c, 1) != 1)
      _exit(1);
    sleep((unsigned)l->hold_s);
    _exit(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : 1);
  }
  close(ready[1]);
  char c;
  assert_int_equal(read(ready[0], &c, 1), 1); /* locked from here on */
  close(ready[0]);
}

static void test_locked_12s(void **state) {
  (void)state;
  char db[512], out[512], err[512], log[512];
  tu_corpus_plain(log, sizeof log, "06_interleaved_applog/combined.log");
  tu_tmp(db, sizeof db, "fo-lock.db");
  tu_tmp(out, sizeof out, "fo-lock.out");
  tu_tmp(err, sizeof err, "fo-lock.err");
  long long want = reference_cycles(log);
  locker l = {db, 0, 12};
  /* the database exists (schema written) before the lock is taken */
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  double t0 = now_s();
  assert_int_equal(stream_slowly(db, log, out, err, 40, 16, 4, take_lock, &l), 0);
  int st;
  assert_int_equal(waitpid(l.pid, &st, 0), l.pid);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0); /* the other writer committed */
  assert_true(now_s() - t0 > 12);
  assert_true(tu_same_file(log, out));
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), want);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM unparsed WHERE reason='locker'"), 1);
  char *e = tu_slurp(err, NULL);
  if (count_of(e, "database is locked; storing paused") != 1 ||
      count_of(e, "storing resumed") != 1)
    fail_msg("expected one pause and one resume:\n%s", e);
  free(e);
  /* The run's rows were replayed after the lock: no statistics computed while writing
  ** (they would count the replayed rows twice); a report computes them from the rows
  ** stored, and they equal those of a session that never met a lock. */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM stats"), 0);
  char ref[512], got[8192], want_stats[8192];
  tu_tmp(ref, sizeof ref, "fo-lock-ref.db");
  char *watch_ref[] = {(char *)tu_bin(), "--quiet", "--db", ref, NULL};
  assert_int_equal(tu_run(watch_ref, log, NULL, NULL), 0);
  char *report[] = {(char *)tu_bin(), "report", "--db", db, NULL};
  assert_int_equal(tu_run(report, NULL, NULL, NULL), 0);
  const char *all = "SELECT group_concat(name || '=' || quote(value), ' ') FROM "
                    "(SELECT name, value FROM stats ORDER BY name)";
  tu_db_text(ref, all, want_stats, sizeof want_stats);
  tu_db_text(db, all, got, sizeof got);
  assert_true(tu_db_int(ref, "SELECT count(*) FROM stats") > 20);
  assert_string_equal(got, want_stats);
  tu_rm_db(ref);
  unlink(out);
  unlink(err);
  tu_rm_db(db);
}

/* The lock is held through the whole input: rows wait in memory up to the bound
** (64 MiB), then are dropped and counted; memory stays flat; the input passes through
** whole; at the end, still locked, the rows not stored are reported and the exit is 3. */
static void test_locked_throughout_bound(void **state) {
  (void)state;
  char db[512], out[512], err[512], log[512];
  tu_corpus_plain(log, sizeof log, "08_large_throughput/gctrace.log");
  tu_tmp(db, sizeof db, "fo-bound.db");
  tu_tmp(out, sizeof out, "fo-bound.out");
  tu_tmp(err, sizeof err, "fo-bound.err");
  char *init[] = {(char *)tu_bin(), "--quiet", "--db", db, NULL};
  assert_int_equal(tu_run(init, NULL, NULL, NULL), 0);
  locker l = {db, 0, 120};
  take_lock(&l);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, log, O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  assert_int_equal(tu_spawn(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  int st;
  struct rusage ru;
  assert_int_equal(wait4(pid, &st, 0, &ru), pid);
  kill(l.pid, SIGKILL);
  waitpid(l.pid, NULL, 0);
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 3);
  assert_true(tu_same_file(log, out));
  char *e = tu_slurp(err, NULL);
  if (!strstr(e, "later rows are dropped") || !strstr(e, "rows were not stored"))
    fail_msg("expected the bound to be hit and the rows not stored counted:\n%s", e);
  free(e);
  /* 64 MiB of queue, the program and SQLite's cache: far below the 50 MB log's rows */
  if (ru.ru_maxrss > 160 * 1024)
    fail_msg("peak RSS %ld KiB: the queue is not bounded", ru.ru_maxrss);
  unlink(out);
  unlink(err);
  tu_rm_db(db);
}

/* ---- the disk fills up, then space returns ---------------------------------------- */

typedef struct filler {
  char path[500];
} filler;

static void free_space(void *ctx) { unlink(((filler *)ctx)->path); }

/* Fill the file system of path with a file until write fails with ENOSPC. */
static void fill_up(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  assert_true(fd >= 0);
  static char zeros[4096];
  while (write(fd, zeros, sizeof zeros) > 0)
    ;
  assert_int_equal(errno, ENOSPC);
  close(fd);
}

static void test_disk_full(void **state) {
  (void)state;
  char dir[400], db[500], out[512], err[512], log[512];
  /* 12 MiB: the log's database is 2.7 MB, and with main's 16 KiB pages its WAL holds
  ** as much again until the checkpoint at close (4 MiB no longer fits it once) */
  if (!mount_tmpfs(dir, sizeof dir, "size=12m", 0))
    skip();
  tu_corpus_plain(log, sizeof log, "06_interleaved_applog/combined.log");
  snprintf(db, sizeof db, "%s/gctrace.db", dir);
  tu_tmp(out, sizeof out, "fo-full.out");
  tu_tmp(err, sizeof err, "fo-full.err");
  long long want = reference_cycles(log);
  filler f;
  snprintf(f.path, sizeof f.path, "%s/filler", dir);
  /* full from the start; space returns after a third of the input */
  fill_up(f.path);
  assert_int_equal(stream_slowly(db, log, out, err, 12, 6, 4, free_space, &f), 0);
  assert_true(tu_same_file(log, out));
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), want);
  char *e = tu_slurp(err, NULL);
  if (count_of(e, "storing paused") != 1 || count_of(e, "storing resumed") != 1 ||
      (!strstr(e, "No space left on device") && !strstr(e, "disk is full")))
    fail_msg("expected one pause (no space) and one resume:\n%s", e);
  free(e);
  /* full for good: everything passes through, the rows lost are counted, exit 3 */
  tu_rm_db(db);
  fill_up(f.path);
  char *argv[] = {(char *)tu_bin(), "--db", db, NULL};
  assert_int_equal(tu_run(argv, log, out, err), 3);
  assert_true(tu_same_file(log, out));
  e = tu_slurp(err, NULL);
  if (!strstr(e, "rows were not stored"))
    fail_msg("expected the rows not stored to be counted:\n%s", e);
  free(e);
  unlink(f.path);
  unlink(out);
  unlink(err);
  umount(dir);
  rmdir(dir);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cannot_open),
      cmocka_unit_test(test_corrupt_and_future),
      cmocka_unit_test(test_read_only_fs),
      cmocka_unit_test(test_disk_full),
      cmocka_unit_test(test_locked_12s),
      cmocka_unit_test(test_locked_throughout_bound),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
