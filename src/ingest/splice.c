/* splice.c: rejoin split trace lines. See splice.h for the contract and state diagram. */
#include "splice.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FREE, PIECE, OPEN };
enum { SHAPE_LEN = 8, SCORE_WHOLE = 1000, SCORE_TRACE = 500, SCORE_DATE = 450,
       SCORE_SHAPE_CAP = 400 };
/* A rejoined gc line whose cycle number runs ahead of every cycle this stream has shown
** by more than this is a join that glued foreign digits on: refused (kept as unparsed). */
enum { GC_AHEAD_MAX = 64 };

typedef struct slot {
  int state;
  long line;      /* line of the head */
  char wall[40];  /* wall time of that line, "" if unknown */
  long last_line; /* line of the latest piece */
  int pieces;
  size_t len;
  char text[GCW_SPLICE_MAX];
} slot;

typedef struct shape {
  uint64_t key; /* 0: empty */
  uint32_t count;
} shape;

struct gcw_splice {
  gcw_recog *recog; /* borrowed */
  gcw_splice_sink sink;
  slot slots[GCW_SPLICE_SLOTS];
  shape shapes[GCW_SHAPE_SLOTS];
  gcw_splice_stats stats;
  int owed_newlines; /* rejoined lines whose own "\n" has not arrived yet */
  double max_gc;     /* largest cycle number seen on a gc line of this stream (0: none) */
  long owed_since;   /* line where the latest one was owed */
  gcw_event ev;
  char buf[2 * GCW_SPLICE_MAX];
};

static int splice_ok(const gcw_splice *s) {
  for (int i = 0; i < GCW_SPLICE_SLOTS; i++)
    if (s->slots[i].len > GCW_SPLICE_MAX || (s->slots[i].state != FREE && s->slots[i].len == 0))
      return 0;
  return 1;
}

gcw_err gcw_splice_new(gcw_splice **out, gcw_recog *r, gcw_splice_sink sink) {
  gcw_splice *s = calloc(1, sizeof *s);
  *out = s;
  if (!s)
    return GCW_ENOMEM;
  s->recog = r;
  s->sink = sink;
  return GCW_OK;
}

void gcw_splice_free(gcw_splice **pp) {
  if (!pp || !*pp)
    return;
  free(*pp);
  *pp = NULL;
}

gcw_splice_stats gcw_splice_get_stats(const gcw_splice *s) { return s->stats; }

/* ---- shapes of application line starts ---------------------------------- */

/* Digits become '9', letters 'a', the rest stays: "2026/11/22 10" -> "9999/99/". */
static uint64_t shape_key(const char *t, size_t n) {
  uint64_t k = 0;
  for (size_t i = 0; i < SHAPE_LEN; i++) {
    unsigned char c = i < n ? (unsigned char)t[i] : '$';
    if (c >= '0' && c <= '9')
      c = '9';
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
      c = 'a';
    k = (k << 8) | c;
  }
  return k ? k : 1;
}

static shape *shape_find(gcw_splice *s, uint64_t key, int insert) {
  size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 56) % GCW_SHAPE_SLOTS;
  for (size_t i = 0; i < GCW_SHAPE_SLOTS; i++) {
    shape *sh = &s->shapes[(h + i) % GCW_SHAPE_SLOTS];
    if (sh->key == key)
      return sh;
    if (sh->key == 0) {
      if (!insert)
        return NULL;
      sh->key = key;
      return sh;
    }
  }
  return NULL; /* table full: new shapes are not learned (bounded memory) */
}

static void shape_learn(gcw_splice *s, const char *t, size_t n) {
  if (n == 0)
    return;
  shape *sh = shape_find(s, shape_key(t, n), 1);
  if (sh && sh->count < UINT32_MAX)
    sh->count++;
}

static int digits(const char *t, size_t n, size_t at, size_t k) {
  for (size_t i = at; i < at + k; i++)
    if (i >= n || t[i] < '0' || t[i] > '9')
      return 0;
  return 1;
}

/* "YYYY-MM-DDThh:mm", "YYYY/MM/DD hh:mm" (RFC 3339, Go's log package, zap, slog,
** logrus...): the start of a logged line. A trace line never holds this shape: its only
** digit-slash-digit runs are CPU triples ("0.060/0/0"), never followed by a time. */
static int is_date_time(const char *t, size_t n) {
  if (n < 16 || !digits(t, n, 0, 4) || (t[4] != '-' && t[4] != '/') || t[7] != t[4] ||
      !digits(t, n, 5, 2) || !digits(t, n, 8, 2) || (t[10] != 'T' && t[10] != ' '))
    return 0;
  return digits(t, n, 11, 2) && t[13] == ':' && digits(t, n, 14, 2);
}

