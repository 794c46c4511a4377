/*
** test_report.c: statistics (stats.c), `report` and `compare`, through the binary.
**   - Stores are built by GCW_BIN analyze from corpus logs; `report --run N --format json`
**     must compute the statistics (the test checks that no stats row existed before).
**   - The numbers are checked against values this file computes itself from the log
**     text (its own parser of gc lines): pause percentiles and total of 03 (max 97.06 ms =
**     97 + 0.060 at gc 231), intervals and cycles per minute of 03, the live heap of 02
**     (min, max, final, least-squares trend).
**   - MMU, windowed GC CPU, allocation rate and goal/live on a tiny hand-checked run: a
**     scratch store is built by the binary from corpus 05a, then one run of three cycles
**     is INSERTed by SQL (values below, worked out by hand in the comments).
**   - Go <= 1.4 lines (no @t; lines quoted from tests/test_recog.c's legacy cases):
**     time-based statistics are NULL.
**   - JSON is checked by a small strict reader written here (any nesting; strings must be
**     valid UTF-8 with legal escapes; numbers in JSON's grammar), including a source path
**     with a quote, a backslash and a tab.
**   - --fail-on with findings INSERTed by the test (the detectors' own findings deleted
**     first, so the test does not depend on them): exit 1 at or above, else 0.
**   - compare of corpus 07b runs 1 and 4; unknown runs, a missing or empty database.
**   - the SQL example of docs/stats.md runs.
*/
#include "testutil.h"

#include "stats.h"

#include <ctype.h>
#include <math.h>

/* ---------------------------------------------------------------- running the binary */



/* A stored statistic of a run; *is_null says whether it is NULL (or has no row). */
static double stat_of(const char *db, long long id, const char *name, int *is_null) {
  sqlite3 *h;
  sqlite3_stmt *st;
  double v = 0;
  *is_null = 1;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "SELECT value FROM stats WHERE run_id = ?1 AND name = ?2",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
    v = sqlite3_column_double(st, 0);
    *is_null = 0;
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

/* The statistic must exist and equal want within a relative 1e-9 (values are stored
** rounded to 12 significant digits). */
static void expect_stat(const char *db, long long id, const char *name, double want) {
  int is_null;
  double got = stat_of(db, id, name, &is_null);
  if (is_null || fabs(got - want) > 1e-9 * fmax(1.0, fabs(want))) {
    fprintf(stderr, "%s: want %.12g, got %s%.12g\n", name, want, is_null ? "NULL " : "", got);
    fail();
  }
}

static void expect_null(const char *db, long long id, const char *name) {
  int is_null;
  double got = stat_of(db, id, name, &is_null);
  if (!is_null) {
    fprintf(stderr, "%s: want NULL, got %.12g\n", name, got);
    fail();
  }
}

static long long count_stats(const char *db, long long id) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM stats WHERE run_id = %lld", id);
  return tu_db_int(db, sql);
}

/* report --run N --format json, which must compute the statistics first. analyze has
** computed them for its runs: remove them, so this checks report's own computation. */
static void compute_through_report(const char *db, long long id) {
  char arg[32];
  snprintf(arg, sizeof arg, "%lld", id);
  char sql[128];
  snprintf(sql, sizeof sql, "DELETE FROM stats WHERE run_id = %lld", id);
  tu_exec(db, sql);
  assert_int_equal(count_stats(db, id), 0);
  tu_result r = tu_capture("report", "--db", db, "--run", arg, "--format", "json", NULL);
  assert_int_equal(r.status, 0);
  assert_int_equal(r.nerr, 0);
  assert_int_equal(count_stats(db, id), GCW_STAT_COUNT);
  tu_result_free(&r);
}

/* ---------------------------------------------------------------- the log, read here */

typedef struct cycle {
  long gc;
  double t, sweep, mark, term; /* @t (s) and the three clock phases (ms) */
  long start, end, live, goal; /* MB */
} cycle;

