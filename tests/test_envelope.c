/*
** test_envelope.c: envelopes taken off real container logs, and off records built from
** real lines where the corpus has no such envelope.
**
** Real files: 09a_kubectl_timestamps/kubectl_timestamps.log (125 lines, RFC3339Nano
** prefixes) and 09b_docker_jsonfile/container-json.log (55,979 Docker json-file records,
** every one ending in "\n", 24 on stdout; the only escapes in it are "\n" and "\u003e").
** The expectations for them are computed here with simple code of our own (cut at the
** first space; replace "\u003e" by ">"), not with the module under test.
** The corpus has no CRI and no syslog file: those cases are built in this file from real
** lines of 09a / 09b (each test says which), as are the damaged and hand-escaped records.
** Every input goes through lines.c first, as in the program.
*/
#include "testutil.h"

#include "envelope.h"
#include "lines.h"
#include "limits.h"

typedef struct got_line {
  char *text;
  size_t len;
  long line_no;
  int has_wall;
  char wall[40];
  long stream;
} got_line;

enum { BAD_KEPT = 16 };

typedef struct got {
  got_line *v;
  size_t n, cap;
  int nbad;
  long bad_line[BAD_KEPT];
} got;

static void on_line(void *ctx, const char *text, size_t len, long line_no, const char *wall,
                    long stream) {
  got *g = ctx;
  if (g->n == g->cap) {
    g->cap = g->cap ? 2 * g->cap : 64;
    g->v = realloc(g->v, g->cap * sizeof *g->v);
    assert_non_null(g->v);
  }
  got_line *l = &g->v[g->n++];
  l->text = malloc(len + 1);
  assert_non_null(l->text);
  memcpy(l->text, text, len);
  l->text[len] = '\0';
  l->len = len;
  l->line_no = line_no;
  l->has_wall = wall != NULL;
  snprintf(l->wall, sizeof l->wall, "%s", wall ? wall : "");
  l->stream = stream;
}

static void on_bad(void *ctx, long line_no, const char *why) {
  got *g = ctx;
  assert_non_null(why);
  if (g->nbad < BAD_KEPT)
    g->bad_line[g->nbad] = line_no;
  g->nbad++;
}

static void got_free(got *g) {
  for (size_t i = 0; i < g->n; i++)
    free(g->v[i].text);
  free(g->v);
  memset(g, 0, sizeof *g);
}

static void to_envelope(void *ctx, const char *text, size_t len, const gcw_line_info *info) {
  gcw_envelope_line(ctx, text, len, info->no);
}

/* Feed bytes through lines.c and an envelope of the given kind; *kind_out gets the kind. */
static got run_kind(gcw_envelope_kind kind, const char *bytes, size_t n,
                    gcw_envelope_kind *kind_out) {
  got g = {0};
  gcw_envelope *e;
  gcw_lines *l;
  assert_int_equal(gcw_envelope_new(&e, kind, (gcw_envelope_sink){&g, on_line, on_bad}), GCW_OK);
  assert_int_equal(gcw_lines_new(&l, (gcw_lines_sink){e, to_envelope, NULL}), GCW_OK);
  gcw_lines_feed(l, bytes, n);
  gcw_lines_finish(l);
  gcw_envelope_finish(e);
  if (kind_out)
    *kind_out = gcw_envelope_kind_of(e);
  gcw_lines_free(&l);
  gcw_envelope_free(&e);
  assert_null(e);
  return g;
}

static got run(gcw_envelope_kind kind, const char *s) { return run_kind(kind, s, strlen(s), NULL); }

static char *slurp_corpus(const char *rel, size_t *n) {
  char path[512];
  char *b = tu_slurp(tu_corpus_plain(path, sizeof path, rel), n);
  assert_non_null(b);
  return b;
}

/* The physical lines of buf (modified in place: newlines become NULs). */
static size_t split_lines(char *buf, size_t n, char **out, size_t max) {
  size_t k = 0;
  char *p = buf, *end = buf + n;
  while (p < end && k < max) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    if (nl)
      *nl = '\0';
    out[k++] = p;
    p = nl ? nl + 1 : end;
  }
  return k;
}

