/*
** test_scan.c: the hand-written scanner (src/ingest/scan.c) and the grammar give identical
** events: on every line of every corpus log and of the fuzzer's seeds, at every place a
** trace line starts (behind prefixes too), gcw_recog_line() with the scanner and without
** it must agree on whether the text is a line, its family, kind, unknown parts, era,
** exclusions and every field (present or not, and the value's bits). On the small logs
** also every shortened form of each line the scanner takes (a line cut by a split), so
** the scanner's refusals are checked too. And the scanner must take part in it: all of
** corpus 08 (go1.19 gc and scav lines) is read by it.
*/
#include "testutil.h"

#include "recog.h"
#include "scan.h"

#include <dirent.h>
#include <string.h>
#include <zlib.h>

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
};
enum { NLOGS = sizeof logs / sizeof logs[0] };

typedef struct tally {
  long texts, lines, scanned;
} tally;

static void same_event(const gcw_event *a, const gcw_event *b, const char *text, size_t len) {
  int same = a->family == b->family && strcmp(a->kind, b->kind) == 0 &&
             a->unknown_parts == b->unknown_parts && a->era_min == b->era_min &&
             a->era_max == b->era_max && a->nexcl == b->nexcl &&
             a->out_of_range == b->out_of_range;
  for (int i = 0; same && i < a->nexcl; i++)
    same = a->excl_min[i] == b->excl_min[i] && a->excl_max[i] == b->excl_max[i];
  for (int f = 0; same && f < GCW_NFIELDS; f++)
    same = a->present[f] == b->present[f] &&
           (!a->present[f] || memcmp(&a->v[f], &b->v[f], sizeof(double)) == 0);
  if (!same)
    fail_msg("scanner and grammar differ on: %.*s", (int)len, text);
}

/* Recognize text both ways and compare; 1 if it is a line. */
static int compare(gcw_recog *r, const char *text, size_t len, tally *t) {
  gcw_event a, b, s;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  gcw_recog_use_scan(r, 1);
  int ra = gcw_recog_line(r, text, len, &a);
  gcw_recog_use_scan(r, 0);
  int rb = gcw_recog_line(r, text, len, &b);
  gcw_recog_use_scan(r, 1);
  t->texts++;
  if (ra != rb)
    fail_msg("scanner says %d, grammar %d, on: %.*s", ra, rb, (int)len, text);
  if (!ra)
    return 0;
  same_event(&a, &b, text, len);
  t->lines++;
  t->scanned += gcw_scan_line(text, len, &s);
  return 1;
}

/* Every start of a trace line in one physical line; with cuts, every shortened form of
** each one the scanner takes. */
static void compare_line(gcw_recog *r, const char *line, size_t len, int cuts, tally *t) {
  for (long at = gcw_recog_find_start(r, line, len, 0); at >= 0;
       at = gcw_recog_find_start(r, line, len, (size_t)at + 1)) {
    const char *text = line + at;
    size_t n = len - (size_t)at;
    gcw_event s;
    compare(r, text, n, t);
    if (cuts && gcw_scan_line(text, n, &s))
      for (size_t k = 1; k < n; k++)
        compare(r, text, k, t);
  }
}

static void compare_text(gcw_recog *r, const char *buf, size_t n, int cuts, tally *t) {
  for (size_t at = 0; at < n;) {
    const char *nl = memchr(buf + at, '\n', n - at);
    size_t end = nl ? (size_t)(nl - buf) : n, len = end - at;
    if (len > 0 && buf[at + len - 1] == '\r')
      len--;
    compare_line(r, buf + at, len, cuts, t);
    at = end + 1;
  }
}

/* A corpus file, gzip or plain, whole. */
static char *read_any(const char *path, size_t *n) {
  gzFile g = gzopen(path, "rb");
  assert_non_null(g);
  size_t cap = 1 << 20, used = 0;
  char *buf = malloc(cap);
  for (int k; buf && (k = gzread(g, buf + used, (unsigned)(cap - used))) > 0;) {
    used += (size_t)k;
    if (used == cap)
      buf = realloc(buf, cap *= 2);
  }
  gzclose(g);
  assert_non_null(buf);
  *n = used;
  return buf;
}

static gcw_recog *open_recog(void) {
  gcw_recog *r;
  char msg[256];
  if (gcw_recog_open(&r, msg, sizeof msg))
    fail_msg("%s", msg);
  return r;
}

static void test_corpus_lines(void **state) {
  (void)state;
  gcw_recog *r = open_recog();
  for (int i = 0; i < NLOGS; i++) {
    int big = strncmp(logs[i], "08_", 3) == 0;
    if (big && tu_quick())
      continue; /* the sanitizer run: 600,000 lines of the shapes the others have too */
    char path[512];
    size_t n;
    char *buf = read_any(tu_corpus_stored(path, sizeof path, logs[i]), &n);
    tally t = {0, 0, 0};
    compare_text(r, buf, n, !big, &t);
    fprintf(stderr, "  %-62s %8ld lines, %8ld by the scanner\n", logs[i], t.lines, t.scanned);
    if (big) {
      assert_int_equal(t.lines, 600000);
      assert_int_equal(t.scanned, 600000);
    }
    free(buf);
  }
  gcw_recog_close(&r);
}

/* The real captures of tests/cases/ (every *.log of its folders), with their cut forms. */
static void test_cases_lines(void **state) {
  (void)state;
  gcw_recog *r = open_recog();
  char dir[512];
  tally t = {0, 0, 0};
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
      size_t len = strlen(f->d_name), n;
      if (len < 5 || strcmp(f->d_name + len - 4, ".log") != 0)
        continue;
      char path[1600];
      snprintf(path, sizeof path, "%s/%s", sub, f->d_name);
      char *buf = read_any(path, &n);
      compare_text(r, buf, n, 1, &t);
      free(buf);
    }
    closedir(c);
  }
  closedir(d);
  fprintf(stderr, "  tests/cases: %ld texts, %ld lines, %ld by the scanner\n", t.texts, t.lines,
          t.scanned);
  assert_true(t.scanned > 0);
  gcw_recog_close(&r);
}

static void test_fuzz_seeds(void **state) {
  (void)state;
  gcw_recog *r = open_recog();
  char dir[512];
  tu_root(dir, sizeof dir, "tests/fuzz/seeds");
  DIR *d = opendir(dir);
  assert_non_null(d);
  tally t = {0, 0, 0};
  int files = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.')
      continue;
    char path[1024];
    size_t n;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    char *buf = read_any(path, &n);
    compare_text(r, buf, n, 1, &t);
    compare(r, buf, n, &t); /* the whole seed as one text, newlines and all */
    free(buf);
    files++;
  }
  closedir(d);
  fprintf(stderr, "  %d seeds: %ld texts, %ld lines, %ld by the scanner\n", files, t.texts,
          t.lines, t.scanned);
  assert_true(files > 0);
  assert_true(t.scanned > 0);
  gcw_recog_close(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_corpus_lines),
      cmocka_unit_test(test_cases_lines),
      cmocka_unit_test(test_fuzz_seeds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
