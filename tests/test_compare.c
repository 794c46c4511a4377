/*
** test_compare.c: `compare` supports a GOGC decision, and `report` says what it knows of a
** run that is still open.
**   - tests/cases/gogc: one real program at GOGC=50 and GOGC=200. compare must show the
**     trade-off: B (200) worse on memory (peak heap, max goal, each checked against the
**     stored cycles), better on CPU (cycles/min, GC CPU), both runs named by their file;
**     --format json carries the same figures and verdicts.
**   - runs named by their labels (issue 14): the same two logs read with --label, each
**     header shows its run's labels and the JSON sides carry them as objects.
**   - a watcher still reading: `report` on its run counts the cycles stored so far and
**     says the run is open, instead of "format unknown, cycles 0".
*/
#include "testutil.h"

#include <math.h>
#include <signal.h>
#include <time.h>

static void gogc_db(char *db, size_t n) {
  char a[512], b[512];
  tu_tmp(db, n, "gogc.db");
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db,
                  (char *)tu_root(a, sizeof a, "tests/cases/gogc/gogc50.log"),
                  (char *)tu_root(b, sizeof b, "tests/cases/gogc/gogc200.log"), NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs"), 2);
  assert_int_equal(tu_db_int(db, "SELECT cycles FROM runs WHERE id = 1"), 222);
  assert_int_equal(tu_db_int(db, "SELECT cycles FROM runs WHERE id = 2"), 52);
}

/* The row of a figure in the text table: "LABEL  GROUP  UNIT  A  B  CHANGE  VERDICT". */
static const char *row_of(const char *text, const char *label) {
  char key[64];
  snprintf(key, sizeof key, "\n%s ", label);
  const char *p = strstr(text, key);
  assert_non_null(p);
  return p + 1;
}

static void expect_row(const char *text, const char *label, double a, double b,
                       const char *verdict) {
  const char *r = row_of(text, label);
  const char *eol = strchr(r, '\n');
  char line[200];
  snprintf(line, sizeof line, "%.*s", (int)(eol - r), r);
  char *end = line + strlen(line);
  while (end > line && end[-1] == ' ')
    *--end = '\0';
  if (strlen(line) < strlen(verdict) || strcmp(end - strlen(verdict), verdict) != 0) {
    fprintf(stderr, "row: %s\nwanted verdict: %s\n", line, verdict);
    fail();
  }
  if (!isnan(a)) {
    char want[64];
    snprintf(want, sizeof want, " %.0f ", a);
    assert_non_null(strstr(line + strlen(label), want));
    snprintf(want, sizeof want, " %.0f ", b);
    assert_non_null(strstr(line + strlen(label), want));
  }
}

static void test_compare_gogc(void **state) {
  (void)state;
  char db[512];
  gogc_db(db, sizeof db);
  tu_result r = tu_capture("compare", "--db", db, "1", "2", NULL);
  assert_int_equal(r.status, 0);
  fprintf(stderr, "%s", r.out);
  const char *fa = strstr(r.out, "   from the file "), *fb = fa ? strstr(fa + 1, "   from the file ") : NULL;
  assert_non_null(fa);
  assert_non_null(fb);
  assert_non_null(strstr(fa, "gogc50.log\nB: "));
  assert_non_null(strstr(fb, "gogc200.log\n"));
  /* memory: each figure as the stored cycles have it */
  double peak_a = tu_db_real(db, "SELECT max(max(heap_start_mb, heap_end_mb)) FROM gc_cycles "
                                 "WHERE run_id = 1"),
         peak_b = tu_db_real(db, "SELECT max(max(heap_start_mb, heap_end_mb)) FROM gc_cycles "
                                 "WHERE run_id = 2");
  expect_row(r.out, "peak heap", peak_a, peak_b, "worse");
  expect_row(r.out, "max heap goal",
             tu_db_real(db, "SELECT max(goal_mb) FROM gc_cycles WHERE run_id = 1"),
             tu_db_real(db, "SELECT max(goal_mb) FROM gc_cycles WHERE run_id = 2"), "worse");
  expect_row(r.out, "live heap max",
             tu_db_real(db, "SELECT max(heap_live_mb) FROM gc_cycles WHERE run_id = 1"),
             tu_db_real(db, "SELECT max(heap_live_mb) FROM gc_cycles WHERE run_id = 2"),
             "worse");
  /* CPU: a quarter of the cycles */
  expect_row(r.out, "cycles/min", NAN, NAN, "better");
  expect_row(r.out, "GC CPU", NAN, NAN, "better");
  expect_row(r.out, "interval p50", NAN, NAN, "better");
  expect_row(r.out, "alloc rate", NAN, NAN, "-");
  assert_non_null(strstr(r.out, "B against A: memory worse, CPU better, latency "));
  tu_result_free(&r);
  /* the same as JSON */
  r = tu_capture("compare", "--db", db, "--format", "json", "1", "2", NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "\"verdict\": {\"memory\": \"worse\", \"cpu\": \"better\""));
  char want[128];
  snprintf(want, sizeof want,
           "{\"name\": \"peak_heap_mb\", \"group\": \"memory\", \"unit\": \"MB\", \"a\": %.0f, "
           "\"b\": %.0f, \"verdict\": \"worse\"}",
           peak_a, peak_b);
  assert_non_null(strstr(r.out, want));
  assert_non_null(strstr(r.out, "\"only_a\": []"));
  tu_result_free(&r);
  r = tu_capture("compare", "--db", db, "--format", "yaml", "1", "2", NULL);
  assert_int_equal(r.status, 2);
  tu_result_free(&r);
  tu_rm_db(db);
}

