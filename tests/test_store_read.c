/*
** test_store_read.c: the store's read API (store_read.h) on databases the binary built
** from real corpus logs. Everything it returns is checked against independent SQL run
** here on a connection of the test's own (tests/testutil.h):
**   - every query's rows and counts (the runs listing, a run, its findings, the plot's
**     data sets and measures, the finding kinds of two runs);
**   - every table of gcw_store_tables[] exported whole and for one run;
**   - the types of values as stored (NULL wall in analyze, REAL @t, TEXT format, BLOB
**     unparsed text);
**   - the typed answers: run exists, latest run with cycles, finding at a severity;
**   - statistics: gcw_db_stats_ensure computes them into the file, or into TEMP when the
**     file cannot be opened for writing (the file then keeps none), and
**     gcw_db_stats_load reads them;
**   - opening: a missing file and a file that is not a database fail with a reason.
** Corpora: 07c (three processes on one stderr: 3 runs), 11 (pacer lines, findings),
** 07 (unparsed lines).
*/
#include "testutil.h"

#include "stats.h"
#include "store_read.h"

#include <errno.h>
#include <math.h>

typedef struct fixture {
  char db[512];
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  char path[512];
  assert_non_null(f);
  tu_corpus_db(f->db, sizeof f->db, "07c_three_procs_one_stderr/gctrace.log");
  tu_analyze(f->db, tu_corpus(path, sizeof path, "11_gcpacertrace/gctrace.log"));
  tu_analyze(f->db, tu_corpus(path, sizeof path, "07_go_build_std/gctrace.log"));
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  tu_rm_db(f->db);
  free(f);
  return 0;
}

/* Rows of query q (?1 = a, ?2 = b), all stepped through. */
static long long count_rows(gcw_db *db, enum gcw_query q, long long a, long long b) {
  gcw_rows *r = NULL;
  long long n = 0;
  int rc;
  assert_int_equal(gcw_rows_open(db, &r, q, a, b), GCW_OK);
  while ((rc = gcw_rows_next(r)) == 1)
    n++;
  assert_int_equal(rc, 0);
  gcw_rows_close(&r);
  assert_null(r);
  return n;
}

/* A query with one %lld for the run id, run independently of the API. */
static long long sql_int(const char *db, const char *fmt, long long run) {
  char sql[512];
  snprintf(sql, sizeof sql, fmt, run);
  return tu_db_int(db, sql);
}

/* The runs listing: one row per run, in id order, each with its path and counts. */
static void test_runs_listing(void **state) {
  fixture *f = *state;
  gcw_db *db = tu_db_open_ro(f->db);
  gcw_rows *r = NULL;
  long long n = 0, prev = 0;
  assert_int_equal(gcw_rows_open(db, &r, GCW_Q_RUNS, 0, 0), GCW_OK);
  assert_int_equal(gcw_rows_ncols(r), GCW_RL_LAST_WALL + 1);
  while (gcw_rows_next(r) == 1) {
    long long id = gcw_rows_int(r, GCW_RL_ID);
    assert_true(id > prev);
    prev = id;
    assert_int_equal(gcw_rows_int(r, GCW_RL_CYCLES),
                     sql_int(f->db, "SELECT cycles FROM runs WHERE id = %lld", id));
    assert_int_equal(gcw_rows_int(r, GCW_RL_CYCLES),
                     sql_int(f->db, "SELECT count(*) FROM gc_cycles WHERE run_id = %lld", id));
    assert_non_null(gcw_rows_text(r, GCW_RL_PATH));
    assert_int_equal(gcw_rows_type(r, GCW_RL_FIRST_WALL), GCW_TYPE_NULL); /* analyze */
    n++;
  }
  gcw_rows_close(&r);
  assert_int_equal(n, tu_db_int(f->db, "SELECT count(*) FROM runs"));
  assert_true(n >= 5); /* 07c alone has three processes */
  /* the listing can be walked twice (cmd_runs.c measures, then prints) */
  assert_int_equal(count_rows(db, GCW_Q_RUNS, 0, 0), n);
  gcw_db_close(&db);
  assert_null(db);
}

