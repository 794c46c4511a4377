/*
** envelope.c: take each record's text out of its container envelope. See envelope.h.
**
** Joining (DOCKER and CRI), one slot per stream key (1 stdout, 2 stderr):
**
**   CLOSED --record that ends its line-----> CLOSED   delivered straight from the record
**   CLOSED --record that does not end it---> OPEN     line number and wall of this record
**   OPEN   --record that does not end it---> OPEN     text appended
**   OPEN   --record that ends its line-----> CLOSED   the joined text delivered
**   OPEN   --text would pass GCW_LINE_MAX--> CLOSED   the pending text delivered as it is
**                                                     (`bad`), then the record as above
**   OPEN   --gcw_envelope_finish()---------> CLOSED   the pending text delivered as it is
**
** A record that does not fit the detected envelope never touches a slot: it goes to `bad`
** and on as plain text (stream 0, no wall). An empty physical line is passed on as an
** empty plain line without `bad` (a blank line says nothing about the envelope).
** The `wall` handed to the sink lives only for the duration of the call.
*/
#include "envelope.h"

#include "limits.h"
#include "utf8.h"
#include "walltime.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

enum {
  WALL_MAX = GCW_WALL_MAX,
  JOIN_KEYS = 2 /* stream keys that join: 1 stdout, 2 stderr */
};
_Static_assert((int)JOIN_KEYS <= (int)GCW_STREAMS_OPEN, "the pipeline keeps every joining stream apart");

#define DECODE_BAD ((size_t)-1)

typedef struct pending {
  long key;            /* the stream key of this slot */
  int open;            /* a logical line has begun and not ended */
  long line_no;        /* the line where it began */
  int has_wall;        /* 0: the first record had no time */
  char wall[WALL_MAX]; /* the first record's time, normalized */
  size_t len;          /* bytes in text, at most GCW_LINE_MAX */
  char *text;          /* GCW_LINE_MAX bytes inside gcw_envelope.block */
} pending;

struct gcw_envelope {
  gcw_envelope_sink sink;
  gcw_envelope_kind kind;    /* GCW_ENV_AUTO until the first non-empty line */
  gcw_envelope_kind candidate; /* a prefix kind awaiting the first trace line, or AUTO */
  gcw_trace_probe probe;       /* NULL: the first line decides */
  void *probe_ctx;
  char *block;               /* scratch and slot texts; NULL for kinds that never join */
  char *scratch;             /* a decoded Docker "log" value, GCW_LINE_MAX bytes */
  pending slot[JOIN_KEYS];   /* slot[key - 1] */
};

typedef gcw_civil civil;

typedef struct span {
  const char *p; /* NULL: absent */
  size_t n;
} span;

/* ---- sink ----------------------------------------------------------------- */

static void emit(gcw_envelope *e, const char *t, size_t n, long line_no, const char *wall,
                 long key) {
  if (e->sink.line)
    e->sink.line(e->sink.ctx, t, n, line_no, wall, key);
}

static void report(gcw_envelope *e, long line_no, const char *why) {
  if (e->sink.bad)
    e->sink.bad(e->sink.ctx, line_no, why);
}

/* A record that does not fit: reported, then passed on whole as plain text. */
static void pass_bad(gcw_envelope *e, const char *t, size_t n, long line_no, const char *why) {
  report(e, line_no, why);
  emit(e, t, n, line_no, NULL, 0);
}

/* The whole of p is an RFC 3339 time: its normalized wall time. */
static int wall_of(span s, char wall[WALL_MAX]) {
  civil c;
  return gcw_rfc3339_parse(s.p, s.n, &c) == s.n && gcw_wall_format(c, wall);
}

/* ---- joining ---------------------------------------------------------------- */

static int envelope_ok(const gcw_envelope *e) {
  for (int i = 0; i < JOIN_KEYS; i++) {
    const pending *s = &e->slot[i];
    if (s->len > GCW_LINE_MAX || (!s->open && s->len) || (s->open && !s->text))
      return 0;
  }
  return 1;
}

