/* err.c: messages for gcw_err. */
#include "err.h"

const char *gcw_strerror(gcw_err e) {
  switch (e) {
  case GCW_OK: return "no error";
  case GCW_ENOMEM: return "out of memory";
  case GCW_EUSAGE: return "bad usage";
  case GCW_EOPEN: return "cannot open";
  case GCW_EREAD: return "read error";
  case GCW_EWRITE: return "write error";
  case GCW_EPIPE: return "output closed";
  case GCW_EDB: return "database error";
  case GCW_EGRAMMAR: return "grammar error";
  case GCW_ECHILD: return "cannot start program";
  case GCW_EGNUPLOT: return "gnuplot failed";
  }
  return "unknown error";
}
