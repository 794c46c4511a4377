/*
** test_accuracy.c: findings on real runs whose shape once fooled the detectors, each
** with its README under tests/cases/:
**   - longmark: 13 very long cycles, assists ~46% of mark CPU and 16% of all CPU; the
**     "6 of the last 10 cycles" rule never fired on such a short run of long cycles.
**   - cachefill: a heap growing for 30 s, then flat for 40 s; heap_growth quoted the
**     ends of its fitted line (315 and 1,457 MB, heaps the trace never shows) and stayed
**     open through the flat part.
** Every number a finding's sentence quotes is checked against the stored cycles.
*/
#include "testutil.h"

#include <math.h>

static void analyze_case(const char *db, const char *rel) {
  char path[512];
  tu_analyze(db, tu_root(path, sizeof path, rel));
}

/* The episode of one kind (exactly one), in *f. */
typedef struct finding {
  char severity[16], message[700];
  long long gc, end_gc;
  double value;
} finding;

static finding only_finding(const char *db, const char *kind) {
  char sql[256];
  finding f;
  snprintf(sql, sizeof sql, "SELECT count(*) FROM findings WHERE kind = '%s'", kind);
  assert_int_equal(tu_db_int(db, sql), 1);
  snprintf(sql, sizeof sql, "SELECT severity FROM findings WHERE kind = '%s'", kind);
  tu_db_text(db, sql, f.severity, sizeof f.severity);
  snprintf(sql, sizeof sql, "SELECT message FROM findings WHERE kind = '%s'", kind);
  tu_db_text(db, sql, f.message, sizeof f.message);
  snprintf(sql, sizeof sql, "SELECT gc FROM findings WHERE kind = '%s'", kind);
  f.gc = tu_db_int(db, sql);
  snprintf(sql, sizeof sql, "SELECT end_gc FROM findings WHERE kind = '%s'", kind);
  f.end_gc = tu_db_int(db, sql);
  snprintf(sql, sizeof sql, "SELECT value FROM findings WHERE kind = '%s'", kind);
  f.value = tu_db_real(db, sql);
  fprintf(stderr, "%s %s gc %lld..%lld value %g: %s\n", kind, f.severity, f.gc, f.end_gc,
          f.value, f.message);
  return f;
}

static long long warnings_other_than(const char *db, const char *kind) {
  char sql[256];
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM findings WHERE severity IN ('warn', 'error') AND kind <> '%s'",
           kind);
  return tu_db_int(db, sql);
}

static void test_short_run_of_long_cycles(void **state) {
  (void)state;
  char db[512];
  tu_tmp(db, sizeof db, "longmark.db");
  analyze_case(db, "tests/cases/longmark/lm1.log");
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 13);
  finding f = only_finding(db, "assist_heavy");
  assert_string_equal(f.severity, "warn");
  assert_int_equal(f.gc, 10);
  assert_int_equal(f.end_gc, 13);
  /* the share quoted is assists / all mark CPU over gc 6..13 (gc 1..5 ran in the first
  ** second, which is not judged), recomputed here from the stored cycles */
  double share = tu_db_real(db, "SELECT 100.0 * sum(cpu_assist_ms) / sum(cpu_assist_ms + "
                                "cpu_bg_ms + cpu_idle_ms) FROM gc_cycles WHERE gc >= 6");
  assert_true(fabs(f.value - share) < 0.05);
  char want[64];
  snprintf(want, sizeof want, "did %.0f%% of the mark work in the last 8 cycles", share);
  assert_non_null(strstr(f.message, want));
  assert_non_null(strstr(f.message, "took 16% of all CPU"));
  assert_int_equal(warnings_other_than(db, "assist_heavy"), 0);
  tu_rm_db(db);
}

/* "from X MB at gc A (@Ts) to Y MB at gc B (@Us)": X and Y are what gc A and B marked. */
static void check_quoted_heap(const char *db, const char *msg, const char *word) {
  const char *p = strstr(msg, word);
  assert_non_null(p);
  double mb = 0, t = 0;
  long long gc = 0;
  assert_int_equal(sscanf(p + strlen(word), " %lf MB at gc %lld (@%lfs)", &mb, &gc, &t), 3);
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT heap_live_mb FROM gc_cycles WHERE gc = %lld", gc);
  assert_true(tu_db_real(db, sql) == mb);
  snprintf(sql, sizeof sql, "SELECT t_s FROM gc_cycles WHERE gc = %lld", gc);
  assert_true(fabs(tu_db_real(db, sql) - t) < 0.0005); /* @t is printed to the ms */
}

