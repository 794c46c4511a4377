/* detect_growth.c: heap_growth: the live heap after GC grows steadily (a least-squares
** line over the run with a good fit) — a leak suspect, with MB/min and since when.
** Samples: the last live heap of each time bucket; when SAMPLES fill, neighbours merge
** and buckets double, so the whole run is covered in bounded memory. */
#include "detect.h"

#include <stdio.h>

enum { SAMPLES = 128 };
enum { P_SLOPE, P_R2, P_GROWTH, P_SHARE, P_SPAN, P_MIN_SAMPLES };

static const gcw_threshold_def params[] = {
    {"slope_mb_min", 1, "MB/min", "1 MB a minute is 1.4 GB a day"},
    {"r2", 0.8, "", "the straight line explains 80% of the variation: steady, not noisy"},
    {"min_growth_mb", 10, "MB", "the fitted growth is at least 10 MB"},
    {"min_growth_share", 0.25, "share", "and at least a quarter of where it started"},
    {"min_span_s", 20, "s", "seen over at least 20 s"},
    {"min_samples", 10, "samples", "and at least 10 time buckets"},
};

typedef struct state {
  double t[SAMPLES], mb[SAMPLES];
  long gc[SAMPLES];
  int n;
  double width_s;      /* bucket width (starts at 1 s) */
  double bucket_t;     /* start of the open bucket (-1: none) */
  double pending_mb;   /* last live heap in the open bucket */
  long pending_gc;
  long last_gc;
  double last_t;
  gcw_episode ep;
} state;

static void push(state *s) {
  if (s->n == SAMPLES) {
    for (int i = 0; i < SAMPLES / 2; i++) {
      s->t[i] = s->t[2 * i];
      s->mb[i] = s->mb[2 * i + 1]; /* the later of each pair: the bucket's last value */
      s->gc[i] = s->gc[2 * i];
    }
    s->n = SAMPLES / 2;
    s->width_s *= 2;
  }
  s->t[s->n] = s->bucket_t;
  s->mb[s->n] = s->pending_mb;
  s->gc[s->n++] = s->pending_gc;
}

/* Least squares over the samples: slope in MB/s, intercept, R². */
static void fit(const state *s, double *slope, double *icept, double *r2) {
  double n = s->n, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
  for (int i = 0; i < s->n; i++) {
    sx += s->t[i];
    sy += s->mb[i];
    sxx += s->t[i] * s->t[i];
    sxy += s->t[i] * s->mb[i];
    syy += s->mb[i] * s->mb[i];
  }
  double vx = n * sxx - sx * sx, vy = n * syy - sy * sy, cxy = n * sxy - sx * sy;
  *slope = vx > 0 ? cxy / vx : 0;
  *icept = (sy - *slope * sx) / n;
  *r2 = vx > 0 && vy > 0 ? cxy * cxy / (vx * vy) : 0;
}

static void judge(gcw_detect_ctx *c, state *s, const double *thr, const gcw_cycle *cy) {
  if (s->n < (int)thr[P_MIN_SAMPLES] || s->t[s->n - 1] - s->t[0] < thr[P_SPAN])
    return;
  double slope, icept, r2;
  fit(s, &slope, &icept, &r2);
  double from = icept + slope * s->t[0], to = icept + slope * s->t[s->n - 1];
  double per_min = slope * 60, growth = to - from;
  int leak = per_min >= thr[P_SLOPE] && r2 >= thr[P_R2] && growth >= thr[P_GROWTH] &&
             growth >= thr[P_SHARE] * (from > 1 ? from : 1);
  if (leak) {
    if (!s->ep.open) {
      gcw_finding_start(&s->ep.f, "heap_growth", GCW_SEV_WARN, cy);
      s->ep.f.gc = s->gc[0];
      s->ep.f.t_s = s->t[0];
      s->ep.f.wall[0] = '\0';
    }
    s->ep.f.value = per_min;
    s->ep.f.threshold = thr[P_SLOPE];
    s->ep.f.unit = "MB/min";
    snprintf(s->ep.f.message, sizeof s->ep.f.message,
             "the live heap after GC grows steadily: %.1f MB/min, from about %.0f MB at @%.0fs "
             "to %.0f MB at @%.0fs (straight-line fit, R² %.2f): a leak suspect",
             per_min, from, s->t[0], to, s->t[s->n - 1], r2);
    snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step,
             "Take two heap profiles minutes apart and compare what is live: go tool pprof "
             "-sample_index=inuse_space -base first.pb.gz second.pb.gz (from "
             "/debug/pprof/heap). Look for maps, caches and slices that only grow, and "
             "goroutines that never exit (/debug/pprof/goroutine).");
    gcw_episode_report(c, &s->ep);
  } else if (s->ep.open && (r2 < thr[P_R2] / 2 || per_min < thr[P_SLOPE] / 2)) {
    gcw_episode_close(c, &s->ep, cy->gc, cy->t_s);
  }
}

static void cycle(gcw_detect_ctx *c, void *sp, const double *thr, const gcw_cycle *cy) {
  state *s = sp;
  if (cy->t_s < 0 || cy->heap_live_mb < 0)
    return;
  if (s->width_s == 0) {
    s->width_s = 1;
    s->bucket_t = -1;
  }
  if (s->bucket_t >= 0 && cy->t_s >= s->bucket_t + s->width_s) {
    push(s);
    judge(c, s, thr, cy);
    s->bucket_t = -1;
  }
  if (s->bucket_t < 0) {
    s->bucket_t = cy->t_s;
    s->pending_gc = cy->gc;
  }
  s->pending_mb = cy->heap_live_mb;
  s->last_gc = cy->gc;
  s->last_t = cy->t_s;
}

static void end(gcw_detect_ctx *c, void *sp, const double *thr) {
  state *s = sp;
  if (s->width_s > 0 && s->bucket_t >= 0) {
    gcw_cycle last = {0};
    last.gc = s->last_gc;
    last.t_s = s->last_t;
    push(s);
    judge(c, s, thr, &last);
  }
  gcw_episode_close(c, &s->ep, s->last_gc, s->last_t);
}

const gcw_detector_def gcw_detect_heap_growth = {"heap_growth", sizeof(state), params, 6, cycle,
                                                 NULL, end};
