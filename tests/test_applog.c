/*
** test_applog.c: a service that logs RFC 3339 lines from several goroutines while tracing
** (tests/cases/tslog: real captures, see its README).
**
** Such lines once made auto-detection take the stream for a timestamp envelope
** (`kubectl logs --timestamps`); rejoining cut trace lines then glued the year of a log
** line into trace numbers (a 20,260 ms sweep termination, cycle 20263580, three runs for
** one process). The truth here is the runtime's own text: the capture with every whole
** application line removed, which the analysis of the mixed stream must equal, cycle by
** cycle and field by field, in every input format a user may pick (auto, plain, and even
** a forced timestamp envelope), with every one of the runtime's NumGC cycles stored once.
**
** A built case (not runtime output) checks the last line of defence: a rejoined line
** whose cycle number jumps far ahead of the stream's is kept as unparsed, not stored.
*/
#include "testutil.h"

#include "recog.h"
#include "splice.h"

#include <zlib.h>

/* The gc fields compared, in one text per run (ordered by cycle). */
#define ROWS_SQL \
  "SELECT group_concat(r, ';') FROM (SELECT " \
  "quote(gc) || ',' || quote(t_s) || ',' || quote(cpu_pct) || ',' || " \
  "quote(sweep_term_ms) || ',' || quote(mark_ms) || ',' || " \
  "quote(mark_term_ms) || ',' || quote(cpu_sweep_term_ms) || ',' || " \
  "quote(cpu_assist_ms) || ',' || quote(cpu_bg_ms) || ',' || " \
  "quote(cpu_idle_ms) || ',' || quote(cpu_mark_term_ms) || ',' || " \
  "quote(heap_start_mb) || ',' || quote(heap_end_mb) || ',' || " \
  "quote(heap_live_mb) || ',' || quote(goal_mb) || ',' || quote(stacks_mb) || ',' || " \
  "quote(globals_mb) || ',' || quote(procs) || ',' || quote(forced) AS r FROM gc_cycles ORDER BY gc)"

enum { ROWS_MAX = 4 << 20 };

static char *gunzip_file(const char *path, size_t *n) {
  gzFile z = gzopen(path, "rb");
  assert_non_null(z);
  size_t cap = 1 << 20, len = 0;
  char *b = malloc(cap);
  assert_non_null(b);
  for (int k; (k = gzread(z, b + len, (unsigned)(cap - len))) > 0;) {
    len += (size_t)k;
    if (len == cap) {
      cap *= 2;
      b = realloc(b, cap);
      assert_non_null(b);
    }
  }
  gzclose(z);
  *n = len;
  return b;
}

/* Remove every whole "<24-byte time> INFO worker=W seq=S handled request\n" wherever it
** landed; what is left is exactly what the runtime wrote. Returns lines removed. */
static long strip_app_lines(char *b, size_t *n) {
  static const char mark[] = " INFO worker=";
  const size_t stamp = 24; /* "2026-12-01T22:27:57.460Z" */
  size_t w = 0, r = 0;
  long removed = 0;
  while (r < *n) {
    char *m = memmem(b + r, *n - r, mark, sizeof mark - 1);
    if (!m || (size_t)(m - b) < r + stamp) {
      size_t upto = m ? (size_t)(m - b) + 1 : *n;
      memmove(b + w, b + r, upto - r);
      w += upto - r;
      r = upto;
      continue;
    }
    size_t start = (size_t)(m - b) - stamp;
    char *nl = memchr(m, '\n', *n - (size_t)(m - b));
    assert_non_null(nl);
    assert_true(b[start + 4] == '-' && b[start + 10] == 'T'); /* a real stamp */
    memmove(b + w, b + r, start - r);
    w += start - r;
    r = (size_t)(nl - b) + 1;
    removed++;
  }
  *n = w;
  return removed;
}

static long numgc_of(const char *name) {
  char rel[256], path[512];
  snprintf(rel, sizeof rel, "tests/cases/tslog/%s.out", name);
  char *t = tu_slurp(tu_root(path, sizeof path, rel), NULL);
  assert_non_null(t);
  long n = 0;
  assert_int_equal(sscanf(t, "numgc=%ld", &n), 1);
  free(t);
  assert_true(n > 1000);
  return n;
}

/* A forced timestamp envelope on a plain capture: the trace lines have no time in front,
** so they are records that do not decode (kept as plain text): exit status 3. */
static void analyze_as(const char *db, const char *format, const char *path) {
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--input-format", (char *)format,
                  "--db", (char *)db, (char *)path, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, "/dev/null"), strcmp(format, "timestamp") ? 0 : 3);
}

