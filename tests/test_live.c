/*
** test_live.c: live findings as a user sees them. A real 30-s GOMEMLIMIT pathology (the Go
** program tests/go/memlimit, built here with `go build`, run in child mode) is one episode
** per kind, not hundreds (issue 10: 1 memlimit_thrash and 499 assist_heavy before); the
** corpus's memory-limit logs likewise; `--findings-format json` is one JSON object per
** line (parsed by python3); the run number printed is the run id every command takes;
** labels and child mode's program and settings are stored and shown by runs, report and
** plot (through gnuplot's single-quoted strings: a backquote in a label runs nothing).
*/
#include "testutil.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

enum { BUILD_LIMIT_S = 300, RUN_LIMIT_S = 120 };

static char memlimit_bin[512];

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* environ with these NAME=VALUE entries set (replacing ours). */
static char **env_with(const char *const set[]) {
  size_t n = 0, k = 0, ns = 0;
  while (environ[n])
    n++;
  while (set[ns])
    ns++;
  char **env = malloc((n + ns + 1) * sizeof *env);
  assert_non_null(env);
  for (size_t i = 0; i < n; i++) {
    int replaced = 0;
    for (size_t j = 0; j < ns; j++)
      replaced |= strncmp(environ[i], set[j], strcspn(set[j], "=") + 1) == 0;
    if (!replaced)
      env[k++] = environ[i];
  }
  for (size_t j = 0; j < ns; j++)
    env[k++] = (char *)set[j];
  env[k] = NULL;
  return env;
}

/* Run argv with env, stdin from in, stdout/stderr to files; bounded; its status. */
static int run_env(char *const argv[], char *const env[], const char *in, const char *out,
                   const char *err, int limit_s) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&fa, 2, err ? err : "/dev/null",
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  int rc = tu_spawnp(&pid, argv[0], &fa, argv, env ? env : environ); /* default signals */
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(rc));
    return -1;
  }
  int st;
  for (double end = now_s() + limit_s;; poll(NULL, 0, 20)) {
    if (waitpid(pid, &st, WNOHANG) == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (now_s() > end) {
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
      fprintf(stderr, "%s still running after %d s: killed\n", argv[0], limit_s);
      return -1;
    }
  }
}

static int build_memlimit(void **state) {
  (void)state;
  char src[512], cache[600], gopath[600], home[600];
  tu_root(memlimit_bin, sizeof memlimit_bin, "build/go/memlimit");
  tu_root(src, sizeof src, "tests/go/memlimit/main.go");
  snprintf(cache, sizeof cache, "GOCACHE=%s/build/go/cache", env_or("GCW_ROOT", "."));
  snprintf(gopath, sizeof gopath, "GOPATH=%s/build/go/path", env_or("GCW_ROOT", "."));
  snprintf(home, sizeof home, "HOME=%s", env_or("HOME", "/tmp"));
  const char *set[] = {cache, gopath, home, "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod",
                       "CGO_ENABLED=0", "GOTELEMETRY=off", NULL};
  char **env = env_with(set);
  char *argv[] = {"go", "build", "-o", memlimit_bin, src, NULL};
  int st = run_env(argv, env, NULL, NULL, NULL, BUILD_LIMIT_S);
  free(env);
  if (st != 0)
    fprintf(stderr, "test_live: 'go build -o %s %s' failed (%d); 'make deps' installs "
                    "golang-go\n", memlimit_bin, src, st);
  return st == 0 ? 0 : -1;
}

static int count_lines(const char *text, const char *prefix) {
  int n = 0;
  size_t k = strlen(prefix);
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    n += strncmp(p, prefix, k) == 0;
  return n;
}

/* The largest number of findings of one kind in a run (episodes per kind). */
static long long most_per_kind(const char *db) {
  return tu_db_int(db, "SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM findings "
                       "GROUP BY run_id, kind)");
}

/* Lines announcing the findings: each own (not joined) finding opens once and ends once;
** in between, one line each time it got materially worse. */
static void expect_announced(const char *db, const char *err_text) {
  long long own = tu_db_int(db, "SELECT count(*) FROM findings WHERE id NOT IN "
                                "(SELECT finding_id FROM finding_parts)");
  int ended = count_lines(err_text, "gctrace-watch: ended ");
  int worse = 0;
  for (const char *p = err_text; (p = strstr(p, " worse (run ")); p++)
    worse++;
  int all = count_lines(err_text, "gctrace-watch: ");
  assert_int_equal(ended, own);
  assert_int_equal(all, 2 * own + worse + 1); /* + the summary */
}

