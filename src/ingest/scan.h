/*
** scan.h: a hand-written scanner for the two shapes that make up most traces: the `gc`
** line of Go 1.6+ and the `scav` line of Go 1.14+ (grammar/gc.pcre, grammar/scav.pcre).
** Owns:   nothing; no state.
** Input:  text at a line's head, without its newline (as gcw_recog_line()).
** Output: 1 and the event's family, fields and era as the grammar's head and parts give
**         them (recog.c then applies the family's era rules and kind, as for a match);
**         0 for anything not exactly one of these shapes, which the grammar then reads.
** Never:  accepts a line the grammar would read differently: the grammar stays the
**         definition and the fallback. tests/test_scan.c runs both on every line of every
**         corpus log and the fuzzer's seeds; tests/fuzz/fuzz_splice.c on every input.
*/
#ifndef GCW_SCAN_H
#define GCW_SCAN_H

#include "event.h"

#include <stddef.h>

int gcw_scan_line(const char *text, size_t len, gcw_event *ev);

/* The number conversions of the recognizer (recog.c uses them for every group): a
** decimal exactly as strtod reads it; an integer in base 10 or 16. An integer beyond
** GCW_INT_MAX (event.h) comes back as HUGE_VAL, never wrapped around. */
double gcw_scan_real(const char *s, size_t n);
double gcw_scan_int(const char *s, size_t n, int base);
/* Whether v fits field's type (event.h: GCW_INT_MAX, GCW_REAL_MAX, GCW_PROCS_MAX). Both
** paths refuse the same values: recog.c marks the event out_of_range; gcw_scan_line()
** leaves such a line (and any number of more than 15 digits) to the grammar. */
int gcw_scan_in_range(int field, double v);

#endif
