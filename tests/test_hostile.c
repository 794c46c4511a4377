/*
** test_hostile.c: hostile numbers and hostile names (issue 10, items 10 and 1).
**   numbers: values beyond what our types hold (a cycle number over 2^64, a heap of
**            2^63 MB, GOMAXPROCS over INT_MAX, a time of 10^400 s) are kept as
**            unparsed with the reason "number out of range", never stored as a wrong
**            number; the lines around them are stored normally; a --threshold beyond
**            1e9 is a usage error.
**   names:   a file name, program name, database path or argument holding an escape
**            sequence (OSC title, clear screen), BEL, a newline and a C1 CSI reaches no
**            terminal as such: report, runs, compare, export (CSV on a terminal, JSON),
**            analyze's summary show them as '?' (tables: one column a byte); error
**            messages, the fail-open warning, usage errors, live findings and CSV on a
**            terminal as \xHH; JSON as \u00XX.
** The lines below are CONSTRUCTED for this test (a real go1.21 gc line of corpus 01 with
** one number replaced); no Go runtime printed them.
*/
#include "testutil.h"

#include "detect.h"
#include "live.h"

#include <signal.h>

/* A go1.21-shaped gc line (corpus 01's format) with the given cycle, @t, heap and P. */
static void gc_line(FILE *f, const char *gc, const char *t, const char *heap, const char *procs) {
  fprintf(f,
          "gc %s @%ss 1%%: 0.011+0.12+0.002 ms clock, 0.045+0.048/0.079/0.10+0.010 ms cpu, "
          "%s->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, %s P\n",
          gc, t, heap, procs);
}

static void write_hostile_log(const char *path) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  gc_line(f, "1", "0.010", "4", "4");
  gc_line(f, "99999999999999999999", "0.012", "4", "4");  /* > 2^64 */
  gc_line(f, "2", "0.014", "9223372036854775808", "4");    /* 2^63 MB */
  gc_line(f, "3", "0.016", "4", "99999999999");            /* GOMAXPROCS > INT_MAX */
  gc_line(f, "4", "99999999999999999999.500", "4", "4"); /* @t of 10^20 s */
  gc_line(f, "5", "0.020", "9007199254740993", "4");       /* 2^53 + 1 */
  gc_line(f, "6", "0.022", "9007199254740992", "4");       /* 2^53: still exact */
  gc_line(f, "7", "0.024", "4", "4");
  /* a heap of 3000 digits: the line is longer than any unparsed piece is kept (cut to
  ** GCW_SPLICE_MAX bytes, as every other one) */
  fputs("gc 8 @0.026s 1%: 0.011+0.12+0.002 ms clock, 0.045+0.048/0.079/0.10+0.010 ms cpu, ", f);
  for (int i = 0; i < 3000; i++)
    fputc('9', f);
  fputs("->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P\n", f);
  fclose(f);
}

static void test_numbers_out_of_range(void **state) {
  (void)state;
  char log[512], db[512];
  tu_tmp(log, sizeof log, "hostile.log");
  tu_tmp(db, sizeof db, "hostile.db");
  write_hostile_log(log);
  tu_analyze(db, log);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM unparsed WHERE reason='number out of range'"),
                   6);
  char buf[128];
  assert_string_equal(tu_db_text(db, "SELECT group_concat(line, ',') FROM (SELECT line FROM "
                                     "unparsed ORDER BY line)", buf, sizeof buf),
                      "2,3,4,5,6,9");
  assert_int_equal(tu_db_int(db, "SELECT length(text) FROM unparsed WHERE line = 9"),
                   GCW_SPLICE_MAX);
  assert_int_equal(tu_db_int(db, "SELECT CAST(substr(text, 1, 5) AS TEXT) = 'gc 8 ' FROM unparsed WHERE "
                                 "line = 9"), 1);
  assert_string_equal(tu_db_text(db, "SELECT group_concat(gc, ',') FROM (SELECT gc FROM "
                                     "gc_cycles ORDER BY line)", buf, sizeof buf),
                      "1,6,7");
  assert_int_equal(tu_db_int(db, "SELECT max(heap_start_mb) FROM gc_cycles"), 9007199254740992LL);
  assert_int_equal(tu_db_int(db, "SELECT min(heap_start_mb) FROM gc_cycles"), 4);
  /* the watch mode passes the lines through unchanged all the same */
  char out[512];
  tu_tmp(out, sizeof out, "hostile.out");
  tu_rm_db(db);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, NULL};
  assert_int_equal(tu_run(argv, log, out, NULL), 0);
  assert_true(tu_same_file(log, out));
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 3);
  unlink(out);
  unlink(log);
  tu_rm_db(db);
}

