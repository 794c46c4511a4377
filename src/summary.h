/*
** summary.h: the short per-run summary `analyze` ends with, read from the store.
** Owns:   nothing beyond the statements of one call.
** Input:  a store and the ids of the sources just imported.
** Output: text on the given stream.
** Never:  recomputes anything the store does not hold (report reads the store only).
*/
#ifndef GCW_SUMMARY_H
#define GCW_SUMMARY_H

#include "err.h"
#include "store.h"

#include <stdio.h>

gcw_err gcw_summary_print(gcw_store *s, const long long *source_ids, int n, FILE *out);

#endif
