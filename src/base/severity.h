/*
** severity.h: the one severity vocabulary of findings.
** One row per severity: its enum, the name stored in findings.severity and printed, its
** rank (higher is worse; SQL orders and compares by it), its ANSI colour on terminals,
** and whether --fail-on takes it (exit status 1, GCW_EXIT_FINDINGS, when a finding of
** that rank or worse exists). Everything that names, orders, colours or fails on a
** severity reads this table (the SQL through GCW_SEVERITY_RANK_SQL).
*/
#ifndef GCW_SEVERITY_H
#define GCW_SEVERITY_H

/*  X(enum,  name,    rank, colour, --fail-on) */
#define GCW_SEVERITIES(X)           \
  X(INFO, "info", 1, "36", 0)       \
  X(WARN, "warn", 2, "33", 1)       \
  X(ERROR, "error", 3, "1;31", 1)

#define GCW_SEV_ENUM_(id, name, rank, colour, fails) GCW_SEV_##id,
typedef enum gcw_severity { GCW_SEVERITIES(GCW_SEV_ENUM_) GCW_NSEVERITIES } gcw_severity;
#undef GCW_SEV_ENUM_

/* The rank of a stored severity name in SQL: CASE col WHEN 'info' THEN 1 ... ELSE 0 END. */
#define GCW_SEV_WHEN_(id, name, rank, colour, fails) " WHEN '" name "' THEN " #rank
#define GCW_SEVERITY_RANK_SQL(col) "(CASE " col GCW_SEVERITIES(GCW_SEV_WHEN_) " ELSE 0 END)"

const char *gcw_severity_name(gcw_severity s);
/* The rank of a severity name (1 info .. 3 error), 0 for NULL or an unknown name. */
int gcw_severity_rank(const char *name);
/* The ANSI attributes of a severity name ("1;31"); the lowest severity's for an unknown one. */
const char *gcw_severity_colour(const char *name);

#endif
