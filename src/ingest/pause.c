/* pause.c: a cycle's stop-the-world time. See pause.h for the rule. */
#include "pause.h"

#include <math.h>

int gcw_pause_ms(const gcw_event *ev, double *ms) {
  const uint8_t *p = ev->present;
  double sum;
  if (p[GCW_F_sweep_term_ms] && p[GCW_F_mark_term_ms])
    sum = ev->v[GCW_F_sweep_term_ms] + ev->v[GCW_F_mark_term_ms];
  else if (p[GCW_F_legacy_a_ms])
    sum = ev->v[GCW_F_legacy_a_ms] + (p[GCW_F_legacy_b_ms] ? ev->v[GCW_F_legacy_b_ms] : 0) +
          (p[GCW_F_legacy_c_ms] ? ev->v[GCW_F_legacy_c_ms] : 0) +
          (p[GCW_F_legacy_d_ms] ? ev->v[GCW_F_legacy_d_ms] : 0);
  else
    return 0;
  *ms = round(sum * 1000.0) / 1000.0;
  return 1;
}