/* How much text looks like the start of a line that is not the rest of a trace line. */
static int score_rest(gcw_splice *s, const char *t, size_t n) {
  if (n == 0)
    return SCORE_WHOLE;
  if (gcw_recog_at_start(s->recog, t, n))
    return SCORE_TRACE;
  /* Whatever shapes were learnt: when an envelope took the time off the application's
  ** lines, the shapes lack it, and a cut in "0.1172026-12-01T..." must still fall
  ** before the year. */
  if (is_date_time(t, n))
    return SCORE_DATE;
  const shape *sh = shape_find(s, shape_key(t, n), 0);
  if (!sh || sh->count < 2)
    return 0;
  return sh->count > SCORE_SHAPE_CAP ? SCORE_SHAPE_CAP : (int)sh->count;
}

static int is_num(char c) { return (c >= '0' && c <= '9') || c == '.'; }

/* The runtime writes each number and each literal run between numbers with one write(2)
** (formats.md §2.1), so foreign text cannot land between two characters of one literal
** run. (It can land after a number even when it starts with digits: "0.030" +
** "2026/11/22 ...".) */
static int token_boundary(const char *t, size_t k) {
  return k == 0 || is_num(t[k - 1]) || is_num(t[k]);
}

/* Best cut in [lo, hi]: the one whose rest scores highest; ties go to the longer piece.
** Cuts other than hi lie on token boundaries. */
static size_t best_cut(gcw_splice *s, const char *t, size_t len, size_t lo, size_t hi) {
  size_t best = hi;
  int best_score = score_rest(s, t + hi, len - hi);
  for (size_t k = hi; k-- > lo;) {
    if (!token_boundary(t, k))
      continue;
    int sc = score_rest(s, t + k, len - k);
    if (sc > best_score) {
      best = k;
      best_score = sc;
    }
  }
  return best;
}

/* ---- slots ----------------------------------------------------------------- */

static void add_span(gcw_spans *sp, size_t a, size_t b) {
  if (sp && sp->n < GCW_SPANS_MAX && b > a) {
    sp->a[sp->n] = a;
    sp->b[sp->n++] = b;
  }
}

static void set_wall(char dst[40], const char *wall) {
  size_t n = wall ? strnlen(wall, 39) : 0; /* what snprintf(dst, 40, "%s") keeps */
  if (n)
    memcpy(dst, wall, n);
  dst[n] = '\0';
}

/* Note a gc line's cycle number; 0 if a rejoined one runs implausibly far ahead of every
** cycle this stream has shown (foreign digits glued into the number). */
static int plausible_gc(gcw_splice *s, const gcw_event *ev, int repaired) {
  if (ev->family != GCW_FAM_GC || !ev->present[GCW_F_gc])
    return 1;
  double gc = ev->v[GCW_F_gc];
  if (repaired && s->max_gc > 0 && gc > s->max_gc + GC_AHEAD_MAX)
    return 0;
  if (gc > s->max_gc)
    s->max_gc = gc;
  return 1;
}

/* s->ev holds the recognized line text[0, len) read at `line`: hand it on, as an event,
** or as unparsed when one of its numbers is beyond what the store and the detectors can
** hold (recog.c in_range()). */
static void emit_event(gcw_splice *s, const char *text, size_t len, long line, const char *wall,
                       int repaired) {
  if (s->ev.out_of_range) {
    /* the sink's promise (splice.h): no unparsed text is longer than GCW_SPLICE_MAX, as
    ** for the pieces; a recognized line may run on much longer (its tail is app text) */
    s->sink.unparsed(s->sink.ctx, line, text, len < GCW_SPLICE_MAX ? len : GCW_SPLICE_MAX,
                     "number out of range");
    return;
  }
  s->ev.line = line;
  s->ev.repaired = repaired;
  set_wall(s->ev.wall, wall);
  s->sink.event(s->sink.ctx, &s->ev);
}

