/*
** follow.h: one log file followed as it grows and rotates, like `tail -F` (from its start).
** Owns:   the descriptor of the file currently read.
** Input:  a path; the file may not exist yet (it is opened when it appears).
** Output: its bytes in order across rotations: when the path names a new file (rename and
**         recreate, or delete and recreate), the old one is read to its end first, then
**         the new one from its start; when the file shrinks under the offset read so far
**         (copytruncate), it is read again from its start.
** Never:  waits or sleeps (the caller polls), or reads a file twice unless it was truncated.
** Limits: like tail -F, a copytruncate followed by growth past the old offset before the
**         next look is not seen as a truncation; lines written to the old file after we
**         reached its end and saw the new one are lost.
*/
#ifndef GCW_FOLLOW_H
#define GCW_FOLLOW_H

#include "err.h"

#include <stddef.h>
#include <sys/types.h>

typedef struct gcw_follow gcw_follow;

typedef enum gcw_follow_change {
  GCW_FOLLOW_SAME,      /* the same file */
  GCW_FOLLOW_OPENED,    /* the file appeared (first open) */
  GCW_FOLLOW_ROTATED,   /* a new file under the path: the old one was read to its end */
  GCW_FOLLOW_TRUNCATED  /* the file shrank: read again from its start */
} gcw_follow_change;

gcw_err gcw_follow_open(gcw_follow **out, const char *path);
void gcw_follow_close(gcw_follow **pp);
/* Up to cap new bytes into buf: > 0 bytes read, 0 nothing new now, -1 a read error (errno).
** *change says what happened to the file before these bytes. */
ssize_t gcw_follow_read(gcw_follow *f, char *buf, size_t cap, gcw_follow_change *change);
const char *gcw_follow_path(const gcw_follow *f);

#endif