/* A logical line that ended with its record: a Docker "\r\n" loses its "\r" too. */
static void end_line(gcw_envelope *e, const char *t, size_t n, long line_no, const char *wall,
                     long key) {
  if (e->kind == GCW_ENV_DOCKER && n > 0 && t[n - 1] == '\r')
    n--;
  emit(e, t, n, line_no, wall, key);
}

/* The pending text as it is (end of input, or the limit was reached). */
static void flush(gcw_envelope *e, pending *s) {
  emit(e, s->text, s->len, s->line_no, s->has_wall ? s->wall : NULL, s->key);
  s->open = 0;
  s->len = 0;
}

static void open_slot(pending *s, long line_no, const char *wall) {
  s->open = 1;
  s->line_no = line_no;
  s->has_wall = wall != NULL;
  if (wall)
    memcpy(s->wall, wall, WALL_MAX);
  s->len = 0;
}

/* One piece of a logical line of stream key (1 or 2), n <= GCW_LINE_MAX; ends: it is the
** last piece. line_no and wall are the record's; they matter when the piece is the first. */
static void take_piece(gcw_envelope *e, long key, const char *t, size_t n, int ends,
                       long line_no, const char *wall) {
  assert(key >= 1 && key <= JOIN_KEYS && n <= GCW_LINE_MAX);
  pending *s = &e->slot[key - 1];
  if (s->open && s->len + n > GCW_LINE_MAX) {
    flush(e, s);
    report(e, line_no, "a line in partial records passes the 1 MiB limit; delivered in parts");
  }
  if (!s->open && ends) {
    end_line(e, t, n, line_no, wall, key); /* the common case: no copy */
    return;
  }
  if (!s->open)
    open_slot(s, line_no, wall);
  memcpy(s->text + s->len, t, n);
  s->len += n;
  if (ends) {
    end_line(e, s->text, s->len, s->line_no, s->has_wall ? s->wall : NULL, key);
    s->open = 0;
    s->len = 0;
  }
}

/* ---- DOCKER json-file ----------------------------------------------------------- */

typedef struct docker_rec {
  span log, time; /* raw JSON string bodies, between the quotes */
  long key;       /* 1 stdout, 2 stderr, 0 absent or other */
} docker_rec;

static const char *skip_ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
    p++;
  return p;
}

/* Past the closing quote of the JSON string opening at p, or NULL if it never closes. */
static const char *skip_string(const char *p, const char *end) {
  for (p++; p < end; p++) {
    if (*p == '\\') {
      if (++p == end)
        return NULL;
    } else if (*p == '"') {
      return p + 1;
    }
  }
  return NULL;
}

/* Past any JSON value at p (string, object, array or scalar), or NULL if cut short. */
static const char *skip_value(const char *p, const char *end) {
  size_t depth = 0;
  while (p < end) {
    char c = *p;
    if (c == '"') {
      if (!(p = skip_string(p, end)))
        return NULL;
      if (depth == 0)
        return p;
      continue;
    }
    if (depth == 0 && (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' ||
                       c == '\r' || c == '\n'))
      return p; /* a scalar ends */
    if (c == '{' || c == '[')
      depth++;
    else if ((c == '}' || c == ']') && --depth == 0)
      return p + 1;
    p++;
  }
  return NULL;
}

static int span_is(span s, const char *lit) {
  size_t k = strlen(lit);
  return s.n == k && memcmp(s.p, lit, k) == 0;
}

/* One "key": value member at p into r; past it, or NULL if it is malformed. */
static const char *member(const char *p, const char *end, docker_rec *r) {
  if (*p != '"')
    return NULL;
  const char *q = skip_string(p, end);
  if (!q)
    return NULL;
  span key = {p + 1, (size_t)(q - p - 2)};
  q = skip_ws(q, end);
  if (q == end || *q != ':')
    return NULL;
  const char *v = skip_ws(q + 1, end), *after = skip_value(v, end);
  if (!after || after == v)
    return NULL;
  if (span_is(key, "log") || span_is(key, "time") || span_is(key, "stream")) {
    if (*v != '"')
      return NULL;
    span s = {v + 1, (size_t)(after - v) - 2};
    if (key.n == 3)
      r->log = s;
    else if (key.n == 4)
      r->time = s;
    else
      r->key = span_is(s, "stdout") ? 1 : span_is(s, "stderr") ? 2 : 0;
  }
  return after;
}

