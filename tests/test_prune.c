/*
** test_prune.c: `gctrace-watch prune --older-than DURATION` (issue 10, item 11).
** A database with an old run (its source added, and its cycles seen, 30 days ago) and a
** recent one: prune --older-than 7d deletes the old run with every row that belongs to
** it (cycles, scavenger lines, findings, statistics, its source, unparsed lines) and
** keeps the recent one whole; VACUUM gives the space back. Bad durations are usage
** errors; a missing database is not created.
*/
#include "testutil.h"

#include <signal.h>

static long long size_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void test_prune_old_runs(void **state) {
  (void)state;
  char db[512], old_log[512], new_log[512];
  tu_tmp(db, sizeof db, "prune.db");
  /* the old run carries a label, so that run_labels has rows to delete too */
  tu_result a = tu_capture("analyze", "--quiet", "--db", db, "--label", "env=old",
                           tu_corpus_stored(old_log, sizeof old_log, "06_interleaved_applog/combined.log"),
                           NULL);
  assert_int_equal(a.status, 0);
  tu_result_free(&a);
  assert_true(tu_db_int(db, "SELECT count(*) FROM run_labels") > 0);
  tu_analyze(db, tu_corpus(new_log, sizeof new_log, "01_steady_state_web/gctrace.log"));
  /* make source 1 and everything seen in it 30 days old; a report computes statistics */
  tu_exec(db, "UPDATE sources SET added_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days') "
              "WHERE id = 1;"
              "UPDATE gc_cycles SET wall = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days') "
              "WHERE run_id IN (SELECT id FROM runs WHERE source_id = 1)");
  char *rep[] = {(char *)tu_bin(), "report", "--all", "--db", db, NULL};
  assert_int_equal(tu_run(rep, NULL, NULL, NULL), 0);
  long long old_runs = tu_db_int(db, "SELECT count(*) FROM runs WHERE source_id = 1");
  long long new_cycles = tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE run_id IN "
                                       "(SELECT id FROM runs WHERE source_id = 2)");
  assert_true(old_runs >= 1);
  assert_true(tu_db_int(db, "SELECT count(*) FROM gc_cycles") > 10000);
  assert_true(tu_db_int(db, "SELECT count(*) FROM stats WHERE run_id IN "
                            "(SELECT id FROM runs WHERE source_id = 1)") > 0);
  long long before = size_of(db);
  /* 40 days: nothing is that old */
  tu_result r = tu_capture("prune", "--db", db, "--older-than", "40d", NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "pruned 0 runs and 0 sources"));
  tu_result_free(&r);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs WHERE source_id = 1"), old_runs);
  /* 7 days: the old run goes, with all its rows */
  r = tu_capture("prune", "--db", db, "--older-than", "7d", NULL);
  assert_int_equal(r.status, 0);
  char want[64];
  snprintf(want, sizeof want, "pruned %lld runs and 1 sources", old_runs);
  assert_non_null(strstr(r.out, want));
  assert_non_null(strstr(r.out, "(VACUUM)"));
  tu_result_free(&r);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM sources"), 1);
  assert_int_equal(tu_db_int(db, "SELECT min(id) FROM sources"), 2);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), new_cycles);
  /* every table keyed by run_id, as the schema lists them (a table added later is checked
  ** too): no row is left whose run is gone */
  long long keyed = tu_db_int(db, "SELECT count(*) FROM sqlite_schema AS t WHERE t.type = "
                                  "'table' AND EXISTS (SELECT 1 FROM pragma_table_info(t.name) "
                                  "WHERE name = 'run_id')");
  assert_true(keyed >= 9);
  for (long long i = 0; i < keyed; i++) {
    char sql[300], name[64];
    snprintf(sql, sizeof sql, "SELECT t.name FROM sqlite_schema AS t WHERE t.type = 'table' AND "
             "EXISTS (SELECT 1 FROM pragma_table_info(t.name) WHERE name = 'run_id') "
             "ORDER BY t.name LIMIT 1 OFFSET %lld", i);
    assert_non_null(tu_db_text(db, sql, name, sizeof name));
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE run_id NOT IN (SELECT id FROM runs)",
             name);
    assert_int_equal(tu_db_int(db, sql), 0);
  }
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM finding_parts WHERE finding_id NOT IN "
                                 "(SELECT id FROM findings)"), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM unparsed WHERE source_id = 1"), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM source_files WHERE source_id = 1"), 0);
  /* the space came back: the old log was nearly all of the file */
  assert_true(size_of(db) < before / 4);
  /* what is left still reports */
  assert_int_equal(tu_run(rep, NULL, NULL, NULL), 0);
  /* 1 second: the recent run's source was added more than a second ago */
  sleep(2);
  r = tu_capture("prune", "--db", db, "--older-than", "1s", NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "pruned 1 runs and 1 sources"));
  tu_result_free(&r);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 0);
  tu_rm_db(db);
}

static void test_prune_usage(void **state) {
  (void)state;
  char db[512];
  tu_tmp(db, sizeof db, "prune-missing.db");
  const char *bad[] = {"7", "7x", "d", "-1d", "", "1e9w"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    tu_result r = tu_capture("prune", "--db", db, "--older-than", bad[i], NULL);
    assert_int_equal(r.status, 2);
    tu_result_free(&r);
  }
  tu_result r = tu_capture("prune", "--db", db, NULL);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "--older-than"));
  tu_result_free(&r);
  /* a missing database is an error, and is not created */
  r = tu_capture("prune", "--db", db, "--older-than", "12h", NULL);
  assert_int_equal(r.status, 3);
  tu_result_free(&r);
  assert_int_equal(access(db, F_OK), -1);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prune_old_runs),
      cmocka_unit_test(test_prune_usage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
