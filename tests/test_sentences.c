/*
** test_sentences.c: every sentence a finding prints, on every real log that produces
** findings, is checked for its numbers and its grammar.
**   numbers: each "gc N (@Ts)" names a cycle of the run and T is that cycle's @t as the
**     runtime printed it (never "@0.0s" for @0.013s); each "X MB at gc N" is the heap
**     gc N marked; a finding's first "gc N (@T)" is where its episode begins;
**   grammar: no "1 cycles", no two verbs for one subject ("returned X of those Y MB were
**     returned", which a template once printed), no doubled words or spaces, no stray
**     format characters, each message one sentence without a final full stop (the report
**     and live output add their own punctuation), a next step that ends with one.
** The logs: samples/, tests/cases/ and the corpus logs with findings (through GCW_CORPUS).
*/
#include "testutil.h"

#include <ctype.h>
#include <math.h>

static const char *const root_logs[] = {
    "samples/slow_leak.log",         "samples/pause_spikes.log",
    "samples/memlimit_thrash.log",   "samples/delayed_release.log",
    "samples/kubectl_timestamps.log", "tests/cases/longmark/lm1.log",
    "tests/cases/cachefill/cf1.log", "tests/cases/fastcycles/08_excerpt.log",
};

static const char *const corpus_logs[] = {
    "02_slow_leak/gctrace.log",
    "03_pause_spikes/gctrace.log",
    "04a_ramp_alloc_rate/gctrace.log",
    "04b_memlimit_thrash/gctrace.log",
    "05b_seed_slice_append/gctrace.log",
    "05c_delayed_release_idle/gctrace.log",
    "07c_three_procs_one_stderr/gctrace.log",
    "09a_kubectl_timestamps/kubectl_timestamps.log",
    "11_gcpacertrace/gctrace.log",
    "12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log",
    "12d_esbuild_0.17.19_go1.20.4/esbuild_stderr.log",
    "12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log",
    "13_forced_gc_storm/gctrace.log",
    "14_assist_heavy_high_cpu/gctrace.log",
};

typedef struct checked {
  int findings, refs, heaps;
} checked;

static void say_bad(const char *log, const char *kind, const char *msg, const char *why) {
  fprintf(stderr, "%s: %s: %s\n  in: %s\n", log, kind, why, msg);
}

/* Every "gc N (@T" in msg: N is a cycle of the run, T its @t to the printed precision. */
static int check_cycle_refs(const char *db, long long run, const char *log, const char *kind,
                            const char *msg, long long first_gc, checked *c) {
  int bad = 0, first = 1;
  for (const char *p = strstr(msg, "gc "); p; p = strstr(p + 1, "gc ")) {
    long long gc;
    char t[32];
    int used = 0;
    if (sscanf(p, "gc %lld (@%31[0-9.]s)%n", &gc, t, &used) != 2 || used == 0)
      continue;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT t_s FROM gc_cycles WHERE run_id = %lld AND gc = %lld",
             run, gc);
    double real = tu_db_real(db, sql);
    const char *dot = strchr(t, '.');
    int decimals = dot ? (int)strlen(dot + 1) : 0;
    double printed = strtod(t, NULL), tol = 0.5 * pow(10, -decimals) + 1e-9;
    c->refs++;
    if (real < 0 || fabs(real - printed) > tol || decimals < 3) {
      char why[160];
      snprintf(why, sizeof why, "gc %lld is @%.3fs in the run, the sentence says @%ss", gc,
               real, t);
      say_bad(log, kind, msg, why);
      bad = 1;
    }
    if (first && gc != first_gc && strcmp(kind, "heap_growth") != 0) {
      char why[160];
      snprintf(why, sizeof why, "the episode begins at gc %lld, the sentence at gc %lld",
               first_gc, gc);
      say_bad(log, kind, msg, why);
      bad = 1;
    }
    first = 0;
  }
  return bad;
}

/* Every "X MB at gc N": the heap gc N marked. */
static int check_heaps(const char *db, long long run, const char *log, const char *kind,
                       const char *msg, checked *c) {
  int bad = 0;
  for (const char *p = strstr(msg, " MB at gc "); p; p = strstr(p + 1, " MB at gc ")) {
    const char *q = p;
    while (q > msg && (isdigit((unsigned char)q[-1]) || q[-1] == '.'))
      q--;
    double mb = strtod(q, NULL);
    long long gc = strtoll(p + strlen(" MB at gc "), NULL, 10);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT heap_live_mb FROM gc_cycles WHERE run_id = %lld AND gc = %lld", run, gc);
    c->heaps++;
    if (tu_db_real(db, sql) != mb) {
      say_bad(log, kind, msg, "a heap that cycle did not mark");
      bad = 1;
    }
  }
  return bad;
}

