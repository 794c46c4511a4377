/*
** test_plot_look.c: what the plot draws stays readable (issue 14, item 8), checked on the
** script gnuplot is fed (gcw_plot_script), for real runs:
**   - the heap panel draws live heap, heap goal and heap at GC start as three different
**     series in three different styles, at any run length (1,621 cycles of 04b as they
**     come, 300,000 of 08 as time buckets), and every key title is that of a series
**     drawn (no key entry of its own);
**   - the memory limit: inferred from the capped goal of a memlimit_thrash run (04b), a
**     line at the goal's ceiling up to the thrash, marked as inferred; a known one
**     (child mode's GOMEMLIMIT, a GOMEMLIMIT label) at its value; labels in the title;
**   - a run of few cycles far apart (05c: 27 cycles, 20 s apart) is drawn as steps and
**     points, never as a line from one cycle to the next;
**   - the time axis ends at the last line seen: a watch session of 05c's real lines whose
**     last line (a scavenger line) comes 1.5 s after the last cycle;
**   - the CPU bars leave out idle mark time;
**   - one finding marker per episode (04b with --pause-slo 0.5: 14 pause_slo findings);
**   - a pipe run's title names standard input and the session's start, never a bare "-".
*/
#include "testutil.h"

#include "plot.h"

#include <math.h>
#include <time.h>

/* ---------------------------------------------------------------- helpers */

/* The script of kind for the latest run of db. */
static char *script_of(const char *db, const char *kind, gcw_plot_stats *st) {
  char *text = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&text, &n);
  assert_non_null(f);
  gcw_db *h = tu_db_open_ro(db);
  long long run = gcw_db_latest_run_with_cycles(h);
  assert_true(run > 0);
  gcw_plot_req rq = {run, kind, "/tmp/never-written.png", NULL, 0};
  char err[512];
  int rc = gcw_plot_script(h, &rq, f, st, err, sizeof err);
  gcw_db_close(&h);
  fclose(f);
  if (rc)
    fprintf(stderr, "script: %s\n", err);
  assert_int_equal(rc, 0);
  return text;
}

/* The text of one panel's section of the script ("# ---- panel: NAME" up to the next
** section or the end), as a new string. */
static char *panel_of(const char *script, const char *name) {
  char head[64];
  snprintf(head, sizeof head, "# ---- panel: %s\n", name);
  const char *a = strstr(script, head);
  assert_non_null(a);
  const char *b = strstr(a + 1, "# ---- panel: ");
  const char *end = b ? b : a + strlen(a);
  return strndup(a, (size_t)(end - a));
}

/* The plot command of a panel: "plot ..." with its continuation lines. */
static char *plot_command(const char *panel) {
  const char *a = strstr(panel, "\nplot ");
  assert_non_null(a);
  a++;
  const char *e = a;
  while ((e = strchr(e, '\n')) != NULL && e[-1] == '\\')
    e++;
  return strndup(a, e ? (size_t)(e - a) : strlen(a));
}

/* The series of a plot command (split at "\\\n  "), each as a new string in out[]. */
static int series_of(const char *cmd, char **out, int max) {
  int n = 0;
  const char *s = cmd + strlen("plot ");
  while (*s && n < max) {
    const char *e = strstr(s, ", \\\n  ");
    size_t len = e ? (size_t)(e - s) : strlen(s);
    out[n++] = strndup(s, len);
    s += len + (e ? strlen(", \\\n  ") : 0);
  }
  return n;
}

/* The series whose title is exactly 'title', or NULL. */
static const char *titled(char **series, int n, const char *title) {
  char want[128];
  snprintf(want, sizeof want, "title '%s'", title);
  for (int i = 0; i < n; i++) {
    const char *t = strstr(series[i], want);
    if (t && t[strlen(want)] == '\0')
      return series[i];
  }
  return NULL;
}

static void free_all(char **v, int n) {
  for (int i = 0; i < n; i++)
    free(v[i]);
}

