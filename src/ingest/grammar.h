/*
** grammar.h: the line formats of the grammar/ files, compiled into the binary.
** Owns:   a read-only table generated at build time by grammar/embed.awk.
** Input:  -
** Output: gcw_grammar[], read by recog.c.
** Never:  edited by hand; the patterns live in grammar/.
*/
#ifndef GCW_GRAMMAR_H
#define GCW_GRAMMAR_H

#include <stddef.h>

typedef enum gcw_grammar_kind {
  GCW_G_START, /* literal that begins every line of the family */
  GCW_G_HEAD,  /* the line head */
  GCW_G_PART,  /* one ", "-separated part after the head */
  GCW_G_LINE,  /* a whole remainder after the head */
  GCW_G_TAIL,  /* how a complete line ends */
  GCW_G_NEED   /* every line of [min, max] carries this field (text: its name) */
} gcw_grammar_kind;

typedef struct gcw_grammar_entry {
  const char *file;   /* grammar/<file> */
  int line;           /* line in that file */
  gcw_grammar_kind kind;
  const char *family; /* gc, gc_legacy, scvg, scav, pacer, forced, forced_old */
  int min_minor;      /* first Go 1.x minor release that prints it */
  int max_minor;      /* last one (99: still printed) */
  const char *text;   /* PCRE2 pattern (literal text for GCW_G_START) */
} gcw_grammar_entry;

extern const gcw_grammar_entry gcw_grammar[];
extern const size_t gcw_grammar_count;

#endif