/* RFC3339Nano "...:ssZ" or "...:ss.fffffffffZ" to "...:ss.fffZ" (test's own, UTC only). */
static void expect_wall(const char *ts, char *out, size_t n) {
  const char *dot = ts + 19;
  char ms[4] = "000";
  if (*dot == '.')
    for (int i = 0; i < 3 && dot[1 + i] >= '0' && dot[1 + i] <= '9'; i++)
      ms[i] = dot[1 + i];
  snprintf(out, n, "%.19s.%sZ", ts, ms);
}

/* A 09a line's time prefix (its fraction has 0-9 digits) and the text after it; a 09b
** "time" value up to its closing quote. */
static int ts_len(const char *s) { return (int)strcspn(s, " \""); }
static const char *text_of(const char *line) { return line + ts_len(line) + 1; }

#define CORPUS_09A "09a_kubectl_timestamps/kubectl_timestamps.log"
#define CORPUS_09B "09b_docker_jsonfile/container-json.log"
enum { LINES_09A = 125, RECORDS_09B = 55979, STDOUT_09B = 24 };

/* ---- names and detection --------------------------------------------------- */

static void test_kind_names(void **state) {
  (void)state;
  static const char *names[] = {"auto", "plain", "docker", "cri", "timestamp", "syslog"};
  for (int k = GCW_ENV_AUTO; k <= GCW_ENV_SYSLOG; k++) {
    assert_string_equal(gcw_envelope_kind_name((gcw_envelope_kind)k), names[k]);
    assert_int_equal(gcw_envelope_kind_parse(names[k]), k);
  }
  assert_int_equal(gcw_envelope_kind_parse("json"), -1);
  assert_int_equal(gcw_envelope_kind_parse(""), -1);
  assert_int_equal(gcw_envelope_kind_parse(NULL), -1);
}

static gcw_envelope_kind detected(const char *input) {
  gcw_envelope_kind k;
  got g = run_kind(GCW_ENV_AUTO, input, strlen(input), &k);
  got_free(&g);
  return k;
}

/* First lines of 09a, 09b and 01, and a CRI and a syslog line built from 09a's first line. */
static void test_detect(void **state) {
  (void)state;
  size_t n;
  char *a = slurp_corpus(CORPUS_09A, &n), *b = slurp_corpus(CORPUS_09B, &n);
  char *plain = slurp_corpus("01_steady_state_web/gctrace.log", &n);
  char l1[1024], line[1200];
  snprintf(l1, sizeof l1, "%.*s", (int)strcspn(a, "\n"), a);
  assert_int_equal(detected(l1), GCW_ENV_TIMESTAMP);
  snprintf(line, sizeof line, "\n\n%.*s\n", (int)strcspn(b, "\n"), b);
  assert_int_equal(detected(line), GCW_ENV_DOCKER);
  snprintf(line, sizeof line, "%.*s", (int)strcspn(plain, "\n"), plain);
  assert_int_equal(detected(line), GCW_ENV_PLAIN);
  snprintf(line, sizeof line, "%.*s stderr F %s", ts_len(l1), l1, text_of(l1));
  assert_int_equal(detected(line), GCW_ENV_CRI);
  snprintf(line, sizeof line, "Nov 22 10:00:00 buildhost gcapp[4242]: %s", text_of(l1));
  assert_int_equal(detected(line), GCW_ENV_SYSLOG);
  assert_int_equal(detected("Nov 22 10:00:00 buildhost gcapp[4242] no colon"), GCW_ENV_PLAIN);
  assert_int_equal(detected("Nov 22 10:00:00 buildhost"), GCW_ENV_PLAIN);
  assert_int_equal(detected("Nov 22 10:00 buildhost gcapp[4242]: x"), GCW_ENV_PLAIN);
  assert_int_equal(detected("\n\n"), GCW_ENV_AUTO); /* no non-empty line yet */
  free(a);
  free(b);
  free(plain);
}

/* A forced kind is kept: a Docker record read as plain text is passed on unchanged. */
static void test_forced_plain(void **state) {
  (void)state;
  size_t n;
  char *b = slurp_corpus(CORPUS_09B, &n);
  size_t len = strcspn(b, "\n");
  gcw_envelope_kind k;
  got g = run_kind(GCW_ENV_PLAIN, b, len + 1, &k);
  assert_int_equal(k, GCW_ENV_PLAIN);
  assert_int_equal(g.n, 1);
  assert_int_equal(g.nbad, 0);
  assert_int_equal(g.v[0].len, len);
  assert_memory_equal(g.v[0].text, b, len);
  assert_false(g.v[0].has_wall);
  assert_int_equal(g.v[0].stream, 0);
  got_free(&g);
  free(b);
}

