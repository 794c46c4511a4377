/* detect_rss_release.c: rss_not_released: after the live heap fell, the process's RSS
** (a process sample, procsample.h) stays far above what the trace accounts for (the heap
** goal in force + stacks + globals, rssgap.h) for longer than a threshold. The finding
** carries the scavenger's figures since the fall, which tell retained-but-not-yet-
** scavenged memory from memory the runtime gave back that RSS still counts. */
#include "detect.h"
#include "rssgap.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum { P_DROP_SHARE, P_MIN_DROP, P_DELAY, P_MIN_GAP, P_FACTOR };

static const gcw_threshold_def params[] = {
    {"drop_share", 0.5, "share", "the live heap falls to half of its peak or less"},
    {"min_drop_mb", 64, "MB", "and by at least 64 MB (as delayed_release)"},
    {"delay_s", 10, "s", "RSS still high 10 s after the fall: longer than a scrape interval"},
    {"min_gap_mb", 64, "MB", "RSS exceeds heap goal + stacks + globals by at least 64 MB"},
    {"factor", 2, "x", "and RSS is at least twice what the trace accounts for"},
};

typedef struct state {
  int have_cycle;
  long last_gc;
  double last_t, goal_mb, stacks_mb, globals_mb;
  double live_mb, prev_live_mb; /* of the latest cycle and the one before */
  double next_goal_mb;          /* the goal in force after the latest cycle (rssgap.h) */
  double peak_mb;         /* highest live heap since the last fall */
  int dropped;            /* the live heap fell; watching RSS */
  long drop_gc;
  double drop_t, drop_from_mb, drop_to_mb;
  double released_mb;     /* released now, latest scavenger figure (-1 unknown) */
  double released0_mb;    /* ... at the fall */
  double work_mb;         /* released by scavenger lines since the fall */
  int saw_scav;
  gcw_episode ep;
} state;

static void cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  state *s = sp;
  if (cy->t_s < 0 || cy->heap_live_mb < 0 || cy->goal_mb < 0)
    return;
  if (!s->have_cycle)
    s->released_mb = -1;
  s->last_gc = cy->gc;
  s->last_t = cy->t_s;
  s->goal_mb = cy->goal_mb;
  s->prev_live_mb = s->have_cycle > 1 ? s->live_mb : -1;
  s->live_mb = cy->heap_live_mb;
  s->have_cycle = 2;
  s->next_goal_mb = gcw_rss_next_goal(s->live_mb, s->goal_mb, s->prev_live_mb);
  s->stacks_mb = cy->stacks_mb;
  s->globals_mb = cy->globals_mb;
  if (cy->heap_live_mb > s->peak_mb)
    s->peak_mb = cy->heap_live_mb;
  if (!s->dropped && s->peak_mb - cy->heap_live_mb >= thr[P_MIN_DROP] &&
      cy->heap_live_mb <= s->peak_mb * (1 - thr[P_DROP_SHARE])) {
    s->dropped = 1;
    s->drop_gc = cy->gc;
    s->drop_t = cy->t_s;
    s->drop_from_mb = s->peak_mb;
    s->drop_to_mb = cy->heap_live_mb;
    s->released0_mb = s->released_mb;
    s->work_mb = 0;
    return;
  }
  if (s->dropped && cy->heap_live_mb > s->drop_from_mb * (1 - thr[P_DROP_SHARE])) {
    /* the heap grew back: the memory is in use again */
    s->dropped = 0;
    s->peak_mb = cy->heap_live_mb;
    gcw_episode_close(c, &s->ep, cy->gc, cy->t_s);
  }
}

static void scav(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_scav *sc) {
  state *s = sp;
  (void)c;
  (void)thr;
  s->saw_scav = 1;
  if (sc->released_mb >= 0)
    s->released_mb = sc->released_mb;
  if (s->dropped)
    s->work_mb += sc->work_mb;
}

static void describe(state *s, const gcw_proc_sample *ps, double explained, double gap) {
  gcw_rss_gap g = {ps->rss_mb, s->next_goal_mb, s->stacks_mb, s->globals_mb, ps->lazyfree_mb,
                   ps->rss_file_mb, -1, s->released_mb, 0, 99};
  /* what the runtime still holds of the fall: the part of it not released since */
  double returned = s->saw_scav ? s->work_mb : -1;
  if (returned >= 0)
    g.retained_mb = s->drop_from_mb - s->drop_to_mb - returned;
  char why[400], scv[160];
  if (s->saw_scav)
    snprintf(scv, sizeof scv, "the scavenger released %.0f MB since then", s->work_mb);
  else
    snprintf(scv, sizeof scv, "no scavenger lines tell what was returned to the OS");
  snprintf(s->ep.f.message, sizeof s->ep.f.message,
           "RSS %.0f MB stays %.0f MB above what the trace accounts for (heap goal %.0f MB + "
           "stacks and globals %.0f MB = %.0f MB) %.0f s after the live heap fell from %.0f MB "
           "to %.0f MB at gc %ld (@%.3fs); %s",
           ps->rss_mb, gap, s->next_goal_mb, explained - s->next_goal_mb, explained,
           ps->t_s - s->drop_t,
           s->drop_from_mb, s->drop_to_mb, s->drop_gc, s->drop_t, scv);
  snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step, "Why: %s.",
           gcw_rss_explain(&g, why, sizeof why));
}

static void sample(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_proc_sample *ps) {
  state *s = sp;
  if (!s->dropped || !s->have_cycle || ps->rss_mb < 0)
    return;
  double explained = s->next_goal_mb + (s->stacks_mb > 0 ? s->stacks_mb : 0) +
                     (s->globals_mb > 0 ? s->globals_mb : 0);
  double gap = ps->rss_mb - explained, waited = ps->t_s - s->drop_t;
  int far = gap >= thr[P_MIN_GAP] && ps->rss_mb >= thr[P_FACTOR] * explained;
  if (!far) {
    if (s->ep.open)
      gcw_episode_close(c, &s->ep, s->last_gc, ps->t_s);
    if (waited > thr[P_DELAY] || s->ep.f.kind) { /* released (in time, or at last) */
      s->dropped = 0;
      s->peak_mb = s->drop_to_mb;
      memset(&s->ep, 0, sizeof s->ep);
    }
    return;
  }
  if (waited <= thr[P_DELAY])
    return;
  if (!s->ep.open) {
    gcw_finding_start(&s->ep.f, "rss_not_released", GCW_SEV_WARN, NULL);
    s->ep.f.gc = s->last_gc;
    s->ep.f.t_s = ps->t_s;
    snprintf(s->ep.f.wall, sizeof s->ep.f.wall, "%s", ps->wall);
    s->ep.f.threshold = thr[P_MIN_GAP];
    s->ep.f.unit = "MB";
  } else if (gap <= s->ep.f.value) {
    return; /* the peak is what the finding keeps */
  }
  s->ep.f.value = gap;
  describe(s, ps, explained, gap);
  gcw_episode_report(c, &s->ep);
}

static void end(gcw_detect_ctx *c, void *sp, const double *thr) {
  state *s = sp;
  (void)thr;
  if (s->ep.open) {
    size_t n = strlen(s->ep.f.next_step);
    snprintf(s->ep.f.next_step + n, sizeof s->ep.f.next_step - n,
             " (Still above when the run ends.)");
    gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
  }
}

const gcw_detector_def gcw_detect_rss_not_released = {
    "rss_not_released", sizeof(state), params, 5, cycle, scav, end, offsetof(state, ep)};

const gcw_sample_detector gcw_sample_rss_not_released = {&gcw_detect_rss_not_released, sample};
