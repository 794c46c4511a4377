/*
** test_findings.c: the detectors against the corpus's anomaly index (tests/corpus/README.md):
** every listed anomaly is reported at the stated place, and the logs listed as healthy
** ("no anomaly (false-positive checks)") produce no warn or error finding. The places are
** the index's words; the tolerances are stated next to each and come from how the
** detector measures (a window of cycles, whole-second buckets), not from the result.
*/
#include "testutil.h"

#include "detect.h"

static void analyze_into(const char *rel, char *db, size_t n, char *const *extra) {
  char path[512];
  tu_corpus_stored(path, sizeof path, rel);
  tu_tmp(db, n, "find.db");
  char *argv[16] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db};
  int k = 5;
  for (; extra && *extra && k < 14; extra++)
    argv[k++] = *extra;
  argv[k++] = path;
  argv[k] = NULL;
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
}

static long long count(const char *db, const char *where) {
  char sql[1024];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM findings WHERE %s", where);
  return tu_db_int(db, sql);
}

/* "no anomaly (false-positive checks)": 01, 06, 07, 07b, 09b, 12c */
static void test_healthy_logs_are_quiet(void **state) {
  (void)state;
  static const char *const healthy[] = {
      "01_steady_state_web/gctrace.log",
      "06_interleaved_applog/combined.log",
      "07_go_build_std/gctrace.log",
      "07b_go_run/gctrace.log",
      "09b_docker_jsonfile/container-json.log",
      "12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_stderr.log",
      "12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_gcpacertrace.log",
  };
  for (size_t i = 0; i < sizeof healthy / sizeof healthy[0]; i++) {
    char db[512], got[2048];
    analyze_into(healthy[i], db, sizeof db, NULL);
    long long bad = count(db, "severity IN ('warn','error')");
    if (bad) {
      fprintf(stderr, "%s: %s\n", healthy[i],
              tu_db_text(db, "SELECT group_concat(kind || ' gc ' || gc, '; ') FROM findings "
                             "WHERE severity IN ('warn','error')", got, sizeof got));
      fail();
    }
    tu_rm_db(db);
  }
}

/* pause spikes: 03 at gc 20 (42 ms), 134 (85 ms), 199 (69 ms), 231 (97 ms) */
static void test_pause_spikes(void **state) {
  (void)state;
  char db[512], got[256];
  analyze_into("03_pause_spikes/gctrace.log", db, sizeof db, NULL);
  assert_string_equal(tu_db_text(db, "SELECT group_concat(gc || ':' || CAST(value AS INT), ' ') "
                                     "FROM (SELECT * FROM findings WHERE kind='pause_spike' "
                                     "ORDER BY gc)",
                                 got, sizeof got),
                      "20:42 134:85 199:69 231:97");
  tu_rm_db(db);
  /* --pause-slo flags every pause over the budget: the same four are over 40 ms */
  char *slo[] = {"--pause-slo", "40", NULL};
  analyze_into("03_pause_spikes/gctrace.log", db, sizeof db, slo);
  assert_int_equal(count(db, "kind='pause_slo' AND severity='error'"), 4);
  tu_rm_db(db);
}

/* One pause rule (pause.h) for the store and the detectors, Go <= 1.4 included. The
** line is BUILT: the real Go 1.3 line of formats.md §4 G0c ("gc4(1): 0+0+11941+0 us,
** ...") with its four microsecond terms changed to 100+200+0+0, whose sum in doubles is
** 0.30000000000000004 ms. The pause is 0.3 ms in the store and in the finding alike, and
** a budget of exactly 0.3 ms is not exceeded (the detector once summed without rounding
** and flagged it). */
static void test_legacy_pause_one_rounding(void **state) {
  (void)state;
  char path[512], db[512];
  tu_tmp(path, sizeof path, "go13.log");
  tu_write_file(path, "gc4(1): 100+200+0+0 us, 0 -> 30 MB, 529 (659-130) objects, 43/0/0 "
                      "sweeps, 0(0) handoff, 0(0) steal, 0/0/0 yields\n");
  char *at_budget[] = {"--pause-slo", "0.3", NULL};
  tu_tmp(db, sizeof db, "go13.db");
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, at_budget[0], at_budget[1],
                  path, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE pause_ms = 0.3"), 1);
  assert_int_equal(count(db, "kind='pause_slo'"), 0);
  tu_rm_db(db);
  argv[6] = "0.2"; /* under the pause: the finding's value is the stored pause, exactly */
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  assert_int_equal(count(db, "kind='pause_slo'"), 1);
  assert_int_equal(count(db, "kind='pause_slo' AND value = (SELECT pause_ms FROM gc_cycles)"), 1);
  assert_int_equal(count(db, "kind='pause_slo' AND value = 0.3"), 1);
  tu_rm_db(db);
  unlink(path);
}

