/*
** test_imports.c: exact imports (issue 10, item 8).
**   - kill -9 during `analyze` of the 300,000-cycle corpus log 08 into an existing
**     database, then the same command: the unfinished import is replaced, exactly 300,000
**     cycles, one source for it (a new database is built under a temporary name and
**     appears only complete, issue 12: tests/test_import.c; an existing one is appended
**     to in batches, which is where an unfinished import can be left);
**   - a log that grew since its import is read on from where that import stopped, into
**     the same source and run: the result equals a fresh import of the whole file;
**   - the same file twice on one command line (by name, or through a link) is read once;
**   - a gzip member that fails its check (CRC, corrupt data, cut short) is not stored as
**     data: the good members before it are, with one message and exit status 3.
** The gzip files are built by the test from corpus 03 (split in two members, one byte of
** the second changed): no Go runtime wrote them as such.
*/
#include "testutil.h"

#include <signal.h>
#include <time.h>

static void test_killed_import_completes(void **state) {
  (void)state;
  char db[512], log[512], first[512];
  tu_tmp(db, sizeof db, "killed.db");
  tu_corpus_plain(log, sizeof log, "08_large_throughput/gctrace.log");
  /* the database exists (37 cycles of corpus 01) before the import that is killed */
  tu_analyze(db, tu_corpus(first, sizeof first, "01_steady_state_web/gctrace.log"));
  const long long before = 37;
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), before);
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, log, NULL};
  pid_t pid;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  assert_int_equal(tu_spawn(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  /* kill it as soon as a first batch of rows is committed */
  long long stored = 0;
  for (int waited = 0; waited < 60000 && stored <= before; waited += 5) {
    usleep(5000);
    sqlite3 *h;
    if (access(db, F_OK) != 0 || sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
      continue;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, "SELECT count(*) FROM gc_cycles", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      stored = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
  }
  assert_int_equal(kill(pid, SIGKILL), 0);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  long long partial = tu_db_int(db, "SELECT count(*) FROM gc_cycles") - before;
  if (partial <= 0 || partial >= 300000)
    fail_msg("the kill came at %lld cycles: not mid-import", partial);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources WHERE bytes IS NULL"), 1);
  /* the same command again */
  tu_result r = tu_capture("analyze", "--db", db, log, NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "did not finish: replaced"));
  tu_result_free(&r);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 300000 + before);
  assert_int_equal(tu_db_int(db, "SELECT count(DISTINCT run_id || '/' || gc) FROM gc_cycles"),
                   300000 + before);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources"), 1 + 1);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources WHERE bytes IS NULL"), 0);
  /* and once more: the same content, nothing added */
  tu_analyze(db, log);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 300000 + before);
  tu_rm_db(db);
}

static void test_same_file_twice(void **state) {
  (void)state;
  char db[512], log[512], link[512];
  tu_tmp(db, sizeof db, "twice.db");
  tu_tmp(link, sizeof link, "twice-link.log");
  tu_corpus(log, sizeof log, "01_steady_state_web/gctrace.log");
  assert_int_equal(symlink(log, link), 0);
  tu_result r = tu_capture("analyze", "--quiet", "--db", db, log, link, log, NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "read once"));
  tu_result_free(&r);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 37);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM source_files"), 1);
  unlink(link);
  tu_rm_db(db);
}

/* gzip -c of text into path (gzip(1) run by the test, argv-style). */
static void gzip_to(const char *text_path, const char *gz_path) {
  char *argv[] = {"gzip", "-c", (char *)text_path, NULL};
  assert_int_equal(tu_run(argv, NULL, gz_path, NULL), 0);
}

static void append_file(FILE *to, const char *path, long flip_at) {
  size_t n = 0;
  char *b = tu_slurp(path, &n);
  assert_non_null(b);
  if (flip_at != 0) {
    size_t i = flip_at > 0 ? (size_t)flip_at : n - (size_t)(-flip_at);
    b[i] ^= 0x01;
  }
  assert_int_equal(fwrite(b, 1, n, to), n);
  free(b);
}

