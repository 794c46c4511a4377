/*
** percentile.h: the one percentile rule of the tool: nearest rank.
** The p-th percentile of n sorted values is the value at rank ceil(p/100 * n) (1-based),
** at least 1: always one of the values, never an interpolation. Ranks are computed in
** integers (per mille), so p90 of 10 values is exactly the 9th, where ceil(0.9 * 10) in
** doubles could land on either side. Used by the statistics (stats.c) and the plots.
*/
#ifndef GCW_PERCENTILE_H
#define GCW_PERCENTILE_H

/* The 1-based rank of the permille-th per mille of n values (990: p99); 0 when n is 0. */
static inline long long gcw_nearest_rank(int permille, long long n) {
  long long rank = ((long long)permille * n + 999) / 1000;
  return n <= 0 ? 0 : rank < 1 ? 1 : rank;
}

#endif
