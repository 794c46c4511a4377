/*
** utf8.h: the one UTF-8 rule (RFC 3629): which byte sequences are characters, and how a
** code point is written. Used wherever text from a log leaves the tool in a form that
** must be UTF-8 (JSON, NDJSON, gnuplot titles) and where JSON escapes are decoded.
*/
#ifndef GCW_UTF8_H
#define GCW_UTF8_H

#include <stddef.h>

/* Bytes of the well-formed UTF-8 sequence at s (1 for ASCII, 2-4 otherwise), or 0 when
** s does not start one: a stray continuation byte, C0/C1/F5-FF, an overlong form, a
** surrogate (U+D800-DFFF), a code point above U+10FFFF, or a sequence cut by the end.
** n is the number of bytes available (at least 1). A NUL-terminated string may pass 4:
** the NUL is no continuation byte, so nothing past it is read. */
size_t gcw_utf8_len(const unsigned char *s, size_t n);

/* The code point cp (0..0x10FFFF, no surrogate) as UTF-8 at o (4 bytes of room); bytes
** written. */
size_t gcw_utf8_put(char *o, long cp);

/* U+FFFD REPLACEMENT CHARACTER: what a byte that is not UTF-8 becomes. */
#define GCW_UTF8_REPLACEMENT "\xEF\xBF\xBD"

#endif