/* steady live-heap growth: 02, 09a, 07c (the 02 sequence), 04b — ~3 MB/s */
static void test_leaks(void **state) {
  (void)state;
  static const char *const leaks[] = {"02_slow_leak/gctrace.log",
                                      "09a_kubectl_timestamps/kubectl_timestamps.log",
                                      "07c_three_procs_one_stderr/gctrace.log",
                                      "04b_memlimit_thrash/gctrace.log"};
  for (size_t i = 0; i < 4; i++) {
    char db[512];
    analyze_into(leaks[i], db, sizeof db, NULL);
    /* about 3 MB/s = 180 MB/min: within a factor of two */
    assert_int_equal(count(db, "kind='heap_growth' AND severity='warn' AND value BETWEEN 90 "
                               "AND 360 AND unit='MB/min'"),
                     1);
    tu_rm_db(db);
  }
  char db[512];
  analyze_into("07c_three_procs_one_stderr/gctrace.log", db, sizeof db, NULL);
  /* in the run of the 02 program (gc 1..56), not in the others */
  assert_int_equal(count(db, "kind='heap_growth' AND run_id=(SELECT id FROM runs WHERE "
                             "cycles=56)"),
                   1);
  tu_rm_db(db);
}

/* shrinking intervals: 04a (~10 s -> ~65 s: falls x~60), 11 (x~30), 07c (the 04a run) */
static void test_shrinking_intervals(void **state) {
  (void)state;
  char db[512];
  analyze_into("04a_ramp_alloc_rate/gctrace.log", db, sizeof db, NULL);
  /* the allocation rate doubles every 6 s: by 40 s the interval has fallen a quarter */
  assert_int_equal(count(db, "kind='shrinking_interval' AND t_s BETWEEN 10 AND 45"), 1);
  assert_true(tu_db_real(db, "SELECT min(value) FROM findings WHERE kind='shrinking_interval'") <
              60);
  tu_rm_db(db);
  analyze_into("11_gcpacertrace/gctrace.log", db, sizeof db, NULL);
  assert_int_equal(count(db, "kind='shrinking_interval'"), 1);
  tu_rm_db(db);
  analyze_into("07c_three_procs_one_stderr/gctrace.log", db, sizeof db, NULL);
  assert_int_equal(count(db, "kind='shrinking_interval' AND run_id=(SELECT id FROM runs WHERE "
                             "cycles=131)"),
                   1);
  tu_rm_db(db);
}

/* memory-limit thrash: 04b from gc 204 @65.9 s; 12d/12e from gc 1 ("goal below live from
** gc 5"); reported when it begins. */
static void test_memlimit_thrash(void **state) {
  (void)state;
  char db[512];
  analyze_into("04b_memlimit_thrash/gctrace.log", db, sizeof db, NULL);
  /* the goal pinned from gc 204: the detector needs it pinned for itself too (one cycle) */
  assert_int_equal(count(db, "kind='memlimit_thrash' AND severity='error' AND gc BETWEEN 200 "
                             "AND 210"),
                   1);
  tu_rm_db(db);
  static const char *const short_runs[] = {"12d_esbuild_0.17.19_go1.20.4/esbuild_stderr.log",
                                           "12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log"};
  for (int i = 0; i < 2; i++) {
    analyze_into(short_runs[i], db, sizeof db, NULL);
    assert_int_equal(count(db, "kind='memlimit_thrash' AND gc <= 5"), 1);
    tu_rm_db(db);
  }
  /* GOGC=5 (08) and GOGC=25 (14) hold the goal low too, but no limit does: no thrash */
  analyze_into("14_assist_heavy_high_cpu/gctrace.log", db, sizeof db, NULL);
  assert_int_equal(count(db, "kind='memlimit_thrash'"), 0);
  tu_rm_db(db);
}

