/*
** test_corpus.c: run the built binary over every real log in the corpus and compare the
** store with figures taken from the logs themselves:
**   - counts of intact lines of each family, counted here by a deliberately simple,
**     independent scan of the file (not by the program's grammar);
**   - figures measured from the logs, written down in each tests/corpus folder's notes.md
**     (repaired lines, runs and their cycle ranges, truncated lines), quoted per case;
**   - the fields of chosen lines, copied from the log (file:line given).
*/
#include "testutil.h"

#include <ctype.h>

typedef struct oracle {
  long gc, scav, pacer, forced;
} oracle;

static int ends_with(const char *s, size_t n, const char *suffix) {
  size_t m = strlen(suffix);
  return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int starts_with(const char *s, size_t n, const char *prefix) {
  size_t m = strlen(prefix);
  return n >= m && memcmp(s, prefix, m) == 0;
}

/* Where a line's trace text begins: at the first "gc <digit>", "scav ", "scvg",
** "pacer: " or "GC forced" that starts a word. A prefix before it (kubectl's
** timestamp, another process's "gc " in 07c) is skipped. */
static const char *skip_prefix(const char *s, size_t *n) {
  static const char *const heads[] = {"gc ", "scav ", "scvg", "pacer: ", "GC forced"};
  for (size_t i = 0; i < *n; i++) {
    if (i > 0 && s[i - 1] != ' ')
      continue;
    for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
      size_t m = strlen(heads[h]);
      if (*n - i >= m + 1 && memcmp(s + i, heads[h], m) == 0 &&
          (h != 0 || isdigit((unsigned char)s[i + m]))) {
        *n -= i;
        return s + i;
      }
    }
  }
  return s;
}