typedef struct trace {
  cycle *c;
  int n;
} trace;

/* Every Go 1.6+ gc line of a corpus log (the ones these tests use have nothing else
** starting with "gc "). */
static trace read_trace(const char *rel) {
  char path[512], line[1024];
  trace t = {calloc(4096, sizeof(cycle)), 0};
  FILE *f = fopen(tu_corpus_plain(path, sizeof path, rel), "r");
  assert_non_null(f);
  assert_non_null(t.c);
  while (fgets(line, sizeof line, f)) {
    cycle c;
    int pct;
    double cpu[5];
    if (strncmp(line, "gc ", 3) != 0)
      continue;
    int k = sscanf(line,
                   "gc %ld @%lfs %d%%: %lf+%lf+%lf ms clock, %lf+%lf/%lf/%lf+%lf ms cpu, "
                   "%ld->%ld->%ld MB, %ld MB goal",
                   &c.gc, &c.t, &pct, &c.sweep, &c.mark, &c.term, &cpu[0], &cpu[1], &cpu[2],
                   &cpu[3], &cpu[4], &c.start, &c.end, &c.live, &c.goal);
    assert_int_equal(k, 15);
    assert_true(t.n < 4096);
    t.c[t.n++] = c;
  }
  fclose(f);
  return t;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Nearest rank: the value at rank ceil(q * n), q in per mille. */
static double nearest_rank(double *v, int n, int permille) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  int rank = (permille * n + 999) / 1000;
  return v[(rank < 1 ? 1 : rank) - 1];
}

/* ---------------------------------------------------------------- a strict JSON reader */

typedef struct json {
  const char *p, *end;
  int ok;
} json;

static void j_ws(json *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r'))
    j->p++;
}

static int j_lit(json *j, const char *lit) {
  size_t n = strlen(lit);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
    return j->ok = 0;
  j->p += n;
  return 1;
}

/* A string: valid UTF-8, no raw control characters, legal escapes. */
static void j_string(json *j) {
  if (!j_lit(j, "\""))
    return;
  while (j->ok && j->p < j->end && *j->p != '"') {
    unsigned char c = (unsigned char)*j->p;
    if (c < 0x20) {
      j->ok = 0;
    } else if (c == '\\') {
      j->p++;
      if (j->p < j->end && *j->p == 'u') {
        for (int i = 1; i <= 4; i++)
          if (j->p + i >= j->end || !isxdigit((unsigned char)j->p[i]))
            j->ok = 0;
        j->p += 5;
      } else if (j->p < j->end && strchr("\"\\/bfnrt", *j->p)) {
        j->p++;
      } else {
        j->ok = 0;
      }
    } else {
      int n = c < 0x80 ? 1
              : (c & 0xe0) == 0xc0 ? 2
              : (c & 0xf0) == 0xe0 ? 3
              : (c & 0xf8) == 0xf0 ? 4
                                   : 0;
      for (int i = 1; i < n; i++)
        if (j->p + i >= j->end || ((unsigned char)j->p[i] & 0xc0) != 0x80)
          n = 0;
      if (n == 0)
        j->ok = 0;
      j->p += n;
    }
  }
  j_lit(j, "\"");
}

static void j_number(json *j) {
  const char *s = j->p;
  if (j->p < j->end && *j->p == '-')
    j->p++;
  if (j->p < j->end && *j->p == '0')
    j->p++;
  else if (j->p < j->end && *j->p >= '1' && *j->p <= '9')
    while (j->p < j->end && isdigit((unsigned char)*j->p))
      j->p++;
  else
    j->ok = 0;
  if (j->p < j->end && *j->p == '.') {
    j->p++;
    if (j->p >= j->end || !isdigit((unsigned char)*j->p))
      j->ok = 0;
    while (j->p < j->end && isdigit((unsigned char)*j->p))
      j->p++;
  }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
    j->p++;
    if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
      j->p++;
    if (j->p >= j->end || !isdigit((unsigned char)*j->p))
      j->ok = 0;
    while (j->p < j->end && isdigit((unsigned char)*j->p))
      j->p++;
  }
  if (j->p == s)
    j->ok = 0;
}

