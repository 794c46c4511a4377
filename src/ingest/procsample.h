/*
** procsample.h: what the kernel charges a process, read from /proc at a moment.
** Owns:   descriptors kept open on /proc/PID/status, /proc/PID/smaps_rollup and the
**         process's cgroup v2 memory.current and memory.max (each one that exists).
** Input:  a PID (child mode: PROG's; watch mode: --pid).
** Output: one gcw_proc_sample per read: RSS, VSZ, anon/file RSS, swap, lazily freed
**         bytes, the cgroup's usage and limit, on the runtime's @t axis.
** Never:  writes SQL, allocates per sample or grows: a read is one pread() per file kept
**         open, into a buffer on the stack. smaps_rollup, whose cost grows with RSS (the
**         kernel walks the page tables: ~4 ms at 256 MiB), is read at most 1% of the time;
**         samples in between have no lazyfree_mb (-1).
**
** Time: the runtime's `@t` is seconds since the process started. /proc/PID/stat field
** 22 gives the start in clock ticks since boot; CLOCK_BOOTTIME is "now" on the same
** clock, so t_s = boottime_now - starttime / CLK_TCK: exact to one tick (10 ms on
** Linux's usual USER_HZ=100) plus the few milliseconds between exec() and the runtime's
** start (docs/schema.md, `process_samples`).
*/
#ifndef GCW_PROCSAMPLE_H
#define GCW_PROCSAMPLE_H

#include "err.h"

#include <stddef.h>
#include <sys/types.h>

/* One sample. Sizes in MB (MiB, as the runtime's "MB"); -1 where not available. */
typedef struct gcw_proc_sample {
  double t_s;               /* seconds since the process started (the runtime's @t) */
  char wall[40];            /* ISO 8601 UTC wall time of the read */
  double rss_mb;            /* VmRSS */
  double vsz_mb;            /* VmSize */
  double rss_anon_mb;       /* RssAnon */
  double rss_file_mb;       /* RssFile (+ RssShmem is not included) */
  double swap_mb;           /* VmSwap */
  double lazyfree_mb;       /* smaps_rollup LazyFree: MADV_FREE'd, still counted in RSS
                            ** (-1 also when not read at this sample: see above) */
  double cgroup_current_mb; /* cgroup v2 memory.current */
  double cgroup_max_mb;     /* cgroup v2 memory.max; -1 also when it is "max" */
  double gomemlimit_mb;     /* GOMEMLIMIT of the process's environment at start; -1 unset
                            ** (not stored: for the detectors) */
} gcw_proc_sample;

typedef struct gcw_procsample gcw_procsample;

/* Open the files of pid. GCW_EREAD (msg says why) when /proc/PID/status or stat cannot be
** read: no such process, or no /proc. A missing smaps_rollup or cgroup is not an error
** (those values are then -1). */
gcw_err gcw_procsample_open(gcw_procsample **out, pid_t pid, char *msg, size_t msglen);
void gcw_procsample_close(gcw_procsample **pp);
/* Read a sample. 0, or -1 when the process is gone (or a zombie: no memory left) or its
** status can no longer be read. */
int gcw_procsample_read(gcw_procsample *ps, gcw_proc_sample *out);
/* The cgroup v2 directory found (relative to the cgroup2 mount), or "" when none. */
const char *gcw_procsample_cgroup(const gcw_procsample *ps);

/* GOMEMLIMIT's value as the runtime reads it (a number of bytes with an optional B, KiB,
** MiB, GiB or TiB suffix; "off" or empty: none), in MB; -1 when unset or not parseable. */
double gcw_gomemlimit_mb(const char *value);

#endif
