/*
** safetext.h: text we did not write (file names, program names, labels, trace text,
** database paths) made harmless for a terminal before we print it.
** Owns:   nothing.
** Never:  lets a control character through: C0 (bytes 0x00-0x1f: ESC, newline, carriage
**         return, backspace...), DEL (0x7f) and the C1 controls in UTF-8 (U+0080-U+009F,
**         bytes C2 80-C2 9F, CSI among them) become a visible \xHH. A newline in a file
**         name cannot forge a line of ours; an escape sequence cannot move the cursor,
**         retitle the window or write to the clipboard. Other bytes pass unchanged.
*/
#ifndef GCW_SAFETEXT_H
#define GCW_SAFETEXT_H

#include <stddef.h>
#include <stdio.h>

/* Length of the control character at s[0..len) (1, or 2 for a C1 in UTF-8), or 0. */
size_t gcw_control_at(const unsigned char *s, size_t len);
/* s[0..len) with every control character written as \xHH into out (n bytes, always
** NUL-terminated, cut at a character boundary). Returns strlen(out). */
size_t gcw_safe_text(char *out, size_t n, const char *s, size_t len);
/* A message of ours on stderr: fmt as for printf, conventionally "gctrace-watch: ...\n".
** Everything in it is made safe (the arguments carry the foreign text), except one final
** newline. Written with one call, so that concurrent writers do not interleave it. */
void gcw_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for a message of several lines (gnuplot's own messages): newlines are kept,
** every other control character is shown as \xHH. */
void gcw_warn_lines(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As gcw_safe_text with '?' for each control character (tables: one column a byte). */
size_t gcw_safe_text_q(char *out, size_t n, const char *s, size_t len);

#endif