/* ---- 09a: kubectl --timestamps --------------------------------------------- */

static void test_09a_timestamps(void **state) {
  (void)state;
  size_t n;
  char *buf = slurp_corpus(CORPUS_09A, &n);
  gcw_envelope_kind k;
  got g = run_kind(GCW_ENV_AUTO, buf, n, &k);
  char *lines[LINES_09A + 1];
  assert_int_equal(split_lines(buf, n, lines, LINES_09A + 1), LINES_09A);
  assert_int_equal(k, GCW_ENV_TIMESTAMP);
  assert_int_equal(g.nbad, 0);
  assert_int_equal(g.n, LINES_09A);
  for (size_t i = 0; i < g.n; i++) {
    char wall[40];
    const char *text = strchr(lines[i], ' ') + 1;
    assert_string_equal(g.v[i].text, text);
    assert_int_equal(g.v[i].len, strlen(text));
    assert_int_equal(g.v[i].line_no, (long)i + 1);
    assert_int_equal(g.v[i].stream, 0);
    assert_true(g.v[i].has_wall);
    expect_wall(lines[i], wall, sizeof wall);
    assert_string_equal(g.v[i].wall, wall);
  }
  /* line 1: "2026-11-22T10:20:47.060684404Z gc 1 @0.103s 3%: ..." */
  assert_string_equal(g.v[0].wall, "2026-11-22T10:20:47.060Z");
  got_free(&g);
  free(buf);
}

/* ---- 09b: Docker json-file ------------------------------------------------- */

/* The test's own decoding of a 09b record: the "log" value with "\u003e" as ">" and the
** final "\n" dropped (the file has no other escapes: see the header comment). */
static void decode_09b(const char *rec, char *out, size_t cap) {
  const char *p = rec + strlen("{\"log\":\""), *end = strstr(rec, "\\n\",\"stream\":");
  size_t k = 0;
  assert_non_null(end);
  while (p < end && k + 1 < cap) {
    if (strncmp(p, "\\u003e", 6) == 0) {
      out[k++] = '>';
      p += 6;
    } else {
      out[k++] = *p++;
    }
  }
  out[k] = '\0';
}

static void test_09b_docker(void **state) {
  (void)state;
  size_t n;
  char *buf = slurp_corpus(CORPUS_09B, &n);
  gcw_envelope_kind k;
  got g = run_kind(GCW_ENV_AUTO, buf, n, &k);
  char **recs = malloc((RECORDS_09B + 1) * sizeof *recs);
  assert_non_null(recs);
  assert_int_equal(split_lines(buf, n, recs, RECORDS_09B + 1), RECORDS_09B);
  size_t ended = 0, on_stdout = 0;
  for (size_t i = 0; i < RECORDS_09B; i++) {
    ended += strstr(recs[i], "\\n\",\"stream\":") != NULL;
    on_stdout += strstr(recs[i], "\"stream\":\"stdout\"") != NULL;
  }
  /* what the file really has: no record continues a line, so records == lines */
  assert_int_equal(ended, RECORDS_09B);
  assert_int_equal(on_stdout, STDOUT_09B);
  assert_int_equal(k, GCW_ENV_DOCKER);
  assert_int_equal(g.nbad, 0);
  assert_int_equal(g.n, RECORDS_09B);
  size_t streams[3] = {0, 0, 0};
  char expect[2048], wall[40];
  for (size_t i = 0; i < g.n; i++) {
    got_line *l = &g.v[i];
    assert_int_equal(l->line_no, (long)i + 1);
    assert_in_range(l->stream, 1, 2);
    streams[l->stream]++;
    assert_int_equal(l->stream, strstr(recs[i], "\"stream\":\"stdout\"") ? 1 : 2);
    decode_09b(recs[i], expect, sizeof expect);
    assert_string_equal(l->text, expect);
    expect_wall(strstr(recs[i], "\"time\":\"") + 8, wall, sizeof wall);
    assert_string_equal(l->wall, wall);
  }
  assert_int_equal(streams[1], STDOUT_09B);
  assert_int_equal(streams[2], RECORDS_09B - STDOUT_09B);
  /* record 10: {"log":"gc 1 @0.004s ... 3-\u003e4-\u003e0 MB, ...","stream":"stderr",
  ** "time":"2026-11-22T10:21:32.396486575Z"} */
  assert_string_equal(g.v[9].text,
                      "gc 1 @0.004s 3%: 0.090+0.56+0.003 ms clock, 0.18+0.046/0.090/0.11+0.006 ms "
                      "cpu, 3->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P");
  assert_non_null(strstr(g.v[9].text, "3->4->0 MB"));
  assert_string_equal(g.v[9].wall, "2026-11-22T10:21:32.396Z");
  /* record 1 keeps its raw UTF-8 ("dur=129.725µs") */
  assert_non_null(strstr(g.v[0].text, "dur=129.725\xc2\xb5s"));
  /* record 2260 is the first STATUS record on stdout */
  assert_string_equal(g.v[2259].text, "STATUS t=1s requests=1707");
  assert_int_equal(g.v[2259].stream, 1);
  got_free(&g);
  free(recs);
  free(buf);
}