/* Intact lines per family: a line that starts like the family and ends like it. */
static oracle count_intact(const char *path) {
  oracle o = {0, 0, 0, 0};
  size_t size = 0;
  char *buf = tu_slurp(path, &size);
  assert_non_null(buf);
  for (char *p = buf; p < buf + size;) {
    char *nl = memchr(p, '\n', (size_t)(buf + size - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(buf + size - p);
    const char *s = skip_prefix(p, &n);
    if (starts_with(s, n, "gc ") && isdigit((unsigned char)s[3]) &&
        (ends_with(s, n, " P") || ends_with(s, n, " P (forced)")))
      o.gc++;
    else if (starts_with(s, n, "scav ") &&
             (ends_with(s, n, "util") || ends_with(s, n, "(forced)") || ends_with(s, n, "reset]")))
      o.scav++;
    else if (starts_with(s, n, "scvg") && (ends_with(s, n, "(MB)") || ends_with(s, n, "released")))
      o.scav++;
    else if (starts_with(s, n, "pacer: "))
      o.pacer++;
    else if (n == 9 && memcmp(s, "GC forced", 9) == 0)
      o.forced++;
    p += n + (size_t)(s - p) + 1;
  }
  free(buf);
  return o;
}


static long long q(const char *db, const char *sql) { return tu_db_int(db, sql); }

typedef struct expect {
  const char *file;
  long repaired_gc;  /* gc lines rejoined (the log's notes.md) */
  long repaired_scav;
  long runs;
  long unparsed;     /* truncated lines (notes.md) */
} expect;

/* Every plain log of the corpus (09b's Docker records are checked in their own test, the
** oracle here reads plain lines). Figures from each folder's notes.md. */
static const expect expects[] = {
    {"01_steady_state_web/gctrace.log", 0, 0, 1, 0},
    {"02_slow_leak/gctrace.log", 0, 0, 1, 0},
    {"03_pause_spikes/gctrace.log", 0, 0, 1, 0},
    {"04a_ramp_alloc_rate/gctrace.log", 0, 0, 1, 0},
    {"04b_memlimit_thrash/gctrace.log", 0, 0, 1, 0},
    {"05a_seed_map_freeosmemory/gctrace.log", 0, 0, 1, 0},
    {"05b_seed_slice_append/gctrace.log", 0, 0, 1, 0},
    {"05c_delayed_release_idle/gctrace.log", 0, 0, 1, 0},
    /* 474 of 10,266 gc lines split by app output; 8 app lines carry a scav head */
    {"06_interleaved_applog/combined.log", 474, 8, 1, 0},
    /* go command + 217 compile processes that printed; "gc 1 @" (78), "gc " (161) cut */
    {"07_go_build_std/gctrace.log", 0, 0, 218, 2},
    {"07b_go_run/gctrace.log", 0, 0, 4, 0},
    /* "gc gc 1 @0.012s" + "2 @0.010s ...": one line rejoined across another's */
    {"07c_three_procs_one_stderr/gctrace.log", 1, 0, 3, 0},
    {"08_large_throughput/gctrace.log", 0, 0, 1, 0},
    {"09a_kubectl_timestamps/kubectl_timestamps.log", 0, 0, 1, 0},
    {"11_gcpacertrace/gctrace.log", 0, 0, 1, 0},
    {"12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log", 0, 0, 1, 0},
    {"12b_esbuild_0.1.26_go1.14.2/esbuild_stderr.log", 0, 0, 1, 0},
    {"12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_stderr.log", 0, 0, 1, 0},
    {"12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_gcpacertrace.log", 0, 0, 1, 0},
    {"12d_esbuild_0.17.19_go1.20.4/esbuild_stderr.log", 0, 0, 1, 0},
    {"12d_esbuild_0.17.19_go1.20.4/esbuild_gcpacertrace.log", 0, 0, 1, 0},
    {"12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log", 0, 0, 1, 0},
    {"12e_esbuild_0.23.1_go1.22.5/esbuild_gcpacertrace.log", 0, 0, 1, 0},
    {"13_forced_gc_storm/gctrace.log", 0, 0, 1, 0},
    {"14_assist_heavy_high_cpu/gctrace.log", 0, 0, 1, 0},
};

static void test_every_log_counts(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof expects / sizeof expects[0]; i++) {
    const expect *e = &expects[i];
    if (tu_quick() && strncmp(e->file, "08_", 3) == 0)
      continue; /* 50 MB: the sanitized build reads it in the throughput test only */
    char db[512], path[512];
    tu_corpus_db(db, sizeof db, e->file);
    oracle o = count_intact(tu_corpus_plain(path, sizeof path, e->file));
    fprintf(stderr, "  %-66s gc %ld+%ld scav %ld+%ld pacer %ld forced %ld\n", e->file, o.gc,
            e->repaired_gc, o.scav, e->repaired_scav, o.pacer, o.forced);
    assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles WHERE repaired=0"), o.gc);
    assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles WHERE repaired=1"), e->repaired_gc);
    assert_int_equal(q(db, "SELECT count(*) FROM scavenger WHERE repaired=0"), o.scav);
    assert_int_equal(q(db, "SELECT count(*) FROM scavenger WHERE repaired=1"), e->repaired_scav);
    assert_int_equal(q(db, "SELECT count(*) FROM pacer"), o.pacer);
    assert_int_equal(q(db, "SELECT count(*) FROM forced_gc"), o.forced);
    assert_int_equal(q(db, "SELECT count(*) FROM runs"), e->runs);
    assert_int_equal(q(db, "SELECT count(*) FROM unparsed"), e->unparsed);
    assert_int_equal(q(db, "SELECT sum(unknown_parts) FROM gc_cycles"), 0);
    assert_int_equal(q(db, "SELECT sum(cycles) FROM runs"), o.gc + e->repaired_gc);
    /* within a run a cycle number appears once */
    assert_int_equal(q(db, "SELECT count(*) FROM (SELECT run_id, gc FROM gc_cycles "
                           "GROUP BY 1, 2 HAVING count(*) > 1)"),
                     0);
    tu_rm_db(db);
  }
}

/* 06: gc 1..10266 each exactly once, 474 rejoined (notes.md: 9,792 intact). */
static void test_06_interleaved(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "06_interleaved_applog/combined.log");
  assert_int_equal(q(db, "SELECT count(DISTINCT gc) FROM gc_cycles"), 10266);
  assert_int_equal(q(db, "SELECT min(gc) FROM gc_cycles"), 1);
  assert_int_equal(q(db, "SELECT max(gc) FROM gc_cycles"), 10266);
  assert_int_equal(q(db, "SELECT missing_cycles FROM runs"), 0);
  /* combined.log:84-85, "gc 8 @0.030" + app line, then "s 2%: 0.007+0.22+0.002 ms clock,
  ** 0.014+0/0.045/0.098+0.004 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P" */
  assert_int_equal(q(db, "SELECT line FROM gc_cycles WHERE gc=8"), 84);
  assert_int_equal(q(db, "SELECT repaired FROM gc_cycles WHERE gc=8"), 1);
  assert_true(tu_db_real(db, "SELECT t_s FROM gc_cycles WHERE gc=8") == 0.030);
  assert_int_equal(q(db, "SELECT cpu_pct FROM gc_cycles WHERE gc=8"), 2);
  assert_true(tu_db_real(db, "SELECT mark_ms FROM gc_cycles WHERE gc=8") == 0.22);
  assert_int_equal(q(db, "SELECT heap_start_mb*100+heap_end_mb*10+heap_live_mb FROM gc_cycles "
                         "WHERE gc=8"),
                   330);
  /* combined.log:675-679, gc 80 cut four times: "0.018" + "+0.088/0/0+" + "0.005 ms cpu, 3->3"
  ** + "->0 MB, 4 MB goal, 0" + " MB stacks, 0 MB globals, 2 P" */
  assert_true(tu_db_real(db, "SELECT cpu_sweep_term_ms FROM gc_cycles WHERE gc=80") == 0.018);
  assert_true(tu_db_real(db, "SELECT cpu_assist_ms FROM gc_cycles WHERE gc=80") == 0.088);
  assert_true(tu_db_real(db, "SELECT cpu_mark_term_ms FROM gc_cycles WHERE gc=80") == 0.005);
  assert_int_equal(q(db, "SELECT heap_end_mb FROM gc_cycles WHERE gc=80"), 3);
  assert_int_equal(q(db, "SELECT goal_mb FROM gc_cycles WHERE gc=80"), 4);
  assert_int_equal(q(db, "SELECT procs FROM gc_cycles WHERE gc=80"), 2);
  /* combined.log:508-509: "gc 59" + "2026/11/22 ..." (digits glued to digits) */
  assert_true(tu_db_real(db, "SELECT t_s FROM gc_cycles WHERE gc=59") == 0.215);
  /* notes.md: "live heap 0-2 MB, goal 4 MB", GOMAXPROCS 2: a digit of an app line glued
  ** into a rejoined number would break one of these */
  assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles WHERE heap_live_mb > 2 OR "
                         "goal_mb <> 4 OR procs <> 2"),
                   0);
  assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles WHERE repaired=1 AND "
                         "(heap_start_mb > 5 OR heap_end_mb > 5)"),
                   0);
  tu_rm_db(db);
}

