/* detect_rss_limit.c: rss_near_limit: the process's RSS or its cgroup's memory.current
** (process samples, procsample.h) within a margin of the cgroup's memory.max, while
** GOMEMLIMIT (from the process's environment) is unset or above that margin: the runtime
** does not know the limit, and the kernel's OOM killer ends the process when it is hit. */
#include "detect.h"

#include <stddef.h>
#include <stdio.h>

enum { P_MARGIN };

static const gcw_threshold_def params[] = {
    {"margin_share", 0.1, "share",
     "within 10% of memory.max: one GC cycle's growth (GOGC=100 doubles the heap) can cross it"},
};

typedef struct state {
  long last_gc;
  double last_t;
  gcw_episode ep;
} state;

static void cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  state *s = sp;
  (void)c;
  (void)thr;
  s->last_gc = cy->gc;
  s->last_t = cy->t_s;
}

static void describe(state *s, const gcw_proc_sample *ps, double used, double pct) {
  const char *what = ps->cgroup_current_mb >= ps->rss_mb ? "the cgroup's memory.current" : "RSS";
  char lim[96];
  if (ps->gomemlimit_mb >= 0)
    snprintf(lim, sizeof lim, "GOMEMLIMIT (%.0f MB) is above that margin", ps->gomemlimit_mb);
  else
    snprintf(lim, sizeof lim, "GOMEMLIMIT is not set");
  snprintf(s->ep.f.message, sizeof s->ep.f.message,
           "%s is %.0f MB, %.0f%% of the container's limit memory.max %.0f MB (RSS %.0f MB), and "
           "%s: the Go runtime does not know the limit, so it lets the heap grow to its goal "
           "and the kernel's OOM killer ends the process when the limit is reached",
           what, used, pct, ps->cgroup_max_mb, ps->rss_mb, lim);
  snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step,
           "Set GOMEMLIMIT below the container limit, e.g. GOMEMLIMIT=%.0fMiB (90%% of "
           "memory.max; Go 1.19+), so the GC works harder before the kernel intervenes; keep "
           "room for off-heap memory (cgo, mmap). On older Go lower GOGC, or raise the limit "
           "if the live heap really needs it.",
           ps->cgroup_max_mb * 0.9);
}

static void sample(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_proc_sample *ps) {
  state *s = sp;
  if (ps->cgroup_max_mb <= 0)
    return;
  double used = ps->rss_mb > ps->cgroup_current_mb ? ps->rss_mb : ps->cgroup_current_mb;
  double line = ps->cgroup_max_mb * (1 - thr[P_MARGIN]);
  int unguarded = ps->gomemlimit_mb < 0 || ps->gomemlimit_mb > line;
  double pct = 100 * used / ps->cgroup_max_mb;
  if (used < line || !unguarded) {
    gcw_episode_close(c, &s->ep, s->last_gc, ps->t_s);
    return;
  }
  if (s->ep.open && pct <= s->ep.f.value)
    return;
  if (!s->ep.open) {
    gcw_finding_start(&s->ep.f, "rss_near_limit", GCW_SEV_WARN, NULL);
    s->ep.f.gc = s->last_gc > 0 ? s->last_gc : -1;
    s->ep.f.t_s = ps->t_s;
    snprintf(s->ep.f.wall, sizeof s->ep.f.wall, "%s", ps->wall);
    s->ep.f.threshold = 100 * (1 - thr[P_MARGIN]);
    s->ep.f.unit = "%";
  }
  s->ep.f.value = pct;
  describe(s, ps, used, pct);
  gcw_episode_report(c, &s->ep);
}

static void end(gcw_detect_ctx *c, void *sp, const double *thr) {
  state *s = sp;
  (void)thr;
  gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
}

const gcw_detector_def gcw_detect_rss_near_limit = {
    "rss_near_limit", sizeof(state), params, 1, cycle, NULL, end, offsetof(state, ep)};

const gcw_sample_detector gcw_sample_rss_near_limit = {&gcw_detect_rss_near_limit, sample};
