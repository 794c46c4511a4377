/* detect_cpu.c: gc_cpu_high (the runtime's cumulative GC CPU share stays at or over the
** GC's design point) and assist_heavy (mark assists outweigh background marking). */
#include "detect.h"

#include <stddef.h>
#include <stdio.h>

enum { P_PCT, P_ERROR, P_SUSTAIN, P_RUN_SHARE, P_MIN_CYCLES };

static const gcw_threshold_def params[] = {
    {"pct", 25, "%", "the GC is designed to take 25% of CPU while it marks; more, overall, is high"},
    {"error_pct", 50, "%", "half of all CPU in GC: error"},
    {"sustain_s", 10, "s", "for 10 s: start-up transients are normal"},
    {"run_share", 0.8, "share", "or for 80% of a run shorter than that"},
    {"min_cycles", 5, "cycles", "and over at least 5 cycles"},
    {"hold_s", 10, "s", "the episode ends after 10 s below the threshold; back sooner, it goes on"},
};

typedef struct state {
  double first_t, high_t, last_t;
  long high_gc, high_cycles, last_gc, cycles;
  double peak;
  gcw_episode ep;
} state;

static void describe(state *s) {
  s->ep.f.severity = s->peak >= s->ep.f.threshold * 2 ? GCW_SEV_ERROR : GCW_SEV_WARN;
  s->ep.f.value = s->peak;
  snprintf(s->ep.f.message, sizeof s->ep.f.message,
           "the runtime reports %.0f%% of all CPU since the process started spent in GC, at or "
           "over %.0f%% from gc %ld (@%.3fs) on",
           s->peak, s->ep.f.threshold, s->high_gc, s->high_t);
  snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step,
           "Allocate less (go tool pprof -sample_index=alloc_space .../debug/pprof/heap), or "
           "give the GC more room: each doubling of GOGC roughly halves GC work at the cost of "
           "heap; with a GOMEMLIMIT a higher GOGC is safe. Check assist_heavy too.");
}

static void open_now(gcw_detect_ctx *c, state *s, const double *thr, const gcw_cycle *cy) {
  gcw_finding_start(&s->ep.f, gcw_detect_gc_cpu_high.kind, GCW_SEV_WARN, cy);
  s->ep.f.gc = s->high_gc;
  s->ep.f.t_s = s->high_t;
  s->ep.f.threshold = thr[P_PCT];
  s->ep.f.unit = "%";
  describe(s);
  gcw_episode_open(c, &s->ep);
}

static void cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  state *s = sp;
  if (cy->t_s < 0 || cy->cpu_pct < 0)
    return;
  if (s->cycles++ == 0)
    s->first_t = cy->t_s;
  s->last_t = cy->t_s;
  s->last_gc = cy->gc;
  /* cpu_pct is cumulative since the process started and so moves slowly: one value under
  ** the threshold already means the recent rate stayed low for a while; it ends the
  ** episode. */
  if (cy->cpu_pct < thr[P_PCT]) {
    gcw_episode_close(c, &s->ep, cy->gc, cy->t_s);
    s->high_cycles = 0;
    return;
  }
  if (s->high_cycles++ == 0) {
    s->high_gc = cy->gc;
    s->high_t = cy->t_s;
    s->peak = 0;
  }
  int was = s->peak >= thr[P_ERROR];
  if (cy->cpu_pct > s->peak)
    s->peak = cy->cpu_pct;
  if (s->ep.open) {
    if (s->peak >= thr[P_ERROR] && !was) {
      describe(s);
      gcw_episode_update(c, &s->ep);
    }
  } else if (cy->t_s - s->high_t >= thr[P_SUSTAIN] && s->high_cycles >= thr[P_MIN_CYCLES]) {
    /* sustained in time and in cycles: start-up alone (few cycles, all early) is high */
    open_now(c, s, thr, cy);
  }
}

