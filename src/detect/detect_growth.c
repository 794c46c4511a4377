/* detect_growth.c: heap_growth: the live heap after GC grows steadily (a least-squares
** line over the run with a good fit) — a leak suspect, with MB/min and since when.
** Samples: the last live heap of each time bucket; when SAMPLES fill, neighbours merge
** and buckets double, so the whole run is covered in bounded memory.
** The message quotes observed heaps (samples), never the fitted line's ends, which the
** heap may never have reached. A fit over the whole run stays good long after growth
** stopped (a cache that filled up), so the recent samples are fitted on their own too:
** growth has stopped when their slope falls under half the threshold (or a tenth of the
** run's slope) over a window long enough for the run's own rate to add min_growth_mb. */
#include "detect.h"

#include <stdio.h>

enum { SAMPLES = 128 };
enum { P_SLOPE, P_R2, P_GROWTH, P_SHARE, P_SPAN, P_MIN_SAMPLES };
enum { RECENT_MIN = 5 }; /* samples needed to fit the recent window */

static const gcw_threshold_def params[] = {
    {"slope_mb_min", 1, "MB/min", "1 MB a minute is 1.4 GB a day"},
    {"r2", 0.8, "", "the straight line explains 80% of the variation: steady, not noisy"},
    {"min_growth_mb", 10, "MB", "the fitted growth is at least 10 MB"},
    {"min_growth_share", 0.25, "share", "and at least a quarter of where it started"},
    {"min_span_s", 20, "s", "seen over at least 20 s"},
    {"min_samples", 10, "samples", "and at least 10 time buckets"},
};

typedef struct state {
  double t[SAMPLES], mb[SAMPLES]; /* bucket start; the bucket's last live heap */
  long gc[SAMPLES];               /* the bucket's first cycle */
  long vgc[SAMPLES];              /* the cycle that marked mb, and its @t */
  double vt[SAMPLES];
  int n;
  double width_s;      /* bucket width (starts at 1 s) */
  double bucket_t;     /* start of the open bucket (-1: none) */
  double pending_mb;   /* last live heap in the open bucket */
  long pending_gc;
  long pending_vgc;
  double pending_vt;
  long last_gc;
  double last_t;
  gcw_episode ep;
} state;

static void push(state *s) {
  if (s->n == SAMPLES) {
    for (int i = 0; i < SAMPLES / 2; i++) {
      s->t[i] = s->t[2 * i];
      s->mb[i] = s->mb[2 * i + 1]; /* the later of each pair: the bucket's last value */
      s->vgc[i] = s->vgc[2 * i + 1];
      s->vt[i] = s->vt[2 * i + 1];
      s->gc[i] = s->gc[2 * i];
    }
    s->n = SAMPLES / 2;
    s->width_s *= 2;
  }
  s->t[s->n] = s->bucket_t;
  s->mb[s->n] = s->pending_mb;
  s->vgc[s->n] = s->pending_vgc;
  s->vt[s->n] = s->pending_vt;
  s->gc[s->n++] = s->pending_gc;
}