/* The style of a series: what follows "with " up to " lc"/" fc". */
static void style_of(const char *series, char *buf, size_t n) {
  const char *w = strstr(series, " with ");
  assert_non_null(w);
  w += 6;
  size_t k = strcspn(w, " ");
  snprintf(buf, n, "%.*s", (int)k, w);
}

/* ---------------------------------------------------------------- the heap panel */

static void check_heap_series(const char *db, int decimated) {
  gcw_plot_stats st;
  char *script = script_of(db, "heap", &st), *panel = panel_of(script, "heap");
  char *cmd = plot_command(panel), *s[32];
  assert_int_equal(st.decimated[GCW_PLOT_GC], decimated);
  int n = series_of(cmd, s, 32);
  const char *live = titled(s, n, "live heap"), *goal = titled(s, n, "heap goal");
  const char *start = titled(s, n, "heap at GC start");
  assert_non_null(live);
  assert_non_null(goal);
  assert_non_null(start);
  char a[32], b[32], c[32];
  style_of(live, a, sizeof a);
  style_of(goal, b, sizeof b);
  style_of(start, c, sizeof c);
  /* three styles, none of them a line joining one cycle to the next */
  assert_string_not_equal(a, b);
  assert_string_not_equal(b, c);
  assert_string_not_equal(a, c);
  assert_string_equal(c, "points");
  if (decimated) {
    assert_string_equal(a, "filledcurves"); /* the live band */
    assert_string_equal(b, "lines");        /* the goal: one line, not a band */
  } else {
    assert_string_equal(a, "steps");  /* live: holds after its cycle */
    assert_string_equal(b, "fsteps"); /* goal: aimed at up to its cycle */
  }
  /* each column is its own series: live is column 2 + G_LIVE's, goal 2 + G_GOAL's */
  char col[32];
  snprintf(col, sizeof col, "$gc using 1:%d", decimated ? 2 + 2 * 2 + 1 : 2 + 2);
  assert_non_null(strstr(goal, col));
  assert_null(strstr(live, col));
  /* every key entry is a series that draws data (no "NaN with ..." stand-in) except the
  ** finding kinds, which explain the markers */
  for (int i = 0; i < n; i++)
    if (strncmp(s[i], "NaN ", 4) == 0)
      assert_true(strstr(s[i], "pt 11") != NULL);
  free_all(s, n);
  free(cmd);
  free(panel);
  free(script);
}

static void test_heap_series(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "04b_memlimit_thrash/gctrace.log");
  check_heap_series(db, 0);
  tu_rm_db(db);
  if (tu_quick())
    return; /* 300,000 cycles: not under the sanitizers */
  tu_corpus_db(db, sizeof db, "08_large_throughput/gctrace.log");
  check_heap_series(db, 1);
  tu_rm_db(db);
}

/* 04b ran with GOMEMLIMIT=256MiB, which the trace does not say: the line is drawn at the
** goal's ceiling up to the first thrashing cycle, and says it is inferred. */
static void test_inferred_limit(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "04b_memlimit_thrash/gctrace.log");
  long long cap = tu_db_int(db, "SELECT max(goal_mb) FROM gc_cycles WHERE gc <= (SELECT "
                                "min(gc) FROM findings WHERE kind = 'memlimit_thrash')");
  assert_true(cap > 200 && cap < 256);
  gcw_plot_stats st;
  char *script = script_of(db, "heap", &st), *panel = panel_of(script, "heap");
  char *cmd = plot_command(panel);
  char want[128];
  snprintf(want, sizeof want, "%lld with lines lc rgb '#8b0000' lw 1.5 dt (6,4) title "
           "'limit (inferred) ~%lld MiB'", cap, cap);
  if (!strstr(cmd, want))
    fprintf(stderr, "want: %s\nin: %s\n", want, cmd);
  assert_non_null(strstr(cmd, want));
  free(cmd);
  free(panel);
  free(script);
  /* a run without thrash has no limit line */
  tu_rm_db(db);
  tu_corpus_db(db, sizeof db, "02_slow_leak/gctrace.log");
  script = script_of(db, "heap", &st);
  assert_null(strstr(script, "limit (inferred)"));
  assert_null(strstr(script, "GOMEMLIMIT"));
  free(script);
  tu_rm_db(db);
}