static void end(gcw_detect_ctx *c, void *sp, const double *thr) {
  state *s = sp;
  /* a run shorter than sustain_s that was high for most of its life */
  if (!s->ep.open && s->high_cycles >= thr[P_MIN_CYCLES] && s->last_t > s->first_t &&
      (s->last_t - s->high_t) >= thr[P_RUN_SHARE] * (s->last_t - s->first_t)) {
    gcw_cycle last = {0};
    last.gc = s->last_gc;
    last.t_s = s->last_t;
    open_now(c, s, thr, &last);
  }
  gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
}

const gcw_detector_def gcw_detect_gc_cpu_high = {"gc_cpu_high", sizeof(state), params, 6, cycle,
                                                 NULL, end, offsetof(state, ep)};

/* ---- assist_heavy ------------------------------------------------------------------ */

enum { WINDOW = 10 };
enum { A_CYCLES, A_SHARE, A_CPU_SHARE, A_WARMUP, A_CPU_ALONE, A_MIN_CYCLES, A_RAMP };

static const gcw_threshold_def assist_params[] = {
    {"cycles", 6, "of 10", "assists exceed background marking in 6 of the last 10 cycles"},
    {"share", 0.25, "share", "and do a quarter of all mark CPU in them"},
    {"cpu_share", 0.05, "share",
     "and take 5% of the CPU available over those cycles: less is no real cost to latency"},
    {"warmup_s", 1, "s",
     "not in a process's first second: the pacer has no history and the heap grows from 4 MB"},
    {"cpu_alone", 0.10, "share",
     "or, however few the cycles, assists alone take 10% of the CPU available over them: a "
     "run of a few long cycles never shows 6 of 10"},
    {"min_cycles", 3, "cycles", "judged over at least 3 cycles (fewer than 10 in a short run)"},
    {"ramp", 1.5, "x",
     "cpu_alone is not judged on a cycle whose marked heap grew 1.5x or more over the last "
     "one: the pacer plans from a heap far smaller, and assists catching up is its design"},
    {"hold_s", 10, "s", "the episode ends after 10 s without heavy assists; back sooner, it goes on"},
};

typedef struct assist_state {
  double assist[WINDOW], bg[WINDOW], idle[WINDOW], t[WINDOW];
  double dur[WINDOW]; /* each cycle's clock phases, ms */
  int n, procs;
  long last_gc;
  double last_t;
  double last_live_mb; /* the previous cycle's marked heap (0: none yet) */
  gcw_episode ep;
} assist_state;

/* What the last w (at most WINDOW) cycles show. */
typedef struct assist_window {
  int w, over;     /* cycles judged; those with more assist than background mark */
  double share;    /* assists' share of all mark CPU */
  double cpu;      /* assists' share of all CPU available over the cycles' wall time */
  double span_ms;  /* that wall time */
} assist_window;

static assist_window assist_measure(const assist_state *s, double newest_ms) {
  assist_window m = {s->n < WINDOW ? s->n : WINDOW, 0, 0, 0, 0};
  double a = 0, all = 0, oldest_t = s->t[s->n > WINDOW ? s->n % WINDOW : 0];
  for (int k = 0; k < m.w; k++) {
    m.over += s->assist[k] > s->bg[k];
    a += s->assist[k];
    all += s->assist[k] + s->bg[k] + s->idle[k];
  }
  m.share = all > 0 ? a / all : 0;
  /* From the oldest cycle's start to the newest one's end: with cycles seconds long, the
  ** newest cycle's own duration is a large part of the time its assists ran in. */
  double span_ms = (s->last_t - oldest_t) * 1000 + newest_ms;
  /* @t has 1 ms resolution: cycles a few per millisecond share one @t, and the span read
  ** from @t is then shorter than the cycles themselves took; they never overlap, so their
  ** summed durations bound the span from below (and the share stays at most 100%) */
  double busy_ms = 0;
  for (int k = 0; k < m.w; k++)
    busy_ms += s->dur[k];
  if (span_ms < busy_ms)
    span_ms = busy_ms;
  m.span_ms = span_ms;
  m.cpu = span_ms > 0 ? a / (span_ms * s->procs) : 0;
  return m;
}

