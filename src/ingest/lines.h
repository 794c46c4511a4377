/*
** lines.h: cut a byte stream into physical lines with bounded memory.
** Owns:   one line buffer of at most GCW_LINE_MAX bytes.
** Input:  bytes as they arrive, in any chunking.
** Output: each line without its "\n" (and without a "\r" before it), numbered from 1.
**         A line longer than GCW_LINE_MAX is delivered once with its first GCW_LINE_MAX
**         bytes (info.overlong) and the rest, newline included, through `overflow`.
** Never:  interprets bytes: NUL, invalid UTF-8 and binary data are just bytes.
*/
#ifndef GCW_LINES_H
#define GCW_LINES_H

#include "err.h"

#include <stddef.h>

typedef struct gcw_line_info {
  long no;      /* 1-based line number */
  int overlong; /* longer than GCW_LINE_MAX: text is its beginning, the rest overflows */
  int cr;       /* a "\r" preceded the "\n" and was removed */
  int newline;  /* ended by "\n" (0: last line of the input, no final newline) */
} gcw_line_info;

typedef struct gcw_lines_sink {
  void *ctx;
  void (*line)(void *ctx, const char *text, size_t len, const gcw_line_info *info);
  void (*overflow)(void *ctx, const char *bytes, size_t n); /* may be NULL */
} gcw_lines_sink;

typedef struct gcw_lines gcw_lines;

gcw_err gcw_lines_new(gcw_lines **out, gcw_lines_sink sink);
void gcw_lines_free(gcw_lines **pp);
void gcw_lines_feed(gcw_lines *l, const char *bytes, size_t n);
/* End of input (or of a file that must not continue into the next): deliver a last line
** that had no newline. The reader can go on afterwards. */
void gcw_lines_finish(gcw_lines *l);
long gcw_lines_count(const gcw_lines *l);
/* Number the lines from after `count` (a file continued where its last import stopped). */
void gcw_lines_start_after(gcw_lines *l, long count);

#endif
