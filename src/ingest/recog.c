/* recog.c: the recognizer. See recog.h for the contract. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "recog.h"

#include "grammar.h"
#include "limits.h"
#include "scan.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_HEADS = 4, MAX_PARTS = 16, MAX_LINES = 16, MAX_STARTS = 2, MAX_GROUPS = 16,
       MAX_NEEDS = 4,
       MAX_BODY_GROUPS = 96 };

/* How a named group's text becomes a field value. */
typedef enum conv { CONV_PLAIN, CONV_HEX, CONV_US_TO_MS, CONV_KIND } conv;

typedef struct group_map {
  int group;        /* capture group number */
  int part;         /* body pattern: the part the group belongs to (-1 elsewhere) */
  int field;        /* gcw_field, or -1 for CONV_KIND */
  conv how;
  const char *kind; /* CONV_KIND: the event kind it names (points into the pattern text) */
  size_t kind_len;
} group_map;

typedef struct pattern {
  pcre2_code *code;
  const gcw_grammar_entry *src;
  group_map groups[MAX_GROUPS];
  int ngroups;
} pattern;

/* All parts of a line in one match: (?:(?:\G|, )(?:P1|P2|...))+\z. Used first; when it
** fails (a part no pattern knows) the parts are matched one by one. */
typedef struct body_pattern {
  pcre2_code *code;
  group_map groups[MAX_BODY_GROUPS];
  int ngroups;
} body_pattern;

typedef struct family {
  const char *name;
  const char *starts[MAX_STARTS];
  size_t start_lens[MAX_STARTS];
  int nstarts;
  pattern heads[MAX_HEADS];
  int nheads;
  pattern parts[MAX_PARTS];
  int nparts;
  pattern lines[MAX_LINES];
  int nlines;
  body_pattern body;  /* every part in one match (part families only) */
  struct {
    int field, min_minor, max_minor;
  } needs[MAX_NEEDS]; /* fields every line of some releases carries */
  int nneeds;
  pcre2_code *tail;   /* (?:TAILS)\z: how a complete line ends */
  pcre2_code *prefix; /* ^(?:HEADS)(?:BODY)\z without names, for partial matching */
} family;

struct gcw_recog {
  family fams[GCW_NFAMILIES];
  uint8_t first_byte[256]; /* 1: some start literal begins with this byte */
  pcre2_match_data *md;
  int use_body; /* 0: parts one by one only (tests compare both paths) */
  int use_scan; /* 1 (default): the common shapes by scan.c (with use_body only) */
};

#define GCW_FAMILY_NAME_(id, name) [GCW_FAM_##id] = name,
static const char *const family_names[GCW_NFAMILIES] = {GCW_FAMILIES(GCW_FAMILY_NAME_)};
#undef GCW_FAMILY_NAME_

const char *gcw_family_name(gcw_family f) { return family_names[f]; }

static int family_index(const char *name) {
  for (int i = 0; i < GCW_NFAMILIES; i++)
    if (strcmp(family_names[i], name) == 0)
      return i;
  return -1;
}