static void j_value(json *j, int depth);

/* An object or an array; every object key must be unique (checked on the raw text). */
static void j_members(json *j, int depth, int object) {
  const char *keys[128];
  size_t lens[128];
  int nkeys = 0;
  j->p++;
  j_ws(j);
  if (j->p < j->end && *j->p == (object ? '}' : ']')) {
    j->p++;
    return;
  }
  while (j->ok) {
    j_ws(j);
    if (object) {
      const char *k = j->p;
      j_string(j);
      for (int i = 0; i < nkeys; i++)
        if (lens[i] == (size_t)(j->p - k) && memcmp(keys[i], k, lens[i]) == 0)
          j->ok = 0; /* a duplicate key */
      if (nkeys < 128) {
        keys[nkeys] = k;
        lens[nkeys++] = (size_t)(j->p - k);
      }
      j_ws(j);
      j_lit(j, ":");
    }
    j_value(j, depth + 1);
    j_ws(j);
    if (j->p < j->end && *j->p == ',') {
      j->p++;
      continue;
    }
    j_lit(j, object ? "}" : "]");
    return;
  }
}

static void j_value(json *j, int depth) {
  j_ws(j);
  if (!j->ok || j->p >= j->end || depth > 32) {
    j->ok = 0;
    return;
  }
  switch (*j->p) {
  case '{': j_members(j, depth, 1); break;
  case '[': j_members(j, depth, 0); break;
  case '"': j_string(j); break;
  case 't': j_lit(j, "true"); break;
  case 'f': j_lit(j, "false"); break;
  case 'n': j_lit(j, "null"); break;
  default: j_number(j); break;
  }
}

/* The whole text is one JSON value. */
static int json_valid(const char *s, size_t n) {
  json j = {s, s + n, 1};
  j_value(&j, 0);
  j_ws(&j);
  return j.ok && j.p == j.end;
}

/* How often a string occurs. */
static int count_of(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
    n++;
  return n;
}

/* ---------------------------------------------------------------- the tests */

/* 03: pauses (sweep termination + mark termination) from the log text. */
static void test_pauses_03(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "03_pause_spikes/gctrace.log");
  compute_through_report(db, 1);
  trace t = read_trace("03_pause_spikes/gctrace.log");
  double *p = calloc((size_t)t.n, sizeof *p), total = 0, max = -1;
  long max_gc = 0;
  assert_non_null(p);
  for (int i = 0; i < t.n; i++) {
    p[i] = t.c[i].sweep + t.c[i].term;
    total += p[i];
    if (p[i] > max) {
      max = p[i];
      max_gc = t.c[i].gc;
    }
  }
  assert_int_equal(t.n, 251);
  assert_true(fabs(max - 97.06) < 1e-9); /* gc 231: 97+48+0.060 ms clock */
  assert_int_equal(max_gc, 231);
  expect_stat(db, 1, "pause_max_ms", 97.06);
  expect_stat(db, 1, "pause_max_gc", 231);
  expect_stat(db, 1, "pause_total_ms", total);
  expect_stat(db, 1, "cycles", 251);
  expect_stat(db, 1, "pause_p50_ms", nearest_rank(p, t.n, 500));
  expect_stat(db, 1, "pause_p90_ms", nearest_rank(p, t.n, 900));
  expect_stat(db, 1, "pause_p99_ms", nearest_rank(p, t.n, 990));
  free(p);
  free(t.c);
  tu_rm_db(db);
}

