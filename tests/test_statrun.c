/*
** test_statrun.c: the statistics the store computes while reading (statrun.c) are the
** ones stats.c computes from the stored rows (the oracle), on every corpus log: the same
** names, the same NULLs and bit-identical values (docs/stats.md, "Computed while
** reading"), and on the real captures of tests/cases/. `analyze --quiet` computes no statistics from the rows, so a run that has
** its rows right after it got them from the stream; then they are deleted, computed by
** gcw_stats_compute() and compared.
*/
#include "testutil.h"

#include "stats.h"
#include "store_read.h"

#include <dirent.h>
#include <string.h>

/* Every corpus log with gc lines (08 and the large gzip are skipped with GCW_QUICK, the
** sanitizer run, for time: they are the same program's lines as 10's small files). */
static const char *const logs[] = {
    "01_steady_state_web/gctrace.log",
    "02_slow_leak/gctrace.log",
    "03_pause_spikes/gctrace.log",
    "04a_ramp_alloc_rate/gctrace.log",
    "04b_memlimit_thrash/gctrace.log",
    "05a_seed_map_freeosmemory/gctrace.log",
    "05b_seed_slice_append/gctrace.log",
    "05c_delayed_release_idle/gctrace.log",
    "06_interleaved_applog/combined.log",
    "07_go_build_std/gctrace.log",
    "07b_go_run/gctrace.log",
    "07c_three_procs_one_stderr/gctrace.log",
    "09a_kubectl_timestamps/kubectl_timestamps.log",
    "09b_docker_jsonfile/container-json.log",
    "10_gzip_rotated/gctrace.log.1.gz",
    "10_gzip_rotated/rotated/app.log",
    "10_gzip_rotated/rotated/app.log.1",
    "10_gzip_rotated/rotated/app.log.2.gz",
    "11_gcpacertrace/gctrace.log",
    "12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log",
    "12b_esbuild_0.1.26_go1.14.2/esbuild_stderr.log",
    "12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_gcpacertrace.log",
    "12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_stderr.log",
    "12d_esbuild_0.17.19_go1.20.4/esbuild_gcpacertrace.log",
    "12d_esbuild_0.17.19_go1.20.4/esbuild_stderr.log",
    "12e_esbuild_0.23.1_go1.22.5/esbuild_gcpacertrace.log",
    "12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log",
    "13_forced_gc_storm/gctrace.log",
    "14_assist_heavy_high_cpu/gctrace.log",
    "08_large_throughput/gctrace.log",
    "10_gzip_rotated/large_throughput.gctrace.log.gz",
};
enum { NLOGS = sizeof logs / sizeof logs[0], SLOW_LOGS = 2 };

typedef struct row {
  long long run;
  char name[64];
  int null;
  double v;
} row;

/* Every stats row, ordered; returns how many (at most max). */
static int read_stats(sqlite3 *h, row *rows, int max) {
  sqlite3_stmt *st;
  int n = 0;
  assert_int_equal(sqlite3_prepare_v2(h, "SELECT run_id, name, value FROM stats ORDER BY 1, 2",
                                      -1, &st, NULL),
                   SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    assert_true(n < max);
    rows[n].run = sqlite3_column_int64(st, 0);
    snprintf(rows[n].name, sizeof rows[n].name, "%s", (const char *)sqlite3_column_text(st, 1));
    rows[n].null = sqlite3_column_type(st, 2) == SQLITE_NULL;
    rows[n].v = sqlite3_column_double(st, 2);
    n++;
  }
  sqlite3_finalize(st);
  return n;
}