static void test_threshold_out_of_range(void **state) {
  (void)state;
  char db[512];
  tu_tmp(db, sizeof db, "threshold.db");
  /* a plain decimal (the form thresholds take) too large for the counts among them */
  tu_result r = tu_capture("analyze", "--db", db, "--threshold",
                           "forced_gc_storm.count=99999999999999999999", "/dev/null", NULL);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "from 0 to 1e9"));
  tu_result_free(&r);
  tu_rm_db(db);
}

/* ---- hostile names ----------------------------------------------------------------- */

/* ESC ] 0 ; title BEL (retitle), ESC [ 2 J (clear), a newline that would forge a line of
** ours, backquotes, and U+009B (C1 CSI) + "31m". */
static const char hostile[] = "evil\033]0;PWNED\007\033[2Jx\ngctrace-watch: fake `touch X`\302\23331m";

/* The output shows the hostile text only escaped: no ESC, BEL or C1 byte pair, and the
** newline of the name never starts a line. `shown` must appear (the name was printed). */
static void expect_neutral(const char *what, const char *out, size_t n, const char *shown) {
  if (memchr(out, 0x1b, n) || memchr(out, 0x07, n) || strstr(out, "\302\233") ||
      strstr(out, "\ngctrace-watch: fake"))
    fail_msg("%s: a control character of the hostile name got through:\n%s", what, out);
  if (shown && !strstr(out, shown))
    fail_msg("%s: expected '%s' in:\n%s", what, shown, out);
}

static const char *esc_shown = "evil\\x1b]0;PWNED\\x07\\x1b[2Jx\\x0agctrace-watch: fake";
static const char *q_shown = "evil?]0;PWNED??[2Jx?gctrace-watch: fake `touch X`?31m";

/* A database holding one corpus log read under the hostile name (a symlink). */
static void hostile_db(char *dir, size_t dn, char *db, size_t n, char *link, size_t ln) {
  char log[512];
  tu_tmp(dir, dn, "hostile-dir");
  assert_int_equal(mkdir(dir, 0755), 0);
  snprintf(link, ln, "%s/%s.log", dir, hostile);
  /* absolute: the link lives in another directory */
  char *target = realpath(tu_corpus(log, sizeof log, "03_pause_spikes/gctrace.log"), NULL);
  assert_non_null(target);
  assert_int_equal(symlink(target, link), 0);
  free(target);
  tu_tmp(db, n, "hostile-names.db");
  tu_result r = tu_capture("analyze", "--db", db, link, NULL);
  assert_int_equal(r.status, 0);
  expect_neutral("analyze summary", r.out, r.nout, q_shown);
  expect_neutral("analyze stderr", r.err, r.nerr, NULL);
  tu_result_free(&r);
}

static void test_names_in_reports(void **state) {
  (void)state;
  char dir[400], db[512], link[1000];
  hostile_db(dir, sizeof dir, db, sizeof db, link, sizeof link);
  tu_result rs[] = {
      tu_capture("runs", "--db", db, NULL),
      tu_capture("report", "--db", db, NULL),
      tu_capture("report", "--all", "--db", db, NULL),
      tu_capture("compare", "1", "1", "--db", db, NULL),
      tu_capture("report", "--format", "json", "--db", db, NULL),
      tu_capture("export", "--table", "sources", "--format", "ndjson", "--db", db, NULL)};
  for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++) {
    assert_int_equal(rs[i].status, 0);
    if (i < 4) { /* tables and reports show each control character as '?' */
      expect_neutral("text output", rs[i].out, rs[i].nout, q_shown);
    } else { /* JSON: the same string, escaped as JSON */
      expect_neutral("json output", rs[i].out, rs[i].nout,
                     "evil\\u001b]0;PWNED\\u0007\\u001b[2Jx\\n");
      assert_non_null(strstr(rs[i].out, "\\u009b31m"));
    }
    tu_result_free(&rs[i]);
  }
  unlink(link);
  rmdir(dir);
  tu_rm_db(db);
}

