/*
** test_ceilings.c: inputs of a fleet's size stay within the ceilings of limits.h, and an
** input beyond one is told once.
**
** The interleaved streams below are BUILT in this file: the corpus has no multi-process
** syslog stream. Every trace line in them is a real line of the corpus (05c, one Go
** process); what is built is only the syslog prefix "Mmm dd hh:mm:ss host app[PID]: ",
** with one pid per process, the round-robin interleaving of the processes' lines, and
** (for the ceilings' notices) copies of its first gc line standing for many processes.
*/
#include "testutil.h"

#include "limits.h"

#define LOG_05C "05c_delayed_release_idle/gctrace.log"

/* Lines of a corpus file (the buffer is kept: the lines point into it). */
static int read_lines(const char *rel, char **buf, char ***lines) {
  char path[512];
  size_t n = 0;
  *buf = tu_slurp(tu_corpus_plain(path, sizeof path, rel), &n);
  assert_non_null(*buf);
  int count = 0;
  for (size_t i = 0; i < n; i++)
    count += (*buf)[i] == '\n';
  *lines = calloc((size_t)count + 1, sizeof **lines);
  int k = 0;
  for (char *p = *buf, *nl; k < count && (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
    *nl = '\0';
    (*lines)[k++] = p;
  }
  return k;
}

/* procs processes, each printing every line of lines, interleaved line by line (built):
** process i has pid 1000 + i; line j of every process carries the time 10:MM:SS = j s. */
static void write_interleaved(const char *path, char **lines, int nlines, int procs) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  for (int j = 0; j < nlines; j++)
    for (int i = 0; i < procs; i++)
      fprintf(f, "Nov 22 10:%02d:%02d host app[%d]: %s\n", j / 60, j % 60, 1000 + i, lines[j]);
  assert_int_equal(fclose(f), 0);
}

/* One real process analysed alone: what each of the interleaved ones must show. */
typedef struct alone {
  long long cycles, scav, findings;
  char kinds[256]; /* "kind@gc" of every finding, in order */
} alone;

static alone measure(const char *db, const char *where) {
  alone a;
  char sql[512];
  snprintf(sql, sizeof sql, "SELECT cycles FROM runs WHERE %s", where);
  a.cycles = tu_db_int(db, sql);
  snprintf(sql, sizeof sql, "SELECT scav_lines FROM runs WHERE %s", where);
  a.scav = tu_db_int(db, sql);
  snprintf(sql, sizeof sql, "SELECT count(*) FROM findings WHERE run_id IN (SELECT id FROM runs "
                            "WHERE %s)", where);
  a.findings = tu_db_int(db, sql);
  snprintf(sql, sizeof sql, "SELECT group_concat(kind || '@' || gc, ' ') FROM (SELECT kind, gc "
                            "FROM findings WHERE run_id IN (SELECT id FROM runs WHERE %s) "
                            "ORDER BY id)", where);
  tu_db_text(db, sql, a.kinds, sizeof a.kinds);
  return a;
}

/* 70 processes x 54 lines in one syslog stream: 70 runs (not 3,780), each with the 27
** cycles, 27 scavenger lines and the findings of the process analysed alone. 70 is more
** than the 8 streams the pipeline once kept and the 64 runs the detectors once kept. */
static void test_seventy_processes_stay_seventy_runs(void **state) {
  (void)state;
  enum { PROCS = 70 };
  char *buf, **lines, path[512], db[512], one[512];
  int n = read_lines(LOG_05C, &buf, &lines);
  assert_int_equal(n, 54);

  tu_corpus_db(one, sizeof one, LOG_05C);
  alone want = measure(one, "id = 1");
  assert_int_equal(want.cycles, 27);
  assert_int_equal(want.scav, 27);
  assert_true(want.findings >= 1); /* 05c: the delayed release (its notes.md) */
  assert_non_null(strstr(want.kinds, "delayed_release@9"));

  tu_tmp(path, sizeof path, "fleet70.log");
  write_interleaved(path, lines, n, PROCS);
  tu_tmp(db, sizeof db, "fleet70.db");
  tu_result r = tu_capture("analyze", "--quiet", "--db", db, path, NULL);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.err, ""); /* no ceiling passed: no notice */
  tu_result_free(&r);

  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs"), PROCS);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings"), PROCS * want.findings);
  for (int run = 1; run <= PROCS; run++) {
    char where[64];
    snprintf(where, sizeof where, "ordinal = %d", run);
    alone got = measure(db, where);
    assert_int_equal(got.cycles, want.cycles);
    assert_int_equal(got.scav, want.scav);
    assert_int_equal(got.findings, want.findings);
    assert_string_equal(got.kinds, want.kinds);
  }
  tu_rm_db(db);
  tu_rm_db(one);
  unlink(path);
  free(lines);
  free(buf);
}