/* A run, its findings and their counts, the run ids queries. */
static void test_report_queries(void **state) {
  fixture *f = *state;
  gcw_db *db = tu_db_open_ro(f->db);
  long long runs = tu_db_int(f->db, "SELECT count(*) FROM runs");
  long long with_findings = 0;
  assert_int_equal(count_rows(db, GCW_Q_RUN_IDS_FROM, 0, 0), runs);
  assert_int_equal(count_rows(db, GCW_Q_RUN_IDS_FROM, 2, 0), runs - 2);
  for (long long id = 1; id <= runs; id++) {
    gcw_rows *r = NULL;
    assert_int_equal(gcw_rows_open(db, &r, GCW_Q_RUN, id, 0), GCW_OK);
    assert_int_equal(gcw_rows_next(r), 1);
    assert_int_equal(gcw_rows_int(r, GCW_R_ID), id);
    assert_string_equal(gcw_rows_name(r, GCW_R_UNPARSED), "source_unparsed"); /* a JSON key */
    assert_int_equal(gcw_rows_int(r, GCW_R_UNPARSED),
                     sql_int(f->db, "SELECT count(*) FROM unparsed WHERE source_id = "
                                    "(SELECT source_id FROM runs WHERE id = %lld)", id));
    assert_int_equal(gcw_rows_next(r), 0);
    gcw_rows_close(&r);
    long long nf = sql_int(f->db, "SELECT count(*) FROM findings WHERE run_id = %lld", id);
    assert_int_equal(count_rows(db, GCW_Q_FINDINGS, id, 0), nf);
    assert_int_equal(gcw_rows_open(db, &r, GCW_Q_FINDING_COUNTS, id, 0), GCW_OK);
    assert_int_equal(gcw_rows_next(r), 1);
    assert_int_equal(gcw_rows_int(r, 0), nf);
    assert_int_equal(gcw_rows_int(r, 1),
                     sql_int(f->db, "SELECT count(*) FROM findings WHERE run_id = %lld AND "
                                    "severity = 'error'", id));
    gcw_rows_close(&r);
    int warn = gcw_db_has_finding_at(db, id, "warn");
    assert_int_equal(warn, sql_int(f->db, "SELECT count(*) > 0 FROM findings WHERE run_id = "
                                          "%lld AND severity IN ('warn', 'error')", id));
    assert_int_equal(gcw_db_has_finding_at(db, id, "error"),
                     sql_int(f->db, "SELECT count(*) > 0 FROM findings WHERE run_id = %lld "
                                    "AND severity = 'error'", id));
    with_findings += nf > 0;
    assert_int_equal(gcw_db_run_exists(db, id), 1);
  }
  assert_true(with_findings > 0);
  assert_int_equal(gcw_db_run_exists(db, runs + 1), 0);
  assert_int_equal(count_rows(db, GCW_Q_RUN_ID, runs + 1, 0), 0);
  /* max(id) of no rows is one NULL row */
  assert_int_equal(count_rows(db, GCW_Q_RUN_LATEST, runs, 0), 1);
  assert_int_equal(gcw_db_latest_run_with_cycles(db),
                   tu_db_int(f->db, "SELECT max(run_id) FROM gc_cycles"));
  /* finding kinds of two runs: one row per kind of either */
  long long a = tu_db_int(f->db, "SELECT min(run_id) FROM findings");
  long long b = tu_db_int(f->db, "SELECT max(run_id) FROM findings");
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT count(DISTINCT kind) FROM findings WHERE run_id IN (%lld, %lld)",
           a, b);
  assert_int_equal(count_rows(db, GCW_Q_KINDS, a, b), tu_db_int(f->db, sql));
  gcw_db_close(&db);
}