/* export's CSV on a terminal (a pseudo-terminal here): control characters as \xHH. */
static void test_names_in_csv_on_a_terminal(void **state) {
  (void)state;
  char dir[400], db[512], link[1000];
  hostile_db(dir, sizeof dir, db, sizeof db, link, sizeof link);
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  assert_true(m >= 0);
  assert_int_equal(grantpt(m), 0);
  assert_int_equal(unlockpt(m), 0);
  char *argv[] = {(char *)tu_bin(), "export", "--table", "sources", "--db", db, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, ptsname(m), O_WRONLY | O_NOCTTY, 0);
  pid_t pid;
  assert_int_equal(tu_spawn(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  char out[8192];
  ssize_t n = read(m, out, sizeof out - 1);
  assert_true(n > 0);
  out[n] = '\0';
  close(m);
  expect_neutral("export csv on a terminal", out, (size_t)n, esc_shown);
  unlink(link);
  rmdir(dir);
  tu_rm_db(db);
}

static void test_names_in_errors(void **state) {
  (void)state;
  char missing[600], db[600];
  snprintf(missing, sizeof missing, "/nonexistent/%s.log", hostile);
  tu_result r = tu_capture("analyze", "--db", ":memory:", missing, NULL);
  assert_int_equal(r.status, 3);
  expect_neutral("analyze error", r.err, r.nerr, esc_shown);
  tu_result_free(&r);
  /* child mode: a program that does not exist */
  r = tu_capture("--db", ":memory:", "--", missing, NULL);
  assert_int_equal(r.status, 127);
  expect_neutral("child error", r.err, r.nerr, esc_shown);
  tu_result_free(&r);
  /* the fail-open warning names the database */
  snprintf(db, sizeof db, "/proc/%s.db", hostile);
  r = tu_capture("--db", db, NULL);
  assert_int_equal(r.status, 3);
  expect_neutral("database warning", r.err, r.nerr, esc_shown);
  tu_result_free(&r);
  /* usage errors echo the argument */
  r = tu_capture("plot", "--kind", hostile, NULL);
  assert_int_equal(r.status, 2);
  expect_neutral("usage error", r.err, r.nerr, esc_shown);
  tu_result_free(&r);
}

/* Live findings: their text is ours today (numbers), and the wall time an envelope's;
** whatever they hold is shown escaped, while our own colour codes stay. */
static void test_live_finding_neutral(void **state) {
  (void)state;
  gcw_finding f;
  memset(&f, 0, sizeof f);
  f.kind = "pause_spike";
  f.severity = GCW_SEV_WARN;
  f.gc = 7;
  f.t_s = 1.5;
  f.unit = "ms";
  snprintf(f.wall, sizeof f.wall, "2026\033[2J");
  snprintf(f.message, sizeof f.message, "%s", hostile);
  FILE *tmp = tmpfile();
  assert_non_null(tmp);
  gcw_live l = {tmp, 0, 0, NULL, 0};
  gcw_live_finding(&l, "open", 1, &f);
  f.end_gc = 9;
  f.end_t_s = 2.5;
  gcw_live_finding(&l, "close", 1, &f);
  /* the exit summary names the database: a path of the user's */
  gcw_live_summary sum = {100, 9, 1, 1, 1, {0}, 0, hostile};
  gcw_live_summary_print(&l, &sum);
  rewind(tmp);
  char out[4096];
  size_t n = fread(out, 1, sizeof out - 1, tmp);
  out[n] = '\0';
  fclose(tmp);
  expect_neutral("live finding", out, n, esc_shown);
  /* the opening line, the closing line (both with the wall time) and the summary */
  assert_non_null(strstr(out, "2026\\x1b[2J"));
  assert_non_null(strstr(strstr(out, "2026\\x1b[2J") + 1, "2026\\x1b[2J"));
  assert_non_null(strstr(out, "ended "));
  assert_non_null(strstr(out, "9 cycles in 1 run"));
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_numbers_out_of_range),
      cmocka_unit_test(test_threshold_out_of_range),
      cmocka_unit_test(test_names_in_reports),
      cmocka_unit_test(test_names_in_csv_on_a_terminal),
      cmocka_unit_test(test_names_in_errors),
      cmocka_unit_test(test_live_finding_neutral),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
