/*
** process.h: the one way this program starts another: posix_spawnp with an argv (never a
**         shell), its stderr on a pipe, optionally its stdin on a pipe and its stdout on
**         a file we opened.
** Owns:   our ends of the child's pipes, until gcw_proc_finish() (or the caller) closes
**         them; the child is waited for by gcw_proc_finish() or by the caller.
** Input:  argv (argv[0] looked up on PATH), an environment (NULL: ours).
** Output: a running child, or the errno of why it could not start: ENOENT when argv[0]
**         is not on PATH, EACCES/ENOEXEC when it cannot be executed (posix_spawnp reports
**         the exec's own error).
** Never:  lets the child inherit our signal dispositions for SIGPIPE: we ignore it (a
**         reader that goes away is an error code for us), the child gets the default
**         back, as if a shell had started it. Other signals keep the disposition they
**         had, so one ignored when we started (nohup) stays ignored.
*/
#ifndef GCW_PROCESS_H
#define GCW_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

typedef struct gcw_proc {
  pid_t pid;
  int in;       /* its stdin, our end (non-blocking); -1: not a pipe, or closed */
  int err;      /* its stderr, our end; -1 once at its end or closed */
  char *text;   /* gcw_proc_write/finish keep the first bytes of its stderr here, */
  size_t cap;   /*   NUL-terminated (cap 0: nothing is kept, it is only counted) */
  size_t kept;  /* bytes kept in text */
  size_t total; /* bytes read from its stderr in all */
} gcw_proc;

typedef struct gcw_spawn_opts {
  char *const *argv;
  char *const *env; /* NULL: our environment */
  int stdin_pipe;   /* 1: its stdin is a pipe (p->in); 0: ours */
  int stdout_fd;    /* >= 0: this file is its stdout; -1: ours */
} gcw_spawn_opts;

/* Start the child; p->text/p->cap are kept as the caller set them. Returns 0 or an
** errno. */
int gcw_spawn(gcw_proc *p, const gcw_spawn_opts *o);

/* Write all of buf to its stdin, reading its stderr meanwhile (so neither of us waits
** for the other). Returns 0 or an errno (EPIPE: the child has quit reading). */
int gcw_proc_write(gcw_proc *p, const char *buf, size_t n);

/* Close its stdin, read its stderr to the end, wait for it. Returns its exit status
** the way a shell gives it (gcw_proc_status). */
int gcw_proc_finish(gcw_proc *p);

/* A waitpid() status as a shell gives it: the exit status, or 128+N after signal N. */
int gcw_proc_status(int wstatus);

#endif