static long long count(sqlite3 *h, const char *sql) {
  sqlite3_stmt *st;
  long long v = -1;
  assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void compare_path(const char *rel, const char *path) {
  enum { MAX_ROWS = 300 * GCW_STAT_COUNT };
  char db[512];
  static row streamed[MAX_ROWS], oracle[MAX_ROWS];
  tu_tmp(db, sizeof db, "statrun.db");
  tu_analyze(db, path);
  sqlite3 *h;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  long long runs = count(h, "SELECT count(*) FROM runs");
  assert_true(runs > 0);
  /* every run got its statistics from the stream, all names */
  assert_int_equal(count(h, "SELECT count(DISTINCT run_id) FROM stats"), runs);
  int n = read_stats(h, streamed, MAX_ROWS);
  assert_int_equal(n, runs * GCW_STAT_COUNT);
  assert_int_equal(sqlite3_exec(h, "DELETE FROM stats", NULL, NULL, NULL), SQLITE_OK);
  /* the oracle, through the store's read connection as report uses it */
  gcw_db *rw = NULL;
  char msg[256];
  assert_int_equal(gcw_db_open(&rw, db, 1, msg, sizeof msg), GCW_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(h, "SELECT id FROM runs ORDER BY id", -1, &st, NULL),
                   SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW)
    assert_int_equal(gcw_stats_compute(rw, sqlite3_column_int64(st, 0)), GCW_OK);
  sqlite3_finalize(st);
  gcw_db_close(&rw);
  assert_int_equal(read_stats(h, oracle, MAX_ROWS), n);
  int set = 0;
  for (int i = 0; i < n; i++) {
    if (streamed[i].run != oracle[i].run || strcmp(streamed[i].name, oracle[i].name) != 0 ||
        streamed[i].null != oracle[i].null ||
        (!streamed[i].null && memcmp(&streamed[i].v, &oracle[i].v, sizeof(double)) != 0))
      fail_msg("%s: run %lld %s: streamed %s%.17g, from the rows %s%.17g", rel,
               streamed[i].run, streamed[i].name, streamed[i].null ? "NULL " : "",
               streamed[i].v, oracle[i].null ? "NULL " : "", oracle[i].v);
    set += !streamed[i].null;
  }
  fprintf(stderr, "  %-62s %3lld runs, %5d values identical\n", rel, runs, set);
  sqlite3_close(h);
  tu_rm_db(db);
}

static void test_streamed_equals_oracle(void **state) {
  (void)state;
  char path[512];
  for (int i = 0; i < NLOGS - (tu_quick() ? SLOW_LOGS : 0); i++)
    compare_path(logs[i], tu_corpus_stored(path, sizeof path, logs[i]));
}

/* The real captures of tests/cases/ too (every *.log of its folders). */
static void test_cases_equal_oracle(void **state) {
  (void)state;
  char dir[512];
  int n = 0;
  DIR *d = opendir(tu_root(dir, sizeof dir, "tests/cases"));
  assert_non_null(d);
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.')
      continue;
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
    DIR *c = opendir(sub);
    if (!c)
      continue;
    for (struct dirent *f; (f = readdir(c)) != NULL;) {
      size_t len = strlen(f->d_name);
      if (len < 5 || strcmp(f->d_name + len - 4, ".log") != 0)
        continue;
      char path[1600], rel[600];
      snprintf(path, sizeof path, "%s/%s", sub, f->d_name);
      snprintf(rel, sizeof rel, "cases/%.200s/%.200s", e->d_name, f->d_name);
      compare_path(rel, path);
      n++;
    }
    closedir(c);
  }
  closedir(d);
  assert_true(n > 0);
}

/* A run that goes on after GCW_STATRUN_IDLE lines of another run was set aside: its
** statistics are not written while reading but computed from its rows, and are the
** oracle's. The input is built from real lines (a test-made interleaving, not a real
** log): corpus 02's first 98 lines (run 1: gc 1..49), 30,000 lines of corpus 08 (run 2,
** from gc 1), then the rest of 02 (gc 50..: run 1 goes on). */
static void test_run_resumed_after_idle(void **state) {
  (void)state;
  char p02[512], p08[512], log[512], db[512];
  size_t n02 = 0, n08 = 0;
  char *a = tu_slurp(tu_corpus(p02, sizeof p02, "02_slow_leak/gctrace.log"), &n02);
  char *b = tu_slurp(tu_corpus_plain(p08, sizeof p08, "08_large_throughput/gctrace.log"), &n08);
  assert_non_null(a);
  assert_non_null(b);
  const char *cut_a = a, *cut_b = b;
  for (int i = 0; i < 98; i++)
    cut_a = strchr(cut_a, '\n') + 1;
  for (int i = 0; i < 30000; i++)
    cut_b = strchr(cut_b, '\n') + 1;
  assert_true(strncmp(cut_a, "gc 50 ", 6) == 0);
  long gc02 = 0; /* gc lines of 02: all of them are run 1's cycles */
  for (const char *l = a; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
    gc02 += strncmp(l, "gc ", 3) == 0;
  tu_tmp(log, sizeof log, "resumed.log");
  FILE *f = fopen(log, "w");
  assert_non_null(f);
  fwrite(a, 1, (size_t)(cut_a - a), f);
  fwrite(b, 1, (size_t)(cut_b - b), f);
  fwrite(cut_a, 1, n02 - (size_t)(cut_a - a), f);
  fclose(f);
  tu_tmp(db, sizeof db, "resumed.db");
  tu_analyze(db, log);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs"), 2);
  assert_int_equal(tu_db_int(db, "SELECT cycles FROM runs WHERE ordinal = 1"), gc02);
  /* run 2 streamed; run 1 (resumed) not */
  assert_int_equal(tu_db_int(db, "SELECT count(DISTINCT run_id) FROM stats"), 1);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM stats s JOIN runs r ON r.id = s.run_id "
                                 "WHERE r.ordinal = 2"),
                   GCW_STAT_COUNT);
  /* the report computes run 1's from its rows: the oracle's values */
  char *argv[] = {(char *)tu_bin(), "report", "--all", "--db", db, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM stats"), 2 * GCW_STAT_COUNT);
  assert_int_equal(tu_db_int(db, "SELECT value FROM stats s JOIN runs r ON r.id = s.run_id "
                                 "WHERE r.ordinal = 1 AND name = 'cycles'"),
                   gc02);
  free(a);
  free(b);
  unlink(log);
  tu_rm_db(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_streamed_equals_oracle),
      cmocka_unit_test(test_cases_equal_oracle),
      cmocka_unit_test(test_run_resumed_after_idle),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