static int check_grammar(const char *log, const char *kind, const char *msg, const char *next) {
  static const char *const wrong[] = {
      " 1 cycles", " 1 seconds", " 1 lines", "  ", " ,", "%%", "(null)", " were returned",
      "returned 0 of", " the the ", " a a ", " of of ", "nan", "inf ", "@-",
  };
  int bad = 0;
  for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++)
    if (strstr(msg, wrong[i]) || strstr(next, wrong[i])) {
      char why[64];
      snprintf(why, sizeof why, "holds \"%s\"", wrong[i]);
      say_bad(log, kind, *next && strstr(next, wrong[i]) ? next : msg, why);
      bad = 1;
    }
  /* a share of all CPU is at most all of it */
  for (const char *p = strstr(msg, "% of all CPU"); p; p = strstr(p + 1, "% of all CPU")) {
    const char *q = p;
    while (q > msg && (isdigit((unsigned char)q[-1]) || q[-1] == '.'))
      q--;
    if (strtod(q, NULL) > 100) {
      say_bad(log, kind, msg, "more than all of the CPU");
      bad = 1;
    }
  }
  size_t n = strlen(msg);
  if (n == 0 || msg[n - 1] == '.' || msg[n - 1] == ' ' || isupper((unsigned char)msg[0])) {
    say_bad(log, kind, msg, "a message is one lower-case clause, without a final full stop");
    bad = 1;
  }
  size_t k = strlen(next);
  if (k > 0 && next[k - 1] != '.' && next[k - 1] != ')') {
    say_bad(log, kind, next, "a next step ends with a full stop");
    bad = 1;
  }
  return bad;
}

static int check_log(const char *path, const char *name, checked *c) {
  char db[512];
  tu_tmp(db, sizeof db, "sentences.db");
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, (char *)path, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  long long n = tu_db_int(db, "SELECT count(*) FROM findings");
  int bad = 0;
  for (long long i = 0; i < n; i++) {
    char sql[256], kind[64], msg[1024], next[1024];
    snprintf(sql, sizeof sql, "SELECT kind FROM findings ORDER BY id LIMIT 1 OFFSET %lld", i);
    tu_db_text(db, sql, kind, sizeof kind);
    snprintf(sql, sizeof sql, "SELECT message FROM findings ORDER BY id LIMIT 1 OFFSET %lld", i);
    tu_db_text(db, sql, msg, sizeof msg);
    snprintf(sql, sizeof sql,
             "SELECT coalesce(next_step, '') FROM findings ORDER BY id LIMIT 1 OFFSET %lld", i);
    tu_db_text(db, sql, next, sizeof next);
    snprintf(sql, sizeof sql, "SELECT run_id FROM findings ORDER BY id LIMIT 1 OFFSET %lld", i);
    long long run = tu_db_int(db, sql);
    snprintf(sql, sizeof sql, "SELECT gc FROM findings ORDER BY id LIMIT 1 OFFSET %lld", i);
    long long first_gc = tu_db_int(db, sql);
    if (strncmp(msg, "skipped:", 8) == 0)
      continue; /* a note that a rule could not be judged: no numbers */
    c->findings++;
    bad |= check_cycle_refs(db, run, name, kind, msg, first_gc, c);
    bad |= check_heaps(db, run, name, kind, msg, c);
    bad |= check_grammar(name, kind, msg, next);
  }
  tu_rm_db(db);
  return bad;
}

static void test_every_sentence(void **state) {
  (void)state;
  checked c = {0, 0, 0};
  int bad = 0;
  for (size_t i = 0; i < sizeof root_logs / sizeof *root_logs; i++) {
    char path[512];
    bad |= check_log(tu_root(path, sizeof path, root_logs[i]), root_logs[i], &c);
  }
  for (size_t i = 0; i < sizeof corpus_logs / sizeof *corpus_logs; i++) {
    char path[512];
    bad |= check_log(tu_corpus(path, sizeof path, corpus_logs[i]), corpus_logs[i], &c);
  }
  fprintf(stderr, "%d findings checked: %d cycle references, %d quoted heaps\n", c.findings,
          c.refs, c.heaps);
  assert_true(c.findings >= 20); /* the logs above do produce findings */
  assert_true(c.refs >= 20);
  assert_true(c.heaps >= 2);
  assert_false(bad);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_sentence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