static void assist_describe(assist_state *s, const double *thr, const assist_window *m) {
  s->ep.f.value = m->share * 100;
  s->ep.f.threshold = thr[A_SHARE] * 100;
  s->ep.f.unit = "% of mark CPU";
  snprintf(s->ep.f.message, sizeof s->ep.f.message,
           "mark assists did %.0f%% of the mark work in the last %d cycles (%d of them with "
           "more assist than background mark time) and took %.0f%% of all CPU: goroutines "
           "are made to mark instead of running",
           m->share * 100, m->w, m->over, m->cpu * 100);
  snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step,
           "Allocation outpaces the background mark workers: allocate less on hot paths "
           "(alloc_space profile), or raise GOGC / the GOMEMLIMIT headroom. The execution "
           "trace (go tool trace) shows assist time inside requests.");
}

static void assist_cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  assist_state *s = sp;
  double prev_live = s->last_live_mb;
  s->last_live_mb = cy->heap_live_mb;
  if (cy->cpu_assist_ms < 0 || cy->cpu_bg_ms < 0 || cy->t_s < thr[A_WARMUP])
    return;
  int ramp = prev_live > 0 && cy->heap_live_mb >= thr[A_RAMP] * prev_live;
  int i = s->n++ % WINDOW;
  s->assist[i] = cy->cpu_assist_ms;
  s->bg[i] = cy->cpu_bg_ms;
  s->idle[i] = cy->cpu_idle_ms > 0 ? cy->cpu_idle_ms : 0;
  s->t[i] = cy->t_s;
  s->procs = cy->procs > 0 ? cy->procs : 1;
  s->last_gc = cy->gc;
  s->last_t = cy->t_s;
  double newest_ms = (cy->sweep_term_ms > 0 ? cy->sweep_term_ms : 0) +
                     (cy->mark_ms > 0 ? cy->mark_ms : 0) +
                     (cy->mark_term_ms > 0 ? cy->mark_term_ms : 0);
  s->dur[i] = newest_ms;
  if (s->n < thr[A_MIN_CYCLES])
    return;
  assist_window m = assist_measure(s, newest_ms);
  /* The count rule scales to a window not yet full: 6 of 10 is 60% of the cycles seen. */
  int by_count = m.over * WINDOW >= thr[A_CYCLES] * m.w && m.cpu >= thr[A_CPU_SHARE];
  /* CPU alone speaks of cycles that take time: over at least a second of them */
  int by_cpu = m.cpu >= thr[A_CPU_ALONE] && !ramp && m.span_ms >= 1000;
  int heavy = m.share >= thr[A_SHARE] && (by_count || by_cpu);
  if (heavy && (!s->ep.open || m.share * 100 > s->ep.f.value)) {
    if (!s->ep.open)
      gcw_finding_start(&s->ep.f, gcw_detect_assist_heavy.kind, GCW_SEV_WARN, cy);
    assist_describe(s, thr, &m);
    gcw_episode_report(c, &s->ep);
  } else if (s->ep.open && m.over * 2 < m.w && m.cpu * 2 < thr[A_CPU_ALONE]) {
    gcw_episode_close(c, &s->ep, cy->gc, cy->t_s);
  }
}

static void assist_end(gcw_detect_ctx *c, void *sp, const double *thr) {
  assist_state *s = sp;
  (void)thr;
  gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
}

const gcw_detector_def gcw_detect_assist_heavy = {"assist_heavy", sizeof(assist_state),
                                                  assist_params, 8, assist_cycle, NULL,
                                                  assist_end, offsetof(assist_state, ep)};
