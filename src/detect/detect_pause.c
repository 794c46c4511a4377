/* detect_pause.c: pause_spike (a stop-the-world pause far above the run's own recent
** baseline and above an absolute floor) and pause_slo (any pause over --pause-slo). */
#include "detect.h"

#include <stddef.h>
#include <stdio.h>

enum { HISTORY = 32 };
_Static_assert((int)HISTORY <= (int)GCW_MEDIAN_MAX, "the whole history enters the median");
enum { P_FLOOR, P_FACTOR, P_ERROR, P_MIN_HISTORY };

static const gcw_threshold_def params[] = {
    {"floor_ms", 10, "ms", "below 10 ms a pause is never a spike: Go 1.8+ aims for sub-ms STW"},
    {"factor", 10, "x", "ten times the run's median of its last 32 pauses"},
    {"error_ms", 100, "ms", "a 100 ms stop is a whole request budget: error"},
    {"min_history", 8, "cycles", "the baseline needs this many earlier pauses"},
    {"hold_s", 5, "s", "spikes less than 5 s apart are one episode (a stall storm), its peak the worst"},
};

typedef struct state {
  double hist[HISTORY];
  int n;
  long last_gc;
  double last_t;
  gcw_episode ep;
} state;

static void describe(gcw_finding *f, const gcw_cycle *c, double base) {
  const char *phase = c->sweep_term_ms >= c->mark_term_ms ? "sweep termination" : "mark termination";
  snprintf(f->message, sizeof f->message,
           "stop-the-world pause of %.1f ms at gc %ld (sweep termination %.3g ms + mark "
           "termination %.3g ms), %.0fx this run's recent median of %.3g ms; most of it in %s",
           c->pause_ms, c->gc, c->sweep_term_ms, c->mark_term_ms, base > 0 ? c->pause_ms / base : 0,
           base, phase);
  snprintf(f->next_step, sizeof f->next_step,
           "%s",
           c->sweep_term_ms >= c->mark_term_ms
               ? "A long sweep termination means the world could not be stopped: some goroutine "
                 "ran without reaching a preemption point (a tight loop, a long assembly or cgo "
                 "call). Find it with the execution trace (go tool trace: STW regions) and a CPU "
                 "profile (/debug/pprof/profile); Go 1.14+ preempts loops asynchronously."
               : "A long mark termination grows with goroutines, finalizers and stack scanning: "
                 "look at /debug/pprof/goroutine counts and the execution trace (go tool trace).");
}

static void cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  state *s = sp;
  if (cy->pause_ms < 0)
    return;
  /* Under the floor no pause is a spike: the baseline (a sort) is needed only above it. */
  if (s->n >= (int)thr[P_MIN_HISTORY] && (cy->pause_ms >= thr[P_FLOOR] || s->ep.open)) {
    /* The median, not the mean: one earlier spike in the history must not raise the
    ** baseline enough to hide the next one. */
    double base = gcw_median(s->hist, s->n < HISTORY ? s->n : HISTORY);
    double limit = thr[P_FACTOR] * base > thr[P_FLOOR] ? thr[P_FACTOR] * base : thr[P_FLOOR];
    if (cy->pause_ms >= limit) {
      gcw_severity sev = cy->pause_ms >= thr[P_ERROR] ? GCW_SEV_ERROR : GCW_SEV_WARN;
      if (!s->ep.open) {
        gcw_finding_start(&s->ep.f, gcw_detect_pause_spike.kind, sev, cy);
        s->ep.f.value = cy->pause_ms;
        s->ep.f.threshold = limit;
        s->ep.f.unit = "ms";
        describe(&s->ep.f, cy, base);
        gcw_episode_open(c, &s->ep);
      } else if (cy->pause_ms > s->ep.f.value) {
        /* one finding per episode, at its peak; the severity only goes up */
        s->ep.f.value = cy->pause_ms;
        if (sev > s->ep.f.severity)
          s->ep.f.severity = sev;
        describe(&s->ep.f, cy, base);
        gcw_episode_update(c, &s->ep);
      }
    } else if (s->ep.open) {
      gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
    }
  }
  /* Spikes enter the history too: a pause that keeps recurring becomes the run's normal
  ** and stops being reported as a spike (pause_slo still reports it against a budget). */
  s->hist[s->n++ % HISTORY] = cy->pause_ms;
  s->last_gc = cy->gc;
  s->last_t = cy->t_s;
}

static void end(gcw_detect_ctx *c, void *sp, const double *thr) {
  state *s = sp;
  (void)thr;
  gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
}

const gcw_detector_def gcw_detect_pause_spike = {"pause_spike", sizeof(state), params, 5,
                                                 cycle, NULL, end, offsetof(state, ep)};

/* ---- pause_slo ------------------------------------------------------------------- */

static const gcw_threshold_def slo_params[] = {
    {"slo_ms", 0, "ms", "set by --pause-slo: the user's own budget"},
};

static void slo_cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  state *s = sp;
  if (cy->pause_ms < 0)
    return;
  if (cy->pause_ms > thr[0]) {
    if (!s->ep.open) {
      gcw_finding_start(&s->ep.f, gcw_detect_pause_slo.kind, GCW_SEV_ERROR, cy);
      s->ep.f.threshold = thr[0];
      s->ep.f.unit = "ms";
      s->ep.f.value = 0;
    }
    if (cy->pause_ms > s->ep.f.value) {
      s->ep.f.value = cy->pause_ms;
      snprintf(s->ep.f.message, sizeof s->ep.f.message,
               "stop-the-world pause of %.3g ms at gc %ld is over the %.3g ms budget (--pause-slo)",
               cy->pause_ms, cy->gc, thr[0]);
      snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step,
               "See pause_spike's advice; the execution trace (go tool trace) shows what the "
               "stopped world was waiting for.");
      gcw_episode_report(c, &s->ep);
    }
  } else if (s->ep.open) {
    gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
  }
  s->last_gc = cy->gc;
  s->last_t = cy->t_s;
}

const gcw_detector_def gcw_detect_pause_slo = {"pause_slo", sizeof(state), slo_params, 1,
                                               slo_cycle, NULL, end, offsetof(state, ep)};