/* The real thing: 30 s of allocation under GOMEMLIMIT, in child mode, into a database
** that already holds a run (so the new run's id, 2, differs from its ordinal, 1). */
static void test_memlimit_run_child_mode(void **state) {
  (void)state;
  char db[512], err[512], out[512], pre[512];
  tu_tmp(db, sizeof db, "ml.db");
  tu_tmp(err, sizeof err, "ml.err");
  tu_tmp(out, sizeof out, "ml.out");
  tu_analyze(db, tu_corpus(pre, sizeof pre, "01_steady_state_web/gctrace.log"));
  const char *duration = tu_quick() ? "10s" : "30s";
  const char *set[] = {"GOMEMLIMIT=52MiB", "GOGC=100", NULL};
  char **env = env_with(set);
  char *argv[] = {(char *)tu_bin(), "--db", db, "--label", "case=memlimit", "--",
                  memlimit_bin, "-duration", (char *)duration, NULL};
  assert_int_equal(run_env(argv, env, NULL, out, err, RUN_LIMIT_S), 0);
  free(env);
  char *text = tu_slurp(err, NULL);
  assert_non_null(text);
  long long run = tu_db_int(db, "SELECT max(id) FROM runs");
  assert_int_equal(run, 2);
  assert_true(tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE run_id=2") > 1000);
  /* the pathology is real and seen, as one episode */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings WHERE run_id=2 AND "
                                 "kind='memlimit_thrash' AND severity='error'"), 1);
  long long most = most_per_kind(db);
  fprintf(stderr, "memlimit %s: %lld findings, at most %lld of one kind; %d live lines\n",
          duration, tu_db_int(db, "SELECT count(*) FROM findings WHERE run_id=2"), most,
          count_lines(text, "gctrace-watch: "));
  assert_true(most <= 3);
  expect_announced(db, text);
  /* the number printed is the id `report --run` takes, not the ordinal 1 */
  assert_non_null(strstr(text, "error memlimit_thrash (run 2, gc "));
  assert_null(strstr(text, "(run 1,"));
  assert_non_null(strstr(text, "in 1 run (run 2); findings: "));
  assert_non_null(strstr(text, db));
  /* label and program stored */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM run_labels WHERE run_id=2 AND "
                                 "key='case' AND value='memlimit'"), 1);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM run_labels WHERE run_id=1"), 0);
  char got[1024];
  tu_db_text(db, "SELECT json_array_length(argv) || ' ' || json_extract(argv, '$[2]') || ' ' || "
                 "gomemlimit || ' ' || gogc || ' ' || coalesce(gomaxprocs, '-') || ' ' || "
                 "godebug FROM run_program WHERE run_id=2", got, sizeof got);
  char want[1024];
  snprintf(want, sizeof want, "3 %s 52MiB 100 - gctrace=1,scavtrace=1", duration);
  if (!getenv("GOMAXPROCS") && !getenv("GODEBUG"))
    assert_string_equal(got, want);
  free(text);
  unlink(err);
  unlink(out);
  tu_rm_db(db);
}

/* The corpus's memory-limit logs: at most 3 episodes of any kind; in 12d/12e the GC CPU
** that came with the thrash is part of it. Live (watch mode) on 04b: few lines. */
static void test_memlimit_corpus(void **state) {
  (void)state;
  static const char *const logs[] = {"04b_memlimit_thrash/gctrace.log",
                                     "12d_esbuild_0.17.19_go1.20.4/esbuild_stderr.log",
                                     "12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log"};
  for (int i = 0; i < 3; i++) {
    char db[512];
    tu_corpus_db(db, sizeof db, logs[i]);
    assert_true(most_per_kind(db) <= 3);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM findings WHERE kind='memlimit_thrash'"),
                     1);
    if (i > 0)
      assert_int_equal(tu_db_int(db, "SELECT count(*) FROM finding_parts AS p JOIN findings "
                                     "AS f ON f.id = p.finding_id JOIN findings AS t ON "
                                     "t.id = p.part_of WHERE f.kind='gc_cpu_high' AND "
                                     "t.kind='memlimit_thrash'"), 1);
    tu_rm_db(db);
  }
  char in[512], db[512], err[512];
  tu_corpus(in, sizeof in, logs[0]);
  tu_tmp(db, sizeof db, "w.db");
  tu_tmp(err, sizeof err, "w.err");
  char *argv[] = {(char *)tu_bin(), "--db", db, NULL};
  assert_int_equal(run_env(argv, NULL, in, NULL, err, RUN_LIMIT_S), 0);
  char *text = tu_slurp(err, NULL);
  expect_announced(db, text);
  assert_true(count_lines(text, "gctrace-watch: ") <= 16);
  assert_non_null(strstr(text, "1621 cycles in 1 run (run 1); findings: 1 error, "));
  /* thresholds with units */
  assert_non_null(strstr(text, "threshold 50 % of time in GC"));
  free(text);
  unlink(err);
  tu_rm_db(db);
}