/* 03: intervals between consecutive cycles, cycles per minute, the text summary. */
static void test_intervals_03(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "03_pause_spikes/gctrace.log");
  compute_through_report(db, 1);
  trace t = read_trace("03_pause_spikes/gctrace.log");
  double *iv = calloc((size_t)t.n, sizeof *iv);
  assert_non_null(iv);
  for (int i = 1; i < t.n; i++)
    iv[i - 1] = (t.c[i].t - t.c[i - 1].t) * 1000;
  const cycle *a = &t.c[0], *z = &t.c[t.n - 1];
  expect_stat(db, 1, "cycles_per_min", (double)(z->gc - a->gc) * 60 / (z->t - a->t));
  expect_stat(db, 1, "duration_s", z->t - a->t);
  expect_stat(db, 1, "interval_p50_ms", nearest_rank(iv, t.n - 1, 500));
  expect_stat(db, 1, "interval_p99_ms", nearest_rank(iv, t.n - 1, 990));
  tu_result r = tu_capture("report", "--db", db, NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "run 1 (id 1) of "));
  assert_non_null(strstr(r.out, "max 97.06 ms (gc 231)"));
  assert_non_null(strstr(r.out, "251 (gc 1..251) @0.000s..@74.997s"));
  assert_null(strstr(r.out, "\033[")); /* not a terminal: no colour */
  tu_result_free(&r);
  free(iv);
  free(t.c);
  tu_rm_db(db);
}

/* 02: the live heap (the third number of A->B->C MB) and its least-squares slope. */
static void test_live_02(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "02_slow_leak/gctrace.log");
  compute_through_report(db, 1);
  trace t = read_trace("02_slow_leak/gctrace.log");
  double mt = 0, my = 0, sxy = 0, sxx = 0;
  long min = t.c[0].live, max = t.c[0].live;
  for (int i = 0; i < t.n; i++) {
    mt += t.c[i].t / t.n;
    my += (double)t.c[i].live / t.n;
    min = t.c[i].live < min ? t.c[i].live : min;
    max = t.c[i].live > max ? t.c[i].live : max;
  }
  for (int i = 0; i < t.n; i++) {
    sxy += (t.c[i].t - mt) * ((double)t.c[i].live - my);
    sxx += (t.c[i].t - mt) * (t.c[i].t - mt);
  }
  assert_int_equal(t.n, 68);
  expect_stat(db, 1, "live_final_mb", (double)t.c[t.n - 1].live);
  expect_stat(db, 1, "live_min_mb", (double)min);
  expect_stat(db, 1, "live_max_mb", (double)max);
  int is_null;
  double trend = stat_of(db, 1, "live_trend_mb_min", &is_null);
  assert_false(is_null);
  assert_true(fabs(trend - sxy / sxx * 60) < 1e-6 * fabs(trend)); /* ~3 MB/s: ~180 MB/min */
  assert_true(trend > 120 && trend < 240);
  free(t.c);
  tu_rm_db(db);
}

