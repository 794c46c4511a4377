/*
** test_splice.c: splice repair against interleavings made the way the runtime makes them.
**
** formats.md §2.1: the runtime writes a trace line as one write(2) per token (a number, or
** the literal text between numbers, the final "\n" included) and an application writes its
** lines whole. So this test takes real trace lines (corpus 01, 05a, 06, 13), cuts each into
** those tokens, and glues real application lines (corpus 06) in at random token boundaries
** (the interleaving is built here; the lines are real). Whatever the cuts, every trace line
** must come back once, with the same fields as when read intact, marked repaired exactly
** when something was glued into it.
*/
#include "testutil.h"

#include "recog.h"
#include "splice.h"

#include <dirent.h>

enum { MAX_TRACE = 600, MAX_APP = 400 };

typedef struct collected {
  gcw_event ev[4 * MAX_TRACE];
  int n;
  int unparsed;
} collected;

static void on_event(void *ctx, const gcw_event *ev) {
  collected *c = ctx;
  if (c->n < 4 * MAX_TRACE)
    c->ev[c->n++] = *ev;
}

static void on_unparsed(void *ctx, long line, const char *text, size_t len, const char *why) {
  collected *c = ctx;
  fprintf(stderr, "unparsed at %ld (%s): %.*s\n", line, why, (int)len, text);
  c->unparsed++;
}

/* Lines of a corpus file that satisfy keep(). */
static int load_lines(const char *rel, char **out, int max, int (*keep)(const char *)) {
  char path[512];
  size_t n;
  char *buf = tu_slurp(tu_corpus_plain(path, sizeof path, rel), &n);
  assert_non_null(buf);
  int k = 0;
  for (char *line = strtok(buf, "\n"); line && k < max; line = strtok(NULL, "\n"))
    if (keep(line))
      out[k++] = strdup(line);
  free(buf);
  return k;
}

static int is_trace(const char *l) {
  return strncmp(l, "gc ", 3) == 0 || strncmp(l, "scav ", 5) == 0;
}
static int is_intact_trace(const char *l) {
  size_t n = strlen(l);
  return is_trace(l) && (strcmp(l + n - 2, " P") == 0 || strcmp(l + n - 4, "util") == 0 ||
                         strcmp(l + n - 8, "(forced)") == 0);
}
static int is_app(const char *l) { return strncmp(l, "2026/11/22 ", 11) == 0; }

/* The runtime's write boundaries: between a run of [0-9.] and a run of anything else. */
static int token_ends(const char *l, size_t *ends, int max) {
  int n = 0;
  size_t len = strlen(l);
  for (size_t i = 1; i <= len && n < max; i++) {
    int a = (l[i - 1] >= '0' && l[i - 1] <= '9') || l[i - 1] == '.';
    int b = i < len && ((l[i] >= '0' && l[i] <= '9') || l[i] == '.');
    if (i == len || a != b)
      ends[n++] = i;
  }
  return n;
}

static uint64_t rng_state;
static uint32_t rnd(void) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng_state >> 33);
}

typedef struct stream {
  char *text;
  size_t len, cap;
} stream;

static void put(stream *s, const char *p, size_t n) {
  if (s->len + n + 1 > s->cap) {
    s->cap = (s->len + n + 1) * 2;
    s->text = realloc(s->text, s->cap);
    assert_non_null(s->text);
  }
  memcpy(s->text + s->len, p, n);
  s->len += n;
  s->text[s->len] = '\0';
}

/* Feed a stream's lines to a fresh splicer. */
static void splice_all(gcw_recog *r, const char *text, collected *c) {
  gcw_splice *sp;
  gcw_splice_sink sink = {c, on_event, on_unparsed};
  assert_int_equal(gcw_splice_new(&sp, r, sink), GCW_OK);
  long no = 0;
  for (const char *p = text; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    gcw_splice_line(sp, p, n, ++no, NULL, NULL);
    p += n + (nl != NULL);
  }
  gcw_splice_finish(sp);
  gcw_splice_free(&sp);
}

static int same_fields(const gcw_event *a, const gcw_event *b) {
  if (a->family != b->family || a->unknown_parts != b->unknown_parts)
    return 0;
  for (int f = 0; f < GCW_NFIELDS; f++)
    if (a->present[f] != b->present[f] || (a->present[f] && a->v[f] != b->v[f]))
      return 0;
  return 1;
}