static const char *txt(const char *db, const char *sql) {
  static char buf[4096];
  return tu_db_text(db, sql, buf, sizeof buf);
}

/* 07c: three processes on one stderr; notes.md: gc 1..21, 1..56, 1..131, and the
** collision "gc gc 1 @0.012s ..." (line 3) + "2 @0.010s 24%: ..." (line 5). */
static void test_07c_three_processes(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "07c_three_procs_one_stderr/gctrace.log");
  assert_string_equal(txt(db, "SELECT group_concat(first_gc || '..' || last_gc, ' ') FROM "
                              "(SELECT * FROM runs ORDER BY ordinal)"),
                      "1..21 1..131 1..56");
  assert_int_equal(q(db, "SELECT sum(missing_cycles) FROM runs"), 0);
  /* the leak sequence ends "gc 56 @28.939s ... 161->162->91 MB" */
  assert_int_equal(q(db, "SELECT heap_live_mb FROM gc_cycles g JOIN runs r ON r.id=g.run_id "
                         "WHERE r.cycles=56 AND g.gc=56"),
                   91);
  /* the rejoined line: head on line 3, "2 @0.010s 24%: 0.015+17+2.5 ms clock" on line 5 */
  assert_string_equal(txt(db, "SELECT gc || ' ' || line || ' ' || t_s || ' ' || mark_ms || ' ' "
                              "|| heap_live_mb FROM gc_cycles WHERE repaired=1"),
                      "2 3 0.01 17.0 12");
  tu_rm_db(db);
}

/* 07b: notes: go command gc 1..25, compile gc 1..2, link gc 1..4, program gc 1..15. */
static void test_07b_processes_in_sequence(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "07b_go_run/gctrace.log");
  assert_string_equal(txt(db, "SELECT group_concat(cycles || '@' || first_line || '-' || "
                              "last_line, ' ') FROM (SELECT * FROM runs ORDER BY ordinal)"),
                      "25@1-25 2@27-28 4@30-33 15@34-48");
  tu_rm_db(db);
}

