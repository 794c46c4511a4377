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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_short_run_of_long_cycles),
      cmocka_unit_test(test_growth_that_stops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