/*
** One run of three cycles, inserted by SQL into a scratch store the binary built from
** corpus 05a (its own run is 1; this one is 100). Times in ms since the process start:
**   gc 1 @1.000s: STW [1000, 1002] (sweep term 2), mark 10, STW [1012, 1015] (term 3)
**   gc 2 @1.100s: STW [1100, 1105], mark 0.5, STW [1105.5, 1106.5]
**   gc 3 @1.106s: its @t is before gc 2 ended (1106.5): moved there, STW [1106.5, 1107.5]
** T0 = 1000, T1 = 1107.5, STW in all 2 + 3 + 5 + 1 + 1 = 12.
**   1 ms:   a window inside [1100, 1105] is all STW           -> MMU 0
**   10 ms:  [1097.5, 1107.5] holds 5 + 1 + 1 = 7 (the most)   -> MMU 0.3
**           (unmoved, gc 3's period would overlap gc 2's last one by 0.5 ms)
**   100 ms: windows start in [1000, 1007.5]; [1007.5, 1107.5] holds 3 + 5 + 1 + 1 = 10
**                                                              -> MMU 0.9
**   1 s:    longer than the run (107.5 ms)                     -> NULL
** GC CPU (sweep-term + assist + background + mark-term; idle excluded): 21, 14, 2 ms; the
** process ran 1107.5 ms < 10 s, so the one window is the whole run: 37 / (1107.5 * 2 P).
** Allocation between cycles: gc 2: (25 + (12 - 10 - 5)) MB / 0.1 s = 220 MB/s;
** gc 3: (30 + (27 - 25 - 15)) / 0.006 s = 2833.3 MB/s; the median (rank 1 of 2) is 220.
** goal/live: 10/5 = 2, 30/15 = 2, 30/20 = 1.5 -> p50 2 (rank 2 of 3), min 1.5.
** Pauses 5, 6, 1 -> p50 5; intervals 100, 6 ms -> p50 6, p90 100.
*/
static const char hand_run[] =
    "INSERT INTO runs(id, source_id, ordinal, cycles, first_gc, last_gc, first_t_s, last_t_s, "
    "format, procs) VALUES(100, 1, 99, 3, 1, 3, 1.0, 1.106, 'go1.19-1.20', 2);"
    "INSERT INTO gc_cycles(run_id, line, repaired, unknown_parts, gc, t_s, pause_ms, "
    "sweep_term_ms, mark_ms, mark_term_ms, cpu_sweep_term_ms, cpu_assist_ms, cpu_bg_ms, "
    "cpu_idle_ms, cpu_mark_term_ms, heap_start_mb, heap_end_mb, heap_live_mb, goal_mb, procs) "
    "VALUES(100, 1001, 0, 0, 1, 1.000, 5, 2, 10, 3, 4, 1, 10, 100, 6, 10, 12, 5, 10, 2),"
    "(100, 1002, 0, 0, 2, 1.100, 6, 5, 0.5, 1, 10, 0, 2, 0, 2, 25, 27, 15, 30, 2),"
    "(100, 1003, 0, 0, 3, 1.106, 1, 1, 0, 0, 2, 0, 0, 0, 0, 30, 30, 20, 30, 2);";

static void test_hand_run(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "05a_seed_map_freeosmemory/gctrace.log");
  tu_exec(db, hand_run);
  compute_through_report(db, 100);
  expect_stat(db, 100, "mmu_1ms", 0);
  expect_stat(db, 100, "mmu_10ms", 0.3);
  expect_stat(db, 100, "mmu_100ms", 0.9);
  expect_null(db, 100, "mmu_1s");
  expect_stat(db, 100, "gc_cpu_window_pct_max", 37.0 / (1107.5 * 2) * 100);
  expect_stat(db, 100, "gc_cpu_window_s", 1.1075);
  expect_stat(db, 100, "gc_cpu_total_ms", 37);
  expect_stat(db, 100, "assist_share_pct", 1.0 / (1 + 12 + 100) * 100); /* assist/(a+bg+idle) */
  expect_stat(db, 100, "alloc_rate_mb_s", 220);
  expect_stat(db, 100, "goal_live_ratio_p50", 2);
  expect_stat(db, 100, "goal_live_ratio_min", 1.5);
  expect_stat(db, 100, "pause_p50_ms", 5);
  expect_stat(db, 100, "interval_p50_ms", 6);
  expect_stat(db, 100, "interval_p90_ms", 100);
  expect_stat(db, 100, "cycles_per_min", 2 * 60 / 0.106);
  expect_null(db, 100, "scav_released_mb"); /* no scavenger lines */
  tu_rm_db(db);
}