/* n copies of one real line, each (built) the first cycle of another process: n "gc 1"
** lines in a row start n runs. pids > 0: syslog prefixes, the copies dealt round-robin to
** that many pids (built as above); 0: a plain stream. */
static void write_first_cycles(const char *path, const char *line, int n, int pids) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  for (int i = 0; i < n; i++)
    if (pids)
      fprintf(f, "Nov 22 10:00:00 host app[%d]: %s\n", 1000 + i % pids, line);
    else
      fprintf(f, "%s\n", line);
  assert_int_equal(fclose(f), 0);
}

/* Occurrences of needle in haystack. */
static int occurrences(const char *haystack, const char *needle) {
  int n = 0;
  for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p++)
    n++;
  return n;
}

/* procs processes starting at once (copies of 05c's first gc line, see above) dealt to
** pids syslog pids (0: one plain stream): each is a run with its cycle, and stderr names
** exactly the ceiling `named`, once, and no other. */
static void expect_one_notice(int procs, int pids, const char *named) {
  static const char *const ceilings[] = {"GCW_STREAMS_OPEN", "GCW_RUNS_OPEN", "GCW_RUNS_LIVE"};
  char *buf, **lines, path[512], db[512];
  int n = read_lines(LOG_05C, &buf, &lines);
  assert_true(n > 1 && strncmp(lines[1], "gc 1 @", 6) == 0); /* line 1 is a scav line */
  tu_tmp(path, sizeof path, "ceiling.log");
  write_first_cycles(path, lines[1], procs, pids);
  tu_tmp(db, sizeof db, "ceiling.db");
  tu_result r = tu_capture("analyze", "--quiet", "--db", db, path, NULL);
  assert_int_equal(r.status, 0);
  for (size_t i = 0; i < sizeof ceilings / sizeof ceilings[0]; i++)
    assert_int_equal(occurrences(r.err, ceilings[i]), strcmp(ceilings[i], named) == 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs"), procs);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), procs);
  tu_result_free(&r);
  tu_rm_db(db);
  unlink(path);
  free(lines);
  free(buf);
}

/* More processes than GCW_STREAMS_OPEN, one gc line each, each with its own pid. */
static void test_beyond_the_stream_ceiling_is_told_once(void **state) {
  (void)state;
  expect_one_notice(GCW_STREAMS_OPEN + 10, GCW_STREAMS_OPEN + 10, "GCW_STREAMS_OPEN");
}

/* More processes open in one plain stream than GCW_RUNS_OPEN. */
static void test_beyond_the_run_ceiling_is_told_once(void **state) {
  (void)state;
  expect_one_notice(GCW_RUNS_OPEN + 44, 0, "GCW_RUNS_OPEN");
}

/* More runs live at once than GCW_RUNS_LIVE, over 5 streams each under its own run
** ceiling: the detectors' ceiling is the one told. */
static void test_beyond_the_detector_ceiling_is_told_once(void **state) {
  (void)state;
  enum { PIDS = 5, PROCS = GCW_RUNS_LIVE + 26 };
  _Static_assert(PROCS / PIDS + 1 < GCW_RUNS_OPEN, "each stream stays under its own ceiling");
  expect_one_notice(PROCS, PIDS, "GCW_RUNS_LIVE");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_seventy_processes_stay_seventy_runs),
      cmocka_unit_test(test_beyond_the_stream_ceiling_is_told_once),
      cmocka_unit_test(test_beyond_the_run_ceiling_is_told_once),
      cmocka_unit_test(test_beyond_the_detector_ceiling_is_told_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