/* Each log read by its own analyze, with its own --label: compare names A and B by them. */
static void test_compare_labels(void **state) {
  (void)state;
  char db[512], a[512], b[512];
  tu_tmp(db, sizeof db, "gogc_labels.db");
  char *read_a[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, "--label", "gogc=50",
                    "--label", "app=gogc_case",
                    (char *)tu_root(a, sizeof a, "tests/cases/gogc/gogc50.log"), NULL};
  char *read_b[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, "--label", "gogc=200",
                    (char *)tu_root(b, sizeof b, "tests/cases/gogc/gogc200.log"), NULL};
  assert_int_equal(tu_run(read_a, NULL, NULL, NULL), 0);
  assert_int_equal(tu_run(read_b, NULL, NULL, NULL), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs"), 2);
  tu_result r = tu_capture("compare", "--db", db, "1", "2", NULL);
  assert_int_equal(r.status, 0);
  const char *ha = strstr(r.out, "A: "), *hb = strstr(r.out, "\nB: ");
  assert_non_null(ha);
  assert_non_null(hb);
  const char *la = strstr(ha, "\nlabels: app=gogc_case, gogc=50\n"),
             *lb = strstr(hb, "\nlabels: gogc=200\n");
  assert_non_null(la);
  assert_non_null(lb);
  assert_true(la < hb); /* A's labels under A's header, B's under B's */
  assert_null(strstr(hb, "gogc=50")); /* and not A's under B's */
  tu_result_free(&r);
  r = tu_capture("compare", "--db", db, "--format", "json", "1", "2", NULL);
  assert_int_equal(r.status, 0);
  const char *ja = strstr(r.out, "\"a\": {"), *jb = strstr(r.out, "\"b\": {");
  assert_non_null(ja);
  assert_non_null(jb);
  const char *ka = strstr(ja, "\"labels\": {\"app\":\"gogc_case\",\"gogc\":\"50\"}"),
             *kb = strstr(jb, "\"labels\": {\"gogc\":\"200\"}");
  assert_non_null(ka);
  assert_non_null(kb);
  assert_true(ka < jb);
  tu_result_free(&r);
  tu_rm_db(db);
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Cycles stored so far, or -1 while the writer holds the file (it creates the schema). */
static long long cycles_now(const char *db) {
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  long long n = -1;
  if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_busy_timeout(h, 2000) == SQLITE_OK &&
      sqlite3_prepare_v2(h, "SELECT count(*) FROM gc_cycles", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

/* A watcher reading a pipe that stays open: its run is open while `report` reads it. */
static void test_report_on_open_run(void **state) {
  (void)state;
  char db[512], log[512];
  tu_tmp(db, sizeof db, "open.db");
  size_t n = 0;
  char *text = tu_slurp(tu_root(log, sizeof log, "tests/cases/gogc/gogc50.log"), &n);
  assert_non_null(text);
  int in[2];
  assert_int_equal(pipe(in), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_addclose(&fa, in[1]);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, NULL};
  pid_t pid;
  assert_int_equal(tu_spawnp(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  /* the first 100 lines (gc 1..100), then wait until they are committed */
  const char *cut = text;
  for (int i = 0; i < 100; i++)
    cut = strchr(cut, '\n') + 1;
  assert_int_equal(write(in[1], text, (size_t)(cut - text)), cut - text);
  long long stored = 0;
  for (int tries = 0; tries < 100 && stored < 100; tries++) {
    sleep_ms(100);
    if (access(db, F_OK) == 0)
      stored = cycles_now(db);
  }
  assert_int_equal(stored, 100);
  tu_result r = tu_capture("report", "--db", db, NULL);
  fprintf(stderr, "%s", r.out);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "open: still being written"));
  assert_non_null(strstr(r.out, "cycles     100 (gc 1..100)"));
  assert_null(strstr(r.out, "format unknown"));
  tu_result_free(&r);
  close(in[1]);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  r = tu_capture("report", "--db", db, NULL);
  assert_null(strstr(r.out, "open: still being written"));
  assert_non_null(strstr(r.out, "go1.18+"));
  tu_result_free(&r);
  free(text);
  tu_rm_db(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_compare_gogc),
      cmocka_unit_test(test_compare_labels),
      cmocka_unit_test(test_report_on_open_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