/* delayed release: 05c (~1 GiB kept 20-40 s after live hit 0 at gc 9 @6.1 s), 05b (release
** reported ~90 s late, after gc 21); 05a is the contrast: released at once. */
static void test_delayed_release(void **state) {
  (void)state;
  char db[512];
  analyze_into("05c_delayed_release_idle/gctrace.log", db, sizeof db, NULL);
  assert_int_equal(count(db, "kind='delayed_release' AND severity='warn' AND gc=9 AND value "
                             "BETWEEN 20 AND 40"),
                   1);
  tu_rm_db(db);
  analyze_into("05b_seed_slice_append/gctrace.log", db, sizeof db, NULL);
  assert_int_equal(count(db, "kind='delayed_release' AND severity='warn' AND gc BETWEEN 20 AND "
                             "21 AND value >= 90"),
                   1);
  tu_rm_db(db);
  analyze_into("05a_seed_map_freeosmemory/gctrace.log", db, sizeof db, NULL);
  assert_int_equal(count(db, "kind='delayed_release'"), 0);
  tu_rm_db(db);
  /* no scavenger lines (07b): say how to get them */
  analyze_into("07b_go_run/gctrace.log", db, sizeof db, NULL);
  assert_true(count(db, "kind='delayed_release' AND severity='info' AND next_step LIKE "
                        "'%scavtrace=1%'") >= 1);
  tu_rm_db(db);
}

/* forced-GC storm: 13, gc 23 @15.0 s .. gc 439 @44.96 s (~14/s) */
static void test_forced_gc_storm(void **state) {
  (void)state;
  char db[512];
  analyze_into("13_forced_gc_storm/gctrace.log", db, sizeof db, NULL);
  assert_int_equal(count(db, "kind='forced_gc_storm' AND gc=23 AND end_gc=439 AND value "
                             "BETWEEN 10 AND 20"),
                   1);
  tu_rm_db(db);
  /* 05c: 19 app-forced cycles, one every 20 s: no storm */
  analyze_into("05c_delayed_release_idle/gctrace.log", db, sizeof db, NULL);
  assert_int_equal(count(db, "kind='forced_gc_storm'"), 0);
  tu_rm_db(db);
}

/* high GC CPU: 14 (>=50% from gc 22), 12a/12b (40-58%), 12d-12e (~50%); assist-heavy: 14
** (gc 12, 15, 17-27, 29, 30), 12d-12e */
static void test_cpu_and_assists(void **state) {
  (void)state;
  static const char *const high[] = {"14_assist_heavy_high_cpu/gctrace.log",
                                     "12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log",
                                     "12b_esbuild_0.1.26_go1.14.2/esbuild_stderr.log",
                                     "12d_esbuild_0.17.19_go1.20.4/esbuild_stderr.log",
                                     "12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log"};
  for (int i = 0; i < 5; i++) {
    char db[512];
    analyze_into(high[i], db, sizeof db, NULL);
    assert_int_equal(count(db, "kind='gc_cpu_high' AND value >= 40"), 1);
    if (i == 0 || i >= 3)
      assert_true(count(db, "kind='assist_heavy'") >= 1);
    tu_rm_db(db);
  }
  char db[512];
  analyze_into("14_assist_heavy_high_cpu/gctrace.log", db, sizeof db, NULL);
  /* the assist-heavy stretch gc 17-27 lies inside the reported episode */
  assert_int_equal(count(db, "kind='assist_heavy' AND gc <= 22 AND end_gc >= 27"), 1);
  assert_int_equal(count(db, "kind='gc_cpu_high' AND severity='error'"), 1);
  tu_rm_db(db);
}

