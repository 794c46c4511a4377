/*
** test_recog.c: unit tests of the recognizer (recog.h) on every line format of
** docs/formats.md, one table of lines per format family.
**
** Every line says where it comes from: a corpus file and line (real output, checked
** byte for byte against the corpus by test_quotes_are_verbatim), a line quoted as real in
** formats.md (checked to appear there verbatim), or "synthesized"/"built by this test"
** with what it was built from. A synthesized line is never called real.
**
** For every line the whole event is compared: family, kind, unknown_parts, era_min,
** era_max, and every field of fields.h: a field listed in the table must be present with
** that value, every other field must be absent. Units are as the runtime printed them
** (phase times in ms, 0.015 -> 0.015), except the legacy "__us" fields (Go 1.3/1.4),
** which are ms (us / 1000), and the hex "0x.. MB released" (Go 1.0/1.1), read as hex.
** Flags follow docs/schema.md ("Flags"): 1 when the marker was printed, 0 on every other
** line of a family that prints the marker in some release, absent on families that never
** print it (so leak_check is 0 on every Go 1.5+ gc line without the infix; forced is
** absent on gcN(M) and scvgN: lines; scav controller_reset and pacer "end" are 0 or 1).
** Eras are the Go 1.x minor releases that print that exact shape (formats.md §1, §3):
** a table lists the true era, even where the grammar is known to give a wider one.
** All mismatches of a table are printed before the test fails, so one run shows them all.
*/
#include "testutil.h"

#include "event.h"
#include "fields.h"
#include "recog.h"

#include <dirent.h>

/* ---- expected events ----------------------------------------------------- */

typedef struct fv {
  const char *name; /* NULL ends the list */
  gcw_field f;
  double v;
} fv;
#define FV(n, val) {#n, GCW_F_##n, (double)(val)}

typedef enum origin {
  REAL_CORPUS,  /* verbatim line cfile:cline of the corpus */
  REAL_FORMATS, /* quoted as real output in formats.md (src says from where) */
  SYNTH         /* synthesized or built here; src says from what */
} origin;

enum { MAX_FV = 24 };

typedef struct want {
  const char *text;   /* the trace line, from its head to its end */
  const char *before; /* corpus lines only: what precedes the head on that line, or NULL */
  origin from;
  const char *cfile; /* REAL_CORPUS: file under the corpus directory */
  int cline;         /* REAL_CORPUS: 1-based line */
  const char *src;   /* the source in words (Go version, issue, or how it was built) */
  gcw_family family;
  const char *kind;
  int unknown_parts;
  int era_min, era_max;
  fv f[MAX_FV];
} want;

#define CORPUS(file, line) .from = REAL_CORPUS, .cfile = (file), .cline = (line)
#define ERA(a, b) .era_min = (a), .era_max = (b)
#define GC .family = GCW_FAM_GC, .kind = "gc"
#define GC_LEGACY .family = GCW_FAM_GC_LEGACY, .kind = "gc_legacy"
#define SCVG .family = GCW_FAM_SCVG, .kind = "scvg"
#define SCAV .family = GCW_FAM_SCAV, .kind = "scav"
#define PACER(k) .family = GCW_FAM_PACER, .kind = (k)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int same_double(double a, double b) {
  double d = a - b;
  return (d < 0 ? -d : d) < 1e-9;
}

/* One printed mismatch; returns 1 so callers can count. */
static int mismatch(const want *w, const char *what, const char *got, const char *expected) {
  if (w->from == REAL_CORPUS)
    print_error("MISMATCH %s: got %s, expected %s\n  line (corpus %s:%d, %s): %s\n", what, got,
                expected, w->cfile, w->cline, w->src ? w->src : "", w->text);
  else
    print_error("MISMATCH %s: got %s, expected %s\n  line (%s): %s\n", what, got, expected,
                w->src, w->text);
  return 1;
}

static int mismatch_int(const want *w, const char *what, long got, long expected) {
  char g[32], e[32];
  snprintf(g, sizeof g, "%ld", got);
  snprintf(e, sizeof e, "%ld", expected);
  return mismatch(w, what, g, e);
}

static int mismatch_real(const want *w, const char *what, double got, double expected) {
  char g[40], e[40];
  snprintf(g, sizeof g, "%.17g", got);
  snprintf(e, sizeof e, "%.17g", expected);
  return mismatch(w, what, g, e);
}