/* A real record (09b line 10) cut in half by the test, between records 1 and 20, and a
** stray plain line: both reported with their line numbers and passed on raw. */
static void test_docker_cut_record(void **state) {
  (void)state;
  size_t n;
  char *buf = slurp_corpus(CORPUS_09B, &n);
  char *recs[21], input[4096];
  assert_int_equal(split_lines(buf, n, recs, 21), 21);
  int half = (int)strlen(recs[9]) / 2;
  snprintf(input, sizeof input, "%s\n%.*s\n%s\nstray plain line\n", recs[0], half, recs[9],
           recs[19]);
  got g = run(GCW_ENV_AUTO, input);
  assert_int_equal(g.nbad, 2);
  assert_int_equal(g.bad_line[0], 2);
  assert_int_equal(g.bad_line[1], 4);
  assert_int_equal(g.n, 4);
  assert_int_equal(g.v[1].line_no, 2);
  assert_int_equal(g.v[1].len, (size_t)half);
  assert_memory_equal(g.v[1].text, recs[9], (size_t)half);
  assert_false(g.v[1].has_wall);
  assert_int_equal(g.v[1].stream, 0);
  assert_int_equal(g.v[2].line_no, 3);
  assert_int_equal(g.v[2].stream, 2);
  assert_true(strncmp(g.v[2].text, "gc 2 @0.010s", 12) == 0);
  assert_string_equal(g.v[3].text, "stray plain line");
  assert_int_equal(g.v[3].stream, 0);
  got_free(&g);
  free(buf);
}

/* 09b record 10's line split in two records (as Docker does past 16 KiB; the split is built
** here), the first with record 10's time, the second with record 11's and its keys in
** another order; between them the real stdout record 2260. */
static void test_docker_join(void **state) {
  (void)state;
  size_t n;
  char *buf = slurp_corpus(CORPUS_09B, &n);
  char *recs[2260], input[4096], whole[1024];
  assert_int_equal(split_lines(buf, n, recs, 2260), 2260);
  decode_09b(recs[9], whole, sizeof whole);
  const char *log = recs[9] + 8, *t10 = strstr(recs[9], "\"time\":\"") + 8;
  const char *t11 = strstr(recs[10], "\"time\":\"") + 8;
  int cut = 30; /* "gc 1 @0.004s 3%: 0.090+0.56+0" | ".003 ms clock, ..." */
  int rest = (int)(strstr(log, "\\n\"") - log) - cut;
  snprintf(input, sizeof input,
           "{\"log\":\"%.*s\",\"stream\":\"stderr\",\"time\":\"%.*s\"}\n%s\n"
           "{\"time\":\"%.*s\", \"stream\":\"stderr\", \"log\":\"%.*s\\n\"}\n"
           "{\"log\":\"unfinished\",\"stream\":\"stdout\",\"time\":\"%.*s\"}\n",
           cut, log, ts_len(t10), t10, recs[2259], ts_len(t11), t11, rest, log + cut, ts_len(t11),
           t11);
  got g = run(GCW_ENV_AUTO, input);
  char wall[40];
  assert_int_equal(g.nbad, 0);
  assert_int_equal(g.n, 3);
  assert_string_equal(g.v[0].text, "STATUS t=1s requests=1707");
  assert_int_equal(g.v[0].line_no, 2);
  assert_int_equal(g.v[0].stream, 1);
  assert_string_equal(g.v[1].text, whole);
  assert_int_equal(g.v[1].line_no, 1);
  assert_int_equal(g.v[1].stream, 2);
  expect_wall(t10, wall, sizeof wall);
  assert_string_equal(g.v[1].wall, wall);
  /* a partial record at the end of the input is delivered by finish */
  assert_string_equal(g.v[2].text, "unfinished");
  assert_int_equal(g.v[2].line_no, 4);
  got_free(&g);
  free(buf);
}