/* Least squares over samples [from, s->n): slope in MB/s, intercept, R². */
static void fit_from(const state *s, int from, double *slope, double *icept, double *r2) {
  double n = s->n - from, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
  for (int i = from; i < s->n; i++) {
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

static void fit(const state *s, double *slope, double *icept, double *r2) {
  fit_from(s, 0, slope, icept, r2);
}

/* First sample of the recent window: the last min_span_s, or longer for a slow rate, so
** that at slope_mb_s the heap would have grown min_growth_mb in it; -1 if the window
** holds fewer than RECENT_MIN samples or reaches back to the first one. */
static int recent_from(const state *s, const double *thr, double slope_mb_s) {
  double need_s = slope_mb_s > 0 ? thr[P_GROWTH] / slope_mb_s : 0;
  double w = need_s > thr[P_SPAN] ? need_s : thr[P_SPAN];
  int i = s->n - 1;
  while (i > 0 && s->t[s->n - 1] - s->t[i - 1] <= w)
    i--;
  return i > 0 && s->n - i >= RECENT_MIN ? i : -1;
}

/* Where the live heap first reached its top level (within 1% of the largest sample: a
** flat heap wobbles): the end of the growth that was seen. */
static int peak_sample(const state *s) {
  double top = s->mb[0];
  for (int i = 1; i < s->n; i++)
    if (s->mb[i] > top)
      top = s->mb[i];
  int k = 0;
  while (k < s->n - 1 && s->mb[k] < top * 0.99)
    k++;
  return k;
}

static void describe(state *s, double per_min, double r2) {
  int k = peak_sample(s);
  snprintf(s->ep.f.message, sizeof s->ep.f.message,
           "the live heap after GC grows steadily: %.1f MB/min (straight-line fit, R² %.2f), "
           "from %.0f MB at gc %ld (@%.3fs) to %.0f MB at gc %ld (@%.3fs): a leak suspect",
           per_min, r2, s->mb[0], s->vgc[0], s->vt[0], s->mb[k], s->vgc[k], s->vt[k]);
}

static void judge(gcw_detect_ctx *c, state *s, const double *thr, const gcw_cycle *cy) {
  if (s->n < (int)thr[P_MIN_SAMPLES] || s->t[s->n - 1] - s->t[0] < thr[P_SPAN])
    return;
  double slope, icept, r2;
  fit(s, &slope, &icept, &r2);
  double from = icept + slope * s->t[0], to = icept + slope * s->t[s->n - 1];
  double per_min = slope * 60, growth = to - from;
  /* Four tests, because each alone misleads: a slope alone fires on noise (R² says the
  ** line fits), a fit alone fires on a tiny heap growing by 1 MB (absolute growth), and
  ** absolute growth alone fires on a 10 GB heap that moved 1% (the share). */
  int leak = per_min >= thr[P_SLOPE] && r2 >= thr[P_R2] && growth >= thr[P_GROWTH] &&
             growth >= thr[P_SHARE] * (from > 1 ? from : 1);
  int r = recent_from(s, thr, slope);
  double rslope = slope, ricept, rr2;
  if (r >= 0)
    fit_from(s, r, &rslope, &ricept, &rr2);
  /* Stopped: the recent slope is under half the threshold or a tenth of the run's own, as
  ** a large flat heap wobbles by a few MB (a few MB/min over 20 s) without growing. */
  double floor_min = per_min / 10 > thr[P_SLOPE] / 2 ? per_min / 10 : thr[P_SLOPE] / 2;
  int stopped = r >= 0 && rslope * 60 < floor_min;
  if (leak && !stopped) {
    if (!s->ep.open) {
      gcw_finding_start(&s->ep.f, gcw_detect_heap_growth.kind, GCW_SEV_WARN, cy);
      s->ep.f.gc = s->vgc[0]; /* where the quoted first heap was marked */
      s->ep.f.t_s = s->vt[0];
      s->ep.f.wall[0] = '\0';
    }
    s->ep.f.value = per_min;
    s->ep.f.threshold = thr[P_SLOPE];
    s->ep.f.unit = "MB/min";
    describe(s, per_min, r2);
    snprintf(s->ep.f.next_step, sizeof s->ep.f.next_step,
             "Take two heap profiles minutes apart and compare what is live: go tool pprof "
             "-sample_index=inuse_space -base first.pb.gz second.pb.gz (from "
             "/debug/pprof/heap). Look for maps, caches and slices that only grow, and "
             "goroutines that never exit (/debug/pprof/goroutine).");
    gcw_episode_report(c, &s->ep);
  } else if (s->ep.open && stopped) {
    int k = peak_sample(s); /* it ended where the heap reached the level it stayed at */
    gcw_episode_close(c, &s->ep, s->vgc[k], s->vt[k]);
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
  s->pending_vgc = cy->gc;
  s->pending_vt = cy->t_s;
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
                                                 NULL, end, offsetof(state, ep)};