static void test_bad_gzip_member(void **state) {
  (void)state;
  char log[512], a[512], b[512], agz[512], bgz[512], bad[512], db[512], ref[512];
  tu_corpus(log, sizeof log, "03_pause_spikes/gctrace.log");
  tu_tmp(a, sizeof a, "first.txt");
  tu_tmp(b, sizeof b, "second.txt");
  tu_tmp(agz, sizeof agz, "first.gz");
  tu_tmp(bgz, sizeof bgz, "second.gz");
  tu_tmp(bad, sizeof bad, "bad.gz");
  tu_tmp(ref, sizeof ref, "first.db");
  /* split the log at a line boundary */
  size_t n = 0;
  char *text = tu_slurp(log, &n);
  char *mid = memchr(text + n / 2, '\n', n - n / 2);
  assert_non_null(mid);
  size_t cut = (size_t)(mid - text) + 1;
  FILE *f = fopen(a, "wb");
  fwrite(text, 1, cut, f);
  fclose(f);
  f = fopen(b, "wb");
  fwrite(text + cut, 1, n - cut, f);
  fclose(f);
  free(text);
  gzip_to(a, agz);
  gzip_to(b, bgz);
  tu_analyze(ref, a);
  long long first = tu_db_int(ref, "SELECT count(*) FROM gc_cycles");
  assert_true(first > 50);
  /* member 2 with its CRC-32 changed (the 8-byte trailer's first byte), then with a byte
  ** of its compressed data changed */
  const long flips[] = {-8, 40};
  for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
    f = fopen(bad, "wb");
    append_file(f, agz, 0);
    append_file(f, bgz, flips[i]);
    fclose(f);
    tu_tmp(db, sizeof db, "badgz.db");
    tu_result r = tu_capture("analyze", "--quiet", "--db", db, bad, NULL);
    assert_int_equal(r.status, 3);
    if (!strstr(r.err, "gzip member 2 fails its check"))
      fail_msg("expected one message about member 2:\n%s", r.err);
    assert_null(strstr(strstr(r.err, "gzip member 2") + 1, "gzip member 2"));
    tu_result_free(&r);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), first);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM unparsed"), 0);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs"), 1);
    tu_rm_db(db);
  }
  /* both members good: everything */
  f = fopen(bad, "wb");
  append_file(f, agz, 0);
  append_file(f, bgz, 0);
  fclose(f);
  tu_tmp(db, sizeof db, "goodgz.db");
  tu_analyze(db, bad);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 251);
  tu_rm_db(db);
  tu_rm_db(ref);
  unlink(a);
  unlink(b);
  unlink(agz);
  unlink(bgz);
  unlink(bad);
}

/* A copy of the first `lines` lines of a corpus log at path (append: the rest). */
static void copy_lines(const char *from, const char *to, long first, long last, const char *mode) {
  size_t n = 0;
  char *b = tu_slurp(from, &n);
  FILE *f = fopen(to, mode);
  assert_non_null(b);
  assert_non_null(f);
  long line = 1;
  for (size_t i = 0; i < n; i++) {
    if (line >= first && line <= last)
      fputc(b[i], f);
    if (b[i] == '\n')
      line++;
  }
  fclose(f);
  free(b);
}

static void test_grown_log_continued(void **state) {
  (void)state;
  char log[512], grow[512], db[512], fresh[512];
  tu_corpus_plain(log, sizeof log, "06_interleaved_applog/combined.log");
  tu_tmp(grow, sizeof grow, "grow.log");
  tu_tmp(db, sizeof db, "grow.db");
  tu_tmp(fresh, sizeof fresh, "grow-fresh.db");
  copy_lines(log, grow, 1, 40000, "wb");
  tu_analyze(db, grow);
  long long before = tu_db_int(db, "SELECT count(*) FROM gc_cycles");
  assert_true(before > 1000);
  copy_lines(log, grow, 40001, 1L << 30, "ab");
  tu_result r = tu_capture("analyze", "--db", db, grow, NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.err, "read on from byte"));
  tu_result_free(&r);
  tu_analyze(fresh, grow);
  /* one source, whole; the same rows as a fresh import of the grown file */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources"), 1);
  const char *same[] = {
      "SELECT count(*) FROM gc_cycles",
      "SELECT count(*) FROM scavenger",
      "SELECT count(*) FROM unparsed",
      "SELECT count(*) FROM runs",
      "SELECT sum(cycles) FROM runs",
      "SELECT sum(missing_cycles) FROM runs",
      "SELECT sum(repaired) FROM runs",
      "SELECT max(last_line) FROM runs",
      "SELECT lines FROM sources",
      "SELECT bytes FROM sources",
      "SELECT count(DISTINCT run_id || '/' || gc) FROM gc_cycles",
      "SELECT sum(line) FROM gc_cycles"};
  for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
    if (tu_db_int(db, same[i]) != tu_db_int(fresh, same[i]))
      fail_msg("%s: %lld continued, %lld fresh", same[i], tu_db_int(db, same[i]),
               tu_db_int(fresh, same[i]));
  char a[80], b[80];
  assert_string_equal(tu_db_text(db, "SELECT sha256 FROM sources", a, sizeof a),
                      tu_db_text(fresh, "SELECT sha256 FROM sources", b, sizeof b));
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM source_files"), 2);
  /* nothing new: nothing added */
  tu_analyze(db, grow);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"),
                   tu_db_int(fresh, "SELECT count(*) FROM gc_cycles"));
  /* a different file under the same name (not a continuation): imported whole */
  copy_lines(log, grow, 1, 30000, "wb");
  tu_analyze(db, grow);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources"), 2);
  unlink(grow);
  tu_rm_db(db);
  tu_rm_db(fresh);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_killed_import_completes),
      cmocka_unit_test(test_grown_log_continued),
      cmocka_unit_test(test_same_file_twice),
      cmocka_unit_test(test_bad_gzip_member),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
