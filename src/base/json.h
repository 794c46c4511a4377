/*
** json.h: JSON text (RFC 8259), the one rule for every JSON the tool writes (report
** --format json, export --format ndjson).
** Strings: '"' and '\' escaped, \n \r \t by name, the other control characters
** U+0000-U+001F as \u00XX (lower-case hex); well-formed UTF-8 (utf8.h) copied as it
** is; every byte that does not start a well-formed sequence becomes U+FFFD (written as
** UTF-8), one per byte, as Go's encoding/json does. So any bytes give valid JSON.
*/
#ifndef GCW_JSON_H
#define GCW_JSON_H

#include "writer.h"

#include <stddef.h>

/* n bytes as one JSON string, quotes included. */
void gcw_json_string(gcw_writer *w, const void *s, size_t n);

#endif
