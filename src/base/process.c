/* process.c: starting a program and talking to it. See process.h. */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void close_pair(int fd[2]) {
  for (int i = 0; i < 2; i++)
    if (fd[i] >= 0)
      close(fd[i]);
}

/* The file actions and attributes of the child: stdin, stdout and stderr moved into
** place (a dup2 onto the same number clears close-on-exec), SIGPIPE back to default. */
static int spawn_with(gcw_proc *p, const gcw_spawn_opts *o, int in, int err) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  sigset_t dfl;
  sigemptyset(&dfl);
  sigaddset(&dfl, SIGPIPE);
  int rc = posix_spawn_file_actions_init(&fa);
  if (rc)
    return rc;
  if (!(rc = posix_spawnattr_init(&at))) {
    if (in >= 0)
      rc = posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (!rc && o->stdout_fd >= 0)
      rc = posix_spawn_file_actions_adddup2(&fa, o->stdout_fd, 1);
    if (!rc)
      rc = posix_spawn_file_actions_adddup2(&fa, err, 2);
    if (!rc && !(rc = posix_spawnattr_setsigdefault(&at, &dfl)) &&
        !(rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF)))
      rc = posix_spawnp(&p->pid, o->argv[0], &fa, &at, o->argv, o->env ? o->env : environ);
    posix_spawnattr_destroy(&at);
  }
  posix_spawn_file_actions_destroy(&fa);
  return rc;
}

int gcw_spawn(gcw_proc *p, const gcw_spawn_opts *o) {
  int in[2] = {-1, -1}, er[2] = {-1, -1};
  p->pid = -1;
  p->in = p->err = -1;
  p->kept = p->total = 0;
  if ((o->stdin_pipe && pipe2(in, O_CLOEXEC)) || pipe2(er, O_CLOEXEC)) {
    int e = errno;
    close_pair(in), close_pair(er);
    return e;
  }
  fflush(stdout); /* the child may write on our stdout: what we printed goes first */
  int rc = spawn_with(p, o, in[0], er[1]);
  if (in[0] >= 0)
    close(in[0]);
  close(er[1]);
  if (rc) {
    if (in[1] >= 0)
      close(in[1]);
    close(er[0]);
    return rc;
  }
  p->in = in[1];
  p->err = er[0];
  if (p->in >= 0)
    fcntl(p->in, F_SETFL, fcntl(p->in, F_GETFL) | O_NONBLOCK);
  return 0;
}

/* Read what the child wrote on stderr (once); keep the first bytes. */
static void read_err(gcw_proc *p) {
  char buf[4096];
  ssize_t n = read(p->err, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0) {
    close(p->err);
    p->err = -1;
    return;
  }
  if (p->cap > 0) {
    size_t room = p->cap - 1 - p->kept;
    size_t k = (size_t)n < room ? (size_t)n : room;
    memcpy(p->text + p->kept, buf, k);
    p->kept += k;
    p->text[p->kept] = '\0';
  }
  p->total += (size_t)n;
}

int gcw_proc_write(gcw_proc *p, const char *buf, size_t n) {
  while (n > 0) {
    struct pollfd fds[2] = {{p->in, POLLOUT, 0}, {p->err, POLLIN, 0}};
    if (poll(fds, p->err >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    if (p->err >= 0 && fds[1].revents)
      read_err(p);
    if (!fds[0].revents)
      continue;
    ssize_t w = write(p->in, buf, n);
    if (w < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (w < 0)
      return errno;
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

int gcw_proc_status(int wstatus) {
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

int gcw_proc_finish(gcw_proc *p) {
  int st = 0;
  if (p->in >= 0)
    close(p->in);
  p->in = -1;
  if (p->err >= 0)
    fcntl(p->err, F_SETFL, fcntl(p->err, F_GETFL) & ~O_NONBLOCK);
  while (p->err >= 0)
    read_err(p);
  while (waitpid(p->pid, &st, 0) < 0)
    if (errno != EINTR)
      return 128 + SIGKILL;
  return gcw_proc_status(st);
}