/* The plot's measures and data sets of every run with cycles. */
static void test_plot_queries(void **state) {
  fixture *f = *state;
  gcw_db *db = tu_db_open_ro(f->db);
  long long runs = tu_db_int(f->db, "SELECT count(*) FROM runs"), checked = 0;
  for (long long id = 1; id <= runs; id++) {
    long long cycles = sql_int(f->db, "SELECT count(*) FROM gc_cycles WHERE run_id = %lld", id);
    gcw_rows *r = NULL;
    assert_int_equal(gcw_rows_open(db, &r, GCW_Q_PLOT_SHAPE, id, 0), GCW_OK);
    assert_int_equal(gcw_rows_next(r), 1);
    assert_int_equal(gcw_rows_int(r, GCW_PS_CYCLES), cycles);
    assert_int_equal(gcw_rows_int(r, GCW_PS_PAUSES),
                     sql_int(f->db, "SELECT count(pause_ms) FROM gc_cycles WHERE run_id = %lld", id));
    if (cycles) {
      assert_int_equal(gcw_rows_type(r, GCW_PS_MAX_GC), GCW_TYPE_INT);
      assert_int_equal(gcw_rows_int(r, GCW_PS_MAX_GC),
                       sql_int(f->db, "SELECT max(gc) FROM gc_cycles WHERE run_id = %lld", id));
    } else {
      assert_true(isnan(gcw_rows_real_or_nan(r, GCW_PS_MIN_T)));
    }
    gcw_rows_close(&r);
    assert_int_equal(count_rows(db, GCW_Q_PLOT_CYCLES, id, 0), cycles);
    assert_int_equal(count_rows(db, GCW_Q_PLOT_CYCLE_X, id, 0), cycles);
    assert_int_equal(count_rows(db, GCW_Q_PLOT_SCAV, id, 0),
                     sql_int(f->db, "SELECT count(*) FROM scavenger WHERE run_id = %lld AND "
                                    "family = 'scav'", id));
    assert_int_equal(count_rows(db, GCW_Q_PLOT_SCVG, id, 0),
                     sql_int(f->db, "SELECT count(*) FROM scavenger WHERE run_id = %lld AND "
                                    "family = 'scvg'", id));
    assert_int_equal(count_rows(db, GCW_Q_PLOT_FINDINGS, id, 0),
                     sql_int(f->db, "SELECT count(*) FROM findings WHERE run_id = %lld AND "
                                    "severity <> 'info'", id));
    long long pauses = sql_int(f->db, "SELECT count(pause_ms) FROM gc_cycles WHERE run_id = %lld",
                               id);
    if (pauses) {
      /* rank 0 from the top is the largest pause; rank n-1 the smallest */
      assert_int_equal(gcw_rows_open(db, &r, GCW_Q_PLOT_PAUSE_AT, id, pauses - 1), GCW_OK);
      assert_int_equal(gcw_rows_next(r), 1);
      double lo = gcw_rows_real(r, 0);
      gcw_rows_close(&r);
      char sql[128];
      snprintf(sql, sizeof sql, "SELECT min(pause_ms) FROM gc_cycles WHERE run_id = %lld", id);
      assert_true(lo == tu_db_real(f->db, sql));
      assert_int_equal(count_rows(db, GCW_Q_PLOT_PAUSE_AT, id, pauses), 0);
      assert_int_equal(count_rows(db, GCW_Q_PLOT_MAX_PAUSE, id, 0), 1);
      checked++;
    }
  }
  assert_true(checked >= 3);
  gcw_db_close(&db);
}

/* Every table of the schema, whole and for one run; values typed as stored. */
static void test_tables(void **state) {
  fixture *f = *state;
  gcw_db *db = tu_db_open_ro(f->db);
  char sql[256];
  int n = 0;
  for (const char *const *t = gcw_store_tables; *t; t++, n++) {
    gcw_rows *r = NULL;
    long long rows = 0;
    assert_true(gcw_store_table_known(*t));
    assert_int_equal(gcw_rows_open_table(db, &r, *t, 0), GCW_OK);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s')", *t);
    assert_int_equal(gcw_rows_ncols(r), tu_db_int(f->db, sql));
    while (gcw_rows_next(r) == 1)
      rows++;
    gcw_rows_close(&r);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", *t);
    assert_int_equal(rows, tu_db_int(f->db, sql));
    assert_int_equal(gcw_rows_open_table(db, &r, *t, 2), GCW_OK);
    gcw_rows_close(&r);
  }
  assert_int_equal(n, 14); /* the ten of the first schema, process_samples (issue 15),
                           ** finding_parts, run_labels, run_program (issue 10) */
  assert_false(gcw_store_table_known("sqlite_master"));
  assert_false(gcw_store_table_known("gc_cycles; DROP TABLE runs"));
  gcw_rows *r = NULL;
  assert_int_equal(gcw_rows_open_table(db, &r, "sqlite_master", 0), GCW_EUSAGE);
  assert_null(r);
  /* one run's cycles, and the types of their values */
  assert_int_equal(gcw_rows_open_table(db, &r, "gc_cycles", 2), GCW_OK);
  long long rows = 0;
  while (gcw_rows_next(r) == 1) {
    for (int c = 0; c < gcw_rows_ncols(r); c++) {
      const char *name = gcw_rows_name(r, c);
      if (strcmp(name, "run_id") == 0)
        assert_int_equal(gcw_rows_int(r, c), 2);
      if (strcmp(name, "wall") == 0)
        assert_int_equal(gcw_rows_type(r, c), GCW_TYPE_NULL);
      if (strcmp(name, "gc") == 0)
        assert_int_equal(gcw_rows_type(r, c), GCW_TYPE_INT);
      if (strcmp(name, "t_s") == 0)
        assert_int_equal(gcw_rows_type(r, c), GCW_TYPE_REAL);
    }
    rows++;
  }
  gcw_rows_close(&r);
  assert_int_equal(rows, tu_db_int(f->db, "SELECT count(*) FROM gc_cycles WHERE run_id = 2"));
  /* unparsed text is a blob: its bytes as they were */
  assert_int_equal(gcw_rows_open_table(db, &r, "unparsed", 0), GCW_OK);
  assert_int_equal(gcw_rows_next(r), 1);
  assert_int_equal(gcw_rows_type(r, 2), GCW_TYPE_BLOB);
  assert_true(gcw_rows_bytes(r, 2) > 0);
  assert_non_null(gcw_rows_blob(r, 2));
  gcw_rows_close(&r);
  gcw_db_close(&db);
}