/* A known limit is drawn at its value, not inferred: child mode records the environment
** (run_program), a run may carry a GOMEMLIMIT label (run_labels). 04b really ran with
** GOMEMLIMIT=256MiB (corpus 04b, its notes.md); the rows say so as those commands write them. The
** tables come with the labels feature (schema: run_labels, run_program): created here
** when this store predates them. The labels also go into the title. */
static void test_known_limit_and_labels(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "04b_memlimit_thrash/gctrace.log");
  tu_exec(db, "CREATE TABLE IF NOT EXISTS run_labels (run_id INTEGER NOT NULL, key TEXT NOT NULL, "
              "value TEXT NOT NULL)");
  tu_exec(db, "CREATE TABLE IF NOT EXISTS run_program (run_id INTEGER NOT NULL, argv TEXT, "
              "gogc TEXT, gomemlimit TEXT, gomaxprocs TEXT, godebug TEXT)");
  gcw_plot_stats st;
  char *script = script_of(db, "heap", &st); /* empty tables: still inferred, no labels */
  assert_non_null(strstr(script, "limit (inferred) ~"));
  assert_non_null(strstr(script, "title 'gctrace-watch: run 1, /"));
  free(script);
  tu_exec(db, "INSERT INTO run_labels VALUES (1, 'service', 'cache''s `touch X`'), "
              "(1, 'GOMEMLIMIT', '1GiB')");
  script = script_of(db, "heap", &st);
  assert_non_null(strstr(script, "1024 with lines lc rgb '#8b0000' lw 1.5 dt 1 title "
                                 "'GOMEMLIMIT 1024 MiB'"));
  assert_null(strstr(script, "inferred"));
  assert_non_null(strstr(script, "title 'gctrace-watch: run 1, service=cache''s `touch X`, "
                                 "GOMEMLIMIT=1GiB, "));
  free(script);
  tu_exec(db, "INSERT INTO run_program VALUES (1, '[\"./memlimit\"]', NULL, '256MiB', NULL, "
              "'gctrace=1,scavtrace=1')");
  script = script_of(db, "heap", &st);
  assert_non_null(strstr(script, "256 with lines lc rgb '#8b0000' lw 1.5 dt 1 title "
                                 "'GOMEMLIMIT 256 MiB'"));
  free(script);
  tu_exec(db, "UPDATE run_program SET gomemlimit = 'off'"); /* no limit: the label's stays */
  script = script_of(db, "heap", &st);
  assert_non_null(strstr(script, "title 'GOMEMLIMIT 1024 MiB'"));
  free(script);
  tu_rm_db(db);
}

/* ---------------------------------------------------------------- sparse cycles */

static void test_sparse_cycles(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "05c_delayed_release_idle/gctrace.log");
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 27);
  gcw_plot_stats st;
  char *script = script_of(db, "all", &st);
  static const char *const panels[] = {"heap", "pause", "interval", "cpu", "scavenger"};
  for (size_t p = 0; p < sizeof panels / sizeof *panels; p++) {
    char *panel = panel_of(script, panels[p]), *cmd = plot_command(panel), *s[32];
    int n = series_of(cmd, s, 32);
    for (int i = 0; i < n; i++)
      if (strncmp(s[i], "$gc ", 4) == 0) {
        char style[32];
        style_of(s[i], style, sizeof style);
        if (strcmp(style, "steps") && strcmp(style, "fsteps") && strcmp(style, "points"))
          fprintf(stderr, "panel %s: %s\n", panels[p], s[i]);
        assert_true(!strcmp(style, "steps") || !strcmp(style, "fsteps") ||
                    !strcmp(style, "points"));
      }
    free_all(s, n);
    free(cmd);
    free(panel);
  }
  free(script);
  tu_rm_db(db);
}