/* One interleaving: 30 app lines first (the app's usual line start is learnt from them),
** then every trace line cut at random token boundaries with app lines glued in. */
static void check_interleaving(gcw_recog *r, char **trace, int nt, char **app, int na,
                               unsigned cut_percent) {
  stream s = {NULL, 0, 0};
  int ai = 0, glued_lines = 0;
  int *glued = calloc((size_t)nt, sizeof *glued);
  for (int i = 0; i < 30; i++, ai++) {
    put(&s, app[ai % na], strlen(app[ai % na]));
    put(&s, "\n", 1);
  }
  for (int t = 0; t < nt; t++) {
    size_t ends[128];
    int ntok = token_ends(trace[t], ends, 128);
    size_t at = 0;
    for (int k = 0; k < ntok; k++) {
      put(&s, trace[t] + at, ends[k] - at);
      at = ends[k];
      /* a foreign line may land after any token, the last one (before "\n") included */
      if (rnd() % 100 < cut_percent) {
        const char *a = app[ai++ % na];
        put(&s, a, strlen(a));
        put(&s, "\n", 1);
        glued[t] = 1;
      }
    }
    put(&s, "\n", 1);
    glued_lines += glued[t];
    if (rnd() % 3 == 0) { /* sometimes whole app lines between trace lines */
      put(&s, app[ai % na], strlen(app[ai % na]));
      put(&s, "\n", 1);
      ai++;
    }
  }
  collected *want = calloc(1, sizeof *want), *got = calloc(1, sizeof *got);
  for (int t = 0; t < nt; t++) {
    assert_true(gcw_recog_line(r, trace[t], strlen(trace[t]), &want->ev[want->n]));
    want->n++;
  }
  splice_all(r, s.text, got);
  assert_int_equal(got->unparsed, 0);
  assert_int_equal(got->n, nt);
  /* events come out in the order their lines completed: match each to its source */
  int repaired = 0;
  for (int t = 0; t < nt; t++) {
    if (!same_fields(&want->ev[t], &got->ev[t])) {
      fprintf(stderr, "line %d differs after splicing: %s\n", t, trace[t]);
      fail();
    }
    assert_int_equal(got->ev[t].repaired, glued[t]);
    repaired += got->ev[t].repaired;
  }
  assert_int_equal(repaired, glued_lines);
  free(want);
  free(got);
  free(glued);
  free(s.text);
}

/* ---- the cases: tests/cases/splice/NAME.case (format: its README.md) ---------- */

enum { MAX_SOURCES = 8, MAX_RATES = 16, MAX_FILES = 64 };

typedef struct splice_case {
  char name[128];
  int interleave;                     /* 1: an interleaving, 0: real pieces */
  char trace[MAX_SOURCES][256];       /* interleave: corpus files of trace lines */
  int trace_max[MAX_SOURCES], ntrace;
  char app[256];
  int app_count;
  unsigned rates[MAX_RATES];
  int nrates, rounds, at_least;
  char pieces[256];                   /* real pieces: the corpus file */
  int lines, gc, repaired;
} splice_case;

static const char *splice_dir(char *buf, size_t n) {
  return tu_root(buf, n, "tests/cases/splice");
}

/* One "key value..." line into c; 0 when it is not understood. */
static int splice_line(splice_case *c, const char *key, const char *v) {
  if (strcmp(key, "trace") == 0 && c->ntrace < MAX_SOURCES)
    return sscanf(v, "%255s %d", c->trace[c->ntrace], &c->trace_max[c->ntrace]) == 2 &&
           c->trace_max[c->ntrace++] > 0;
  if (strcmp(key, "app") == 0)
    return sscanf(v, "%255s %d", c->app, &c->app_count) == 2 && c->app_count <= MAX_APP;
  if (strcmp(key, "rates") == 0) {
    int used = 0;
    for (const char *p = v;
         c->nrates < MAX_RATES && sscanf(p, "%u%n", &c->rates[c->nrates], &used) == 1; p += used)
      c->nrates++;
    return c->nrates > 0;
  }
  if (strcmp(key, "rounds") == 0)
    return sscanf(v, "%d", &c->rounds) == 1;
  if (strcmp(key, "at_least") == 0)
    return sscanf(v, "%d", &c->at_least) == 1;
  if (strcmp(key, "lines") == 0)
    return sscanf(v, "%d", &c->lines) == 1;
  if (strcmp(key, "gc") == 0)
    return sscanf(v, "%d", &c->gc) == 1;
  if (strcmp(key, "repaired") == 0)
    return sscanf(v, "%d", &c->repaired) == 1;
  return 0;
}