/* Compare a recognized event with w; returns the number of mismatches (all printed). */
static int compare_event(const want *w, const gcw_event *ev) {
  int bad = 0;
  uint8_t listed[GCW_NFIELDS] = {0};
  if (ev->family != w->family)
    bad += mismatch(w, "family", gcw_family_name(ev->family), gcw_family_name(w->family));
  if (!ev->kind || strcmp(ev->kind, w->kind) != 0)
    bad += mismatch(w, "kind", ev->kind ? ev->kind : "(null)", w->kind);
  if (ev->unknown_parts != w->unknown_parts)
    bad += mismatch_int(w, "unknown_parts", ev->unknown_parts, w->unknown_parts);
  if (ev->era_min != w->era_min)
    bad += mismatch_int(w, "era_min", ev->era_min, w->era_min);
  if (ev->era_max != w->era_max)
    bad += mismatch_int(w, "era_max", ev->era_max, w->era_max);
  for (const fv *p = w->f; p->name; p++) {
    listed[p->f] = 1;
    if (!ev->present[p->f])
      bad += mismatch(w, p->name, "absent", "present");
    else if (!same_double(ev->v[p->f], p->v))
      bad += mismatch_real(w, p->name, ev->v[p->f], p->v);
  }
  for (int i = 0; i < GCW_NFIELDS; i++)
    if (ev->present[i] && !listed[i]) {
      char g[64];
      snprintf(g, sizeof g, "present (%.17g)", ev->v[i]);
      bad += mismatch(w, gcw_field_infos[i].name, g, "absent");
    }
  return bad;
}

/* Offset of the first head in text[0,len) at which a whole line is recognized, or -1. */
static long first_line(gcw_recog *r, const char *text, size_t len, gcw_event *ev) {
  for (long off = gcw_recog_find_start(r, text, len, 0); off >= 0;
       off = gcw_recog_find_start(r, text, len, (size_t)off + 1))
    if (gcw_recog_line(r, text + off, len - (size_t)off, ev))
      return off;
  return -1;
}

/* Recognize w->text (behind w->before when there is one) and compare. */
static int check_want(gcw_recog *r, const want *w) {
  gcw_event ev;
  memset(&ev, 0xA5, sizeof ev); /* the recognizer must set everything it reports */
  ev.kind = NULL;
  if (w->before) {
    char full[4096];
    int n = snprintf(full, sizeof full, "%s%s", w->before, w->text);
    assert_true(n > 0 && (size_t)n < sizeof full);
    int bad = 0;
    if (gcw_recog_line(r, full, (size_t)n, &ev))
      bad += mismatch(w, "gcw_recog_line at offset 0 of the physical line", "recognized",
                      "not recognized");
    long off = first_line(r, full, (size_t)n, &ev);
    if (off != (long)strlen(w->before))
      return bad + mismatch_int(w, "offset of the first recognized head", off,
                                (long)strlen(w->before));
    return bad + compare_event(w, &ev);
  }
  if (!gcw_recog_line(r, w->text, strlen(w->text), &ev))
    return mismatch(w, "gcw_recog_line", "0 (not recognized)", "1");
  return compare_event(w, &ev);
}

static void check_table(void **state, const want *ws, size_t n) {
  gcw_recog *r = *state;
  int bad = 0;
  for (size_t i = 0; i < n; i++)
    bad += check_want(r, &ws[i]);
  if (bad)
    fail_msg("%d mismatch(es), listed above", bad);
}

/* ---- the cases: tests/cases/recog/NAME.case (format: its README.md) ---------- */

typedef struct table {
  char name[256]; /* the file, without its directory */
  want *w;
  size_t n;
} table;

/* A quoted value ("...", with \" \\ \xHH) into a fresh string; NULL when malformed. */
static char *unquote(const char *v) {
  size_t n = strlen(v);
  if (n < 2 || v[0] != '"' || v[n - 1] != '"')
    return NULL;
  char *out = malloc(n), *o = out;
  for (size_t i = 1; i + 1 < n; i++) {
    if (v[i] != '\\') {
      *o++ = v[i];
    } else if (v[i + 1] == 'x' && i + 3 < n) {
      unsigned x;
      if (sscanf(v + i + 2, "%2x", &x) != 1) {
        free(out);
        return NULL;
      }
      *o++ = (char)x;
      i += 3;
    } else {
      *o++ = v[++i];
    }
  }
  *o = '\0';
  return out;
}