/* ---------------------------------------------------------------- CPU */

static void test_cpu_without_idle(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "04b_memlimit_thrash/gctrace.log");
  /* idle mark is most of what the gc lines print in the thrash: worth leaving out */
  double idle = tu_db_real(db, "SELECT sum(cpu_idle_ms) FROM gc_cycles");
  double cost = tu_db_real(db, "SELECT sum(cpu_sweep_term_ms + cpu_assist_ms + cpu_bg_ms + "
                               "cpu_mark_term_ms) FROM gc_cycles");
  assert_true(idle > cost);
  gcw_plot_stats st;
  char *script = script_of(db, "cpu", &st), *panel = panel_of(script, "cpu");
  char *cmd = plot_command(panel), *s[16], idle_col[16];
  snprintf(idle_col, sizeof idle_col, "$%d", 2 + 3); /* $win: STW, assist, bg, idle */
  int n = series_of(cmd, s, 16), bars = 0;
  for (int i = 0; i < n; i++)
    if (strncmp(s[i], "$win ", 5) == 0) {
      assert_null(strstr(s[i], idle_col));
      assert_null(strstr(s[i], ":5 "));
      bars++;
    }
  assert_int_equal(bars, 3);
  assert_null(strstr(cmd, "idle"));
  free_all(s, n);
  free(cmd);
  free(panel);
  free(script);
  tu_rm_db(db);
}

/* ---------------------------------------------------------------- findings */

static void test_one_marker_per_episode(void **state) {
  (void)state;
  char db[512], path[512];
  tu_tmp(db, sizeof db, "slo.db");
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--pause-slo", "0.5", "--db", db,
                  (char *)tu_corpus(path, sizeof path, "04b_memlimit_thrash/gctrace.log"), NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  long long findings = tu_db_int(db, "SELECT count(*) FROM findings WHERE severity <> 'info'");
  /* an episode: a finding more than 2% of the time axis after the previous one of its
  ** kind (or the first of its kind) */
  long long episodes = tu_db_int(
      db, "SELECT count(*) FROM (SELECT c.t_s AS t, lag(c.t_s) OVER (PARTITION BY f.kind "
          "ORDER BY c.t_s, f.id) AS prev FROM findings AS f JOIN gc_cycles AS c ON "
          "c.run_id = f.run_id AND c.gc = f.gc WHERE f.severity <> 'info') WHERE prev IS NULL "
          "OR t - prev > 0.02 * (SELECT max(t_s) - min(t_s) FROM gc_cycles)");
  assert_true(findings >= 14);
  assert_true(episodes < findings);
  gcw_plot_stats st;
  char *script = script_of(db, "all", &st);
  assert_int_equal(st.points[GCW_PLOT_FIND], findings); /* every finding is in $find */
  /* the markers: rows whose mark column (the third) is 1, the only ones plotted */
  long long marked = 0;
  const char *b = strstr(script, "$find << EOD\n");
  assert_non_null(b);
  for (const char *l = b + strlen("$find << EOD\n"); strncmp(l, "EOD\n", 4) != 0;
       l = strchr(l, '\n') + 1) {
    double x, sev, mark;
    assert_int_equal(sscanf(l, "%lf %lf %lf", &x, &sev, &mark), 3);
    marked += mark == 1;
  }
  assert_int_equal(marked, episodes);
  assert_non_null(strstr(script, "$find using 1:($3 > 0 ? 0.965 : NaN)"));
  char title[64];
  snprintf(title, sizeof title, "%lld findings in %lld episodes", findings, episodes);
  assert_non_null(strstr(script, title));
  free(script);
  tu_rm_db(db);
}

/* ---------------------------------------------------------------- a watch session */