/* A program whose output ends mid-line (it exited while writing a gc line): the findings
** that end with the run are announced on lines of their own, after the piece. The input is
** corpus 04b (real) followed by the first 40 bytes of its last gc line, no newline: a cut
** line BUILT for this test the way a killed program leaves one. */
static void test_ended_after_a_cut_line(void **state) {
  (void)state;
  char log[512], cut[512], db[512], err[512], script[2200];
  tu_corpus(log, sizeof log, "04b_memlimit_thrash/gctrace.log");
  tu_tmp(cut, sizeof cut, "cut.txt");
  tu_tmp(db, sizeof db, "cut.db");
  tu_tmp(err, sizeof err, "cut.err");
  FILE *f = fopen(cut, "w");
  assert_non_null(f);
  fputs("gc 1622 @30.020s 22%: 0.007+0.49+0.002 ms", f);
  fclose(f);
  snprintf(script, sizeof script, "cat '%s' '%s' >&2", log, cut);
  char *argv[] = {(char *)tu_bin(), "--db", db, "--", "sh", "-c", script, NULL};
  assert_int_equal(run_env(argv, NULL, NULL, NULL, err, RUN_LIMIT_S), 0);
  char *text = tu_slurp(err, NULL);
  assert_non_null(text);
  expect_announced(db, text); /* every "gctrace-watch: " at the start of a line */
  assert_non_null(strstr(text, "0.007+0.49+0.002 ms\ngctrace-watch: ended "));
  free(text);
  unlink(cut);
  unlink(err);
  tu_rm_db(db);
}

/* --findings-format json: every line of stderr is one JSON object with the documented keys
** (docs/findings-json.md); checked by python3's json module. */
static void test_findings_json(void **state) {
  (void)state;
  char in[512], db[512], err[512], out[512];
  tu_corpus(in, sizeof in, "04b_memlimit_thrash/gctrace.log");
  tu_tmp(db, sizeof db, "j.db");
  tu_tmp(err, sizeof err, "j.err");
  tu_tmp(out, sizeof out, "j.out");
  char *argv[] = {(char *)tu_bin(), "--db", db, "--findings-format", "json", "--label",
                  "pod=api-7", "--label", "team=a\"b", NULL};
  assert_int_equal(run_env(argv, NULL, in, out, err, RUN_LIMIT_S), 0);
  assert_true(tu_same_file(in, out));
  static const char check[] =
      "import json, sys\n"
      "keys = {'type','event','kind','severity','run','labels','gc','t_s','wall','end_gc',\n"
      "        'end_t_s','value','threshold','unit','message','next_step'}\n"
      "n = {'open': 0, 'update': 0, 'close': 0}\n"
      "lines = open(sys.argv[1], encoding='utf-8').read().splitlines()\n"
      "for line in lines[:-1]:\n"
      "    o = json.loads(line)\n"
      "    assert set(o) == keys, sorted(set(o) ^ keys)\n"
      "    assert o['type'] == 'finding' and o['run'] == 1\n"
      "    assert o['labels'] == {'pod': 'api-7', 'team': 'a\"b'}, o['labels']\n"
      "    assert o['severity'] in ('info', 'warn', 'error')\n"
      "    assert isinstance(o['value'], (int, float)) and isinstance(o['unit'], str)\n"
      "    assert isinstance(o['gc'], int) and o['message'] and o['next_step']\n"
      "    assert (o['end_gc'] is None) == (o['event'] != 'close')\n"
      "    n[o['event']] += 1\n"
      "s = json.loads(lines[-1])\n"
      "assert s['type'] == 'summary' and s['cycles'] == 1621 and s['runs'] == 1, s\n"
      "assert s['db'] == sys.argv[2] and s['labels']['pod'] == 'api-7'\n"
      "assert n['open'] == n['close'] == sum(s['findings'].values()) >= 3, (n, s)\n"
      "print(n['open'], n['update'], n['close'])\n";
  char *py[] = {"python3", "-c", (char *)check, err, db, NULL};
  char pyout[512];
  tu_tmp(pyout, sizeof pyout, "py.out");
  int st = run_env(py, NULL, NULL, pyout, NULL, 60);
  if (st != 0) {
    char *e = tu_slurp(err, NULL);
    fprintf(stderr, "python3 rejected the JSON lines:\n%s\n", e ? e : "");
    free(e);
  }
  assert_int_equal(st, 0);
  unlink(pyout);
  unlink(err);
  unlink(out);
  tu_rm_db(db);
}