static int family_of(const char *name) {
  for (int f = 0; f < GCW_NFAMILIES; f++)
    if (strcmp(gcw_family_name((gcw_family)f), name) == 0)
      return f;
  return -1;
}

static int field_of(const char *name) {
  for (int f = 0; f < GCW_NFIELDS; f++)
    if (strcmp(gcw_field_infos[f].name, name) == 0)
      return f;
  return -1;
}

/* "name=value ..." added to w's fields; 0 when a name or value is wrong. */
static int add_fields(want *w, char *list) {
  int k = 0;
  while (k < MAX_FV && w->f[k].name)
    k++;
  for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " ")) {
    char *eq = strchr(tok, '='), *end;
    if (!eq || k == MAX_FV - 1)
      return 0;
    *eq = '\0';
    int f = field_of(tok);
    double v = strtod(eq + 1, &end);
    if (f < 0 || *end)
      return 0;
    w->f[k].name = gcw_field_infos[f].name;
    w->f[k].f = (gcw_field)f;
    w->f[k].v = v;
    k++;
  }
  return 1;
}

/* One "key value" line into the case w; 0 when it is not understood. */
static int case_line(want *w, char *key, char *v) {
  if (strcmp(key, "text") == 0)
    return (w->text = unquote(v)) != NULL;
  if (strcmp(key, "before") == 0)
    return (w->before = unquote(v)) != NULL;
  if (strcmp(key, "src") == 0)
    return (w->src = strdup(v)) != NULL;
  if (strcmp(key, "kind") == 0)
    return (w->kind = strdup(v)) != NULL;
  if (strcmp(key, "unknown_parts") == 0)
    return sscanf(v, "%d", &w->unknown_parts) == 1;
  if (strcmp(key, "era") == 0)
    return sscanf(v, "%d %d", &w->era_min, &w->era_max) == 2;
  if (strcmp(key, "fields") == 0)
    return add_fields(w, v);
  if (strcmp(key, "family") == 0) {
    int f = family_of(v);
    w->family = (gcw_family)f;
    return f >= 0;
  }
  if (strcmp(key, "origin") == 0) {
    char *colon = strrchr(v, ':');
    if (strcmp(v, "formats") == 0 || strcmp(v, "synth") == 0) {
      w->from = v[0] == 'f' ? REAL_FORMATS : SYNTH;
      return 1;
    }
    if (strncmp(v, "corpus ", 7) != 0 || !colon)
      return 0;
    *colon = '\0';
    w->from = REAL_CORPUS;
    w->cline = atoi(colon + 1);
    return (w->cfile = strdup(v + 7)) != NULL && w->cline > 0;
  }
  return 0;
}

/* Every case of one file; a line it does not understand fails the test, named. */
static table load_file(const char *dir, const char *name) {
  char path[1024], line[2048];
  table t = {{0}, NULL, 0};
  snprintf(t.name, sizeof t.name, "%s", name);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "r");
  if (!f)
    fail_msg("cannot read %s", path);
  for (int no = 1; fgets(line, sizeof line, f); no++) {
    line[strcspn(line, "\n")] = '\0';
    if (line[0] == '#' || line[0] == '\0')
      continue;
    if (strcmp(line, "case") == 0) {
      t.w = realloc(t.w, (t.n + 1) * sizeof *t.w);
      memset(&t.w[t.n], 0, sizeof *t.w);
      t.w[t.n++].era_min = -1; /* "era" is required */
      continue;
    }
    char *sp = strchr(line, ' ');
    if (sp)
      *sp = '\0';
    if (!t.n || !sp || !case_line(&t.w[t.n - 1], line, sp + 1))
      fail_msg("%s:%d: not understood (see tests/cases/recog/README.md)", path, no);
  }
  fclose(f);
  for (size_t i = 0; i < t.n; i++) {
    want *w = &t.w[i];
    if (!w->text || !w->src || w->era_min < 0)
      fail_msg("%s: case %zu lacks text, src or era", path, i + 1);
    if (!w->kind)
      w->kind = strdup(gcw_family_name(w->family));
  }
  return t;
}

static void table_free(table *t) {
  for (size_t i = 0; i < t->n; i++) {
    free((char *)t->w[i].text);
    free((char *)t->w[i].before);
    free((char *)t->w[i].src);
    free((char *)t->w[i].kind);
    free((char *)t->w[i].cfile);
  }
  free(t->w);
  t->w = NULL;
  t->n = 0;
}

