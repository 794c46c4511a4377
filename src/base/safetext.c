/* safetext.c: control characters made visible. See safetext.h. */
#include "safetext.h"

#include <stdarg.h>
#include <string.h>

size_t gcw_control_at(const unsigned char *s, size_t len) {
  if (len == 0)
    return 0;
  if (s[0] < 0x20 || s[0] == 0x7f)
    return 1;
  if (s[0] == 0xc2 && len > 1 && s[1] >= 0x80 && s[1] <= 0x9f)
    return 2;
  return 0;
}

size_t gcw_safe_text(char *out, size_t n, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *u = (const unsigned char *)s;
  size_t w = 0;
  if (n == 0)
    return 0;
  for (size_t i = 0; i < len;) {
    size_t c = gcw_control_at(u + i, len - i);
    if (c == 0) {
      if (w + 1 >= n)
        break;
      out[w++] = (char)u[i++];
      continue;
    }
    if (w + 4 * c >= n)
      break;
    for (size_t k = 0; k < c; k++, i++) {
      out[w++] = '\\';
      out[w++] = 'x';
      out[w++] = hex[u[i] >> 4];
      out[w++] = hex[u[i] & 15];
    }
  }
  out[w] = '\0';
  return w;
}

size_t gcw_safe_text_q(char *out, size_t n, const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  size_t w = 0;
  if (n == 0)
    return 0;
  for (size_t i = 0; i < len && w + 1 < n;) {
    size_t c = gcw_control_at(u + i, len - i);
    out[w++] = c ? '?' : (char)u[i];
    i += c ? c : 1;
  }
  out[w] = '\0';
  return w;
}

/* Format, make safe (keeping every newline when lines, else only a final one), write. */
static void warn(int lines, const char *fmt, va_list ap) {
  char raw[8192], safe[4 * sizeof raw + 2]; /* gnuplot's messages are up to 4 KiB */
  int n = vsnprintf(raw, sizeof raw, fmt, ap);
  if (n < 0)
    return;
  size_t len = strlen(raw), w = 0;
  for (size_t at = 0; at < len;) {
    const char *nl = lines ? memchr(raw + at, '\n', len - at) : NULL;
    size_t end = nl ? (size_t)(nl - raw) : len;
    if (!nl && end > at && raw[end - 1] == '\n') {
      end--;
      nl = raw + end;
    }
    w += gcw_safe_text(safe + w, sizeof safe - 1 - w, raw + at, end - at);
    if (nl && w < sizeof safe - 1)
      safe[w++] = '\n';
    at = nl ? end + 1 : len;
  }
  fwrite(safe, 1, w, stderr);
  fflush(stderr);
}

void gcw_warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  warn(0, fmt, ap);
  va_end(ap);
}

void gcw_warn_lines(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  warn(1, fmt, ap);
  va_end(ap);
}