/* --label KEY=VALUE: KEY [a-zA-Z_][a-zA-Z0-9_]*, no control characters in VALUE. */
static void test_label_validation(void **state) {
  (void)state;
  static const char *const bad[] = {"1x=y", "a-b=c", "=v", "novalue", "k=a\nb", "k=\033[31m"};
  char db[512];
  tu_tmp(db, sizeof db, "lv.db");
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    tu_result r = tu_capture("analyze", "--db", db, "--label", bad[i], "/dev/null", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--label takes KEY=VALUE"));
    tu_result_free(&r);
  }
  assert_int_equal(access(db, F_OK), -1);
}

/* runs (text and --format json), report and plot show a run's labels; a backquote in a
** label reaches gnuplot only inside a single-quoted string: nothing runs. */
static void test_labels_shown(void **state) {
  (void)state;
  char db[512], in[512], marker[256], label[700];
  tu_tmp(db, sizeof db, "ls.db");
  tu_tmp(marker, sizeof marker, "PWNED");
  snprintf(label, sizeof label, "note=`touch %s` $(touch %s) 'q'", marker, marker);
  tu_corpus(in, sizeof in, "01_steady_state_web/gctrace.log");
  tu_result r = tu_capture("analyze", "--quiet", "--db", db, "--label", "env=prod", "--label",
                           label, in, NULL);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  r = tu_capture("runs", "--db", db, NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "LABELS"));
  assert_non_null(strstr(r.out, "env=prod, note=`touch"));
  tu_result_free(&r);
  r = tu_capture("report", "--db", db, NULL);
  assert_non_null(strstr(r.out, "labels: env=prod, note="));
  tu_result_free(&r);
  char pyout[512], json[512];
  tu_tmp(json, sizeof json, "runs.json");
  tu_tmp(pyout, sizeof pyout, "py.out");
  char *runs[] = {(char *)tu_bin(), "runs", "--db", db, "--format", "json", NULL};
  assert_int_equal(tu_run(runs, NULL, json, NULL), 0);
  char *py[] = {"python3", "-c",
                "import json,sys\n"
                "r = json.load(open(sys.argv[1]))\n"
                "assert len(r) == 1 and r[0]['run'] == 1 and r[0]['cycles'] > 0, r\n"
                "assert r[0]['labels']['env'] == 'prod' and r[0]['program'] is None\n"
                "assert r[0]['labels']['note'].startswith('`touch ')\n",
                json, NULL};
  assert_int_equal(run_env(py, NULL, NULL, pyout, NULL, 60), 0);
  r = tu_capture("plot", "--db", db, "--term", "dumb", "--kind", "heap", "--size", "200x30",
                 NULL);
  assert_int_equal(r.status, 0);
  assert_non_null(strstr(r.out, "run 1, env=prod, note=`touch "));
  tu_result_free(&r);
  assert_int_equal(access(marker, F_OK), -1);
  unlink(json);
  unlink(pyout);
  tu_rm_db(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_memlimit_run_child_mode), cmocka_unit_test(test_memlimit_corpus),
      cmocka_unit_test(test_findings_json),           cmocka_unit_test(test_label_validation),
      cmocka_unit_test(test_labels_shown),            cmocka_unit_test(test_ended_after_a_cut_line),
  };
  return cmocka_run_group_tests(tests, build_memlimit, NULL);
}