static const char *cases_dir(char *buf, size_t n) { return tu_root(buf, n, "tests/cases/recog"); }

/* One file of the cases by name ("25_behind_prefix.case"). */
static table load_cases(const char *name) {
  char dir[512];
  return load_file(cases_dir(dir, sizeof dir), name);
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

/* The names of every case file, sorted; returns how many. */
static int case_files(char (*names)[256], int max) {
  char dir[512];
  DIR *d = opendir(cases_dir(dir, sizeof dir));
  if (!d)
    fail_msg("cannot read %s", dir);
  int n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL && n < max;) {
    size_t len = strlen(e->d_name);
    if (len > 5 && strcmp(e->d_name + len - 5, ".case") == 0)
      snprintf(names[n++], 256, "%s", e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, by_name);
  return n;
}

enum { MAX_FILES = 256 };

/* Before the cases became files (issue 13) there were 76 in 27 tables: none may vanish. */
enum { CASES_AT_LEAST = 76, FILES_AT_LEAST = 27 };

/* Every case of every file: a new Go release's lines are checked by adding a file. */
static void test_case_files(void **state) {
  static char names[MAX_FILES][256];
  int nfiles = case_files(names, MAX_FILES), bad = 0;
  size_t cases = 0;
  for (int i = 0; i < nfiles; i++) {
    table t = load_cases(names[i]);
    for (size_t k = 0; k < t.n; k++) {
      int b = check_want(*state, &t.w[k]);
      if (b)
        print_error("  in %s, case %zu\n", names[i], k + 1);
      bad += b;
    }
    cases += t.n;
    table_free(&t);
  }
  print_message("%zu recognizer cases in %d files\n", cases, nfiles);
  assert_true(nfiles >= FILES_AT_LEAST);
  assert_true(cases >= CASES_AT_LEAST);
  if (bad)
    fail_msg("%d mismatch(es), listed above", bad);
}

/* ---- lines behind something: found by gcw_recog_find_start, not at offset 0 -- */

static void test_line_behind_prefix(void **state) {
  gcw_recog *r = *state;
  /* corpus 09a_kubectl_timestamps/kubectl_timestamps.log:1 (go1.19.8), whole physical line */
  const char *line = "2026-11-22T10:20:47.060684404Z gc 1 @0.103s 3%: 1.6+2.2+1.7 ms clock, "
                     "3.3+0.088/0.16/0+3.4 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB "
                     "globals, 2 P";
  size_t n = strlen(line);
  gcw_event ev;
  assert_int_equal(gcw_recog_line(r, line, n, &ev), 0);
  assert_int_equal(gcw_recog_at_start(r, line, n), 0);
  assert_int_equal(gcw_recog_find_start(r, line, n, 0), 31);
  assert_int_equal(gcw_recog_at_start(r, line + 31, n - 31), 1);
  /* "gc" inside a word is no head: "xgc 1 @..." (built by this test) */
  assert_int_equal(gcw_recog_find_start(r, "xgc 1 @0.103s", 13, 0), -1);
  table behind = load_cases("25_behind_prefix.case");
  check_table(state, behind.w, behind.n);
  table_free(&behind);
}

static void test_docker_json_record_needs_unwrapping(void **state) {
  gcw_recog *r = *state;
  /* corpus 09b_docker_jsonfile/container-json.log:10 (go1.19.8): the head is found, but the
  ** record text ("-\u003e", the JSON tail) is no trace line until the envelope is undone. */
  const char *rec = "{\"log\":\"gc 1 @0.004s 3%: 0.090+0.56+0.003 ms clock, "
                    "0.18+0.046/0.090/0.11+0.006 ms cpu, 3-\\u003e4-\\u003e0 MB, 4 MB goal, 0 MB "
                    "stacks, 0 MB globals, 2 P\\n\",\"stream\":\"stderr\",\"time\":"
                    "\"2026-11-22T10:21:32.396486575Z\"}";
  size_t n = strlen(rec);
  gcw_event ev;
  assert_int_equal(gcw_recog_find_start(r, rec, n, 0), 8);
  assert_int_equal(gcw_recog_line(r, rec + 8, n - 8, &ev), 0);
}

/* ---- lines that are not trace lines --------------------------------------- */

static void test_inittrace_not_recognized(void **state) {
  gcw_recog *r = *state;
  int complete = -1;
  gcw_event ev;
  /* synthesized from the GODEBUG=inittrace=1 format of formats.md §10 (the corpus has none);
  ** it has "ms clock" but no gc head */
  const char *init = "init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs";
  size_t n = strlen(init);
  assert_int_equal(gcw_recog_line(r, init, n, &ev), 0);
  assert_int_equal(gcw_recog_find_start(r, init, n, 0), -1);
  assert_int_equal(gcw_recog_prefix(r, init, n, &complete), 0);
  assert_int_equal(complete, 0);
  /* corpus 07_go_build_std/gctrace.log:78 and :161 (go1.19.8): lines cut at process exit */
  assert_int_equal(gcw_recog_line(r, "gc 1 @", 6, &ev), 0);
  assert_int_equal(gcw_recog_line(r, "gc ", 3, &ev), 0);
  /* corpus 07c_three_procs_one_stderr/gctrace.log:5 (go1.19.8): the rest of a gc line whose
  ** head "gc " is on line 3: no head, not a line */
  const char *rest = "2 @0.010s 24%: 0.015+17+2.5 ms clock, 0.031+7.5/0.91/0.22+5.0 ms cpu, "
                     "6->13->12 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 2 P";
  assert_int_equal(gcw_recog_line(r, rest, strlen(rest), &ev), 0);
  assert_int_equal(gcw_recog_find_start(r, rest, strlen(rest), 0), -1);
}

/* ---- gcw_recog_prefix on pieces of split lines ----------------------------- */
/* Physical lines of corpus 06_interleaved_applog/combined.log (go1.19.8): the runtime
** writes a gc line token by token, the application's whole lines land in between. */
static const char *const L84 = "gc 8 @0.0302026/11/22 10:18:29.312039 worker=2 req=17 method=GET "
                               "path=/api/v1/cart user=user2336 status=500 bytes=4659 "
                               "dur=3.756µs";
static const char *const L85 = "s 2%: 0.007+0.22+0.002 ms clock, 0.014+0/0.045/0.098+0.004 ms "
                               "cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P";
static const char *const L675 = "gc 80 @0.286s 3%: 0.009+0.29+0.002 ms clock, 0.0182026/11/22 "
                                "10:18:29.568078 worker=1 req=130 method=GET path=/api/v1/users "
                                "user=user2528 status=200 bytes=2659 dur=7.422µs";
static const char *const L676 = "+0.088/0/0+2026/11/22 10:18:29.568090 worker=0 req=127 "
                                "method=GET path=/api/v1/users user=user4111 status=200 "
                                "bytes=8078 dur=3.135µs";
static const char *const L677 = "0.005 ms cpu, 3->32026/11/22 10:18:29.568095 worker=3 req=128 "
                                "method=GET path=/api/v1/users user=user1045 status=404 "
                                "bytes=4447 dur=2.464µs";
static const char *const L678 = "->0 MB, 4 MB goal, 02026/11/22 10:18:29.568100 worker=2 req=130 "
                                "method=GET path=/healthz user=user4717 status=304 bytes=3236 "
                                "dur=2.353µs";
static const char *const L679 = " MB stacks, 0 MB globals, 2 P";

static size_t prefix_of(gcw_recog *r, const char *text, int *complete) {
  *complete = -1;
  return gcw_recog_prefix(r, text, strlen(text), complete);
}

static void test_prefix_split_lines_84_85(void **state) {
  gcw_recog *r = *state;
  int complete;
  char buf[512];
  /* "gc 8 @0.030" is the longest valid beginning: "@0.0302" has four decimals */
  assert_int_equal(prefix_of(r, L84, &complete), 11);
  assert_int_equal(complete, 0);
  assert_memory_equal(L84, "gc 8 @0.030", 11);
  /* the continuation has no head */
  assert_int_equal(prefix_of(r, L85, &complete), 0);
  assert_int_equal(complete, 0);
  /* piece + continuation is one complete line */
  snprintf(buf, sizeof buf, "%.11s%s", L84, L85);
  table rejoined = load_cases("27_rejoined.case");
  assert_true(rejoined.n == 2);
  assert_string_equal(buf, rejoined.w[0].text);
  assert_int_equal(prefix_of(r, buf, &complete), strlen(buf));
  assert_int_equal(complete, 1);
  check_table(state, rejoined.w, 1);
  table_free(&rejoined);
}

static void test_prefix_split_lines_675_679(void **state) {
  gcw_recog *r = *state;
  int complete;
  char buf[1024];
  const char *p675 = "gc 80 @0.286s 3%: 0.009+0.29+0.002 ms clock, 0.018";
  const char *p676 = "+0.088/0/0+", *p677 = "0.005 ms cpu, 3->3", *p678 = "->0 MB, 4 MB goal, 0";
  /* the head piece ends at "0.018": "0.0182" would be four decimals */
  assert_int_equal(prefix_of(r, L675, &complete), strlen(p675));
  assert_int_equal(complete, 0);
  assert_memory_equal(L675, p675, strlen(p675));
  /* the continuation lines have no head of their own */
  assert_int_equal(prefix_of(r, L676, &complete), 0);
  assert_int_equal(prefix_of(r, L677, &complete), 0);
  assert_int_equal(prefix_of(r, L678, &complete), 0);
  assert_int_equal(prefix_of(r, L679, &complete), 0);
  assert_int_equal(complete, 0);
  /* Glued pieces: inside a run of digits the grammar cannot tell where the trace ends
  ** ("+2026" is a valid 2026 ms, "3->32026" a valid 32026 MB, "02026" a valid count), so
  ** the longest valid beginning runs to the end of the digits; splice.c places the cut. */
  snprintf(buf, sizeof buf, "%s%s", p675, L676);
  assert_int_equal(prefix_of(r, buf, &complete), strlen(p675) + strlen("+0.088/0/0+2026"));
  assert_int_equal(complete, 0);
  snprintf(buf, sizeof buf, "%s%s%s", p675, p676, L677);
  assert_int_equal(prefix_of(r, buf, &complete),
                   strlen(p675) + strlen(p676) + strlen("0.005 ms cpu, 3->32026"));
  assert_int_equal(complete, 0);
  snprintf(buf, sizeof buf, "%s%s%s%s", p675, p676, p677, L678);
  assert_int_equal(prefix_of(r, buf, &complete),
                   strlen(p675) + strlen(p676) + strlen(p677) + strlen("->0 MB, 4 MB goal, 02026"));
  assert_int_equal(complete, 0);
  snprintf(buf, sizeof buf, "%s%s%s%s%s", p675, p676, p677, p678, L679);
  table rejoined = load_cases("27_rejoined.case");
  assert_true(rejoined.n == 2);
  assert_string_equal(buf, rejoined.w[1].text);
  assert_int_equal(prefix_of(r, buf, &complete), strlen(buf));
  assert_int_equal(complete, 1);
  check_table(state, rejoined.w + 1, 1);
  table_free(&rejoined);
}

static void test_prefix_other_pieces(void **state) {
  gcw_recog *r = *state;
  int complete;
  char buf[512];
  /* corpus 06_interleaved_applog/combined.log:83 (go1.19.8): a whole scav line */
  assert_int_equal(prefix_of(r, "scav 384 KiB work, 3456 KiB total, 33% util", &complete), 43);
  assert_int_equal(complete, 1);
  /* corpus 05a_seed_map_freeosmemory/gctrace.log:22 (go1.19.8) */
  assert_int_equal(prefix_of(r, "GC forced", &complete), 9);
  assert_int_equal(complete, 1);
  /* corpus 07_go_build_std/gctrace.log:78 and :161 (go1.19.8): cut at process exit */
  assert_int_equal(prefix_of(r, "gc 1 @", &complete), 6);
  assert_int_equal(complete, 0);
  assert_int_equal(prefix_of(r, "gc ", &complete), 3);
  assert_int_equal(complete, 0);
  /* corpus 07c_three_procs_one_stderr/gctrace.log:3 (go1.19.8): "gc " then another head */
  table behind = load_cases("25_behind_prefix.case");
  assert_true(behind.n == 3);
  assert_int_equal(prefix_of(r, behind.w[2].before, &complete), 3);
  snprintf(buf, sizeof buf, "%s%s", behind.w[2].before, behind.w[2].text);
  table_free(&behind);
  assert_int_equal(prefix_of(r, buf, &complete), 3);
  assert_int_equal(complete, 0);
  /* corpus 05a_seed_map_freeosmemory/gctrace.log:19 (go1.19.8) cut by this test: complete
  ** at "2 P", but not while " (forced)" is half written */
  table suffix = load_cases("05_gc_forced_suffix.case");
  assert_true(suffix.n > 0);
  const char *g = suffix.w[0].text;
  size_t n = strlen(g) - strlen(" (forced)");
  snprintf(buf, sizeof buf, "%.*s", (int)n, g);
  assert_int_equal(prefix_of(r, buf, &complete), n);
  assert_int_equal(complete, 1);
  snprintf(buf, sizeof buf, "%.*s", (int)(n + 5), g);
  assert_int_equal(prefix_of(r, buf, &complete), n + 5);
  assert_int_equal(complete, 0);
  assert_int_equal(prefix_of(r, g, &complete), strlen(g));
  assert_int_equal(complete, 1);
  table_free(&suffix);
  /* corpus 11_gcpacertrace/gctrace.log:1 (go1.19.8) cut by this test inside a float */
  assert_int_equal(prefix_of(r, "pacer: assist ratio=+1.1", &complete), 24);
  assert_int_equal(complete, 0);
}

/* ---- start literals ------------------------------------------------------- */

static void test_start_literals(void **state) {
  gcw_recog *r = *state;
  /* heads of lines quoted in the tables above */
  assert_int_equal(gcw_recog_start_len(r, "gc 1 @0.007s", 12), 3);
  assert_int_equal(gcw_recog_start_len(r, "gc83(1): ", 9), 2);
  assert_int_equal(gcw_recog_start_len(r, "scvg: 0 MB released", 19), 4);
  assert_int_equal(gcw_recog_start_len(r, "forced scvg: 1005 MB released", 29), 13);
  assert_int_equal(gcw_recog_start_len(r, "scav 0 KiB work", 15), 5);
  assert_int_equal(gcw_recog_start_len(r, "pacer: 26% CPU", 14), 7);
  assert_int_equal(gcw_recog_start_len(r, "GC forced", 9), 9);
  assert_int_equal(gcw_recog_start_len(r, "init internal/bytealg", 21), 0);
  assert_int_equal(gcw_recog_at_start(r, "GC forced", 9), 1);
  assert_int_equal(gcw_recog_at_start(r, "", 0), 0);
}

/* ---- every quote is what it claims to be ----------------------------------- */

/* Physical line `no` (1-based) of a corpus file, without its newline, into buf. */
static int corpus_line(const char *rel, int no, char *buf, size_t cap) {
  char path[1024];
  FILE *f = fopen(tu_corpus_plain(path, sizeof path, rel), "rb");
  int found = 0;
  if (!f)
    return -1;
  for (int i = 1; fgets(buf, (int)cap, f); i++) {
    size_t n = strlen(buf);
    int whole = n && buf[n - 1] == '\n';
    if (i == no) {
      if (whole)
        buf[n - 1] = '\0';
      found = 1;
      break;
    }
    while (!whole && fgets(buf, (int)cap, f)) { /* skip the rest of a long line */
      n = strlen(buf);
      whole = n && buf[n - 1] == '\n';
    }
  }
  fclose(f);
  return found;
}

static int check_corpus_quote(const char *rel, int no, const char *before, const char *text) {
  char got[8192], expect[8192];
  int rc = corpus_line(rel, no, got, sizeof got);
  if (rc < 0)
    return -1;
  snprintf(expect, sizeof expect, "%s%s", before ? before : "", text);
  if (rc == 1 && strcmp(got, expect) == 0)
    return 0;
  print_error("NOT VERBATIM: corpus %s:%d\n  corpus: %s\n  test:   %s\n", rel, no,
              rc == 1 ? got : "(no such line)", expect);
  return 1;
}

static void test_quotes_are_verbatim(void **state) {
  (void)state;
  char path[1024];
  char *formats = tu_slurp(tu_root(path, sizeof path, "docs/formats.md"), NULL);
  int bad = 0, missing = 0;
  if (!formats)
    fail_msg("docs/formats.md not found at %s: set GCW_ROOT", path);
  static char names[MAX_FILES][256];
  int nfiles = case_files(names, MAX_FILES);
  for (int t = 0; t < nfiles; t++) {
    table cases = load_cases(names[t]);
    for (size_t i = 0; i < cases.n; i++) {
      const want *w = &cases.w[i];
      if (w->from == REAL_FORMATS && !strstr(formats, w->text)) {
        print_error("NOT IN formats.md (claimed: %s): %s\n", w->src, w->text);
        bad++;
      } else if (w->from == REAL_CORPUS) {
        int rc = check_corpus_quote(w->cfile, w->cline, w->before, w->text);
        missing += rc < 0;
        bad += rc > 0;
      } else if (w->from == SYNTH && !strstr(w->src, "synthesized") && !strstr(w->src, "built") &&
                 !strstr(w->src, "rejoined")) {
        print_error("a synthesized line must say so: %s\n", w->text);
        bad++;
      }
    }
    table_free(&cases);
  }
  /* the split pieces of the prefix tests */
  static const struct {
    const char *const *text;
    int line;
  } pieces[] = {{&L84, 84}, {&L85, 85}, {&L675, 675}, {&L676, 676},
                {&L677, 677}, {&L678, 678}, {&L679, 679}};
  for (size_t i = 0; i < NELEM(pieces); i++) {
    int rc = check_corpus_quote("06_interleaved_applog/combined.log", pieces[i].line, NULL,
                                *pieces[i].text);
    missing += rc < 0;
    bad += rc > 0;
  }
  free(formats);
  if (missing) /* the corpus is part of the project: a quote that cannot be checked fails */
    fail_msg("%d corpus quote(s) not checked: corpus files not found", missing);
  if (bad)
    fail_msg("%d quote(s) are not what they claim to be", bad);
}

/* ---- driver --------------------------------------------------------------- */

static int setup(void **state) {
  char msg[512] = "";
  gcw_recog *r = NULL;
  if (gcw_recog_open(&r, msg, sizeof msg) != GCW_OK) {
    print_error("gcw_recog_open: %s\n", msg);
    return -1;
  }
  *state = r;
  return 0;
}

static int teardown(void **state) {
  gcw_recog *r = *state;
  gcw_recog_close(&r);
  return 0;
}

/* The two ways of matching parts (all at once, then one by one as the fallback) give the
** same event for every trace line of these real logs. */
static void test_body_and_parts_agree(void **state) {
  (void)state;
  static const char *const files[] = {
      "01_steady_state_web/gctrace.log", "05a_seed_map_freeosmemory/gctrace.log",
      "11_gcpacertrace/gctrace.log", "12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log",
      "12b_esbuild_0.1.26_go1.14.2/esbuild_stderr.log",
      "12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_stderr.log",
      "12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_gcpacertrace.log",
      "12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log", "13_forced_gc_storm/gctrace.log"};
  gcw_recog *r;
  char msg[256];
  assert_int_equal(gcw_recog_open(&r, msg, sizeof msg), GCW_OK);
  long compared = 0;
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    char path[512];
    size_t n;
    char *buf = tu_slurp(tu_corpus_plain(path, sizeof path, files[f]), &n);
    assert_non_null(buf);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
      gcw_event a, b;
      memset(&a, 0, sizeof a);
      memset(&b, 0, sizeof b);
      gcw_recog_use_body(r, 1);
      int ra = gcw_recog_line(r, line, strlen(line), &a);
      gcw_recog_use_body(r, 0);
      int rb = gcw_recog_line(r, line, strlen(line), &b);
      assert_int_equal(ra, rb);
      if (!ra)
        continue;
      compared++;
      assert_int_equal(a.family, b.family);
      assert_string_equal(a.kind, b.kind);
      assert_int_equal(a.unknown_parts, b.unknown_parts);
      assert_int_equal(a.era_min, b.era_min);
      assert_int_equal(a.era_max, b.era_max);
      for (int k = 0; k < GCW_NFIELDS; k++) {
        assert_int_equal(a.present[k], b.present[k]);
        if (a.present[k])
          assert_true(a.v[k] == b.v[k]);
      }
    }
    free(buf);
  }
  assert_true(compared > 1500);
  gcw_recog_close(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_body_and_parts_agree),
      cmocka_unit_test(test_case_files),
      cmocka_unit_test(test_line_behind_prefix),
      cmocka_unit_test(test_docker_json_record_needs_unwrapping),
      cmocka_unit_test(test_inittrace_not_recognized),
      cmocka_unit_test(test_prefix_split_lines_84_85),
      cmocka_unit_test(test_prefix_split_lines_675_679),
      cmocka_unit_test(test_prefix_other_pieces),
      cmocka_unit_test(test_start_literals),
      cmocka_unit_test(test_quotes_are_verbatim),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
