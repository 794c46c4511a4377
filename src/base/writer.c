/* writer.c: buffered output with one error rule. See writer.h. */
#include "writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for one formatted piece on the stack; a longer one is formatted on the heap. */
enum { PIECE = 1024 };

gcw_writer gcw_writer_to_file(FILE *f, char *buf, size_t cap) {
  gcw_writer w = {f, NULL, NULL, buf, buf ? cap : 0, 0, 0, 0, 0};
  return w;
}

gcw_writer gcw_writer_to_fn(gcw_write_fn fn, void *ctx, char *buf, size_t cap) {
  gcw_writer w = {NULL, fn, ctx, buf, buf ? cap : 0, 0, 0, 0, 0};
  return w;
}

/* n bytes to the stream or the function, remembering the first failure. */
static void out(gcw_writer *w, const char *p, size_t n) {
  if (w->err_no || n == 0)
    return;
  errno = 0;
  if (w->f)
    w->err_no = fwrite(p, 1, n, w->f) == n ? 0 : errno ? errno : EIO;
  else
    w->err_no = w->fn ? w->fn(w->ctx, p, n) : EBADF;
}

void gcw_writer_flush(gcw_writer *w) {
  out(w, w->buf, w->len);
  w->len = 0;
}

void gcw_write(gcw_writer *w, const void *p, size_t n) {
  if (w->cap == 0) {
    out(w, p, n);
    return;
  }
  while (n > 0 && !w->err_no) {
    if (w->len == w->cap)
      gcw_writer_flush(w);
    size_t k = w->cap - w->len < n ? w->cap - w->len : n;
    memcpy(w->buf + w->len, p, k);
    w->len += k;
    p = (const char *)p + k;
    n -= k;
  }
}

void gcw_write_str(gcw_writer *w, const char *s) { gcw_write(w, s, strlen(s)); }

void gcw_vwritef(gcw_writer *w, const char *fmt, va_list ap) {
  if (w->err_no)
    return;
  if (w->cap == 0 && w->f) { /* stdio buffers: no copy */
    errno = 0;
    if (vfprintf(w->f, fmt, ap) < 0)
      w->err_no = errno ? errno : EIO;
    return;
  }
  char piece[PIECE];
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(piece, sizeof piece, fmt, ap);
  if (n >= 0 && (size_t)n < sizeof piece) {
    gcw_write(w, piece, (size_t)n);
  } else if (n >= 0) {
    char *big = malloc((size_t)n + 1);
    if (big && vsnprintf(big, (size_t)n + 1, fmt, again) == n)
      gcw_write(w, big, (size_t)n);
    else
      w->err_no = ENOMEM;
    free(big);
  }
  va_end(again);
}

void gcw_writef(gcw_writer *w, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gcw_vwritef(w, fmt, ap);
  va_end(ap);
}

void gcw_sgr(gcw_writer *w, const char *attrs) {
  if (w->colour)
    gcw_writef(w, "\033[%sm", attrs);
}

gcw_err gcw_writer_end(gcw_writer *w) {
  gcw_writer_flush(w);
  errno = 0;
  if (!w->err_no && w->f && fflush(w->f) != 0)
    w->err_no = errno ? errno : EIO;
  if (!w->err_no)
    return GCW_OK;
  errno = w->err_no;
  return w->err_no == EPIPE ? GCW_EPIPE : GCW_EWRITE;
}

int gcw_colour_wanted(FILE *f) {
  const char *no = getenv("NO_COLOR");
  return isatty(fileno(f)) && !(no && *no);
}
