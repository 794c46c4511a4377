/*
** input.h: open a source for reading: a file, "-" (stdin), gzip detected by its magic
** bytes (not by its name), through zlib, streaming.
** Owns:   one zlib stream per open source.
** Never:  reads the whole file into memory.
*/
#ifndef GCW_INPUT_H
#define GCW_INPUT_H

#include "err.h"

#include <stddef.h>

typedef struct gcw_input gcw_input;

/* On failure *msg says why (the caller adds the path). */
gcw_err gcw_input_open(gcw_input **out, const char *path, char *msg, size_t msglen);
/* Bytes read (0 at the end), or -1 with *msg set. */
long gcw_input_read(gcw_input *in, char *buf, size_t cap, char *msg, size_t msglen);
const char *gcw_input_kind(const gcw_input *in); /* "file", "gzip", "stdin" */
long long gcw_input_size(const gcw_input *in);   /* on-disk size, -1 if unknown */
long long gcw_input_offset(gcw_input *in);       /* on-disk bytes consumed so far */
/* Skip to byte off of a plain file (a file continued where its last import stopped). */
gcw_err gcw_input_seek(gcw_input *in, long long off);
void gcw_input_close(gcw_input **pp);

#endif
