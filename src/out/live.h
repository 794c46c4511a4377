/*
** live.h: a new finding, printed once on stderr as it is detected (watch and child mode).
** Coloured when stderr is a terminal and NO_COLOR is not set (https://no-color.org).
** Never:  decides anything (detectors do) or writes anywhere but the given stream.
*/
#ifndef GCW_LIVE_H
#define GCW_LIVE_H

#include "detect.h"

#include <stdio.h>

/* 1 when colour should be used on this stream. */
int gcw_live_colour(FILE *f);
void gcw_live_finding(FILE *f, int colour, int run_ordinal, const gcw_finding *fd);

#endif
