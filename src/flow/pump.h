/*
** pump.h: the read loop of the live modes: one descriptor into a pipeline as bytes arrive.
** Owns:   nothing (the pipeline, the descriptor and the buffer are the caller's).
** Input:  a readable descriptor (stdin in watch mode, PROG's stderr pipe in child mode).
** Output: every chunk read, fed to the pipeline at once; a tick (commit if due, flush) at
**         least every GCW_COMMIT_MS, with or without input.
** Never:  installs signal handlers or decides what a signal means: wake() does, before
**         each wait and whenever a signal interrupts one.
*/
#ifndef GCW_PUMP_H
#define GCW_PUMP_H

#include "err.h"
#include "pipeline.h"

#include <sys/types.h>

/* Nonzero ends the pump (watch mode: a signal asked us to stop); may also act, e.g. forward
** a signal to a child (child mode). */
typedef int (*gcw_pump_wake)(void *ctx);

/* Wait at most GCW_COMMIT_MS for input on fd and read up to GCW_READ_CHUNK bytes of it into
** buf. *n: bytes read, 0 at its end, -1 when nothing came (time up, or a signal interrupted
** the wait). Returns GCW_EREAD on a read or poll error (errno says which), else GCW_OK. */
gcw_err gcw_pump_read(int fd, char *buf, ssize_t *n);

/* Read fd (GCW_READ_CHUNK bytes at a time, into buf of that size) until its end or until
** wake() says stop. Returns GCW_OK then, GCW_EREAD on a read or poll error (errno says
** which), or the pipeline's first error (GCW_EPIPE, GCW_EWRITE, GCW_EDB, ...). */
gcw_err gcw_pump_fd(gcw_pipeline *p, int fd, char *buf, gcw_pump_wake wake, void *ctx);

#endif