static void check_capture(const char *name) {
  char rel[256], gz[512], plain[512], truth_db[512], db[512];
  snprintf(rel, sizeof rel, "tests/cases/tslog/%s.log.gz", name);
  tu_root(gz, sizeof gz, rel);
  long numgc = numgc_of(name);
  size_t n = 0;
  char *text = gunzip_file(gz, &n);
  long removed = strip_app_lines(text, &n);
  assert_true(removed > 1000);
  tu_tmp(plain, sizeof plain, "runtime.log");
  FILE *f = fopen(plain, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, n, f), n);
  fclose(f);
  free(text);
  tu_tmp(truth_db, sizeof truth_db, "truth.db");
  analyze_as(truth_db, "plain", plain);
  char *truth = malloc(ROWS_MAX), *got = malloc(ROWS_MAX);
  assert_non_null(truth);
  assert_non_null(got);
  tu_db_text(truth_db, ROWS_SQL, truth, ROWS_MAX);
  assert_int_equal(tu_db_int(truth_db, "SELECT count(DISTINCT gc) FROM gc_cycles"), numgc);
  static const char *const formats[] = {"auto", "plain", "timestamp"};
  for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
    tu_tmp(db, sizeof db, "applog.db");
    analyze_as(db, formats[i], gz);
    fprintf(stderr, "%s as %s: %lld cycles, %lld runs, %lld unparsed\n", name, formats[i],
            tu_db_int(db, "SELECT count(*) FROM gc_cycles"),
            tu_db_int(db, "SELECT count(*) FROM runs"),
            tu_db_int(db, "SELECT count(*) FROM unparsed"));
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), numgc);
    assert_int_equal(tu_db_int(db, "SELECT count(DISTINCT gc) FROM gc_cycles"), numgc);
    assert_int_equal(tu_db_int(db, "SELECT max(gc) FROM gc_cycles"), numgc);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs"), 1);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM unparsed"), 0);
    assert_true(tu_db_int(db, "SELECT sum(repaired) FROM gc_cycles") > 0);
    tu_db_text(db, ROWS_SQL, got, ROWS_MAX);
    assert_string_equal(got, truth);
    tu_rm_db(db);
  }
  free(truth);
  free(got);
  tu_rm_db(truth_db);
  unlink(plain);
}

static void test_capture_four_workers(void **state) {
  (void)state;
  check_capture("cap1");
}

static void test_capture_eight_workers(void **state) {
  (void)state;
  check_capture("cap2");
}

/* ---------------------------------------------------------------- a built case */

typedef struct seen {
  double gc[8];
  int n, unparsed;
  char why[160];
} seen;

static void on_event(void *ctx, const gcw_event *ev) {
  seen *s = ctx;
  if (s->n < 8 && ev->family == GCW_FAM_GC)
    s->gc[s->n++] = ev->v[GCW_F_gc];
}

static void on_unparsed(void *ctx, long line, const char *text, size_t len, const char *why) {
  seen *s = ctx;
  (void)line, (void)text, (void)len;
  s->unparsed++;
  snprintf(s->why, sizeof s->why, "%s", why);
}

/* Built: a real Go 1.19 line of cap1 (gc 233), then gc 234 cut after its number with an
** application line that begins with digits glued on ("95% of ..."): no shape tells the
** digits apart, the join reads "gc 23495" and is refused. */
static void test_implausible_cycle_refused(void **state) {
  (void)state;
  char msg[256];
  gcw_recog *r = NULL;
  assert_int_equal(gcw_recog_open(&r, msg, sizeof msg), GCW_OK);
  seen s = {{0}, 0, 0, ""};
  gcw_splice *sp = NULL;
  assert_int_equal(gcw_splice_new(&sp, r, (gcw_splice_sink){&s, on_event, on_unparsed}),
                   GCW_OK);
  static const char *const lines[] = {
      "gc 233 @0.290s 17%: 0.010+0.33+0.067 ms clock, 0.021+0.042/0.027/0+0.13 ms cpu, "
      "4->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
      "gc 23495% of requests served",
      " @0.292s 17%: 0.011+0.30+0.070 ms clock, 0.022+0.040/0.030/0+0.14 ms cpu, "
      "4->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
  };
  for (int i = 0; i < 3; i++)
    gcw_splice_line(sp, lines[i], strlen(lines[i]), i + 1, NULL, NULL);
  gcw_splice_finish(sp);
  if (s.unparsed != 1 || !strstr(s.why, "cycle number"))
    fprintf(stderr, "%d event(s) (last gc %g), %d unparsed: %s\n", s.n, s.gc[s.n - 1],
            s.unparsed, s.why);
  assert_int_equal(s.unparsed, 1);
  assert_non_null(strstr(s.why, "cycle number"));
  assert_int_equal(s.n, 1);
  assert_true(s.gc[0] == 233);
  gcw_splice_free(&sp);
  gcw_recog_close(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_capture_four_workers),
      cmocka_unit_test(test_capture_eight_workers),
      cmocka_unit_test(test_implausible_cycle_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
