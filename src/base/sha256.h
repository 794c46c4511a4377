/*
** sha256.h: SHA-256 (FIPS 180-4) of a source's bytes, so the same content imported
** twice is recognized. Written here to avoid a crypto library for one digest; on x86
** CPUs with the SHA extensions (checked at run time) those compress the blocks, several
** times faster than the portable code, which is used everywhere else.
*/
#ifndef GCW_SHA256_H
#define GCW_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct gcw_sha256 {
  uint32_t h[8];
  int hw; /* 1: the CPU's SHA extensions do the compression (x86 SHA-NI) */
  uint64_t bytes;
  unsigned char block[64];
  size_t used;
} gcw_sha256;

void gcw_sha256_init(gcw_sha256 *c);
void gcw_sha256_update(gcw_sha256 *c, const void *data, size_t n);
/* Finish and write 64 lowercase hex digits and a NUL to hex. */
void gcw_sha256_hex(gcw_sha256 *c, char hex[65]);

#endif
