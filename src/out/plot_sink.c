/*
** plot_sink.c: the bytes of a gnuplot script: gathered in SINK_BUF bytes, then written to
** gnuplot's stdin (process.h) or to a stream (gcw_plot_script), and user text quoted so
** that gnuplot can only ever print it.
*/
#include "plot_int.h"

#include "utf8.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

void pl_sink_flush(pl_sink *o) { gcw_writer_flush(o); }

void pl_put(pl_sink *o, const char *s, size_t n) { gcw_write(o, s, n); }

int pl_to_proc(void *proc, const char *buf, size_t n) { return gcw_proc_write(proc, buf, n); }

void pl_say(gcw_plot *p, const char *fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n > 0)
    pl_put(p->out, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* text as a gnuplot single-quoted string. Why single quotes: gnuplot expands backquotes
** (`cmd` runs a shell command) and its own escapes inside double quotes, never inside
** single quotes, where the only special character is the quote itself (written twice).
** A newline cannot stand in such a string, so it is joined in as '...'."\n".'...'.
** Other control characters become '?', and so do bytes that are not UTF-8 unless raw (a
** file name must stay as it is; cairo would complain about them in a title). Nothing in
** the result can end the string or run anything. */
void pl_put_quoted(pl_sink *o, const char *text, int raw) {
  pl_put(o, "'", 1);
  for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
    int n = *c >= 0x80 && !raw ? (int)gcw_utf8_len(c, 4) : 1; /* NUL-terminated */
    if (*c == '\n')
      pl_put(o, "'.\"\\n\".'", 8);
    else if (*c == '\'')
      pl_put(o, "''", 2);
    else if (*c < 0x20 || *c == 0x7f || n == 0)
      pl_put(o, "?", 1);
    else {
      pl_put(o, (const char *)c, (size_t)n);
      c += n - 1;
    }
  }
  pl_put(o, "'", 1);
}

void pl_put_str(pl_sink *o, const char *text) { pl_put_quoted(o, text, 0); }

void pl_put_num(pl_sink *o, double v, const char *fmt) {
  char b[48];
  int n = isfinite(v) ? snprintf(b, sizeof b, fmt, v) : snprintf(b, sizeof b, "NaN");
  pl_put(o, b, (size_t)n);
}