/* Take a record apart; NULL when it is one, else why not. */
static const char *parse_docker(const char *p, size_t n, docker_rec *r) {
  static const char *cut = "not a complete Docker json-file record";
  const char *end = p + n;
  memset(r, 0, sizeof *r);
  p = skip_ws(p, end);
  if (p == end || *p != '{')
    return cut;
  p = skip_ws(p + 1, end);
  while (p < end && *p != '}') {
    if (!(p = member(p, end, r)))
      return cut;
    p = skip_ws(p, end);
    if (p < end && *p == ',')
      p = skip_ws(p + 1, end);
    else if (p < end && *p != '}')
      return cut;
  }
  if (p == end)
    return cut;
  if (skip_ws(p + 1, end) != end)
    return "text after a Docker json-file record";
  if (!r->log.p)
    return "Docker json-file record without \"log\"";
  if (!r->key)
    return "Docker json-file record without \"stream\" stdout or stderr";
  return NULL;
}

/* The 4 hex digits at p (before end) as a number, or -1. */
static long hex4(const char *p, const char *end) {
  long v = 0;
  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    int d = gcw_is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
          : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

/* "\uXXXX" at p, with the low half of a surrogate pair after it; a lone surrogate becomes
** U+FFFD as encoding/json decodes it. Past it, or NULL. */
static const char *unicode_escape(const char *p, const char *end, char **o) {
  long cp = hex4(p + 2, end), lo = -1;
  if (cp < 0)
    return NULL;
  p += 6;
  if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u')
    lo = hex4(p + 2, end);
  if (lo >= 0xDC00 && lo <= 0xDFFF) {
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    p += 6;
  } else if (cp >= 0xD800 && cp <= 0xDFFF) {
    cp = 0xFFFD;
  }
  *o += gcw_utf8_put(*o, cp);
  return p;
}

/* The escape at p (a backslash) into *o; past it, or NULL if it is not a JSON escape. */
static const char *json_escape(const char *p, const char *end, char **o) {
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  if (end - p < 2)
    return NULL;
  if (p[1] == 'u')
    return unicode_escape(p, end, o);
  const char *k = p[1] ? strchr(from, p[1]) : NULL;
  if (!k)
    return NULL;
  *(*o)++ = to[k - from];
  return p + 2;
}

/* Decode a JSON string body into out; its length (never more than s.n), or DECODE_BAD. */
static size_t json_decode(span s, char *out) {
  const char *p = s.p, *end = s.p + s.n;
  char *o = out;
  while (p < end) {
    const char *bs = memchr(p, '\\', (size_t)(end - p));
    size_t run = (size_t)((bs ? bs : end) - p);
    memcpy(o, p, run);
    o += run;
    p += run;
    if (bs && !(p = json_escape(p, end, &o)))
      return DECODE_BAD;
  }
  return (size_t)(o - out);
}

/* A decoded value: every "\n" ends a line; text after the last one is a partial line. */
static void docker_pieces(gcw_envelope *e, long key, const char *t, size_t n, long line_no,
                          const char *wall) {
  const char *end = t + n, *nl;
  while ((nl = memchr(t, '\n', (size_t)(end - t))) != NULL) {
    take_piece(e, key, t, (size_t)(nl - t), 1, line_no, wall);
    t = nl + 1;
  }
  if (n == 0 || end[-1] != '\n')
    take_piece(e, key, t, (size_t)(end - t), 0, line_no, wall);
}

static void docker_line(gcw_envelope *e, const char *text, size_t len, long line_no) {
  docker_rec r;
  char wall[WALL_MAX];
  size_t n = 0;
  const char *why = parse_docker(text, len, &r);
  if (!why && r.time.p && !wall_of(r.time, wall))
    why = "Docker json-file record with an invalid \"time\"";
  if (!why && r.log.n > GCW_LINE_MAX)
    why = "Docker json-file \"log\" value over the 1 MiB limit";
  if (!why && (n = json_decode(r.log, e->scratch)) == DECODE_BAD)
    why = "invalid escape in a Docker json-file \"log\" value";
  if (why)
    pass_bad(e, text, len, line_no, why);
  else
    docker_pieces(e, r.key, e->scratch, n, line_no, r.time.p ? wall : NULL);
}

/* ---- CRI, TIMESTAMP, SYSLOG ------------------------------------------------------- */

/* "<time> <stdout|stderr> <P|F> <text>": offset of the text, or 0. A record of an empty
** line may lack the space before its (empty) text. */
static size_t parse_cri(const char *p, size_t n, civil *c, long *key, int *partial) {
  size_t i = gcw_rfc3339_parse(p, n, c);
  if (!i || n - i < 9 || p[i] != ' ' || p[i + 7] != ' ')
    return 0;
  if (memcmp(p + i + 1, "stdout", 6) == 0)
    *key = 1;
  else if (memcmp(p + i + 1, "stderr", 6) == 0)
    *key = 2;
  else
    return 0;
  i += 8;
  if (p[i] != 'P' && p[i] != 'F')
    return 0;
  *partial = p[i] == 'P';
  i++;
  if (i == n)
    return i;
  return p[i] == ' ' ? i + 1 : 0;
}

/* "<time> <text>": offset of the text, or 0 (a bare time is an empty line). */
static size_t parse_timestamp(const char *p, size_t n, civil *c) {
  size_t i = gcw_rfc3339_parse(p, n, c);
  if (!i || i == n)
    return i;
  return p[i] == ' ' ? i + 1 : 0;
}

static void cri_line(gcw_envelope *e, const char *text, size_t len, long line_no) {
  civil c;
  long key = 0;
  int partial = 0;
  char wall[WALL_MAX];
  size_t at = len <= GCW_LINE_MAX ? parse_cri(text, len, &c, &key, &partial) : 0;
  if (!at || !gcw_wall_format(c, wall))
    pass_bad(e, text, len, line_no, "not a CRI record (<time> <stdout|stderr> <P|F> <text>)");
  else
    take_piece(e, key, text + at, len - at, !partial, line_no, wall);
}

static void timestamp_line(gcw_envelope *e, const char *text, size_t len, long line_no) {
  civil c;
  char wall[WALL_MAX];
  size_t at = parse_timestamp(text, len, &c);
  if (!at || !gcw_wall_format(c, wall))
    pass_bad(e, text, len, line_no, "line without an RFC 3339 time in front");
  else
    emit(e, text + at, len - at, line_no, wall, 0);
}

/* "[digits]" closing a syslog tag: the pid, or 0. */
static long tag_pid(const char *t, size_t n) {
  size_t i;
  if (n < 3 || t[n - 1] != ']')
    return 0;
  for (i = n - 1; i > 0 && gcw_is_digit(t[i - 1]); i--)
    ;
  if (i == 0 || t[i - 1] != '[' || i == n - 1 || n - 1 - i > 18)
    return 0;
  long pid = 0;
  for (; i < n - 1; i++)
    pid = pid * 10 + (t[i] - '0');
  return pid;
}

/* "Mmm dd hh:mm:ss" into "--MM-DDThh:mm:ss"; 0 if it is not one. */
static int syslog_time(const char *p, size_t n, char wall[WALL_MAX]) {
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  int mon = 0;
  while (n >= 15 && mon < 12 && memcmp(months + 3 * mon, p, 3) != 0)
    mon++;
  if (n < 15 || mon == 12 || p[3] != ' ' || (p[4] != ' ' && !gcw_is_digit(p[4])) ||
      !gcw_fits_shape(p + 5, n - 5, "d dd:dd:dd"))
    return 0;
  int day = (p[4] == ' ' ? 0 : p[4] - '0') * 10 + (p[5] - '0');
  int h = gcw_digits(p + 7, 2), m = gcw_digits(p + 10, 2), s = gcw_digits(p + 13, 2);
  if (day < 1 || day > 31 || h > 23 || m > 59 || s > 60)
    return 0;
  memcpy(wall, "--", 2);
  char *o = gcw_put_digits(wall + 2, mon + 1, 2);
  *o++ = '-';
  o = gcw_put_digits(o, day, 2);
  *o++ = 'T';
  memcpy(o, p + 7, 8);
  o[8] = '\0';
  return 1;
}

/* "Mmm dd hh:mm:ss host tag[pid]: text": offset of the text, or 0. */
static size_t parse_syslog(const char *p, size_t n, char wall[WALL_MAX], long *pid) {
  if (n < 16 || !syslog_time(p, n, wall) || p[15] != ' ')
    return 0;
  size_t i = 16;
  while (i < n && p[i] != ' ')
    i++;
  if (i == 16 || i == n)
    return 0;
  const char *tag = p + i + 1, *colon = memchr(tag, ':', n - i - 1);
  if (!colon || colon == tag || colon + 1 == p + n || colon[1] != ' ')
    return 0;
  /* RFC 3164: the tag is one word ("app" or "app[123]"), so "host gc 1 @0.1s 3%: ..."
  ** is no syslog line. */
  if (memchr(tag, ' ', (size_t)(colon - tag)))
    return 0;
  *pid = tag_pid(tag, (size_t)(colon - tag));
  return (size_t)(colon + 2 - p);
}

static void syslog_line(gcw_envelope *e, const char *text, size_t len, long line_no) {
  char wall[WALL_MAX];
  long pid = 0;
  size_t at = parse_syslog(text, len, wall, &pid);
  if (!at)
    pass_bad(e, text, len, line_no, "not a syslog line (Mmm dd hh:mm:ss host tag[pid]: text)");
  else
    emit(e, text + at, len - at, line_no, wall, pid);
}

/* ---- detection and entry points ---------------------------------------------------- */

static int joins(gcw_envelope_kind k) {
  return k == GCW_ENV_AUTO || k == GCW_ENV_DOCKER || k == GCW_ENV_CRI;
}

static int has_prefix(const char *p, size_t n, const char *lit) {
  size_t k = strlen(lit);
  return n >= k && memcmp(p, lit, k) == 0;
}

/* Docker writes "log" first; a record starting with another of its keys counts too. */
static gcw_envelope_kind detect(const char *p, size_t n) {
  civil c;
  long key;
  int partial;
  char wall[WALL_MAX];
  if (has_prefix(p, n, "{\"log\":") || has_prefix(p, n, "{\"stream\":") ||
      has_prefix(p, n, "{\"time\":"))
    return GCW_ENV_DOCKER;
  if (parse_cri(p, n, &c, &key, &partial))
    return GCW_ENV_CRI;
  if (parse_timestamp(p, n, &c))
    return GCW_ENV_TIMESTAMP;
  if (parse_syslog(p, n, wall, &key))
    return GCW_ENV_SYSLOG;
  return GCW_ENV_PLAIN;
}

static size_t prefix_len(gcw_envelope_kind k, const char *p, size_t n) {
  civil c;
  long pid;
  char wall[WALL_MAX];
  return k == GCW_ENV_TIMESTAMP ? parse_timestamp(p, n, &c) : parse_syslog(p, n, wall, &pid);
}

/* Auto mode with a prefix-shaped first line: the first line that holds trace decides
** whether the prefix is an envelope (the trace carries it too) or the application's own
** (trace at the start of a line). Returns the kind for this line: PLAIN while undecided. */
static gcw_envelope_kind settle(gcw_envelope *e, const char *text, size_t len) {
  if (e->probe(e->probe_ctx, text, len)) {
    e->kind = GCW_ENV_PLAIN;
    return e->kind;
  }
  size_t at = prefix_len(e->candidate, text, len);
  if (at && e->probe(e->probe_ctx, text + at, len - at)) {
    e->kind = e->candidate;
    return e->kind;
  }
  return GCW_ENV_PLAIN;
}

gcw_err gcw_envelope_new(gcw_envelope **out, gcw_envelope_kind kind, gcw_envelope_sink sink) {
  *out = NULL;
  if ((unsigned)kind > GCW_ENV_SYSLOG)
    return GCW_EUSAGE;
  gcw_envelope *e = calloc(1, sizeof *e);
  if (!e)
    return GCW_ENOMEM;
  e->sink = sink;
  e->kind = kind;
  if (joins(kind)) {
    e->block = malloc((size_t)(1 + JOIN_KEYS) * GCW_LINE_MAX);
    if (!e->block) {
      free(e);
      return GCW_ENOMEM;
    }
    e->scratch = e->block;
  }
  for (int i = 0; i < JOIN_KEYS; i++) {
    e->slot[i].key = i + 1;
    e->slot[i].text = e->block ? e->block + (size_t)(1 + i) * GCW_LINE_MAX : NULL;
  }
  *out = e;
  return GCW_OK;
}

void gcw_envelope_free(gcw_envelope **pp) {
  if (!pp || !*pp)
    return;
  free((*pp)->block);
  free(*pp);
  *pp = NULL;
}

void gcw_envelope_line(gcw_envelope *e, const char *text, size_t len, long line_no) {
  assert(envelope_ok(e));
  if (e->kind == GCW_ENV_AUTO && e->candidate == GCW_ENV_AUTO && len > 0) {
    gcw_envelope_kind k = detect(text, len);
    if ((k == GCW_ENV_TIMESTAMP || k == GCW_ENV_SYSLOG) && e->probe)
      e->candidate = k;
    else
      e->kind = k;
  }
  gcw_envelope_kind k = e->kind;
  if (k == GCW_ENV_AUTO && e->candidate != GCW_ENV_AUTO && len > 0)
    k = settle(e, text, len);
  switch (len > 0 ? k : GCW_ENV_PLAIN) {
  case GCW_ENV_AUTO:
  case GCW_ENV_PLAIN:
  case GCW_ENV_NKINDS: /* not a kind: gcw_envelope_new takes only kinds */
    emit(e, text, len, line_no, NULL, 0);
    break;
  case GCW_ENV_DOCKER:
    docker_line(e, text, len, line_no);
    break;
  case GCW_ENV_CRI:
    cri_line(e, text, len, line_no);
    break;
  case GCW_ENV_TIMESTAMP:
    timestamp_line(e, text, len, line_no);
    break;
  case GCW_ENV_SYSLOG:
    syslog_line(e, text, len, line_no);
    break;
  }
  assert(envelope_ok(e));
}

void gcw_envelope_set_trace_probe(gcw_envelope *e, gcw_trace_probe probe, void *ctx) {
  e->probe = probe;
  e->probe_ctx = ctx;
}

/* Pending lines in the order they began. */
void gcw_envelope_finish(gcw_envelope *e) {
  assert(envelope_ok(e));
  for (;;) {
    pending *first = NULL;
    for (int i = 0; i < JOIN_KEYS; i++)
      if (e->slot[i].open && (!first || e->slot[i].line_no < first->line_no))
        first = &e->slot[i];
    if (!first)
      break;
    flush(e, first);
  }
}

gcw_envelope_kind gcw_envelope_kind_of(const gcw_envelope *e) {
  return e->kind == GCW_ENV_AUTO && e->candidate != GCW_ENV_AUTO ? GCW_ENV_PLAIN : e->kind;
}

#define GCW_ENV_NAME_(id, name) [GCW_ENV_##id] = name,
const char *const gcw_envelope_kind_names[GCW_ENV_NKINDS + 1] = {GCW_ENVELOPE_KINDS(GCW_ENV_NAME_)};
#undef GCW_ENV_NAME_

int gcw_envelope_kind_parse(const char *name) {
  for (int k = 0; name && k < GCW_ENV_NKINDS; k++)
    if (strcmp(name, gcw_envelope_kind_names[k]) == 0)
      return k;
  return -1;
}

const char *gcw_envelope_kind_name(gcw_envelope_kind k) {
  return k >= 0 && k < GCW_ENV_NKINDS ? gcw_envelope_kind_names[k] : "?";
}