/* --threshold overrides a default; an unknown name is a usage error */
static void test_thresholds(void **state) {
  (void)state;
  char db[512];
  char *higher[] = {"--threshold", "pause_spike.floor_ms=90", NULL};
  analyze_into("03_pause_spikes/gctrace.log", db, sizeof db, higher);
  assert_int_equal(count(db, "kind='pause_spike'"), 1); /* only the 97 ms one */
  tu_rm_db(db);
  char path[512], err[512];
  tu_corpus(path, sizeof path, "03_pause_spikes/gctrace.log");
  tu_tmp(db, sizeof db, "thr.db");
  tu_tmp(err, sizeof err, "thr.err");
  char *bad[] = {(char *)tu_bin(), "analyze", "--db", db, "--threshold", "pause_spike.nope=1",
                 path, NULL};
  assert_int_equal(tu_run(bad, NULL, NULL, err), 2);
  char *text = tu_slurp(err, NULL);
  assert_non_null(strstr(text, "unknown threshold 'pause_spike.nope'"));
  free(text);
  unlink(err);
  tu_rm_db(db);
}

/* watch mode prints a new finding once, on stderr, as it happens (and when it ends);
** --quiet silences it */
static void test_live_findings(void **state) {
  (void)state;
  char in[512], db[512], out[512], err[512];
  tu_corpus(in, sizeof in, "03_pause_spikes/gctrace.log");
  tu_tmp(db, sizeof db, "live.db");
  tu_tmp(out, sizeof out, "live.out");
  tu_tmp(err, sizeof err, "live.err");
  char *argv[] = {(char *)tu_bin(), "--db", db, NULL};
  assert_int_equal(tu_run(argv, in, out, err), 0);
  char *text = tu_slurp(err, NULL);
  /* each of the four spikes: one line when it opens, one when it ends (docs/findings.md) */
  int lines = 0, ended = 0;
  for (char *p = text; (p = strstr(p, "gctrace-watch: warn pause_spike (")); p++)
    lines++;
  for (char *p = text; (p = strstr(p, "gctrace-watch: ended warn pause_spike (")); p++)
    ended++;
  assert_int_equal(lines, 4);
  assert_int_equal(ended, 4);
  assert_null(strstr(text, "\033[")); /* not a terminal: no colour */
  free(text);
  assert_true(tu_same_file(in, out));
  tu_rm_db(db);
  char *quiet[] = {(char *)tu_bin(), "--quiet", "--db", db, NULL};
  assert_int_equal(tu_run(quiet, in, out, err), 0);
  size_t n = 1;
  free(tu_slurp(err, &n));
  assert_int_equal(n, 0);
  unlink(out);
  unlink(err);
  tu_rm_db(db);
}

/* every threshold of the registry is documented in docs/findings.md */
static void test_thresholds_documented(void **state) {
  (void)state;
  char path[512], *list = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&list, &len);
  gcw_detect_list_thresholds(f);
  fclose(f);
  char *doc = tu_slurp(tu_root(path, sizeof path, "docs/findings.md"), NULL);
  assert_non_null(doc);
  int n = 0;
  for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
    char name[128];
    snprintf(name, sizeof name, "`%.*s`", (int)strcspn(line, "\t"), line);
    if (!strstr(doc, name)) {
      fprintf(stderr, "docs/findings.md does not document %s\n", name);
      fail();
    }
    n++;
  }
  assert_true(n >= 30);
  free(doc);
  free(list);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_healthy_logs_are_quiet), cmocka_unit_test(test_pause_spikes),
      cmocka_unit_test(test_leaks),                  cmocka_unit_test(test_shrinking_intervals),
      cmocka_unit_test(test_memlimit_thrash),        cmocka_unit_test(test_delayed_release),
      cmocka_unit_test(test_forced_gc_storm),        cmocka_unit_test(test_cpu_and_assists),
      cmocka_unit_test(test_thresholds),             cmocka_unit_test(test_live_findings),
      cmocka_unit_test(test_thresholds_documented), cmocka_unit_test(test_legacy_pause_one_rounding),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
