/*
** splice.h: rejoin trace lines that other writers split, and find every trace line.
** Owns:   up to GCW_SPLICE_SLOTS pieces awaiting their continuation (GCW_SPLICE_MAX
**         bytes each) and a fixed table of the line-start shapes of application lines.
** Input:  physical lines in order, without newline, with their 1-based numbers.
** Output: events (through the sink), unparsed pieces (sink), and per line the byte
**         spans that belong to trace lines (for --strip).
** Never:  reads files, allocates per line, or looks inside fields (recog.c does).
**
** Why this works: the Go runtime writes a trace line as one write(2) per token and an
** application writes its lines whole, so a piece of a trace line is a run of whole
** tokens at the start of a physical line, glued before a foreign line; its continuation
** starts the next physical line that continues it. A piece ends where the longest valid
** beginning of the grammar ends (PCRE2 partial matching), except inside a run of digits,
** where an application line starting with digits ("2026/11/22 ...") could have been
** glued on: there the cut is placed where the rest looks most like the start of the
** application's other lines (their "shape": digits, letters, punctuation).
**
** Slot states:  FREE -> PIECE (incomplete) -> OPEN (complete, newline not yet seen:
**               a " (forced)" may follow) -> emitted -> FREE.
**               PIECE -> unparsed when not continued within GCW_SPLICE_AGE lines,
**               evicted by a newer piece, or at the end of input.
*/
#ifndef GCW_SPLICE_H
#define GCW_SPLICE_H

#include "event.h"
#include "limits.h"
#include "recog.h"

#include <stddef.h>

typedef struct gcw_splice gcw_splice;

typedef struct gcw_splice_sink {
  void *ctx;
  void (*event)(void *ctx, const gcw_event *ev);
  void (*unparsed)(void *ctx, long line, const char *text, size_t len, const char *why);
} gcw_splice_sink;

enum { GCW_SPANS_MAX = 2 * GCW_SPLICE_SLOTS + 4 };
typedef struct gcw_spans {
  int n;
  int whole; /* the line holds nothing but trace (an empty late newline included) */
  size_t a[GCW_SPANS_MAX], b[GCW_SPANS_MAX];
} gcw_spans;

typedef struct gcw_splice_stats {
  long repaired;  /* trace lines rejoined from two or more pieces */
  long given_up;  /* pieces kept as unparsed */
} gcw_splice_stats;

gcw_err gcw_splice_new(gcw_splice **out, gcw_recog *r, gcw_splice_sink sink);
void gcw_splice_free(gcw_splice **pp);

/* One physical line, with its wall time (NULL: unknown); events carry the wall time of the
** line their head was read on. spans may be NULL. */
void gcw_splice_line(gcw_splice *s, const char *text, size_t len, long line_no,
                     const char *wall, gcw_spans *spans);

/* End of input: emit what is complete, keep the rest as unparsed. */
void gcw_splice_finish(gcw_splice *s);

gcw_splice_stats gcw_splice_get_stats(const gcw_splice *s);

#endif
