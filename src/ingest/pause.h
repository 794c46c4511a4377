/*
** pause.h: the one rule for a cycle's stop-the-world time (pause_ms).
** Used by the store (gc_cycles.pause_ms) and by the detectors, so what a finding says
** and what the database holds are the same number.
**
** Go 1.5+: sweep termination + mark termination (the STW phases of "ms clock").
** Go <= 1.4: every collector was fully stop-the-world, so the pause is the whole
** collection: the sum of the three (1.0-1.2, ms) or four (1.3-1.4, us as ms) terms.
** Rounding: every term has at most three decimals of a millisecond (microseconds), so the
** sum is rounded to the microsecond: 0.1 + 0.2 is 0.3, not 0.30000000000000004. The
** same rounding for both eras (it once applied only in the store).
*/
#ifndef GCW_PAUSE_H
#define GCW_PAUSE_H

#include "event.h"

/* 1 and *ms set when the gc line gives its pause; 0 for any other line. */
int gcw_pause_ms(const gcw_event *ev, double *ms);

#endif
