/*
** envelope.h: take the text of each log record out of its container envelope.
** Owns:   the detected kind, and per joining stream (stdout, stderr) one partial record
**         awaiting its end (at most GCW_LINE_MAX bytes each). Stream keys are not
**         limited here: the pipeline keeps up to GCW_STREAMS_OPEN of them apart (limits.h).
** Input:  physical lines (lines.c), in order, with their 1-based numbers.
** Output: logical lines of the application's output, each with the line number where it
**         began, its wall time (ISO 8601 UTC, or NULL) and its stream key.
** Never:  looks for trace text (splice.c and recog.c do), allocates per line.
**
** Kinds, detected on the first non-empty line (GCW_ENV_AUTO) or forced:
**   PLAIN      the line is the text; no wall time.
**   DOCKER     json-file records {"log":"...\n","stream":"stderr","time":"RFC3339Nano"}:
**              "log" is JSON-decoded (\n \t \" \\ \/ \uXXXX incl. surrogate pairs, e.g.
**              "-\u003e" is "->"); a record whose text does not end in "\n" is the first
**              part of a longer line and is joined to the next record of its stream.
**   CRI        "<RFC3339Nano> <stdout|stderr> <P|F> <text>": P records are joined to the
**              next record of the same stream; F ends the line.
**   TIMESTAMP  "<RFC3339 or RFC3339Nano> <text>" (kubectl logs --timestamps).
**              Also how zap, slog and logrus begin an application's own lines, so in
**              auto mode a first line of this shape only makes TIMESTAMP a candidate
**              (see "Prefix envelopes" below).
**   SYSLOG     "Mmm dd hh:mm:ss host tag[pid]: text" (syslog, journalctl -o short; the
**              tag is one word, as in RFC 3164);
**              the pid is the stream key, so processes are told apart; the year is
**              not in the line: the wall time is "--MM-DDThh:mm:ss" without a year
**              (docs/schema.md explains).
** Prefix envelopes (TIMESTAMP, SYSLOG) in auto mode: an envelope is one that the trace
** lines carry too. A first line with such a prefix makes the kind a candidate only; lines
** pass unchanged, as PLAIN, until the first line that holds trace (the trace probe) decides:
** trace right after the prefix -> the candidate; trace at the very start -> PLAIN (the
** prefix was the application's own). Lines before that hold no trace, so nothing that is
** stored depends on how they were read. Without a probe the first line decides.
** Wall times are normalized to "YYYY-MM-DDThh:mm:ss.mmmZ" (UTC; offsets applied).
** Stream keys: 0 for PLAIN/TIMESTAMP, 1 stdout / 2 stderr for DOCKER and CRI, the pid
** (or 0 without one) for SYSLOG.
** A record that cannot be decoded (a JSON record cut in half, a CRI line without its
** fields) is reported through `bad` with its line number and passed on as plain text,
** so nothing is lost.
*/
#ifndef GCW_ENVELOPE_H
#define GCW_ENVELOPE_H

#include "err.h"

#include <stddef.h>

/* The kinds, one row each: the enum and the name --input-format takes (cli.c reads this
** list; the first row is the default). */
#define GCW_ENVELOPE_KINDS(X)                                                            \
  X(AUTO, "auto")                                                                        \
  X(PLAIN, "plain")                                                                      \
  X(DOCKER, "docker")                                                                    \
  X(CRI, "cri")                                                                          \
  X(TIMESTAMP, "timestamp")                                                              \
  X(SYSLOG, "syslog")

#define GCW_ENV_ENUM_(id, name) GCW_ENV_##id,
typedef enum gcw_envelope_kind { GCW_ENVELOPE_KINDS(GCW_ENV_ENUM_) GCW_ENV_NKINDS } gcw_envelope_kind;
#undef GCW_ENV_ENUM_

/* The names in enum order, NULL-terminated. */
extern const char *const gcw_envelope_kind_names[GCW_ENV_NKINDS + 1];

typedef struct gcw_envelope_sink {
  void *ctx;
  /* One logical line. wall is NULL when the envelope has no time; it is valid only
  ** during the call (copy it to keep it). */
  void (*line)(void *ctx, const char *text, size_t len, long line_no, const char *wall,
               long stream);
  /* A record that could not be decoded (it was passed on as plain text). */
  void (*bad)(void *ctx, long line_no, const char *why);
} gcw_envelope_sink;

/* Does text begin with a trace line (or a piece of one)? */
typedef int (*gcw_trace_probe)(void *ctx, const char *text, size_t len);

typedef struct gcw_envelope gcw_envelope;

gcw_err gcw_envelope_new(gcw_envelope **out, gcw_envelope_kind kind, gcw_envelope_sink sink);
void gcw_envelope_free(gcw_envelope **pp);
void gcw_envelope_line(gcw_envelope *e, const char *text, size_t len, long line_no);
/* Optional, before the first line: lets auto mode decide a prefix envelope by the trace
** lines themselves (see "Prefix envelopes"). Without it the first line decides. */
void gcw_envelope_set_trace_probe(gcw_envelope *e, gcw_trace_probe probe, void *ctx);
/* End of input: deliver partial records still waiting. */
void gcw_envelope_finish(gcw_envelope *e);
/* The kind in use (after detection; GCW_ENV_AUTO until a non-empty line was seen;
** GCW_ENV_PLAIN while a prefix envelope is only a candidate: lines pass unchanged). */
gcw_envelope_kind gcw_envelope_kind_of(const gcw_envelope *e);
/* "auto", "plain", "docker", "cri", "timestamp", "syslog" <-> kind; -1 if unknown. */
int gcw_envelope_kind_parse(const char *name);
const char *gcw_envelope_kind_name(gcw_envelope_kind k);

#endif
