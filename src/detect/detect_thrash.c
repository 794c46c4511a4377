/* detect_thrash.c: memlimit_thrash: the heap goal held below the live heap, cycles back to
** back and GC CPU rising: the GOMEMLIMIT death spiral (golang/go#58106), reported when it
** begins. */
#include "detect.h"

#include <stddef.h>
#include <stdio.h>

enum { WINDOW = 20 };
enum { P_RATIO, P_PINNED, P_BUSY, P_CPU, P_MIN_CYCLES };

static const gcw_threshold_def params[] = {
    {"goal_prev_live_ratio", 1.1, "x",
     "GOGC >= 10 sets the goal at 1.1x the last marked heap or more; a limit holds it lower"},
    {"pinned_share", 0.8, "share", "in 80% of the last 20 cycles, or in min_cycles in a row"},
    {"busy_share", 0.5, "share", "GC phases fill at least half of the wall time: back to back"},
    {"cpu_pct", 25, "%", "or GC CPU is at or over the 25% the GC is designed to take"},
    {"min_cycles", 8, "cycles", "enough cycles to speak of a pattern"},
    {"hold_s", 10, "s", "the episode ends after 10 s with the goal no longer pinned; back sooner, it goes on"},
};

typedef struct slot {
  int pinned;
  double t, busy_ms, cpu_pct;
  double gc_cpu_ms; /* the cycle's GC CPU (STW, assist, background: not idle), / GOMAXPROCS */
} slot;

typedef struct state {
  slot w[WINDOW];
  int n;
  double prev_live_mb; /* marked heap of the previous cycle (0: none yet) */
  long streak_gc; /* first cycle of the current pinned stretch (0: not pinned) */
  int streak;     /* its length in cycles */
  double streak_t;
  long last_gc;
  double last_t;
  gcw_episode ep;
} state;

/* Both shares are over the same cycles (the window): the time the GC phases fill, and the
** CPU the GC took in it — the runtime's own figure (cy->cpu_pct) counts since the process
** started, and a long healthy past would make it read low beside the first. */
static void describe(state *s, const gcw_cycle *cy, double busy, double cpu) {
  snprintf(s->ep.f.message, sizeof s->ep.f.message,
           "from gc %ld (@%.3fs) the heap goal stays at the heap the previous cycle marked "
           "(now goal %.0f MB, live %.0f MB); over the last %d cycles the GC phases fill "
           "%.0f%% of the time and the GC takes %.0f%% of the CPU (%.0f%% since the process "
           "started, as the runtime counts it): the memory limit holds the goal down and the "
           "program collects back to back",
           s->streak_gc, s->streak_t, cy->goal_mb, cy->heap_live_mb,
           s->n < WINDOW ? s->n : WINDOW, busy * 100, cpu * 100, cy->cpu_pct);
  snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step,
           "The live heap no longer fits under GOMEMLIMIT: raise the limit (or the container's), "
           "or shrink the live heap (go tool pprof -sample_index=inuse_space "
           ".../debug/pprof/heap). With GOGC=off and a limit, nothing else bounds GC work; "
           "since Go 1.19 the limiter caps GC CPU near 50%%.");
}

static void cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  state *s = sp;
  if (cy->t_s < 0 || cy->goal_mb < 0 || cy->heap_live_mb <= 0 || cy->mark_ms < 0)
    return;
  slot *now = &s->w[s->n++ % WINDOW];
  /* The goal of cycle n is set from the heap marked by cycle n-1: GOGC=g makes it
  ** (1 + g/100) times that; within 10% of it is the memory limit (Go 1.19+) holding it
  ** down (or a GOGC under 10, which the other two conditions tell apart). */
  now->pinned = s->prev_live_mb > 0 && cy->goal_mb <= thr[P_RATIO] * s->prev_live_mb;
  s->prev_live_mb = cy->heap_live_mb;
  now->t = cy->t_s;
  now->busy_ms = cy->sweep_term_ms + cy->mark_ms + cy->mark_term_ms;
  now->cpu_pct = cy->cpu_pct;
  now->gc_cpu_ms = ((cy->cpu_sweep_term_ms > 0 ? cy->cpu_sweep_term_ms : 0) +
                    (cy->cpu_assist_ms > 0 ? cy->cpu_assist_ms : 0) +
                    (cy->cpu_bg_ms > 0 ? cy->cpu_bg_ms : 0) +
                    (cy->cpu_mark_term_ms > 0 ? cy->cpu_mark_term_ms : 0)) /
                   (cy->procs > 0 ? cy->procs : 1);
  s->streak = now->pinned ? s->streak + 1 : 0;
  if (!now->pinned)
    s->streak_gc = 0;
  else if (s->streak_gc == 0) {
    s->streak_gc = cy->gc;
    s->streak_t = cy->t_s;
  }
  s->last_gc = cy->gc;
  s->last_t = cy->t_s;
  int k = s->n < WINDOW ? s->n : WINDOW;
  if (k < (int)thr[P_MIN_CYCLES])
    return;
  const slot *oldest = &s->w[s->n < WINDOW ? 0 : s->n % WINDOW];
  int pinned = 0;
  double busy_ms = 0, gc_cpu_ms = 0;
  for (int i = 0; i < k; i++) {
    pinned += s->w[i].pinned;
    busy_ms += s->w[i].busy_ms;
    gc_cpu_ms += s->w[i].gc_cpu_ms;
  }
  /* from the start of the oldest cycle to the end of this one (@t is a cycle's start) */
  double span = cy->t_s + now->busy_ms / 1000 - oldest->t;
  double busy = span > 0 ? busy_ms / 1000 / span : 0;
  double cpu = span > 0 ? gc_cpu_ms / 1000 / span : 0;
  /* cpu_pct is the runtime's cumulative figure since the start: in a thrash it climbs
  ** while a healthy run's stays flat, so "higher than 20 cycles ago" is the rise. */
  int rising = cy->cpu_pct >= thr[P_CPU] || cy->cpu_pct > oldest->cpu_pct;
  int held = s->streak >= thr[P_MIN_CYCLES] || (k == WINDOW && pinned >= thr[P_PINNED] * k);
  /* All three: a pinned goal alone is also a tiny GOGC, back-to-back cycles alone are a
  ** fast allocator. streak_gc > 0: the finding is dated from the current pinned stretch. */
  int thrash = held && busy >= thr[P_BUSY] && rising && s->streak_gc > 0;
  if (thrash && !s->ep.open) {
    gcw_finding_start(&s->ep.f, gcw_detect_memlimit_thrash.kind, GCW_SEV_ERROR, cy);
    s->ep.f.gc = s->streak_gc;
    s->ep.f.t_s = s->streak_t;
    s->ep.f.value = busy * 100;
    s->ep.f.threshold = thr[P_BUSY] * 100;
    s->ep.f.unit = "% of time in GC";
    describe(s, cy, busy, cpu);
    gcw_episode_open(c, &s->ep);
  } else if (s->ep.open && thrash && busy * 100 > s->ep.f.value) {
    s->ep.f.value = busy * 100;
    describe(s, cy, busy, cpu);
    gcw_episode_update(c, &s->ep);
  } else if (s->ep.open && pinned < k / 2) {
    gcw_episode_close(c, &s->ep, cy->gc, cy->t_s);
  }
}

static void end(gcw_detect_ctx *c, void *sp, const double *thr) {
  state *s = sp;
  (void)thr;
  gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
}

const gcw_detector_def gcw_detect_memlimit_thrash = {"memlimit_thrash", sizeof(state), params,
                                                     6, cycle, NULL, end, offsetof(state, ep)};