/* Watch mode on a pipe: the first `head` lines of log, then after `pause_ms` the next
** line. Every line is a real line of the corpus log, unchanged. */
static void watch_with_pause(const char *db, const char *log, int head, int pause_ms) {
  size_t n = 0;
  char *text = tu_slurp(log, &n);
  assert_non_null(text);
  const char *cut = text;
  for (int i = 0; i < head; i++)
    cut = strchr(cut, '\n') + 1;
  const char *next = strchr(cut, '\n') + 1;
  int fd[2];
  assert_int_equal(pipe(fd), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fd[0], 0);
  posix_spawn_file_actions_addclose(&fa, fd[1]);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", (char *)db, NULL};
  pid_t pid;
  assert_int_equal(tu_spawn(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(fd[0]);
  assert_int_equal(write(fd[1], text, (size_t)(cut - text)), cut - text);
  struct timespec ts = {pause_ms / 1000, (pause_ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
  assert_int_equal(write(fd[1], cut, (size_t)(next - cut)), next - cut);
  close(fd[1]);
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  free(text);
}

static double epoch_of(const char *db, const char *sql) {
  return tu_db_real(db, sql);
}

/* 05c: gc 10 is line 19; line 21 is the scavenger line that releases 1 GiB. */
static void test_watch_session(void **state) {
  (void)state;
  char db[512], log[512];
  tu_tmp(db, sizeof db, "watch.db");
  watch_with_pause(db, tu_corpus(log, sizeof log, "05c_delayed_release_idle/gctrace.log"), 20,
                   1500);
  assert_string_equal(tu_db_text(db, "SELECT path FROM sources", log, sizeof log), "-");
  double last_gc = epoch_of(db, "SELECT (julianday(max(wall)) - 2440587.5) * 86400 FROM "
                                "gc_cycles");
  double last_line = epoch_of(db, "SELECT (julianday(max(wall)) - 2440587.5) * 86400 FROM "
                                  "scavenger");
  assert_true(last_line - last_gc >= 1.4);
  gcw_plot_stats st;
  char *script = script_of(db, "all", &st);
  assert_int_equal(st.x, GCW_PLOT_X_WALL);
  /* the axis ends at the last line, not at the last cycle */
  const char *r = strstr(script, "set xrange [");
  assert_non_null(r);
  double lo, hi;
  assert_int_equal(sscanf(r, "set xrange [%lf:%lf]", &lo, &hi), 2);
  assert_true(fabs(hi - last_line) < 0.01);
  assert_true(hi - last_gc >= 1.4);
  /* the last live heap is drawn on to the end (dotted): gc 10 marked 0 MB */
  const char *a = strstr(script, "set arrow 99 from ");
  assert_non_null(a);
  double x0, y0, x1, y1;
  assert_int_equal(sscanf(a, "set arrow 99 from %lf, %lf to %lf, %lf", &x0, &y0, &x1, &y1), 4);
  assert_true(fabs(x0 - last_gc) < 0.01 && fabs(x1 - hi) < 1e-3);
  assert_true(y0 == y1 && y0 == tu_db_real(db, "SELECT heap_live_mb FROM gc_cycles WHERE gc = 10"));
  /* the title names standard input and when the session began, never a bare "-" */
  const char *t = strstr(script, "set multiplot title '");
  assert_non_null(t);
  char title[300];
  snprintf(title, sizeof title, "%.*s", (int)strcspn(t, "\n"), t);
  assert_null(strstr(title, ", -"));
  assert_null(strstr(title, " - "));
  assert_non_null(strstr(title, "standard input, session of "));
  char added[40], want[40];
  tu_db_text(db, "SELECT added_at FROM sources", added, sizeof added);
  snprintf(want, sizeof want, "%.10s %.8s UTC", added, added + 11);
  assert_non_null(strstr(title, want));
  free(script);
  tu_rm_db(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_heap_series),      cmocka_unit_test(test_inferred_limit),
      cmocka_unit_test(test_known_limit_and_labels),
      cmocka_unit_test(test_sparse_cycles),    cmocka_unit_test(test_cpu_without_idle),
      cmocka_unit_test(test_one_marker_per_episode), cmocka_unit_test(test_watch_session),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