/* Go <= 1.4 lines carry no @t: their time-based statistics are NULL, pauses are not.
** The lines are real Go 1.1-1.2 lines quoted by tests/test_recog.c (formats.md §4 G0b);
** the second continues the first's run with a gap (gc 14..82 missing). */
static void test_legacy(void **state) {
  (void)state;
  char db[512], log[512];
  tu_tmp(log, sizeof log, "legacy.log");
  FILE *f = fopen(log, "w");
  assert_non_null(f);
  fputs("gc13(8): 109+1+29 ms, 115 -> 115 MB 402531 -> 400355 (1203545-803190) objects, "
        "13(505) handoff, 108(8311) steal, 295/27/0 yields\n"
        "gc83(1): 8+0+0 ms, 62 -> 31 MB 19455 -> 3211 (1291202-1287991) objects, 0(0) "
        "handoff, 0(0) steal, 0/0/0 yields\n",
        f);
  fclose(f);
  tu_tmp(db, sizeof db, "legacy.db");
  tu_analyze(db, log);
  compute_through_report(db, 1);
  expect_stat(db, 1, "cycles", 2);
  expect_stat(db, 1, "pause_max_ms", 139); /* the whole collection is stop-the-world */
  expect_stat(db, 1, "pause_max_gc", 13);
  expect_stat(db, 1, "pause_total_ms", 147);
  expect_null(db, 1, "duration_s");
  expect_null(db, 1, "cycles_per_min");
  expect_null(db, 1, "interval_p50_ms");
  expect_null(db, 1, "mmu_1ms");
  expect_null(db, 1, "gc_cpu_window_pct_max");
  expect_null(db, 1, "live_final_mb");
  tu_result r = tu_capture("report", "--db", db, NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "  MMU        -\n"));
  tu_result_free(&r);
  unlink(log);
  tu_rm_db(db);
}

/* JSON: valid, version 1, every statistic in "units" and in each run's "stats". */
static void test_json(void **state) {
  (void)state;
  char db[512], key[128];
  tu_corpus_db(db, sizeof db, "07b_go_run/gctrace.log");
  tu_result r = tu_capture("report", "--db", db, "--all", "--format", "json", NULL);
  assert_int_equal(r.status, 0);
  assert_true(json_valid(r.out, r.nout));
  assert_non_null(strstr(r.out, "\"version\": 1,"));
  assert_int_equal(count_of(r.out, "\"ordinal\": "), 4);
  assert_int_equal(count_of(r.out, "\"findings\": ["), 4);
  for (int i = 0; i < GCW_STAT_COUNT; i++) { /* in "units" (indented 4), in "stats" (8) */
    snprintf(key, sizeof key, "\n    \"%s\": \"", gcw_stats_infos[i].name);
    assert_int_equal(count_of(r.out, key), 1);
    snprintf(key, sizeof key, "\n        \"%s\": ", gcw_stats_infos[i].name);
    assert_int_equal(count_of(r.out, key), 4);
  }
  tu_result_free(&r);
  /* the default is the latest run only */
  r = tu_capture("report", "--db", db, "--format", "json", NULL);
  assert_true(json_valid(r.out, r.nout));
  assert_int_equal(count_of(r.out, "\"ordinal\": "), 1);
  assert_non_null(strstr(r.out, "\"id\": 4,"));
  tu_result_free(&r);
  tu_rm_db(db);
}

/* A path with a quote, a backslash and a tab is escaped in JSON and cleaned in text. */
static void test_odd_path(void **state) {
  (void)state;
  char db[512], log[512], src[512];
  tu_tmp(log, sizeof log, "we\"ird\\\tname.log");
  size_t n = 0;
  char *bytes = tu_slurp(tu_corpus_plain(src, sizeof src, "05a_seed_map_freeosmemory/gctrace.log"), &n);
  assert_non_null(bytes);
  FILE *f = fopen(log, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(bytes, 1, n, f), n);
  fclose(f);
  free(bytes);
  tu_tmp(db, sizeof db, "odd.db");
  tu_analyze(db, log);
  tu_result r = tu_capture("report", "--db", db, "--format", "json", NULL);
  assert_int_equal(r.status, 0);
  assert_true(json_valid(r.out, r.nout));
  assert_non_null(strstr(r.out, "we\\\"ird\\\\\\tname.log\""));
  tu_result_free(&r);
  r = tu_capture("report", "--db", db, NULL);
  assert_non_null(strstr(r.out, "we\"ird\\?name.log: "));
  tu_result_free(&r);
  unlink(log);
  tu_rm_db(db);
}