static int is_word(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* ---- building ---------------------------------------------------------- */

static gcw_err compile(pcre2_code **out, const char *text, size_t len, uint32_t options,
                       const gcw_grammar_entry *src, char *msg, size_t msglen) {
  int code;
  PCRE2_SIZE off;
  *out = pcre2_compile((PCRE2_SPTR)text, len, options | PCRE2_ANCHORED, &code, &off, NULL);
  if (!*out) {
    PCRE2_UCHAR why[160];
    pcre2_get_error_message(code, why, sizeof why);
    snprintf(msg, msglen, "grammar/%s:%d: %s at offset %zu", src->file, src->line, (char *)why,
             (size_t)off);
    return GCW_EGRAMMAR;
  }
  /* JIT is an optimisation: when the platform has none, the interpreter is used. */
  (void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
  return GCW_OK;
}

/* Map every named group of code to its field; names are the store's columns. */
static gcw_err map_groups_of(const pcre2_code *code, group_map *groups, int *ngroups, int max,
                             const gcw_grammar_entry *src, char *msg, size_t msglen) {
  uint32_t count, size;
  PCRE2_SPTR table;
  pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &size);
  pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
  if (count > (uint32_t)max) {
    snprintf(msg, msglen, "grammar/%s:%d: more than %d named groups", src->file, src->line, max);
    return GCW_EGRAMMAR;
  }
  for (uint32_t i = 0; i < count; i++) {
    PCRE2_SPTR e = table + i * size;
    const char *name = (const char *)e + 2;
    size_t len = strlen(name);
    group_map *g = &groups[(*ngroups)++];
    g->group = (e[0] << 8) | e[1];
    g->part = -1;
    g->how = CONV_PLAIN;
    g->field = -1;
    if (strncmp(name, "kind_", 5) == 0) {
      g->how = CONV_KIND;
      g->kind = name + 5; /* the name table lives as long as the code */
      g->kind_len = len - 5;
      continue;
    }
    if (len > 5 && strcmp(name + len - 5, "__hex") == 0) {
      g->how = CONV_HEX;
      len -= 5;
    } else if (len > 4 && strcmp(name + len - 4, "__us") == 0) {
      g->how = CONV_US_TO_MS;
      len -= 4;
    }
    g->field = gcw_field_lookup(name, len);
    if (g->field < 0) {
      snprintf(msg, msglen, "grammar/%s:%d: group '%s' names no field of src/fields.h",
               src->file, src->line, name);
      return GCW_EGRAMMAR;
    }
  }
  return GCW_OK;
}

static gcw_err map_groups(pattern *p, char *msg, size_t msglen) {
  return map_groups_of(p->code, p->groups, &p->ngroups, MAX_GROUPS, p->src, msg, msglen);
}

static gcw_err add_pattern(pattern *p, const gcw_grammar_entry *e, int whole, char *msg,
                           size_t msglen) {
  char buf[2048];
  int n = whole ? snprintf(buf, sizeof buf, "(?:%s)\\z", e->text)
                : snprintf(buf, sizeof buf, "%s", e->text);
  if (n < 0 || (size_t)n >= sizeof buf) {
    snprintf(msg, msglen, "grammar/%s:%d: pattern too long", e->file, e->line);
    return GCW_EGRAMMAR;
  }
  p->src = e;
  gcw_err err = compile(&p->code, buf, (size_t)n, 0, e, msg, msglen);
  return err ? err : map_groups(p, msg, msglen);
}

/* Append text to buf with every "(?<name>" turned into "(?:": the prefix pattern
** repeats parts, and repeated names are not allowed. */
static int append_unnamed(char *buf, size_t cap, size_t *used, const char *text) {
  for (const char *s = text; *s; s++) {
    if (s[0] == '(' && s[1] == '?' && s[2] == '<' && s[3] != '=' && s[3] != '!') {
      const char *close = strchr(s + 3, '>');
      if (!close)
        return -1;
      if (*used + 3 >= cap)
        return -1;
      memcpy(buf + *used, "(?:", 3);
      *used += 3;
      s = close;
      continue;
    }
    if (*used + 1 >= cap)
      return -1;
    buf[(*used)++] = *s;
  }
  buf[*used] = '\0';
  return 0;
}

static int append_alternatives(char *buf, size_t cap, size_t *used, const pattern *ps, int n) {
  if (append_unnamed(buf, cap, used, "(?:") < 0)
    return -1;
  for (int i = 0; i < n; i++) {
    if (i && append_unnamed(buf, cap, used, "|") < 0)
      return -1;
    if (append_unnamed(buf, cap, used, ps[i].src->text) < 0)
      return -1;
  }
  return append_unnamed(buf, cap, used, ")");
}

/* The body pattern keeps the parts' names (PCRE2_DUPNAMES: alternatives share them) and
** knows which part each capture group belongs to: groups are numbered in the order the
** parts are written, and the body adds none of its own. */
static gcw_err build_body(family *f, char *msg, size_t msglen) {
  enum { CAP = 16384 };
  char *buf = malloc(CAP);
  size_t n = 0;
  if (!buf)
    return GCW_ENOMEM;
  n += (size_t)snprintf(buf + n, CAP - n, "(?:(?:\\G|, )(?:");
  for (int i = 0; i < f->nparts && n < CAP; i++)
    n += (size_t)snprintf(buf + n, CAP - n, "%s(?:%s)", i ? "|" : "", f->parts[i].src->text);
  if (n < CAP)
    n += (size_t)snprintf(buf + n, CAP - n, "))+\\z");
  gcw_err err = GCW_EGRAMMAR;
  if (n >= CAP) {
    snprintf(msg, msglen, "grammar/%s: parts of '%s' too long", f->parts[0].src->file, f->name);
    goto out;
  }
  int code;
  PCRE2_SIZE off;
  f->body.code = pcre2_compile((PCRE2_SPTR)buf, n, PCRE2_ANCHORED | PCRE2_DUPNAMES, &code, &off,
                               NULL);
  if (!f->body.code) {
    snprintf(msg, msglen, "grammar/%s: parts of '%s' do not combine", f->parts[0].src->file,
             f->name);
    goto out;
  }
  (void)pcre2_jit_compile(f->body.code, PCRE2_JIT_COMPLETE);
  err = map_groups_of(f->body.code, f->body.groups, &f->body.ngroups, MAX_BODY_GROUPS,
                      f->parts[0].src, msg, msglen);
  if (err)
    goto out;
  for (int g = 0; g < f->body.ngroups; g++) {
    int first = 1;
    for (int i = 0; i < f->nparts; i++) {
      uint32_t k;
      pcre2_pattern_info(f->parts[i].code, PCRE2_INFO_CAPTURECOUNT, &k);
      if (f->body.groups[g].group < first + (int)k) {
        f->body.groups[g].part = i;
        break;
      }
      first += (int)k;
    }
  }
out:
  free(buf);
  return err;
}

static gcw_err build_family_patterns(family *f, const gcw_grammar_entry *tails[], int ntails,
                                     char *msg, size_t msglen) {
  enum { CAP = 16384 };
  char *buf = malloc(CAP);
  size_t used = 0;
  gcw_err err = GCW_OK;
  if (!buf)
    return GCW_ENOMEM;
  int bad = append_alternatives(buf, CAP, &used, f->heads, f->nheads) < 0;
  if (f->nlines) {
    bad |= append_alternatives(buf, CAP, &used, f->lines, f->nlines) < 0;
  } else if (f->nparts) {
    bad |= append_alternatives(buf, CAP, &used, f->parts, f->nparts) < 0;
    bad |= append_unnamed(buf, CAP, &used, "(?:, ") < 0;
    bad |= append_alternatives(buf, CAP, &used, f->parts, f->nparts) < 0;
    bad |= append_unnamed(buf, CAP, &used, ")*") < 0;
  }
  bad |= append_unnamed(buf, CAP, &used, "\\z") < 0;
  if (bad) {
    snprintf(msg, msglen, "grammar/%s: family '%s' is too long", f->heads[0].src->file, f->name);
    err = GCW_EGRAMMAR;
    goto out;
  }
  err = compile(&f->prefix, buf, used, 0, f->heads[0].src, msg, msglen);
  if (!err && f->nparts)
    err = build_body(f, msg, msglen);
  if (err)
    goto out;
  used = 0;
  buf[0] = '\0';
  for (int i = 0; i < ntails && !bad; i++) {
    bad |= append_unnamed(buf, CAP, &used, i ? "|(?:" : "(?:(?:") < 0;
    bad |= append_unnamed(buf, CAP, &used, tails[i]->text) < 0;
    bad |= append_unnamed(buf, CAP, &used, ")") < 0;
  }
  bad |= append_unnamed(buf, CAP, &used, ntails ? ")\\z" : "(*FAIL)") < 0;
  if (bad) {
    err = GCW_EGRAMMAR;
    goto out;
  }
  /* The tail is searched for, not anchored: compile it without PCRE2_ANCHORED. */
  {
    int code;
    PCRE2_SIZE off;
    f->tail = pcre2_compile((PCRE2_SPTR)buf, used, 0, &code, &off, NULL);
    if (!f->tail) {
      snprintf(msg, msglen, "grammar/%s:%d: tail pattern does not compile",
               ntails ? tails[0]->file : "?", ntails ? tails[0]->line : 0);
      err = GCW_EGRAMMAR;
      goto out;
    }
    (void)pcre2_jit_compile(f->tail, PCRE2_JIT_COMPLETE);
  }
out:
  free(buf);
  return err;
}

static gcw_err add_entry(gcw_recog *r, const gcw_grammar_entry *e, char *msg, size_t msglen) {
  int fi = family_index(e->family);
  if (fi < 0) {
    snprintf(msg, msglen, "grammar/%s:%d: unknown family '%s'", e->file, e->line, e->family);
    return GCW_EGRAMMAR;
  }
  family *f = &r->fams[fi];
  switch (e->kind) {
  case GCW_G_START:
    if (f->nstarts == MAX_STARTS)
      break;
    f->starts[f->nstarts] = e->text;
    f->start_lens[f->nstarts++] = strlen(e->text);
    r->first_byte[(unsigned char)e->text[0]] = 1;
    return GCW_OK;
  case GCW_G_HEAD:
    if (f->nheads == MAX_HEADS)
      break;
    return add_pattern(&f->heads[f->nheads++], e, 0, msg, msglen);
  case GCW_G_PART:
    if (f->nparts == MAX_PARTS)
      break;
    return add_pattern(&f->parts[f->nparts++], e, 1, msg, msglen);
  case GCW_G_LINE:
    if (f->nlines == MAX_LINES)
      break;
    return add_pattern(&f->lines[f->nlines++], e, 1, msg, msglen);
  case GCW_G_TAIL:
    return GCW_OK; /* collected per family in gcw_recog_open */
  case GCW_G_NEED: {
    int field = gcw_field_lookup(e->text, strlen(e->text));
    if (field < 0 || f->nneeds == MAX_NEEDS) {
      snprintf(msg, msglen, "grammar/%s:%d: need names no field (or too many)", e->file, e->line);
      return GCW_EGRAMMAR;
    }
    f->needs[f->nneeds].field = field;
    f->needs[f->nneeds].min_minor = e->min_minor;
    f->needs[f->nneeds++].max_minor = e->max_minor;
    return GCW_OK;
  }
  }
  snprintf(msg, msglen, "grammar/%s:%d: too many entries of this kind", e->file, e->line);
  return GCW_EGRAMMAR;
}

gcw_err gcw_recog_open(gcw_recog **out, char *msg, size_t msglen) {
  gcw_err err = GCW_OK;
  gcw_recog *r = calloc(1, sizeof *r);
  *out = NULL;
  if (!r)
    return GCW_ENOMEM;
  for (int i = 0; i < GCW_NFAMILIES; i++)
    r->fams[i].name = family_names[i];
  for (size_t i = 0; i < gcw_grammar_count && !err; i++)
    err = add_entry(r, &gcw_grammar[i], msg, msglen);
  for (int fi = 0; fi < GCW_NFAMILIES && !err; fi++) {
    const gcw_grammar_entry *tails[8];
    int ntails = 0;
    for (size_t i = 0; i < gcw_grammar_count; i++)
      if (gcw_grammar[i].kind == GCW_G_TAIL && strcmp(gcw_grammar[i].family, family_names[fi]) == 0 &&
          ntails < 8)
        tails[ntails++] = &gcw_grammar[i];
    if (r->fams[fi].nheads == 0 || r->fams[fi].nstarts == 0) {
      snprintf(msg, msglen, "grammar: family '%s' has no head or no start", family_names[fi]);
      err = GCW_EGRAMMAR;
      break;
    }
    err = build_family_patterns(&r->fams[fi], tails, ntails, msg, msglen);
  }
  r->use_body = 1;
  r->use_scan = 1;
  if (!err) {
    r->md = pcre2_match_data_create(128, NULL);
    if (!r->md)
      err = GCW_ENOMEM;
  }
  if (err) {
    gcw_recog_close(&r);
    return err;
  }
  *out = r;
  return GCW_OK;
}

static void free_patterns(pattern *ps, int n) {
  for (int i = 0; i < n; i++)
    pcre2_code_free(ps[i].code);
}

void gcw_recog_close(gcw_recog **pp) {
  gcw_recog *r = pp ? *pp : NULL;
  if (!r)
    return;
  for (int i = 0; i < GCW_NFAMILIES; i++) {
    family *f = &r->fams[i];
    free_patterns(f->heads, f->nheads);
    free_patterns(f->parts, f->nparts);
    free_patterns(f->lines, f->nlines);
    pcre2_code_free(f->tail);
    pcre2_code_free(f->prefix);
    pcre2_code_free(f->body.code);
  }
  pcre2_match_data_free(r->md);
  free(r);
  *pp = NULL;
}

/* ---- matching ---------------------------------------------------------- */

static int run(gcw_recog *r, const pcre2_code *code, const char *s, size_t n, uint32_t opts) {
  return pcre2_match(code, (PCRE2_SPTR)s, n, 0, opts, r->md, NULL);
}

/* The family whose start literal text begins with, from index *from on; -1 if none. */
static int next_family_at(const gcw_recog *r, const char *text, size_t len, int from,
                          size_t *lit_len) {
  for (int fi = from; fi < GCW_NFAMILIES; fi++) {
    const family *f = &r->fams[fi];
    for (int s = 0; s < f->nstarts; s++)
      if (len >= f->start_lens[s] && memcmp(text, f->starts[s], f->start_lens[s]) == 0) {
        if (lit_len)
          *lit_len = f->start_lens[s];
        return fi;
      }
  }
  return -1;
}

long gcw_recog_find_start(const gcw_recog *r, const char *text, size_t len, size_t from) {
  for (size_t i = from; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (!r->first_byte[c] || (i > 0 && is_word((unsigned char)text[i - 1])))
      continue;
    if (next_family_at(r, text + i, len - i, 0, NULL) >= 0)
      return (long)i;
  }
  return -1;
}

int gcw_recog_at_start(const gcw_recog *r, const char *text, size_t len) {
  return len > 0 && r->first_byte[(unsigned char)text[0]] &&
         next_family_at(r, text, len, 0, NULL) >= 0;
}

size_t gcw_recog_start_len(const gcw_recog *r, const char *text, size_t len) {
  size_t lit = 0;
  return next_family_at(r, text, len, 0, &lit) >= 0 ? lit : 0;
}

/* Take the groups of a match. `parts` (body matches only) has bit i set for every part
** that took part in the match; a flag of a part that did not is left absent. */
static void take_group_list(const group_map *groups, int n, uint32_t parts, const char *s,
                            const PCRE2_SIZE *ov, gcw_event *ev) {
  for (int i = 0; i < n; i++) {
    const group_map *g = &groups[i];
    if (g->part >= 0 && !(parts & (1u << g->part)))
      continue;
    PCRE2_SIZE a = ov[2 * g->group], b = ov[2 * g->group + 1];
    if (g->how == CONV_KIND) {
      if (a != PCRE2_UNSET)
        ev->kind = g->kind;
      continue;
    }
    gcw_field_type type = gcw_field_infos[g->field].type;
    if (a == PCRE2_UNSET) {
      /* A marker this shape can print but this line lacks is 0, not unknown: a gc line
      ** without " (forced)" was not forced. Numbers that did not match stay absent. */
      if (type == GCW_FLAG && !ev->present[g->field]) {
        ev->v[g->field] = 0;
        ev->present[g->field] = 1;
      }
      continue;
    }
    double v;
    switch (type) {
    case GCW_FLAG: v = 1; break;
    case GCW_INT: v = gcw_scan_int(s + a, b - a, g->how == CONV_HEX ? 16 : 10); break;
    case GCW_REAL: v = gcw_scan_real(s + a, b - a); break;
    default: v = 0; break;
    }
    if (g->how == CONV_US_TO_MS)
      v /= 1000.0;
    if (!gcw_scan_in_range(g->field, v)) {
      ev->out_of_range = 1;
      v = 0; /* never used: the line goes to unparsed */
    }
    ev->v[g->field] = v;
    ev->present[g->field] = 1;
  }
}

static void take_groups(const pattern *p, const char *s, const PCRE2_SIZE *ov, gcw_event *ev) {
  take_group_list(p->groups, p->ngroups, 0, s, ov, ev);
}

static void narrow_era(gcw_event *ev, const gcw_grammar_entry *e) {
  if (e->min_minor > ev->era_min)
    ev->era_min = e->min_minor;
  if (e->max_minor < ev->era_max)
    ev->era_max = e->max_minor;
}

/* Match one whole pattern on s[0,n) and take its groups. */
static int take(gcw_recog *r, const pattern *p, const char *s, size_t n, gcw_event *ev) {
  if (run(r, p->code, s, n, 0) < 0)
    return 0;
  take_groups(p, s, pcre2_get_ovector_pointer(r->md), ev);
  narrow_era(ev, p->src);
  return 1;
}

static int ends_like_complete(gcw_recog *r, const family *f, const char *text, size_t len) {
  size_t from = len > 256 ? len - 256 : 0; /* a tail is short: look only near the end */
  return pcre2_match(f->tail, (PCRE2_SPTR)text + from, len - from, 0, 0, r->md, NULL) >= 0;
}

/* Parts after the head: each ", "-separated part by its own pattern, trying first the
** one after the part matched last (parts come in order). Returns unknown parts. */
static int take_parts(gcw_recog *r, const family *f, const char *text, size_t len, size_t pos,
                      gcw_event *ev) {
  int unknown = 0, hint = 0;
  for (;;) {
    const char *sep = pos < len ? memmem(text + pos, len - pos, ", ", 2) : NULL;
    size_t end = sep ? (size_t)(sep - text) : len;
    int found = 0;
    for (int i = 0; i < f->nparts && !found; i++) {
      int k = (hint + i) % f->nparts;
      if (take(r, &f->parts[k], text + pos, end - pos, ev)) {
        found = 1;
        hint = k + 1;
      }
    }
    unknown += !found;
    if (!sep)
      break;
    pos = end + 2;
  }
  return unknown;
}

/* All parts in one match (the common case); 0 when some part is unknown. */
static int take_body(gcw_recog *r, const family *f, const char *text, size_t len, size_t pos,
                     gcw_event *ev) {
  if (pcre2_match(f->body.code, (PCRE2_SPTR)text, len, pos, 0, r->md, NULL) < 0)
    return 0;
  const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
  uint32_t parts = 0;
  for (int i = 0; i < f->body.ngroups; i++)
    if (ov[2 * f->body.groups[i].group] != PCRE2_UNSET && f->body.groups[i].part >= 0)
      parts |= 1u << f->body.groups[i].part;
  take_group_list(f->body.groups, f->body.ngroups, parts, text, ov, ev);
  for (int i = 0; i < f->nparts; i++)
    if (parts & (1u << i))
      narrow_era(ev, f->parts[i].src);
  return 1;
}

/* A line without a field that every line of [a, b] carries is not from [a, b]. The era
** stays one range: a cut that would split it keeps the whole range. */
static void exclude_era(gcw_event *ev, int a, int b) {
  if (ev->era_min >= a && ev->era_min <= b)
    ev->era_min = b + 1;
  else if (ev->era_max >= a && ev->era_max <= b)
    ev->era_max = a - 1;
  else if (ev->era_min < a && ev->era_max > b && ev->nexcl < GCW_EVENT_EXCL) {
    ev->excl_min[ev->nexcl] = a; /* inside: the run may still cut with it */
    ev->excl_max[ev->nexcl++] = b;
  }
}

static void era_rules(const family *f, gcw_event *ev) {
  /* markers that first appeared in a later release than the rest of their line */
  if (ev->present[GCW_F_leak_check] && ev->v[GCW_F_leak_check] != 0 && ev->era_min < 26)
    ev->era_min = 26; /* "(checking for goroutine leaks)": Go 1.26 */
  if (ev->family == GCW_FAM_SCAV && ev->present[GCW_F_controller_reset] &&
      ev->v[GCW_F_controller_reset] != 0 && ev->era_min < 18)
    ev->era_min = 18; /* the scavenger's " [controller reset]": Go 1.18 */
  /* after the markers: a marker can move the era into a range a missing field cuts */
  for (int i = 0; i < f->nneeds; i++)
    if (!ev->present[f->needs[i].field])
      exclude_era(ev, f->needs[i].min_minor, f->needs[i].max_minor);
}

static int recognize_family(gcw_recog *r, int fi, const char *text, size_t len, gcw_event *ev) {
  const family *f = &r->fams[fi];
  for (int h = 0; h < f->nheads; h++) {
    if (run(r, f->heads[h].code, text, len, 0) < 0)
      continue;
    memset(ev->present, 0, sizeof ev->present);
    ev->out_of_range = 0;
    ev->family = (gcw_family)fi;
    ev->kind = f->name;
    ev->unknown_parts = 0;
    ev->nexcl = 0;
    ev->era_min = 0;
    ev->era_max = 99;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    size_t pos = ov[1];
    take_groups(&f->heads[h], text, ov, ev);
    narrow_era(ev, f->heads[h].src);
    if (f->nlines) {
      for (int i = 0; i < f->nlines; i++)
        if (take(r, &f->lines[i], text + pos, len - pos, ev)) {
          era_rules(f, ev);
          return 1;
        }
      continue;
    }
    if (pos >= len)
      continue;
    if (r->use_body && take_body(r, f, text, len, pos, ev)) {
      era_rules(f, ev);
      return 1;
    }
    ev->unknown_parts = take_parts(r, f, text, len, pos, ev);
    if (ev->unknown_parts && !ends_like_complete(r, f, text, len))
      continue; /* a piece of a split line, not a line of a newer Go */
    era_rules(f, ev);
    return 1;
  }
  return 0;
}

void gcw_recog_use_body(gcw_recog *r, int on) { r->use_body = on; }

void gcw_recog_use_scan(gcw_recog *r, int on) { r->use_scan = on; }

int gcw_recog_line(gcw_recog *r, const char *text, size_t len, gcw_event *ev) {
  /* The common shapes first, by hand (scan.c); the grammar reads everything else. */
  if (r->use_scan && r->use_body && gcw_scan_line(text, len, ev)) {
    ev->kind = r->fams[ev->family].name;
    era_rules(&r->fams[ev->family], ev);
    return 1;
  }
  for (int fi = next_family_at(r, text, len, 0, NULL); fi >= 0;
       fi = next_family_at(r, text, len, fi + 1, NULL))
    if (recognize_family(r, fi, text, len, ev))
      return 1;
  return 0;
}

/* 1 if text[0,n) can begin a line of family f (or is one). */
static int valid_prefix(gcw_recog *r, const family *f, const char *text, size_t n) {
  int rc = run(r, f->prefix, text, n, PCRE2_PARTIAL_HARD);
  return rc >= 0 || rc == PCRE2_ERROR_PARTIAL;
}

size_t gcw_recog_prefix(gcw_recog *r, const char *text, size_t len, int *complete) {
  size_t best = 0;
  int best_fi = -1;
  size_t lit;
  if (len > GCW_SPLICE_MAX)
    len = GCW_SPLICE_MAX;
  for (int fi = next_family_at(r, text, len, 0, &lit); fi >= 0;
       fi = next_family_at(r, text, len, fi + 1, &lit)) {
    const family *f = &r->fams[fi];
    if (!valid_prefix(r, f, text, lit))
      continue;
    /* Valid beginnings are closed under shortening, so the longest one is found by
    ** bisection. */
    size_t lo = lit, hi = len;
    while (lo < hi) {
      size_t mid = lo + (hi - lo + 1) / 2;
      if (valid_prefix(r, f, text, mid))
        lo = mid;
      else
        hi = mid - 1;
    }
    if (lo > best) {
      best = lo;
      best_fi = fi;
    }
  }
  if (complete)
    *complete = best_fi >= 0 && run(r, r->fams[best_fi].prefix, text, best, 0) >= 0;
  return best;
}