/* 07: the go command's gc 1..52 stays one run around 217 compile processes; the two
** lines cut at process exit are kept as unparsed with their line numbers. */
static void test_07_go_build(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "07_go_build_std/gctrace.log");
  assert_int_equal(q(db, "SELECT count(*) FROM runs WHERE first_gc=1 AND last_gc=52 AND "
                         "cycles=52 AND missing_cycles=0"),
                   1);
  assert_int_equal(q(db, "SELECT sum(missing_cycles) FROM runs"), 0);
  assert_string_equal(txt(db, "SELECT group_concat(line || '=' || quote(CAST(text AS TEXT)), ' ') "
                              "FROM (SELECT * FROM unparsed ORDER BY line)"),
                      "78='gc 1 @' 161='gc '");
  tu_rm_db(db);
}

/* Field values of chosen lines, each copied from the log named. */
static void test_chosen_lines(void **state) {
  (void)state;
  char db[512];
  /* 03_pause_spikes/gctrace.log:461: gc 231 @69.987s 8%: 97+57+0.060 ms clock,
  ** 194+3.4/78/22+0.12 ms cpu, 408->411->208 MB, 419 MB goal, 0 MB stacks, 0 MB globals, 2 P */
  tu_corpus_db(db, sizeof db, "03_pause_spikes/gctrace.log");
  assert_string_equal(
      txt(db, "SELECT printf('%d %.3f %d %g %g %g %g %g %g %g %g %d %d %d %d %d %d %d %g %d %d', "
              "gc, t_s, cpu_pct, sweep_term_ms, mark_ms, mark_term_ms, cpu_sweep_term_ms, "
              "cpu_assist_ms, cpu_bg_ms, cpu_idle_ms, cpu_mark_term_ms, heap_start_mb, "
              "heap_end_mb, heap_live_mb, goal_mb, stacks_mb, globals_mb, procs, pause_ms, "
              "forced, line) FROM gc_cycles WHERE gc=231"),
      "231 69.987 8 97 57 0.06 194 3.4 78 22 0.12 408 411 208 419 0 0 2 97.06 0 461");
  assert_string_equal(txt(db, "SELECT format FROM runs"), "go1.19-1.20");
  tu_rm_db(db);

  /* 05a_seed_map_freeosmemory/gctrace.log:19-22: "... 2 P (forced)", "scav 1049688 KiB work,
  ** 1060984 KiB total, 98% util (forced)", "GC forced" */
  tu_corpus_db(db, sizeof db, "05a_seed_map_freeosmemory/gctrace.log");
  assert_int_equal(q(db, "SELECT forced FROM gc_cycles WHERE gc=10"), 1);
  assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles WHERE forced=1"), 1);
  assert_string_equal(txt(db, "SELECT printf('%d %d %d %d %d %s', line, gc, work_kib, "
                              "released_kib, util_pct, family) FROM scavenger WHERE forced=1"),
                      "21 10 1049688 1060984 98 scav");
  assert_string_equal(txt(db, "SELECT line || ' ' || gc || ' ' || family FROM forced_gc"),
                      "22 10 forced");
  tu_rm_db(db);

  /* 12a (go1.13.8) lines 2-3: "scvg: 0 MB released", "scvg: inuse: 1, idle: 62, sys: 63,
  ** released: 60, consumed: 2 (MB)"; gc lines without stacks/globals */
  tu_corpus_db(db, sizeof db, "12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log");
  assert_string_equal(txt(db, "SELECT printf('%d', released_mb) FROM scavenger WHERE line=2"), "0");
  assert_string_equal(
      txt(db, "SELECT printf('%d %d %d %d %d %s', inuse_mb, idle_mb, sys_mb, heap_released_mb, "
              "consumed_mb, coalesce(round, 'NULL')) FROM scavenger WHERE line=3"),
      "1 62 63 60 2 NULL");
  assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles WHERE stacks_mb IS NOT NULL"), 0);
  assert_string_equal(txt(db, "SELECT format FROM runs"), "go1.13");
  tu_rm_db(db);

  /* 12c (go1.16) esbuild_serve_stderr.log:5 "scav 0 0 KiB work, 60680 KiB total, 63% util"
  ** (generation first) */
  tu_corpus_db(db, sizeof db, "12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_stderr.log");
  assert_string_equal(txt(db, "SELECT printf('%d %d %d %d', gen, work_kib, released_kib, "
                              "util_pct) FROM scavenger WHERE line=5"),
                      "0 0 60680 63");
  assert_string_equal(txt(db, "SELECT format FROM runs"), "go1.15-1.17");
  tu_rm_db(db);

  /* 12c esbuild_serve_gcpacertrace.log:5 (old pacer, goalΔ) and :7 (sweep done) */
  tu_corpus_db(db, sizeof db, "12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_gcpacertrace.log");
  assert_string_equal(
      txt(db, "SELECT printf('%s %d %g %d %g %d %g %d %g %g %d %g %g %g', kind, "
              "heap_marked_prev_b, trigger_ratio, trigger_b, actual_ratio, heap_live_b, "
              "goal_ratio, goal_b, util_actual, util_goal, scan_work_b, goal_delta, "
              "actual_delta, util_ratio) FROM pacer WHERE line=5"),
      "end_old 2236962 0.875 4194304 1.07275 4636672 1.36206 5283840 0.275384 0.3 1707080 "
      "0.487061 0.197754 0.917946");
  assert_string_equal(txt(db, "SELECT printf('%s %d %d %d %g', kind, sweep_heap_mb, "
                              "sweep_alloc_mb, swept_pages, pages_per_byte) FROM pacer "
                              "WHERE line=7"),
                      "sweep 2 0 566 0.000545776");
  tu_rm_db(db);

  /* 11_gcpacertrace/gctrace.log:1-2 (1.18+ pacer, ∆goal) */
  tu_corpus_db(db, sizeof db, "11_gcpacertrace/gctrace.log");
  assert_string_equal(txt(db, "SELECT printf('%s %g %d %d %d %d %g', kind, assist_ratio, scan_mb, "
                              "heap_start_mb, goal_mb, workers_dedicated, workers_fractional) "
                              "FROM pacer WHERE line=1"),
                      "start 1.13827 1 3 4 0 0.25");
  assert_string_equal(
      txt(db, "SELECT printf('%s %d %d %d %d %d %d %d %d %d %g', kind, cpu_pct, cpu_exp_pct, "
              "work_heap_b, work_stack_b, work_globals_b, work_exp_b, trigger_b, heap_live_b, "
              "goal_delta_b, cons_mark) FROM pacer WHERE line=2"),
      "end 26 25 1217664 2104 223792 223792 3997696 5054464 860160 0");
  tu_rm_db(db);

  /* 12e (go1.22.5) esbuild_stderr.log:2 "scav 0 KiB work (bg), 33120 KiB work (eager),
  ** 16072 KiB now, 94% util" */
  tu_corpus_db(db, sizeof db, "12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log");
  assert_string_equal(txt(db, "SELECT printf('%d %d %d %d', work_bg_kib, work_eager_kib, "
                              "released_kib, util_pct) FROM scavenger WHERE line=2"),
                      "0 33120 16072 94");
  assert_string_equal(txt(db, "SELECT format FROM runs"), "go1.21+");
  tu_rm_db(db);

  /* 13_forced_gc_storm: notes.md: "417 (forced) cycles" */
  tu_corpus_db(db, sizeof db, "13_forced_gc_storm/gctrace.log");
  assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles WHERE forced=1"), 417);
  tu_rm_db(db);
}