static int report_fail_on(const char *db, const char *sev) {
  tu_result r = sev ? tu_capture("report", "--db", db, "--fail-on", sev, NULL)
                 : tu_capture("report", "--db", db, NULL);
  int status = r.status;
  tu_result_free(&r);
  return status;
}

/* Findings written by the test, so that the detectors' verdicts do not matter here. */
static void test_fail_on(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "05a_seed_map_freeosmemory/gctrace.log");
  tu_exec(db, "DELETE FROM findings");
  assert_int_equal(report_fail_on(db, "warn"), 0);
  tu_exec(db, "INSERT INTO findings(run_id, kind, severity, gc, t_s, value, threshold, unit, "
               "message, end_gc, end_t_s, next_step) VALUES(1, 'test_kind', 'warn', 5, 1.0, "
               "42.5, 10, 'ms', 'a test finding', 7, 2.0, 'nothing to do')");
  assert_int_equal(report_fail_on(db, NULL), 0);
  assert_int_equal(report_fail_on(db, "warn"), 1);
  assert_int_equal(report_fail_on(db, "error"), 0);
  tu_exec(db, "INSERT INTO findings(run_id, kind, severity, message) "
               "VALUES(1, 'other_kind', 'error', 'an error')");
  assert_int_equal(report_fail_on(db, "error"), 1);
  tu_result r = tu_capture("report", "--db", db, NULL);
  assert_non_null(strstr(r.out, "findings   2: 1 error, 1 warn, 0 info\n"
                                "  ERROR other_kind whole run\n"
                                "         an error\n"
                                "  WARN  test_kind gc 5 @1.000s to gc 7 @2.000s: 42.5 ms "
                                "(threshold 10 ms)\n"
                                "         a test finding\n"
                                "         next: nothing to do\n"));
  tu_result_free(&r);
  tu_rm_db(db);
}

/* compare: both columns, the change, and the finding kinds of each side. */
static void test_compare_07b(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "07b_go_run/gctrace.log");
  tu_exec(db, "DELETE FROM findings;"
               "INSERT INTO findings(run_id, kind, severity, message) VALUES"
               "(1, 'gone_kind', 'warn', 'x'), (1, 'both_kind', 'info', 'x'),"
               "(4, 'both_kind', 'info', 'x'), (4, 'new_kind', 'error', 'x')");
  tu_result r = tu_capture("compare", "--db", db, "1", "4", NULL);
  assert_int_equal(r.status, 0);
  assert_int_equal(r.nerr, 0);
  assert_non_null(strstr(r.out, "A: run 1 (id 1) of "));
  assert_non_null(strstr(r.out, "B: run 4 (id 4) of "));
  assert_non_null(strstr(r.out, "A: id 1"));
  assert_non_null(strstr(r.out, "B: id 4"));
  /* the go command's 25 cycles against the program's 15 */
  const char *cycles = strstr(r.out, "\ncycles ");
  assert_non_null(cycles);
  assert_non_null(strstr(cycles, " 25 "));
  assert_true(strstr(cycles, " 25 ") < strchr(cycles + 1, '\n'));
  assert_true(strstr(cycles, "-10 (-40.0%)\n") < strchr(cycles + 1, '\n') + 1);
  assert_non_null(strstr(r.out, "went away (only in A): gone_kind (A 1, B 0)\n"));
  assert_non_null(strstr(r.out, "appeared (only in B): new_kind (A 0, B 1)\n"));
  assert_non_null(strstr(r.out, "in both: both_kind (A 1, B 1)\n"));
  tu_result_free(&r);
  r = tu_capture("compare", "--db", db, "1", "99", NULL);
  assert_int_equal(r.status, 3);
  assert_non_null(strstr(r.err, "no run with id 99"));
  tu_result_free(&r);
  tu_rm_db(db);
}

