/* detect_release.c: delayed_release: after the live heap falls a lot, the memory the
** runtime retains (not yet returned to the OS, as the scvg/scav lines say) stays high for
** longer than a threshold. Without scavenger lines it says how to get them. */
#include "detect.h"

#include <stdio.h>
#include <string.h>

enum { P_DROP_SHARE, P_MIN_DROP, P_DELAY, P_RETURNED };

static const gcw_threshold_def params[] = {
    {"drop_share", 0.5, "share", "the live heap falls to half of its peak or less"},
    {"min_drop_mb", 64, "MB", "and by at least 64 MB: smaller amounts do not matter to RSS"},
    {"delay_s", 10, "s", "not returned within 10 s: longer than a monitoring scrape interval"},
    {"returned_share", 0.5, "share", "returned = half of the drop given back to the OS"},
};

typedef struct state {
  double peak_mb;        /* highest live (marked) heap since the last release */
  double released_mb;    /* latest "currently released" figure (-1 unknown) */
  int saw_scav;
  long cycles;
  int dropped;           /* waiting for a release */
  long drop_gc;
  double drop_t, drop_from_mb, drop_to_mb, released0_mb;
  long last_gc;
  double last_t;
  gcw_episode ep;
} state;

static void describe(state *s, double returned, int done) {
  double excess = s->drop_from_mb - s->drop_to_mb;
  if (done)
    snprintf(s->ep.f.message, sizeof s->ep.f.message,
             "the live heap fell from %.0f MB to %.0f MB at gc %ld (@%.3fs), but the runtime "
             "returned those %.0f MB to the OS only %.0f s later (%.0f MB released by then): "
             "RSS stayed that much above what the program used all that time",
             s->drop_from_mb, s->drop_to_mb, s->drop_gc, s->drop_t, excess, s->ep.f.value,
             returned < 0 ? 0 : returned);
  else
    snprintf(s->ep.f.message, sizeof s->ep.f.message,
             "the live heap fell from %.0f MB to %.0f MB at gc %ld (@%.3fs), but only %.0f of "
             "those %.0f MB had been returned to the OS %.0f s later: RSS stays that much above "
             "what the program uses",
             s->drop_from_mb, s->drop_to_mb, s->drop_gc, s->drop_t,
             returned < 0 ? 0 : returned, excess, s->ep.f.value);
  snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step,
           "This is retained memory, not a leak. The background scavenger returns it slowly "
           "(Go 1.13+ paces it to about 1%% of one CPU; Go 1.12-1.15 used MADV_FREE, so RSS fell "
           "only under memory pressure). To return it at once call debug.FreeOSMemory() after "
           "dropping a large structure; GOMEMLIMIT makes the scavenger work harder near the "
           "limit (Go 1.19+).");
}

static void cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  state *s = sp;
  s->cycles++;
  if (cy->t_s < 0 || cy->heap_live_mb < 0)
    return;
  s->last_gc = cy->gc;
  s->last_t = cy->t_s;
  /* Compare live with live: the heap at the end of a cycle is about twice the live heap
  ** under GOGC=100, which is no drop. */
  if (cy->heap_live_mb > s->peak_mb)
    s->peak_mb = cy->heap_live_mb;
  if (!s->dropped && s->peak_mb - cy->heap_live_mb >= thr[P_MIN_DROP] &&
      cy->heap_live_mb <= s->peak_mb * (1 - thr[P_DROP_SHARE])) {
    s->dropped = 1;
    s->drop_gc = cy->gc;
    s->drop_t = cy->t_s;
    s->drop_from_mb = s->peak_mb;
    s->drop_to_mb = cy->heap_live_mb;
    s->released0_mb = s->released_mb > 0 ? s->released_mb : 0;
    gcw_finding_start(&s->ep.f, gcw_detect_delayed_release.kind, GCW_SEV_WARN, cy);
    return;
  }
  if (!s->dropped)
    return;
  if (cy->heap_live_mb > s->drop_from_mb * (1 - thr[P_DROP_SHARE])) {
    /* the heap grew back: the retained memory is in use again */
    s->dropped = 0;
    s->peak_mb = cy->heap_live_mb;
    gcw_episode_close(c, &s->ep, cy->gc, cy->t_s);
    return;
  }
  /* Still not returned: report while waiting, but only for runs that print scavenger
  ** lines at all (without scavtrace=1 a return could never be seen). */
  double waited = cy->t_s - s->drop_t;
  if (waited > thr[P_DELAY] && s->saw_scav) {
    s->ep.f.value = waited;
    s->ep.f.threshold = thr[P_DELAY];
    s->ep.f.unit = "s";
    describe(s, s->released_mb - s->released0_mb, 0);
    gcw_episode_report(c, &s->ep);
  }
}

static void scav(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_scav *sc) {
  state *s = sp;
  s->saw_scav = 1;
  if (sc->released_mb >= 0)
    s->released_mb = sc->released_mb;
  if (!s->dropped)
    return;
  double returned = s->released_mb - s->released0_mb;
  if (returned < thr[P_RETURNED] * (s->drop_from_mb - s->drop_to_mb))
    return;
  /* Returned. The line has no time: it came after the last gc line, so the delay is at
  ** least that long. */
  double waited = s->last_t - s->drop_t;
  if (s->ep.open || waited > thr[P_DELAY]) {
    s->ep.f.value = waited;
    s->ep.f.threshold = thr[P_DELAY];
    s->ep.f.unit = "s";
    describe(s, returned, 1);
    if (!s->ep.open)
      gcw_episode_open(c, &s->ep);
    gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
  }
  s->dropped = 0;
  s->peak_mb = s->drop_to_mb;
}

static void end(gcw_detect_ctx *c, void *sp, const double *thr) {
  state *s = sp;
  (void)thr;
  if (s->ep.open) {
    snprintf(s->ep.f.next_step + strlen(s->ep.f.next_step),
             sizeof s->ep.f.next_step - strlen(s->ep.f.next_step),
             " (Still retained when the log ends.)");
    gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
  }
  if (!s->saw_scav && s->cycles >= 2) {
    gcw_finding f;
    gcw_finding_start(&f, gcw_detect_delayed_release.kind, GCW_SEV_INFO, NULL);
    f.gc = s->last_gc;
    f.t_s = s->last_t;
    f.unit = "";
    snprintf(f.message, sizeof f.message,
             "skipped: this run has no scavenger lines, so how much memory went back to the "
             "OS cannot be told");
    snprintf(f.next_step, sizeof f.next_step,
             "Go 1.14 and later: run with GODEBUG=gctrace=1,scavtrace=1 (gctrace-watch -- PROG "
             "adds it). Go 1.13 and older print scvg lines with gctrace=1 alone (1.13 on every "
             "scavenger pass, 1.12 and older every 2.5 minutes).");
    gcw_finding_once(c, &f);
  }
}

const gcw_detector_def gcw_detect_delayed_release = {"delayed_release", sizeof(state), params,
                                                     4, cycle, scav, end, offsetof(state, ep)};