/* 09b: Docker json-file records of the 06 program; notes.md: "6,253 intact gc lines of
** 6,585 cycles, 290 fragment records", 6,563 intact scav lines. */
static void test_09b_docker_records(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "09b_docker_jsonfile/container-json.log");
  assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles"), 6585);
  assert_int_equal(q(db, "SELECT count(DISTINCT gc) FROM gc_cycles"), 6585);
  assert_int_equal(q(db, "SELECT max(gc) FROM gc_cycles"), 6585);
  assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles WHERE repaired=0"), 6253);
  assert_int_equal(q(db, "SELECT count(*) FROM scavenger WHERE repaired=0"), 6563);
  assert_int_equal(q(db, "SELECT count(*) FROM scavenger"), 6585);
  assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles WHERE wall IS NULL"), 0);
  assert_int_equal(q(db, "SELECT count(*) FROM unparsed"), 0);
  /* the record of gc 1 (container-json.log:10) has "time":"2026-11-22T10:21:32.396..." */
  assert_string_equal(txt(db, "SELECT wall FROM gc_cycles WHERE gc=1"), "2026-11-22T10:21:32.396Z");
  assert_int_equal(q(db, "SELECT heap_start_mb*100+heap_end_mb*10+heap_live_mb FROM gc_cycles "
                         "WHERE line=10"),
                   340);
  tu_rm_db(db);
}

