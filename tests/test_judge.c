/*
** test_judge.c: `report` and `plot` judge a stored run again with --threshold and
** --pause-slo (they once ignored both, so a CI gate `report --pause-slo 1 --fail-on error`
** passed a run with 97 ms pauses), and thresholds are parsed strictly.
** The run: samples/pause_spikes.log (real, Go 1.19.8), read with the default thresholds:
** 4 pause_spike warnings (42-97 ms), no error.
*/
#include "testutil.h"

static void stored(char *db, size_t n) {
  char log[512];
  tu_tmp(db, n, "judge.db");
  tu_analyze(db, tu_root(log, sizeof log, "samples/pause_spikes.log"));
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings WHERE kind = 'pause_spike'"), 4);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings WHERE severity = 'error'"), 0);
}

static int count_in(const char *text, const char *word) {
  int n = 0;
  for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
    n++;
  return n;
}

static void test_report_pause_slo_gates(void **state) {
  (void)state;
  char db[512];
  stored(db, sizeof db);
  tu_result r = tu_capture("report", "--db", db, "--fail-on", "error", NULL);
  assert_int_equal(r.status, 0); /* warnings only, as stored */
  tu_result_free(&r);
  r = tu_capture("report", "--db", db, "--pause-slo", "1", "--fail-on", "error", NULL);
  assert_int_equal(r.status, 1);
  /* every cycle over 1 ms: counted here from the stored cycles */
  long long over = tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE pause_ms > 1");
  assert_true(over >= 4);
  assert_true(count_in(r.out, "ERROR pause_slo") >= 1);
  assert_non_null(strstr(r.out, "error"));
  tu_result_free(&r);
  r = tu_capture("report", "--db", db, "--pause-slo", "1", "--format", "json", NULL);
  assert_int_equal(r.status, 0);
  assert_true(count_in(r.out, "\"pause_slo\"") >= 1);
  tu_result_free(&r);
  /* the file keeps what it was read with */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings WHERE kind = 'pause_slo'"), 0);
  tu_rm_db(db);
}

static void test_report_threshold_applies(void **state) {
  (void)state;
  char db[512];
  stored(db, sizeof db);
  /* a floor above the largest pause (97 ms): no spike is left */
  tu_result r = tu_capture("report", "--db", db, "--threshold", "pause_spike.floor_ms=100",
                           "--fail-on", "warn", NULL);
  assert_int_equal(r.status, 0);
  assert_int_equal(count_in(r.out, "WARN  pause_spike"), 0);
  assert_non_null(strstr(r.out, "findings   none"));
  tu_result_free(&r);
  /* a floor of 50 ms: the two of 69 and 97 ms, and the one of 85 ms */
  r = tu_capture("report", "--db", db, "--threshold", "pause_spike.floor_ms=50", NULL);
  assert_int_equal(count_in(r.out, "WARN  pause_spike"), 3);
  tu_result_free(&r);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings WHERE kind = 'pause_spike'"), 4);
  /* plot marks what report would show */
  r = tu_capture("plot", "--db", db, "--pause-slo", "1", "--term", "dumb", NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "pause_slo"));
  tu_result_free(&r);
  r = tu_capture("plot", "--db", db, "--term", "dumb", NULL);
  assert_null(strstr(r.out, "pause_slo"));
  tu_result_free(&r);
  tu_rm_db(db);
}

static void test_strict_thresholds(void **state) {
  (void)state;
  char db[512];
  stored(db, sizeof db);
  static const char *const bad[] = {"pause_spike.factor=", "pause_spike.factor=0x10",
                                    "pause_spike.factor=1e3", "pause_spike.factor=-1",
                                    "pause_spike.factor=inf", "pause_spike.factor=1.2.3"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    tu_result r = tu_capture("report", "--db", db, "--threshold", bad[i], NULL);
    if (r.status != 2)
      fprintf(stderr, "accepted: %s\n", bad[i]);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "plain decimal"));
    tu_result_free(&r);
  }
  tu_result r = tu_capture("report", "--db", db, "--threshold", "pause_spike.factor", NULL);
  assert_int_equal(r.status, 2); /* no value at all: refused by the option parser */
  tu_result_free(&r);
  r = tu_capture("report", "--db", db, "--threshold", "pause_spike.facto=3", NULL);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "pause_spike takes: "));
  assert_non_null(strstr(r.err, "factor"));
  assert_non_null(strstr(r.err, "floor_ms"));
  tu_result_free(&r);
  r = tu_capture("analyze", "--db", db, "--threshold", "pause_spik.factor=3", "README.md",
                 NULL);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "kinds: pause_spike, "));
  assert_non_null(strstr(r.err, "forced_gc_storm"));
  tu_result_free(&r);
  r = tu_capture("report", "--db", db, "--threshold", "pause_spike.factor=2.5", NULL);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  tu_rm_db(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_report_pause_slo_gates),
      cmocka_unit_test(test_report_threshold_applies),
      cmocka_unit_test(test_strict_thresholds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