/* Hand-escaped records (built here): every JSON escape, \u0000 kept, a surrogate pair. */
static void test_json_escapes(void **state) {
  (void)state;
  got g = run(GCW_ENV_DOCKER,
              "{\"log\":\"a\\u0000b\\ud83d\\ude00\\u00e9\\u2206\\\"\\\\\\/\\b\\f\\tz\\n\","
              "\"stream\":\"stderr\",\"time\":\"2026-11-22T10:21:32.391915397Z\"}\n"
              "{\"log\":\"lone \\udc00 \\uD800x\\r\\n\",\"stream\":\"stdout\"}\n"
              "{\"log\":\"a\\nb\\n\",\"stream\":\"stdout\"}\n");
  static const char want[] = "a\0b\xf0\x9f\x98\x80\xc3\xa9\xe2\x88\x86\"\\/\b\f\tz";
  assert_int_equal(g.nbad, 0);
  assert_int_equal(g.n, 4);
  assert_int_equal(g.v[0].len, sizeof want - 1);
  assert_memory_equal(g.v[0].text, want, sizeof want - 1);
  assert_string_equal(g.v[0].wall, "2026-11-22T10:21:32.391Z");
  assert_string_equal(g.v[1].text, "lone \xef\xbf\xbd \xef\xbf\xbdx"); /* "\r\n" ends it */
  assert_false(g.v[1].has_wall);
  assert_string_equal(g.v[2].text, "a");
  assert_string_equal(g.v[3].text, "b");
  assert_int_equal(g.v[3].line_no, 3);
  got_free(&g);
}

static void expect_bad_docker(const char *record) {
  char input[512];
  snprintf(input, sizeof input, "%s\n", record);
  got g = run(GCW_ENV_DOCKER, input);
  assert_int_equal(g.nbad, 1);
  assert_int_equal(g.bad_line[0], 1);
  assert_int_equal(g.n, 1);
  assert_string_equal(g.v[0].text, record);
  assert_int_equal(g.v[0].stream, 0);
  assert_false(g.v[0].has_wall);
  got_free(&g);
}

static void test_json_invalid(void **state) {
  (void)state;
  expect_bad_docker("{\"log\":\"bad \\x escape\\n\",\"stream\":\"stderr\"}");
  expect_bad_docker("{\"log\":\"bad \\u12G4 hex\\n\",\"stream\":\"stderr\"}");
  expect_bad_docker("{\"log\":\"short \\u12\",\"stream\":\"stderr\"}");
  expect_bad_docker("{\"log\":\"no stream\\n\"}");
  expect_bad_docker("{\"log\":\"x\\n\",\"stream\":\"stdin\"}");
  expect_bad_docker("{\"log\":\"x\\n\",\"stream\":\"stderr\",\"time\":\"yesterday\"}");
  expect_bad_docker("{\"log\":\"x\\n\",\"stream\":\"stderr\"} trailing");
  expect_bad_docker("{\"log\":\"x\\n\",\"stream\":\"stderr\"");
}

/* ---- CRI (built from 09a lines) -------------------------------------------- */