/* 09a: kubectl --timestamps; every cycle gets the time of its line. */
static void test_09a_timestamps(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "09a_kubectl_timestamps/kubectl_timestamps.log");
  assert_int_equal(q(db, "SELECT count(*) FROM gc_cycles WHERE wall IS NOT NULL"), 60);
  assert_int_equal(q(db, "SELECT count(*) FROM scavenger WHERE wall IS NOT NULL"), 60);
  assert_string_equal(txt(db, "SELECT min(wall) FROM gc_cycles"), "2026-11-22T10:20:47.060Z");
  assert_int_equal(q(db, "SELECT max(heap_live_mb) FROM gc_cycles"), 138); /* notes.md */
  /* the report shows the wall time, not @t, for a run that has it */
  char out[512];
  tu_tmp(out, sizeof out, "09a.report");
  char *argv[] = {(char *)tu_bin(), "report", "--db", db, NULL};
  assert_int_equal(tu_run(argv, NULL, out, NULL), 0);
  char *text = tu_slurp(out, NULL);
  assert_non_null(strstr(text, "2026-11-22T10:20:47.060Z..2026-11-22T10:21:31.160Z"));
  assert_null(strstr(text, "@0.103s"));
  free(text);
  unlink(out);
  tu_rm_db(db);
}

/* 10: a logrotate set read oldest first is one stream identical to 04b
** (10_gzip_rotated/sha256.txt: both are d137a7d1...). */
static void test_rotated_set_is_04b(void **state) {
  (void)state;
  char a[512], b[512], f1[512], f2[512], f3[512], whole[600], sql[2048];
  tu_tmp(a, sizeof a, "rot.db");
  tu_corpus(f1, sizeof f1, "10_gzip_rotated/rotated/app.log.2.gz");
  tu_corpus(f2, sizeof f2, "10_gzip_rotated/rotated/app.log.1");
  tu_corpus(f3, sizeof f3, "10_gzip_rotated/rotated/app.log");
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", a, f1, f2, f3, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  tu_corpus_db(b, sizeof b, "04b_memlimit_thrash/gctrace.log");
  assert_int_equal(q(a, "SELECT count(*) FROM runs"), 1);
  assert_int_equal(q(a, "SELECT cycles FROM runs"), 1621);
  assert_string_equal(txt(a, "SELECT sha256 FROM sources"),
                      "d137a7d1c8f725c62bfdf57a65668f2caad6aa701e5619afaedab643e7a1f6b9");
  assert_string_equal(txt(a, "SELECT group_concat(first_line || '+' || lines || ':' || kind, ' ') "
                             "FROM (SELECT * FROM source_files ORDER BY ordinal)"),
                      "1+1081:gzip 1082+1081:file 2163+1080:file");
  /* every row of every event table is the same in both databases */
  static const char *const tables[] = {"gc_cycles", "scavenger"};
  for (int t = 0; t < 2; t++) {
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM (SELECT * FROM (SELECT * FROM %s) EXCEPT "
             "SELECT * FROM w.%s)",
             tables[t], tables[t]);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(a, &h), SQLITE_OK);
    snprintf(whole, sizeof whole, "ATTACH '%s' AS w", b);
    assert_int_equal(sqlite3_exec(h, whole, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
  }
  /* importing the same content again adds nothing and says so */
  char err[512];
  tu_tmp(err, sizeof err, "dup.err");
  char *again[] = {(char *)tu_bin(), "analyze", "--db", a, whole, NULL};
  tu_corpus(whole, sizeof whole, "04b_memlimit_thrash/gctrace.log");
  assert_int_equal(tu_run(again, NULL, NULL, err), 0);
  char *msg = tu_slurp(err, NULL);
  assert_non_null(strstr(msg, "imported before: nothing added"));
  free(msg);
  assert_int_equal(q(a, "SELECT count(*) FROM sources"), 1);
  assert_int_equal(q(a, "SELECT count(*) FROM gc_cycles"), 1621);
  unlink(err);
  tu_rm_db(a);
  tu_rm_db(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_log_counts),
      cmocka_unit_test(test_06_interleaved),
      cmocka_unit_test(test_07c_three_processes),
      cmocka_unit_test(test_07b_processes_in_sequence),
      cmocka_unit_test(test_07_go_build),
      cmocka_unit_test(test_chosen_lines),
      cmocka_unit_test(test_09b_docker_records),
      cmocka_unit_test(test_09a_timestamps),
      cmocka_unit_test(test_rotated_set_is_04b),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
