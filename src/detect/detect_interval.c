/* detect_interval.c: shrinking_interval: the time between heap-triggered GC cycles falls
** steadily to a fraction of its earlier level (allocation rate rising, or the heap under
** pressure). Forced cycles are left out: they are forced_gc_storm's business.
** The interval is measured as the mean over 10-second windows (10 s / cycles in them),
** from whole-second buckets: @t has millisecond resolution, so single intervals of fast
** runs say nothing, and per-cycle windows of start-up bursts would set a false baseline. */
#include "detect.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>

enum { SECONDS = 10 };
enum { P_RATIO, P_MAX_MS, P_MIN_CYCLES, P_MIN_SPAN };

static const gcw_threshold_def params[] = {
    {"ratio", 0.25, "x", "the mean interval of a 10 s window falls to a quarter of the longest"},
    {"max_interval_ms", 1000, "ms", "only when GC runs more than once a second"},
    {"min_cycles", 40, "cycles", "enough cycles to speak of a trend"},
    {"min_span_s", 20, "s", "two 10 s windows: before and now"},
    {"hold_s", 10, "s", "the episode ends after 10 s back above the threshold; back sooner, it goes on"},
};

typedef struct state {
  long count[SECONDS]; /* heap-triggered cycles per second, by second modulo SECONDS */
  long second;         /* the current (open) second; -1 before the first cycle */
  double first_t;
  long cycles;
  double ref_ms;       /* longest mean interval of a full window so far */
  long ref_gc;
  double ref_t;
  long last_gc;
  double last_t;
  gcw_episode ep;
} state;

static void judge(gcw_detect_ctx *c, state *s, const double *thr, long closed_second) {
  long n = 0;
  for (int i = 0; i < SECONDS; i++)
    n += s->count[i];
  if (closed_second + 1 - s->first_t < SECONDS)
    return; /* no full window yet */
  double mean = n > 0 ? SECONDS * 1000.0 / (double)n : SECONDS * 1000.0;
  /* The reference is the longest window seen before the episode: the level the program
  ** ran at before the allocation rate rose (it does not move while an episode is open). */
  if (!s->ep.open && mean > s->ref_ms) {
    s->ref_ms = mean;
    s->ref_gc = s->last_gc;
    s->ref_t = closed_second + 1;
  }
  int low = mean <= s->ref_ms * thr[P_RATIO] && mean < thr[P_MAX_MS] &&
            s->cycles >= (long)thr[P_MIN_CYCLES] && s->last_t - s->first_t >= thr[P_MIN_SPAN];
  if (low && (!s->ep.open || mean < s->ep.f.value)) {
    if (!s->ep.open) {
      gcw_finding_start(&s->ep.f, gcw_detect_shrinking_interval.kind, GCW_SEV_WARN, NULL);
      s->ep.f.gc = s->last_gc;
      s->ep.f.t_s = s->last_t;
    }
    s->ep.f.value = mean;
    s->ep.f.threshold = s->ref_ms * thr[P_RATIO];
    s->ep.f.unit = "ms";
    snprintf(s->ep.f.message, sizeof s->ep.f.message,
             "the mean time between GC cycles fell from %.0f ms (the 10 s up to @%.0fs) to "
             "%.1f ms (%.0f cycles/s): the program allocates faster, or the heap is under "
             "pressure",
             s->ref_ms, s->ref_t, mean, 1000 / mean);
    snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step,
             "If the live heap is flat, allocation grew: find it with an allocation profile "
             "(go tool pprof -sample_index=alloc_space .../debug/pprof/heap). If the goal sits "
             "at the live heap, see memlimit_thrash. A higher GOGC trades memory for fewer "
             "cycles.");
    gcw_episode_report(c, &s->ep);
  } else if (s->ep.open && mean > s->ref_ms * thr[P_RATIO] * 2) {
    gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
  }
}

static void cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  state *s = sp;
  if (cy->t_s < 0 || cy->forced)
    return;
  long sec = (long)floor(cy->t_s);
  if (s->cycles++ == 0) {
    s->first_t = sec;
    s->second = sec;
  }
  /* close the seconds that ended before this cycle, judging the window at each */
  for (long k = 0; s->second < sec && k <= SECONDS; k++) {
    judge(c, s, thr, s->second);
    s->second++;
    s->count[s->second % SECONDS] = 0;
  }
  if (s->second < sec) { /* a gap longer than the window: it is empty */
    s->second = sec;
    for (int i = 0; i < SECONDS; i++)
      s->count[i] = 0;
  }
  s->count[sec % SECONDS]++;
  s->last_gc = cy->gc;
  s->last_t = cy->t_s;
}

static void end(gcw_detect_ctx *c, void *sp, const double *thr) {
  state *s = sp;
  (void)thr;
  gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
}

const gcw_detector_def gcw_detect_shrinking_interval = {"shrinking_interval", sizeof(state),
                                                        params, 5, cycle, NULL, end,
                                                        offsetof(state, ep)};