static void test_growth_that_stops(void **state) {
  (void)state;
  char db[512];
  tu_tmp(db, sizeof db, "cachefill.db");
  analyze_case(db, "tests/cases/cachefill/cf1.log");
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 150);
  finding f = only_finding(db, "heap_growth");
  assert_string_equal(f.severity, "warn");
  /* closed where the heap reached the level it then kept (1,175 MB at gc 127, @31.4 s),
  ** not at the end of the run (gc 150) */
  assert_int_equal(f.end_gc, 127);
  check_quoted_heap(db, f.message, "from");
  check_quoted_heap(db, f.message, "to");
  /* no heap the trace never shows */
  double top = tu_db_real(db, "SELECT max(heap_live_mb) FROM gc_cycles");
  assert_true(top == 1177);
  assert_non_null(strstr(f.message, "to 1175 MB at gc 127"));
  assert_int_equal(warnings_other_than(db, "heap_growth"), 0);
  tu_rm_db(db);
}

/* Allocation rate from the trace alone against the runtime's own count (TotalAlloc over the
** program's life, printed by the program at exit: tests/cases/memlimit_alloc/limit.out). */
static void test_alloc_rate_under_a_limit(void **state) {
  (void)state;
  char db[512], out[512];
  tu_tmp(db, sizeof db, "alloc.db");
  analyze_case(db, "tests/cases/memlimit_alloc/limit.log");
  char *text = tu_slurp(tu_root(out, sizeof out, "tests/cases/memlimit_alloc/limit.out"), NULL);
  assert_non_null(text);
  const char *p = strstr(text, "total_alloc_mb=");
  assert_non_null(p);
  double total = 0, elapsed = 0;
  assert_int_equal(sscanf(p, "total_alloc_mb=%lf elapsed_s=%lf", &total, &elapsed), 2);
  free(text);
  double truth = total / elapsed; /* MiB/s; the trace's MB are MiB */
  double run = tu_db_real(db, "SELECT value FROM stats WHERE name = 'alloc_run_mb_s'");
  fprintf(stderr, "runtime %.1f MiB/s, trace %.1f MB/s\n", truth, run);
  assert_true(truth > 300); /* hundreds of MB/s */
  assert_true(fabs(run - truth) < 0.05 * truth);
  double win = tu_db_real(db, "SELECT value FROM stats WHERE name = 'alloc_window_max_mb_s'");
  assert_true(win >= run * 0.999);
  /* the report says it, as a rate over the run */
  char want[64];
  snprintf(want, sizeof want, "alloc %.0f MB/s over the run", run);
  tu_result r = tu_capture("report", "--db", db, NULL);
  assert_non_null(strstr(r.out, want));
  tu_result_free(&r);
  tu_rm_db(db);
}

/* An idle program with one burst: a median of pairs said 0 MB/s. */
static void test_alloc_rate_of_a_burst(void **state) {
  (void)state;
  char db[512];
  tu_tmp(db, sizeof db, "burst.db");
  analyze_case(db, "samples/delayed_release.log");
  assert_true(tu_db_real(db, "SELECT value FROM stats WHERE name = 'alloc_rate_mb_s'") == 0);
  /* 799 MB built in the first seconds, then 360 s idle */
  double run = tu_db_real(db, "SELECT value FROM stats WHERE name = 'alloc_run_mb_s'");
  double win = tu_db_real(db, "SELECT value FROM stats WHERE name = 'alloc_window_max_mb_s'");
  assert_true(run > 1 && run < 10);
  assert_true(win > 100);
  tu_rm_db(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_short_run_of_long_cycles),
      cmocka_unit_test(test_growth_that_stops),
      cmocka_unit_test(test_alloc_rate_under_a_limit),
      cmocka_unit_test(test_alloc_rate_of_a_burst),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
