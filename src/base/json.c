/* json.c: JSON strings. See json.h for the rule. */
#include "json.h"

#include "safetext.h"

#include "utf8.h"

/* One byte that JSON wants escaped, or that starts a UTF-8 sequence; returns bytes used. */
static size_t special(gcw_writer *w, const unsigned char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  switch (s[0]) {
  case '"': gcw_write(w, "\\\"", 2); return 1;
  case '\\': gcw_write(w, "\\\\", 2); return 1;
  case '\n': gcw_write(w, "\\n", 2); return 1;
  case '\r': gcw_write(w, "\\r", 2); return 1;
  case '\t': gcw_write(w, "\\t", 2); return 1;
  }
  /* C0 and C1 (U+0080-U+009F, CSI among them) escaped: the same string, and no terminal
  ** control survives a JSON document printed on a terminal (issue 10); DEL, which
  ** terminals ignore, needs no escape */
  size_t ctl = gcw_control_at(s, n);
  if (ctl) {
    unsigned c = ctl == 2 ? s[1] : s[0];
    char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    gcw_write(w, u, sizeof u);
    return ctl;
  }
  size_t len = gcw_utf8_len(s, n);
  if (len == 0) {
    gcw_write(w, GCW_UTF8_REPLACEMENT, 3);
    return 1;
  }
  gcw_write(w, s, len);
  return len;
}

void gcw_json_string(gcw_writer *w, const void *p, size_t n) {
  const unsigned char *s = p;
  gcw_write(w, "\"", 1);
  while (n > 0 && !w->err_no) {
    size_t plain = 0; /* printable ASCII needing no escape, copied in one go */
    while (plain < n && s[plain] >= 0x20 && s[plain] < 0x80 && s[plain] != '"' &&
           s[plain] != '\\')
      plain++;
    gcw_write(w, s, plain);
    s += plain, n -= plain;
    if (n > 0) {
      size_t used = special(w, s, n);
      s += used, n -= used;
    }
  }
  gcw_write(w, "\"", 1);
}
