/* alloc_rate.c: see alloc_rate.h. */
#include "alloc_rate.h"

#include "stats.h"

long long gcw_alloc_t_ms(double t_s) {
  double x = t_s * 1000;
  return x >= 0 ? (long long)(x + 0.5) : -(long long)(-x + 0.5);
}

/* A window of pairs is done: its rate counts when it holds enough time. */
static void window_close(gcw_alloc_acc *a) {
  if (a->win_dt < GCW_ALLOC_WINDOW_MIN_MS)
    return;
  double rate = (double)a->win_sum * 1000.0 / (double)a->win_dt;
  if (!a->has_max || rate > a->max)
    a->max = rate;
  a->has_max = 1;
}

void gcw_alloc_pair(gcw_alloc_acc *a, long long alloc, long long t_ms, long long dt_ms) {
  if (a->pairs++ == 0) {
    a->t0 = t_ms;
    a->win = 0;
  }
  long long win = (t_ms - a->t0) / GCW_ALLOC_WINDOW_MS;
  if (win != a->win) {
    window_close(a);
    a->win = win;
    a->win_sum = a->win_dt = 0;
  }
  a->sum += alloc;
  a->dt += dt_ms;
  a->win_sum += alloc;
  a->win_dt += dt_ms;
}

void gcw_alloc_finish(gcw_alloc_acc *a, int *has_run, double *run, int *has_max, double *max) {
  *has_run = *has_max = 0;
  if (a->pairs == 0)
    return;
  window_close(a);
  *has_run = a->dt > 0;
  *run = *has_run ? (double)a->sum * 1000.0 / (double)a->dt : 0;
  *has_max = a->has_max;
  *max = a->max;
}
