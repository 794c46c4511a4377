/* detect_forced.c: forced_gc_storm: many "(forced)" cycles (runtime.GC() or
** debug.FreeOSMemory() called in a loop). */
#include "detect.h"

#include <stddef.h>
#include <stdio.h>

enum { RING = 64 };
enum { P_COUNT, P_WINDOW };

static const gcw_threshold_def params[] = {
    {"count", 10, "cycles", "10 forced cycles"},
    {"window_s", 10, "s", "within 10 s: more than one explicit full GC a second"},
};

typedef struct state {
  double t[RING];
  long gc[RING];
  int n;
  long last_gc;
  double last_t;
  gcw_episode ep;
} state;

static void cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  state *s = sp;
  if (cy->t_s < 0)
    return;
  s->last_gc = cy->gc;
  s->last_t = cy->t_s;
  int k = (int)thr[P_COUNT];
  if (k < 2)
    k = 2;
  if (k > RING)
    k = RING;
  /* Heap-triggered cycles do not break a storm; a gap longer than the window does. */
  if (!cy->forced) {
    if (s->ep.open && s->n > 0 && cy->t_s - s->t[(s->n - 1) % RING] > thr[P_WINDOW])
      gcw_episode_close(c, &s->ep, s->gc[(s->n - 1) % RING], s->t[(s->n - 1) % RING]);
    return;
  }
  s->t[s->n % RING] = cy->t_s;
  s->gc[s->n % RING] = cy->gc;
  s->n++;
  if (s->n < k)
    return;
  int first = (s->n - k) % RING;
  double span = cy->t_s - s->t[first];
  if (span > thr[P_WINDOW])
    return;
  /* k cycles span k - 1 intervals; k at the same @t (millisecond resolution) count as k/s */
  double rate = span > 0 ? (k - 1) / span : k;
  if (s->ep.open && rate <= s->ep.f.value)
    return;
  if (!s->ep.open) {
    gcw_finding_start(&s->ep.f, gcw_detect_forced_gc_storm.kind, GCW_SEV_WARN, cy);
    s->ep.f.gc = s->gc[first];
    s->ep.f.t_s = s->t[first];
    s->ep.f.wall[0] = '\0';
  }
  s->ep.f.value = rate;
  s->ep.f.threshold = (thr[P_COUNT] - 1) / thr[P_WINDOW];
  s->ep.f.unit = "forced cycles/s";
  snprintf(s->ep.f.message, sizeof s->ep.f.message,
           "%d cycles forced by runtime.GC() (or debug.FreeOSMemory()) within %.1f s, %.1f a "
           "second, from gc %ld (@%.3fs): each one is a full collection the program waits for",
           k, span, rate, s->ep.f.gc, s->ep.f.t_s);
  snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step,
           "Find the caller (grep -rn 'runtime.GC()\\|FreeOSMemory' . ; a CPU profile shows "
           "runtime.GC under it) and let the runtime pace collection with GOGC/GOMEMLIMIT.");
  gcw_episode_report(c, &s->ep);
}

static void end(gcw_detect_ctx *c, void *sp, const double *thr) {
  state *s = sp;
  (void)thr;
  if (s->ep.open && s->n > 0)
    gcw_episode_close(c, &s->ep, s->gc[(s->n - 1) % RING], s->t[(s->n - 1) % RING]);
}

const gcw_detector_def gcw_detect_forced_gc_storm = {"forced_gc_storm", sizeof(state), params,
                                                     2, cycle, NULL, end, offsetof(state, ep)};
