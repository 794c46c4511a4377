/*
** writer.h: the one way output is written: buffered, with one error rule and colours.
** Owns:   nothing (the buffer and the stream or function are the caller's).
** Rule:   the first failed write is remembered (its errno) and every later write is
**         skipped, so a command's output stops at once when its reader leaves (EPIPE)
**         and the command ends with what the end call says.
** Colour: ANSI attributes are written only when colour is on: a terminal, and NO_COLOR
**         unset or empty (https://no-color.org); gcw_colour_wanted decides it.
*/
#ifndef GCW_WRITER_H
#define GCW_WRITER_H

#include "err.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __GNUC__
#define GCW_PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define GCW_PRINTF_LIKE(f, a)
#endif

/* Where a full buffer goes when there is no stream: all n bytes, or an errno. */
typedef int (*gcw_write_fn)(void *ctx, const char *buf, size_t n);

typedef struct gcw_writer {
  FILE *f;          /* the stream; NULL: fn */
  gcw_write_fn fn;
  void *ctx;
  char *buf;        /* cap bytes; cap 0: straight to the stream through stdio */
  size_t cap, len;
  int err_no;       /* errno of the first failed write; 0 while none */
  int colour;       /* ANSI attributes wanted */
  int safe_text;    /* a terminal: callers show foreign text's control characters as \xHH */
} gcw_writer;

gcw_writer gcw_writer_to_file(FILE *f, char *buf, size_t cap);
gcw_writer gcw_writer_to_fn(gcw_write_fn fn, void *ctx, char *buf, size_t cap);

void gcw_write(gcw_writer *w, const void *p, size_t n);
void gcw_write_str(gcw_writer *w, const char *s);
void gcw_writef(gcw_writer *w, const char *fmt, ...) GCW_PRINTF_LIKE(2, 3);
void gcw_vwritef(gcw_writer *w, const char *fmt, va_list ap);
/* An ANSI attribute list ("1", "33", "1;31", "0"), when colour is on. */
void gcw_sgr(gcw_writer *w, const char *attrs);

/* The buffer out to the stream or function (the stream itself is not flushed). */
void gcw_writer_flush(gcw_writer *w);
/* The buffer and the stream out. GCW_OK; GCW_EPIPE: the reader has left; GCW_EWRITE:
** another failure. errno is the first failure's. */
gcw_err gcw_writer_end(gcw_writer *w);

/* Colour on f: a terminal, and NO_COLOR unset or empty. */
int gcw_colour_wanted(FILE *f);

#endif