/* Statistics: computed into the file when it can be written, loaded back. */
static void test_stats_written(void **state) {
  fixture *f = *state;
  char db_path[512];
  snprintf(db_path, sizeof db_path, "%s", f->db);
  /* the store writes a run's statistics as it reads (statrun.c): take them away, so that
  ** they are computed here from the rows */
  tu_exec(db_path, "DELETE FROM stats WHERE run_id IN (1, 3)");
  gcw_db *db = tu_db_open_ro(db_path);
  long long ids[2] = {1, 3};
  const char *what = NULL;
  assert_int_equal(gcw_db_stats_ensure(db, ids, 2, &what), GCW_OK);
  for (int i = 0; i < 2; i++) {
    assert_int_equal(sql_int(db_path, "SELECT count(*) FROM stats WHERE run_id = %lld", ids[i]),
                     GCW_STAT_COUNT);
    double v[GCW_STAT_COUNT];
    unsigned char has[GCW_STAT_COUNT];
    assert_int_equal(gcw_db_stats_load(db, ids[i], v, has), GCW_OK);
    assert_true(has[GCW_STAT_CYCLES]);
    assert_true(v[GCW_STAT_CYCLES] ==
                (double)sql_int(db_path, "SELECT count(*) FROM gc_cycles WHERE run_id = %lld",
                                ids[i]));
  }
  /* a second time, nothing is missing */
  assert_int_equal(gcw_db_stats_ensure(db, ids, 2, &what), GCW_OK);
  gcw_db_close(&db);
}

/* A file that cannot be opened for writing: the statistics live in TEMP for this
** connection and the file keeps none. (The tests run as root, for whom a mode of 0444
** changes nothing; so the file is moved away after it was opened read-only, and the
** read-write reopening by its name fails as it does for a file we may not write.) */
static void test_stats_in_temp(void **state) {
  (void)state;
  char db_path[512], moved[600];
  tu_corpus_db(db_path, sizeof db_path, "02_slow_leak/gctrace.log");
  snprintf(moved, sizeof moved, "%s.moved", db_path);
  tu_exec(db_path, "DELETE FROM stats"); /* written while reading (statrun.c): none here */
  assert_int_equal(tu_db_int(db_path, "SELECT count(*) FROM stats"), 0);
  gcw_db *db = tu_db_open_ro(db_path);
  assert_int_equal(rename(db_path, moved), 0);
  long long id = 1;
  const char *what = NULL;
  assert_int_equal(gcw_db_stats_ensure(db, &id, 1, &what), GCW_OK);
  double v[GCW_STAT_COUNT];
  unsigned char has[GCW_STAT_COUNT];
  assert_int_equal(gcw_db_stats_load(db, id, v, has), GCW_OK);
  assert_true(has[GCW_STAT_CYCLES]);
  gcw_db_close(&db);
  assert_int_equal(rename(moved, db_path), 0);
  assert_true(v[GCW_STAT_CYCLES] == (double)tu_db_int(db_path, "SELECT count(*) FROM gc_cycles"));
  assert_int_equal(tu_db_int(db_path, "SELECT count(*) FROM stats"), 0);
  tu_rm_db(db_path);
}

/* Opening: never creates a file; says why it cannot open one. */
static void test_open_errors(void **state) {
  (void)state;
  char path[512], msg[256] = "";
  gcw_db *db = NULL;
  tu_tmp(path, sizeof path, "missing.db");
  assert_int_equal(gcw_db_open(&db, path, 0, msg, sizeof msg), GCW_EDB);
  assert_null(db);
  assert_string_equal(msg, strerror(ENOENT));
  assert_int_equal(access(path, F_OK), -1);
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("this is not a database, it is a text file long enough to have a header..........\n"
        "................................................................................\n",
        fp);
  fclose(fp);
  assert_int_equal(gcw_db_open(&db, path, 0, msg, sizeof msg), GCW_EDB);
  assert_null(db);
  assert_non_null(strstr(msg, "not a database"));
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_runs_listing),  cmocka_unit_test(test_report_queries),
      cmocka_unit_test(test_plot_queries),  cmocka_unit_test(test_tables),
      cmocka_unit_test(test_stats_written), cmocka_unit_test(test_stats_in_temp),
      cmocka_unit_test(test_open_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