static void test_cri(void **state) {
  (void)state;
  size_t n;
  char *buf = slurp_corpus(CORPUS_09A, &n);
  char *lines[LINES_09A], input[4096];
  assert_int_equal(split_lines(buf, n, lines, LINES_09A), LINES_09A);
  /* the first app line of 09a: "2026-11-22T10:20:56Z audit entries: 19906" (stdout) */
  int app = 0;
  while (app < LINES_09A && strstr(lines[app], "audit entries") == NULL)
    app++;
  assert_true(app < LINES_09A);
  /* CRI records: the 09a time of each line, a stream, P/F, the 09a text; line 4's gc line
  ** is cut in a P and an F record with a stdout record between them. */
  const char *t4 = text_of(lines[3]);
  snprintf(input, sizeof input,
           "%.*s stderr F %s\n%.*s stderr P %.20s\n%.*s stdout F %s\n%.*s stderr F %s\n"
           "%.*s stderr P %s\n",
           ts_len(lines[0]), lines[0], text_of(lines[0]), ts_len(lines[3]), lines[3], t4,
           ts_len(lines[app]), lines[app], text_of(lines[app]), ts_len(lines[4]), lines[4],
           t4 + 20, ts_len(lines[1]), lines[1], text_of(lines[1]));
  gcw_envelope_kind k;
  got g = run_kind(GCW_ENV_AUTO, input, strlen(input), &k);
  char wall[40];
  assert_int_equal(k, GCW_ENV_CRI);
  assert_int_equal(g.nbad, 0);
  assert_int_equal(g.n, 4);
  assert_string_equal(g.v[0].text, text_of(lines[0]));
  assert_int_equal(g.v[0].stream, 2);
  assert_string_equal(g.v[1].text, text_of(lines[app]));
  assert_int_equal(g.v[1].stream, 1);
  assert_int_equal(g.v[1].line_no, 3);
  assert_string_equal(g.v[2].text, t4); /* joined P + F */
  assert_int_equal(g.v[2].line_no, 2);
  assert_int_equal(g.v[2].stream, 2);
  expect_wall(lines[3], wall, sizeof wall);
  assert_string_equal(g.v[2].wall, wall);
  assert_string_equal(g.v[3].text, text_of(lines[1])); /* a P record at the end: finish */
  assert_int_equal(g.v[3].line_no, 5);
  got_free(&g);

  g = run(GCW_ENV_CRI, "2026-11-22T10:20:47.060684404Z stdin F x\n"
                       "2026-11-22T10:20:47.060684404Z stdout F\n");
  assert_int_equal(g.nbad, 1);
  assert_int_equal(g.bad_line[0], 1);
  assert_string_equal(g.v[0].text, "2026-11-22T10:20:47.060684404Z stdin F x");
  assert_string_equal(g.v[1].text, ""); /* an empty line */
  assert_int_equal(g.v[1].stream, 1);
  got_free(&g);
  free(buf);
}

/* Partial records past GCW_LINE_MAX: CRI records P 600 KiB, P 600 KiB, F 1000 bytes, built
** from 09a's line 4 repeated: the pending text is delivered as it is when the next would
** not fit (reported at line 2), and the second P joins the F. */
static void test_pending_limit(void **state) {
  (void)state;
  size_t n, part = 600 * 1024, sizes[3] = {600 * 1024, 600 * 1024, 1000};
  char *buf = slurp_corpus(CORPUS_09A, &n);
  char *lines[LINES_09A];
  assert_int_equal(split_lines(buf, n, lines, LINES_09A), LINES_09A);
  const char *text = text_of(lines[3]), *tags = "PPF";
  size_t tl = strlen(text), rec = 64 + part;
  char *input = malloc(3 * rec + 1), *o = input;
  assert_non_null(input);
  for (int r = 0; r < 3; r++) {
    o += sprintf(o, "%.*s stderr %c ", ts_len(lines[3]), lines[3], tags[r]);
    for (size_t i = 0; i < sizes[r]; i++)
      *o++ = text[i % tl];
    *o++ = '\n';
  }
  got g = run_kind(GCW_ENV_CRI, input, (size_t)(o - input), NULL);
  assert_int_equal(g.nbad, 1);
  assert_int_equal(g.bad_line[0], 2);
  assert_int_equal(g.n, 2);
  assert_int_equal(g.v[0].len, part);
  assert_int_equal(g.v[0].line_no, 1);
  assert_int_equal(g.v[1].len, part + 1000);
  assert_int_equal(g.v[1].line_no, 2);
  assert_memory_equal(g.v[1].text, g.v[0].text, part);
  got_free(&g);
  free(input);
  free(buf);
}