/* Exit 3, nothing created, a message naming the database. */
static void test_errors(void **state) {
  (void)state;
  char db[512];
  tu_tmp(db, sizeof db, "missing.db");
  tu_result r = tu_capture("report", "--db", db, NULL);
  assert_int_equal(r.status, 3);
  assert_int_equal(r.nout, 0);
  assert_non_null(strstr(r.err, "cannot open database"));
  assert_int_equal(access(db, F_OK), -1);
  tu_result_free(&r);
  r = tu_capture("compare", "--db", db, "1", "2", NULL);
  assert_int_equal(r.status, 3);
  assert_int_equal(access(db, F_OK), -1);
  tu_result_free(&r);
  tu_corpus_db(db, sizeof db, "05a_seed_map_freeosmemory/gctrace.log");
  r = tu_capture("report", "--db", db, "--run", "7", NULL);
  assert_int_equal(r.status, 3);
  assert_non_null(strstr(r.err, "no run with id 7; try 'gctrace-watch runs'"));
  tu_result_free(&r);
  tu_exec(db, "DELETE FROM stats; DELETE FROM findings; DELETE FROM gc_cycles; "
               "DELETE FROM scavenger; DELETE FROM forced_gc; DELETE FROM runs");
  r = tu_capture("report", "--db", db, NULL);
  assert_int_equal(r.status, 3);
  assert_non_null(strstr(r.err, "no runs in the database"));
  tu_result_free(&r);
  tu_rm_db(db);
}

/* Statistics are computed once and kept; a second report reads them back as stored,
** until the run has another number of cycles than they were computed from. */
static void test_stored_once(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "01_steady_state_web/gctrace.log");
  compute_through_report(db, 1);
  tu_exec(db, "UPDATE stats SET value = 123.5 WHERE name = 'pause_max_ms'");
  tu_result r = tu_capture("report", "--db", db, "--format", "json", NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "\"pause_max_ms\": 123.5,"));
  tu_result_free(&r);
  tu_exec(db, "DELETE FROM gc_cycles WHERE gc > 10");
  r = tu_capture("report", "--db", db, "--format", "json", NULL);
  assert_int_equal(r.status, 0);
  assert_null(strstr(r.out, "\"pause_max_ms\": 123.5,"));
  tu_result_free(&r);
  expect_stat(db, 1, "cycles", 10);
  tu_rm_db(db);
}

/* The SQL example of docs/stats.md runs on a store and gives its four statistics. */
static void test_doc_example(void **state) {
  (void)state;
  char db[512], path[512];
  char *doc = tu_slurp(tu_root(path, sizeof path, "docs/stats.md"), NULL);
  assert_non_null(doc);
  char *sql = strstr(doc, "```sql\n");
  assert_non_null(sql);
  sql += 7;
  char *end = strstr(sql, "```");
  assert_non_null(end);
  *end = '\0';
  tu_corpus_db(db, sizeof db, "03_pause_spikes/gctrace.log");
  compute_through_report(db, 1);
  sqlite3 *h;
  sqlite3_stmt *st;
  int rows = 0;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW)
    rows++;
  assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
  sqlite3_close(h);
  assert_int_equal(rows, 4);
  free(doc);
  tu_rm_db(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pauses_03),   cmocka_unit_test(test_intervals_03),
      cmocka_unit_test(test_live_02),     cmocka_unit_test(test_hand_run),
      cmocka_unit_test(test_legacy),      cmocka_unit_test(test_json),
      cmocka_unit_test(test_odd_path),    cmocka_unit_test(test_fail_on),
      cmocka_unit_test(test_compare_07b), cmocka_unit_test(test_errors),
      cmocka_unit_test(test_stored_once), cmocka_unit_test(test_doc_example),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