static void emit_text(gcw_splice *s, const char *text, size_t len, long line, const char *wall,
                      int repaired) {
  if (!gcw_recog_line(s->recog, text, len, &s->ev))
    s->sink.unparsed(s->sink.ctx, line, text, len, "trace line that does not parse");
  else if (!plausible_gc(s, &s->ev, repaired))
    s->sink.unparsed(s->sink.ctx, line, text, len,
                     "rejoined trace line whose cycle number does not continue the stream's");
  else
    emit_event(s, text, len, line, wall, repaired);
}

static void slot_close(gcw_splice *s, slot *sl, const char *why, int newline_seen) {
  if (sl->state == OPEN && !newline_seen && s->owed_newlines < GCW_SPLICE_SLOTS) {
    s->owed_newlines++; /* it may still arrive alone, as an empty line (corpus 06:21486) */
    s->owed_since = sl->last_line;
  }
  if (sl->state == OPEN) {
    /* Whatever went through a slot was not intact on its own line: even a line in one
    ** piece had foreign text glued on before its newline. */
    emit_text(s, sl->text, sl->len, sl->line, sl->wall, 1);
    s->stats.repaired++;
  } else if (sl->state == PIECE) {
    s->sink.unparsed(s->sink.ctx, sl->line, sl->text, sl->len, why);
    s->stats.given_up++;
  }
  sl->state = FREE;
  sl->len = 0;
}

static slot *slot_take(gcw_splice *s) {
  slot *oldest = &s->slots[0];
  for (int i = 0; i < GCW_SPLICE_SLOTS; i++) {
    if (s->slots[i].state == FREE)
      return &s->slots[i];
    if (s->slots[i].last_line < oldest->last_line)
      oldest = &s->slots[i];
  }
  slot_close(s, oldest, "piece of a trace line never continued (evicted by newer pieces)", 0);
  return oldest;
}

/* Append a piece; the slot becomes OPEN once it holds a whole line. */
static void slot_extend(gcw_splice *s, slot *sl, const char *t, size_t n, long line_no) {
  memcpy(sl->text + sl->len, t, n);
  sl->len += n;
  sl->pieces++;
  sl->last_line = line_no;
  sl->state = gcw_recog_line(s->recog, sl->text, sl->len, &s->ev) ? OPEN : PIECE;
}

/* How much of text continues sl (0: none). */
static size_t continuation(gcw_splice *s, slot *sl, const char *text, size_t len) {
  size_t room = GCW_SPLICE_MAX - sl->len;
  size_t n = len < room ? len : room;
  memcpy(s->buf, sl->text, sl->len);
  memcpy(s->buf + sl->len, text, n);
  size_t valid = gcw_recog_prefix(s->recog, s->buf, sl->len + n, NULL);
  if (valid <= sl->len)
    return 0;
  return best_cut(s, text, len, 0, valid - sl->len);
}

/* The waiting slot that got a piece most recently, or NULL when none waits. */
static slot *most_recent_slot(gcw_splice *s) {
  slot *best = NULL;
  for (int i = 0; i < GCW_SPLICE_SLOTS; i++) {
    slot *sl = &s->slots[i];
    if (sl->state != FREE && (!best || sl->last_line > best->last_line))
      best = sl;
  }
  return best;
}

/* Give a waiting slot the beginning of this line if it continues it; returns bytes used. */
static size_t continue_slots(gcw_splice *s, const char *text, size_t len, long line_no) {
  /* A line that is a whole trace line on its own continues nothing. */
  if (gcw_recog_at_start(s->recog, text, len) && gcw_recog_line(s->recog, text, len, &s->ev))
    return 0;
  slot *tried[GCW_SPLICE_SLOTS];
  int ntried = 0;
  for (slot *sl = most_recent_slot(s); sl && ntried < GCW_SPLICE_SLOTS;) {
    tried[ntried++] = sl;
    size_t k = continuation(s, sl, text, len);
    if (k > 0) {
      slot_extend(s, sl, text, k, line_no);
      if (sl->state == OPEN && k == len)
        slot_close(s, sl, NULL, 1); /* its newline is here: complete */
      return k;
    }
    /* next most recent slot not yet tried */
    slot *next = NULL;
    for (int i = 0; i < GCW_SPLICE_SLOTS; i++) {
      slot *c = &s->slots[i];
      int seen = 0;
      for (int j = 0; j < ntried; j++)
        seen |= tried[j] == c;
      if (c->state != FREE && !seen && (!next || c->last_line > next->last_line))
        next = c;
    }
    sl = next;
  }
  return 0;
}