/* ---- SYSLOG (built from 09a gc lines with two pids) ------------------------- */

static void test_syslog(void **state) {
  (void)state;
  size_t n;
  char *buf = slurp_corpus(CORPUS_09A, &n);
  char *lines[LINES_09A], input[4096];
  assert_int_equal(split_lines(buf, n, lines, LINES_09A), LINES_09A);
  snprintf(input, sizeof input,
           "Nov 22 10:00:00 buildhost gcapp[4242]: %s\n"
           "Nov 22 10:00:00 buildhost gcapp[4343]: %s\n"
           "Nov  2 09:59:59 buildhost kernel: no pid here\n"
           "%s\n",
           text_of(lines[0]), text_of(lines[3]), lines[1]);
  gcw_envelope_kind k;
  got g = run_kind(GCW_ENV_AUTO, input, strlen(input), &k);
  assert_int_equal(k, GCW_ENV_SYSLOG);
  assert_int_equal(g.n, 4);
  assert_string_equal(g.v[0].text, text_of(lines[0]));
  assert_int_equal(g.v[0].stream, 4242);
  assert_string_equal(g.v[0].wall, "--11-22T10:00:00");
  assert_string_equal(g.v[1].text, text_of(lines[3]));
  assert_int_equal(g.v[1].stream, 4343);
  assert_string_equal(g.v[1].wall, "--11-22T10:00:00");
  assert_string_equal(g.v[2].text, "no pid here");
  assert_int_equal(g.v[2].stream, 0);
  assert_string_equal(g.v[2].wall, "--11-02T09:59:59");
  /* a 09a line in a syslog stream does not fit */
  assert_int_equal(g.nbad, 1);
  assert_int_equal(g.bad_line[0], 4);
  assert_string_equal(g.v[3].text, lines[1]);
  assert_false(g.v[3].has_wall);
  got_free(&g);
  free(buf);
}

/* ---- wall time normalization ------------------------------------------------ */

static void expect_wall_of(const char *line, const char *want) {
  char input[256];
  snprintf(input, sizeof input, "%s\n", line);
  got g = run(GCW_ENV_TIMESTAMP, input);
  assert_int_equal(g.n, 1);
  if (want) {
    assert_int_equal(g.nbad, 0);
    assert_string_equal(g.v[0].wall, want);
    assert_string_equal(g.v[0].text, "x");
  } else {
    assert_int_equal(g.nbad, 1);
    assert_false(g.v[0].has_wall);
    assert_string_equal(g.v[0].text, line);
  }
  got_free(&g);
}

static void test_wall_offsets(void **state) {
  (void)state;
  expect_wall_of("2026-11-22T12:00:00.123456+02:00 x", "2026-11-22T10:00:00.123Z");
  expect_wall_of("2026-12-31T23:30:00-01:00 x", "2027-01-01T00:30:00.000Z");
  expect_wall_of("2028-03-01T00:30:00+01:00 x", "2028-02-29T23:30:00.000Z");
  expect_wall_of("2026-01-01T00:15:00+05:30 x", "2025-12-31T18:45:00.000Z");
  expect_wall_of("2026-11-22T10:20:47.4Z x", "2026-11-22T10:20:47.400Z");
  expect_wall_of("2026-11-22T10:20:47.43823048Z x", "2026-11-22T10:20:47.438Z");
  expect_wall_of("2026-11-22T10:20:47 x", NULL);          /* no zone */
  expect_wall_of("2026-02-29T00:00:00Z x", NULL);         /* not a leap year */
  expect_wall_of("2026-11-22T10:20:47.Z x", NULL);        /* empty fraction */
  expect_wall_of("2026-11-22T10:20:47+2:00 x", NULL);     /* short offset */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kind_names),     cmocka_unit_test(test_detect),
      cmocka_unit_test(test_forced_plain),   cmocka_unit_test(test_09a_timestamps),
      cmocka_unit_test(test_09b_docker),     cmocka_unit_test(test_docker_cut_record),
      cmocka_unit_test(test_docker_join),    cmocka_unit_test(test_json_escapes),
      cmocka_unit_test(test_json_invalid),   cmocka_unit_test(test_cri),
      cmocka_unit_test(test_pending_limit),  cmocka_unit_test(test_syslog),
      cmocka_unit_test(test_wall_offsets),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
