/*
** limits.h: every buffer's ceiling, in one place.
** Hitting one is a counted event with a message, never a crash or unbounded growth;
** together they keep memory flat whatever the input.
*/
#ifndef GCW_LIMITS_H
#define GCW_LIMITS_H

/* Bytes of one physical line kept for recognition. Longer lines pass through whole
** (pass-through works on raw bytes) but only this much is analysed or kept as unparsed. */
#define GCW_LINE_MAX (1024 * 1024)
/* Read size from the input. */
#define GCW_READ_CHUNK (64 * 1024)
/* A trace line rejoined from pieces never exceeds this (real ones are < 300 bytes). */
#define GCW_SPLICE_MAX 1024
/* Pieces of one trace line still awaiting their continuation at once. */
#define GCW_SPLICE_SLOTS 4
/* A piece not continued within this many lines is given up and kept as unparsed. */
#define GCW_SPLICE_AGE 64
/* Distinct line-start shapes remembered to tell an app line from a trace tail. */
#define GCW_SHAPE_SLOTS 256
/* Runs of one stream open at once (several Go processes sharing one stderr). A build
** (`go build` relays hundreds of short compile processes around the long-lived go
** command, corpus 07) needs room so the long run is not closed between its cycles.
** A tracker's table grows to this on demand (an idle stream costs a few runs' worth). */
#define GCW_RUNS_OPEN 256
/* Streams of one input told apart at once (syslog pids, a container's stdout and
** stderr). A fleet's journal or `kubectl logs --prefix` interleaves hundreds of
** processes; below this many each keeps its own rejoining and run tracking. Beyond it
** the least recently active stream is closed (its runs end) and a notice says so. */
#define GCW_STREAMS_OPEN 1024
/* Runs with detector state at once, over every stream of a source: at least one per
** open stream, and at least a whole stream's runs. Beyond it the least recently active
** run's detectors end early (a notice says so). */
#define GCW_RUNS_LIVE 1024
_Static_assert(GCW_RUNS_LIVE >= GCW_STREAMS_OPEN, "every open stream's live run has detectors");
_Static_assert(GCW_RUNS_LIVE >= GCW_RUNS_OPEN, "every open run of one stream has detectors");
/* Bytes of an unparsed line kept in the store. */
#define GCW_UNPARSED_MAX 4096
/* Rows per transaction in batch mode; watch mode also commits every GCW_COMMIT_MS. */
#define GCW_BATCH_ROWS 50000
/* A fail-open store (watch, child mode) commits every GCW_LIVE_BATCH_ROWS rows at the
** latest: until then it keeps each write for a replay (its writer thread's ring slot, or
** a copy in the queue), so the batch bounds that memory; smaller batches cost time (each
** commit rewrites the partly filled last pages: 2,048 rows cost 15 % in watch mode). */
#define GCW_LIVE_BATCH_ROWS 4096
#define GCW_COMMIT_MS 250
/* Watch and child mode: rows kept in memory while the database cannot take them (locked
** by another writer, disk full), written when it can again; beyond this many bytes rows
** are dropped and counted. A retry is made every GCW_STORE_RETRY_MS. */
#define GCW_STORE_QUEUE_MAX (64 * 1024 * 1024)
#define GCW_STORE_RETRY_MS 1000

/* Bytes of output gathered before one write to stdout (export). */
#define GCW_OUT_BUF (256 * 1024)
/* Process samples (issue 15): at most one per this many ms, also at a burst of gc lines. */
#define GCW_SAMPLE_MIN_MS 10

/* Plots: a data set with more rows than GCW_PLOT_MAX_POINTS is drawn as GCW_PLOT_BUCKETS
** time buckets, each a min and a max, so spikes survive (statistics use every row). */
#define GCW_PLOT_MAX_POINTS 4000
#define GCW_PLOT_BUCKETS 2000
/* Bytes of gnuplot's stderr kept for the message (the rest is counted). */
#define GCW_PLOT_STDERR_MAX 4096

/* A ceiling's value as text, for the notice that names it. */
#define GCW_STR_(x) #x
#define GCW_STR(x) GCW_STR_(x)
/* --metrics: runs with series at once (a run that ended stays until a new run replaces it;
** beyond this the least recently active goes), distinct kind/severity pairs and open
** episodes per run, seconds of silence after which a run counts as ended (over twice the
** runtime's 2-minute forced GC). */
#define GCW_METRICS_RUNS 32
#define GCW_METRICS_FINDINGS 32
#define GCW_METRICS_STALE_S 300
/* Bytes of the rendered --label pairs (name="value",...) added to every series. */
#define GCW_METRICS_LABELS_MAX 512
/* The endpoint: connections at once (more wait in the kernel's backlog or are refused),
** seconds a connection may stay idle (a slow or silent client is cut off). */
#define GCW_METRICS_CONNECTIONS 8
#define GCW_METRICS_TIMEOUT_S 5

#endif