/* A piece of a trace line at text[0..]: its length, or 0 when this is no piece. */
static size_t piece_at(gcw_splice *s, const char *text, size_t len) {
  size_t lit = gcw_recog_start_len(s->recog, text, len);
  size_t valid = gcw_recog_prefix(s->recog, text, len, NULL);
  if (valid < lit || lit == 0)
    return 0;
  size_t k = best_cut(s, text, len, lit, valid);
  /* A bare start literal is a piece only if what follows shows a cut: it looks like the
  ** start of another line, or the literal is a whole runtime token ("gc ", "scav ",
  ** "pacer: ") and the next byte cannot continue any trace line. A literal without its
  ** separator ("gc" of Go <= 1.4, "scvg") followed by a word is just a word ("gcc"). */
  if (k == lit && k < len && score_rest(s, text + k, len - k) == 0 &&
      !(valid == lit && text[lit - 1] == ' '))
    return 0;
  return k;
}

static void expire_old(gcw_splice *s, long line_no) {
  for (int i = 0; i < GCW_SPLICE_SLOTS; i++) {
    slot *sl = &s->slots[i];
    if (sl->state == OPEN && sl->last_line < line_no)
      slot_close(s, sl, NULL, 0); /* no " (forced)" came: the line is complete */
    else if (sl->state == PIECE && line_no - sl->last_line > GCW_SPLICE_AGE)
      slot_close(s, sl, "piece of a trace line never continued", 0);
  }
}

/* Complete trace lines that begin after a prefix (a timestamp, "host app[1]: "). */
static size_t find_embedded(gcw_splice *s, const char *text, size_t len, size_t pos,
                            long line_no, const char *wall, gcw_spans *sp) {
  for (long p = gcw_recog_find_start(s->recog, text, len, pos + 1); p >= 0;
       p = gcw_recog_find_start(s->recog, text, len, (size_t)p + 1)) {
    if (gcw_recog_line(s->recog, text + p, len - (size_t)p, &s->ev)) {
      plausible_gc(s, &s->ev, 0);
      emit_event(s, text + p, len - (size_t)p, line_no, wall, 0);
      add_span(sp, (size_t)p, len);
      return (size_t)p;
    }
  }
  return len;
}

void gcw_splice_line(gcw_splice *s, const char *text, size_t len, long line_no,
                     const char *wall, gcw_spans *sp) {
  assert(splice_ok(s));
  size_t pos = 0;
  if (sp) {
    sp->n = 0;
    sp->whole = 0;
  }
  if (most_recent_slot(s)) {
    pos = continue_slots(s, text, len, line_no);
    add_span(sp, 0, pos);
    expire_old(s, line_no);
  }
  if (s->owed_newlines > 0 && line_no - s->owed_since > GCW_SPLICE_AGE)
    s->owed_newlines = 0;
  if (len == 0 && s->owed_newlines > 0) {
    s->owed_newlines--; /* the late newline of a rejoined line */
    if (sp)
      sp->whole = 1;
    return;
  }
  /* Trace lines and pieces that start here, one after another. */
  while (pos < len && gcw_recog_at_start(s->recog, text + pos, len - pos)) {
    if (gcw_recog_line(s->recog, text + pos, len - pos, &s->ev)) {
      plausible_gc(s, &s->ev, 0);
      emit_event(s, text + pos, len - pos, line_no, wall, 0);
      add_span(sp, pos, len);
      pos = len;
      break;
    }
    size_t k = piece_at(s, text + pos, len - pos);
    if (k == 0)
      break;
    slot *sl = slot_take(s);
    sl->line = line_no;
    set_wall(sl->wall, wall);
    sl->pieces = 0;
    sl->len = 0;
    slot_extend(s, sl, text + pos, k, line_no);
    add_span(sp, pos, pos + k);
    pos += k;
  }
  if (pos < len) {
    size_t app_end = find_embedded(s, text, len, pos, line_no, wall, sp);
    if (app_end == len)
      shape_learn(s, text + pos, len - pos);
  }
  if (sp && sp->n == 1 && sp->a[0] == 0 && sp->b[0] == len)
    sp->whole = 1;
  assert(splice_ok(s));
}

void gcw_splice_finish(gcw_splice *s) {
  for (int i = 0; i < GCW_SPLICE_SLOTS; i++)
    slot_close(s, &s->slots[i], "piece of a trace line at the end of the input", 1);
}