/* Every case of one file (at most max); a line it does not understand fails the test. */
static int load_splice_cases(const char *name, splice_case *out, int max) {
  char dir[512], path[1024], line[1024];
  snprintf(path, sizeof path, "%s/%s", splice_dir(dir, sizeof dir), name);
  FILE *f = fopen(path, "r");
  if (!f)
    fail_msg("cannot read %s", path);
  int n = 0;
  for (int no = 1; fgets(line, sizeof line, f); no++) {
    line[strcspn(line, "\n")] = '\0';
    if (line[0] == '#' || line[0] == '\0')
      continue;
    char *sp = strchr(line, ' ');
    if (sp)
      *sp++ = '\0';
    int starts = strcmp(line, "interleave") == 0 || strcmp(line, "pieces") == 0;
    if (starts && sp && n < max) {
      splice_case *c = &out[n++];
      memset(c, 0, sizeof *c);
      c->interleave = line[0] == 'i';
      snprintf(c->name, sizeof c->name, "%s", sp);
      if (!c->interleave)
        snprintf(c->pieces, sizeof c->pieces, "%s", sp);
      continue;
    }
    if (!n || !sp || !splice_line(&out[n - 1], line, sp))
      fail_msg("%s:%d: not understood (see tests/cases/splice/README.md)", path, no);
  }
  fclose(f);
  return n;
}

static void run_interleave(gcw_recog *r, const splice_case *c) {
  static char *traces[MAX_TRACE], *apps[MAX_APP];
  int nt = 0;
  for (int s = 0; s < c->ntrace; s++)
    nt += load_lines(c->trace[s], traces + nt,
                     c->trace_max[s] < MAX_TRACE - nt ? c->trace_max[s] : MAX_TRACE - nt,
                     is_intact_trace);
  int na = load_lines(c->app, apps, c->app_count, is_app);
  assert_true(nt > c->at_least);
  assert_int_equal(na, c->app_count);
  int rounds = tu_quick() ? 3 : c->rounds;
  for (int round = 0; round < rounds; round++)
    for (int i = 0; i < c->nrates; i++) {
      rng_state = 0x9E3779B97F4A7C15ull * (uint64_t)(round * 16 + i + 1);
      check_interleaving(r, traces, nt, apps, na, c->rates[i]);
    }
  for (int i = 0; i < nt; i++)
    free(traces[i]);
  for (int i = 0; i < na; i++)
    free(apps[i]);
}

/* Real pieces, fed as they are in the file. */
static void run_pieces(gcw_recog *r, const splice_case *c) {
  char path[512];
  size_t n;
  char *all = tu_slurp(tu_corpus_plain(path, sizeof path, c->pieces), &n);
  assert_non_null(all);
  char *end = all;
  for (int i = 0; i < c->lines && end; i++)
    end = strchr(end, '\n') ? strchr(end, '\n') + 1 : NULL;
  assert_non_null(end);
  *end = '\0';
  collected *got = calloc(1, sizeof *got);
  splice_all(r, all, got);
  assert_int_equal(got->unparsed, 0);
  int gcs = 0, rep = 0;
  for (int i = 0; i < got->n; i++)
    if (got->ev[i].family == GCW_FAM_GC) {
      gcs++;
      rep += got->ev[i].repaired;
      assert_int_equal((int)got->ev[i].v[GCW_F_gc], gcs); /* 1, 2, 3, ... in order */
    }
  assert_int_equal(gcs, c->gc);
  assert_int_equal(rep, c->repaired);
  free(got);
  free(all);
}

/* Before the cases became files (issue 13): one interleaving (3 trace sources, 6 rates)
** and one real-pieces case: none may vanish. */
enum { INTERLEAVINGS_AT_LEAST = 1, PIECES_AT_LEAST = 1 };

