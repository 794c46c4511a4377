/* lines.c: bounded line assembly. See lines.h. */
#include "lines.h"

#include "limits.h"

#include <stdlib.h>
#include <string.h>

struct gcw_lines {
  gcw_lines_sink sink;
  char *buf;     /* the current line's beginning, at most GCW_LINE_MAX bytes */
  size_t len;
  int skipping;  /* an overlong line was delivered; bytes overflow until "\n" */
  long count;    /* lines delivered */
};

gcw_err gcw_lines_new(gcw_lines **out, gcw_lines_sink sink) {
  gcw_lines *l = calloc(1, sizeof *l);
  *out = NULL;
  if (!l)
    return GCW_ENOMEM;
  l->buf = malloc(GCW_LINE_MAX);
  if (!l->buf) {
    free(l);
    return GCW_ENOMEM;
  }
  l->sink = sink;
  *out = l;
  return GCW_OK;
}

void gcw_lines_free(gcw_lines **pp) {
  if (!pp || !*pp)
    return;
  free((*pp)->buf);
  free(*pp);
  *pp = NULL;
}

long gcw_lines_count(const gcw_lines *l) { return l->count; }
void gcw_lines_start_after(gcw_lines *l, long count) { l->count = count; }

static void deliver(gcw_lines *l, const char *text, size_t len, int newline, int overlong) {
  gcw_line_info info = {l->count + 1, overlong, 0, newline};
  if (newline && !overlong && len > 0 && text[len - 1] == '\r') {
    info.cr = 1;
    len--;
  }
  l->count++;
  l->sink.line(l->sink.ctx, text, len, &info);
}

static void overflow(gcw_lines *l, const char *b, size_t n) {
  if (l->sink.overflow && n)
    l->sink.overflow(l->sink.ctx, b, n);
}

void gcw_lines_feed(gcw_lines *l, const char *p, size_t n) {
  while (n > 0) {
    const char *nl = memchr(p, '\n', n);
    size_t seg = nl ? (size_t)(nl - p) : n;
    if (l->skipping) {
      overflow(l, p, nl ? seg + 1 : seg);
      if (nl)
        l->skipping = 0;
    } else if (nl && l->len == 0) {
      deliver(l, p, seg, 1, 0); /* the common case: no copy */
    } else if (l->len + seg <= GCW_LINE_MAX) {
      memcpy(l->buf + l->len, p, seg);
      l->len += seg;
      if (nl) {
        deliver(l, l->buf, l->len, 1, 0);
        l->len = 0;
      }
    } else {
      size_t fit = GCW_LINE_MAX - l->len;
      memcpy(l->buf + l->len, p, fit);
      deliver(l, l->buf, GCW_LINE_MAX, 0, 1);
      l->len = 0;
      overflow(l, p + fit, nl ? seg + 1 - fit : seg - fit);
      l->skipping = nl == NULL;
    }
    if (!nl)
      return;
    p += seg + 1;
    n -= seg + 1;
  }
}

void gcw_lines_finish(gcw_lines *l) {
  if (l->len > 0)
    deliver(l, l->buf, l->len, 0, 0);
  l->len = 0;
  l->skipping = 0;
}
