/*
** err.h: the error codes of every module and their messages.
** Messages come from a switch with no default, so -Wswitch -Werror catches a code
** without one.
*/
#ifndef GCW_ERR_H
#define GCW_ERR_H

typedef enum gcw_err {
  GCW_OK = 0,
  GCW_ENOMEM,   /* out of memory */
  GCW_EUSAGE,   /* bad command line */
  GCW_EOPEN,    /* cannot open an input */
  GCW_EREAD,    /* read error on an input */
  GCW_EWRITE,   /* write error on an output */
  GCW_EPIPE,    /* stdout was closed by its reader */
  GCW_EDB,      /* the database refused an operation */
  GCW_EGRAMMAR, /* a grammar pattern does not compile */
  GCW_ECHILD,   /* a child program could not be started */
  GCW_EGNUPLOT  /* gnuplot failed on our script, or drew nothing */
} gcw_err;

const char *gcw_strerror(gcw_err e);

/* Exit statuses (documented in the man page and README). */
enum { GCW_EXIT_OK = 0, GCW_EXIT_FINDINGS = 1, GCW_EXIT_USAGE = 2, GCW_EXIT_IO = 3,
       GCW_EXIT_INTERNAL = 4 };

#endif