static void test_case_files(void **state) {
  (void)state;
  char dir[512];
  DIR *d = opendir(splice_dir(dir, sizeof dir));
  assert_non_null(d);
  gcw_recog *r;
  char msg[256];
  assert_int_equal(gcw_recog_open(&r, msg, sizeof msg), GCW_OK);
  static splice_case cases[MAX_FILES];
  int interleavings = 0, pieces = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".case") != 0)
      continue;
    int n = load_splice_cases(e->d_name, cases, MAX_FILES);
    for (int i = 0; i < n; i++) {
      print_message("%s: %s\n", e->d_name, cases[i].name);
      if (cases[i].interleave)
        run_interleave(r, &cases[i]), interleavings++;
      else
        run_pieces(r, &cases[i]), pieces++;
    }
  }
  closedir(d);
  gcw_recog_close(&r);
  assert_true(interleavings >= INTERLEAVINGS_AT_LEAST);
  assert_true(pieces >= PIECES_AT_LEAST);
}

/* The captured alloc streams (tests/cases/alloc_streams/README.md): every gc and scav line
** the runtime wrote is stored, none is lost. The expected counts come from the bytes: delete
** the application's own lines (each one write) and count the complete trace lines left. */
static long count_lines(const char *text, const char *prefix, const char *const *ends) {
  long n = 0;
  for (const char *p = text; *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (strncmp(p, prefix, strlen(prefix)) == 0)
      for (const char *const *e = ends; *e; e++) {
        size_t m = strlen(*e);
        if (len >= m && memcmp(p + len - m, *e, m) == 0) {
          n++;
          break;
        }
      }
    p += len + (nl != NULL);
  }
  return n;
}

static char *without_app_lines(const char *in) {
  size_t n = strlen(in);
  char *out = malloc(n + 1), *o = out;
  for (const char *p = in; *p;) {
    const char *skip = NULL;
    if (strncmp(p, "APP stderr line ", 16) == 0)
      skip = p + 16;
    else if (strncmp(p, "round ", 6) == 0)
      skip = p + 6;
    if (skip) {
      const char *q = skip;
      while (*q >= '0' && *q <= '9')
        q++;
      if (q > skip && (strncmp(q, "\n", 1) == 0 || strncmp(q, " done\n", 6) == 0)) {
        p = q + (q[0] == '\n' ? 1 : 6);
        continue;
      }
    }
    *o++ = *p++;
  }
  *o = '\0';
  return out;
}

static void test_captured_alloc_streams(void **state) {
  (void)state;
  static const char *const gc_ends[] = {" P", " P (forced)", NULL};
  static const char *const scav_ends[] = {"util", "util (forced)", NULL};
  char dir[512];
  tu_root(dir, sizeof dir, "tests/cases/alloc_streams");
  DIR *d = opendir(dir);
  assert_non_null(d);
  gcw_recog *r;
  char msg[256];
  assert_int_equal(gcw_recog_open(&r, msg, sizeof msg), GCW_OK);
  int files = 0;
  for (struct dirent *e; (e = readdir(d));) {
    size_t len = strlen(e->d_name);
    if (len < 5 || strcmp(e->d_name + len - 4, ".log") != 0)
      continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    char *raw = tu_slurp(path, NULL);
    char *clean = without_app_lines(raw);
    collected *c = calloc(1, sizeof *c);
    splice_all(r, raw, c);
    long gc = 0, scav = 0;
    for (int i = 0; i < c->n; i++) {
      gc += c->ev[i].family == GCW_FAM_GC;
      scav += c->ev[i].family == GCW_FAM_SCAV;
    }
    long want_gc = count_lines(clean, "gc ", gc_ends);
    long want_scav = count_lines(clean, "scav ", scav_ends);
    if (gc != want_gc || scav != want_scav) {
      fprintf(stderr, "%s: gc %ld of %ld, scav %ld of %ld\n", e->d_name, gc, want_gc, scav,
              want_scav);
      fail();
    }
    free(c);
    free(clean);
    free(raw);
    files++;
  }
  closedir(d);
  assert_int_equal(files, 23);
  gcw_recog_close(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_case_files),
      cmocka_unit_test(test_captured_alloc_streams),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
