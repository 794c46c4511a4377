/*
** recog.h: turn the text of one trace line into a typed event (the grammar/ files).
** Owns:   the compiled (JIT) patterns of every family, match data, a scratch buffer.
** Input:  text that starts with a family's start literal, without its newline.
** Output: gcw_event; or, for pieces of split lines, how long a valid beginning is.
** Never:  keeps state between lines, reads input, or decides about splices (splice.c).
**
** A line is recognized head first, then part by part (", "-separated) or as one whole
** shape, so a part added by a future Go release is counted in unknown_parts instead of
** losing the line. For pieces of split lines each family also has one "prefix" pattern
** (all its heads and parts, anchored at both ends) used with PCRE2 partial matching.
*/
#ifndef GCW_RECOG_H
#define GCW_RECOG_H

#include "err.h"
#include "event.h"

#include <stddef.h>

typedef struct gcw_recog gcw_recog;

/* Compile the grammar. On failure *msg names grammar/FILE:LINE and the PCRE2 error. */
gcw_err gcw_recog_open(gcw_recog **out, char *msg, size_t msglen);
void gcw_recog_close(gcw_recog **pp);

/* Offset of the first start literal in text[from, len) at a word boundary, or -1. */
long gcw_recog_find_start(const gcw_recog *r, const char *text, size_t len, size_t from);

/* 1 if text begins with some family's start literal. */
int gcw_recog_at_start(const gcw_recog *r, const char *text, size_t len);

/* Recognize a complete line at text (the head at offset 0, len up to the line's end).
** 1: recognized, *ev filled (line/repaired left to the caller). 0: not a complete line. */
int gcw_recog_line(gcw_recog *r, const char *text, size_t len, gcw_event *ev);

/* 1 (default): match all parts of a line at once, falling back to one by one; 0: one by
** one only. Both give the same events; tests compare them. */
void gcw_recog_use_body(gcw_recog *r, int on);

/* 1 (default): the common shapes (Go 1.6+ gc, scav lines) by the hand-written scanner
** (scan.c) before the grammar; 0: the grammar only. Both give the same events (tests
** compare them). The scanner is used only while use_body is on. */
void gcw_recog_use_scan(gcw_recog *r, int on);

/* Length of the longest beginning of text that can begin a trace line of some family
** (0: none), and through *complete whether the whole of that beginning is itself a
** complete line. Used on pieces of split lines. */
size_t gcw_recog_prefix(gcw_recog *r, const char *text, size_t len, int *complete);

/* Length of the start literal of the family that text begins with (0 if none). */
size_t gcw_recog_start_len(const gcw_recog *r, const char *text, size_t len);

#endif
