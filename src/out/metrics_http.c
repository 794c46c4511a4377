/* metrics_http.c: the --metrics endpoint on libmicrohttpd. See metrics_http.h.
**
** We create, bind and listen on the socket ourselves and hand it to libmicrohttpd: that
** binds exactly the address given (IPV6_V6ONLY for IPv6, no dual stack) and gives a
** precise reason when it fails. Everything HTTP is libmicrohttpd's, on its own thread. */
#include "metrics_http.h"

#include "limits.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct gcw_metrics_http {
  struct MHD_Daemon *daemon;
  gcw_metrics *m; /* borrowed */
  int fd;
};

static gcw_err bad_spec(const char *spec, char *msg, size_t msglen) {
  snprintf(msg, msglen,
           "--metrics takes ADDR:PORT with a numeric IPv4 address or [IPv6] and a port "
           "1-65535, not '%s'",
           spec);
  return GCW_EUSAGE;
}

gcw_err gcw_metrics_addr_parse(const char *spec, struct sockaddr_storage *sa, socklen_t *salen,
                               char *msg, size_t msglen) {
  char host[64];
  const char *colon = strrchr(spec, ':');
  if (!colon || colon == spec || strlen(colon + 1) == 0 || strlen(colon + 1) > 5)
    return bad_spec(spec, msg, msglen);
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*end || port < 1 || port > 65535 || colon[1] < '0' || colon[1] > '9')
    return bad_spec(spec, msg, msglen);
  size_t hlen = (size_t)(colon - spec);
  int v6 = spec[0] == '[';
  if (v6 && (hlen < 3 || spec[hlen - 1] != ']'))
    return bad_spec(spec, msg, msglen);
  if (v6)
    spec++, hlen -= 2;
  if (hlen >= sizeof host)
    return bad_spec(spec, msg, msglen);
  memcpy(host, spec, hlen);
  host[hlen] = '\0';
  memset(sa, 0, sizeof *sa);
  if (v6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)sa;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
      return bad_spec(colon - hlen - 1, msg, msglen);
    *salen = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)sa;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
      return bad_spec(colon - hlen, msg, msglen);
    *salen = sizeof *a;
  }
  return GCW_OK;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *text) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
  if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
  enum MHD_Result ok = MHD_queue_response(conn, status, r);
  MHD_destroy_response(r);
  return ok;
}

/* libmicrohttpd's thread: one call per request (no request has a body we read). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls) {
  gcw_metrics_http *h = cls;
  (void)version;
  (void)upload_data;
  if (*upload_data_size != 0) { /* a body: ignored, and the request is refused below */
    *upload_data_size = 0;
    return MHD_YES;
  }
  (void)req_cls;
  if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
    return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
  if (strcmp(url, "/metrics") != 0)
    return reply(conn, MHD_HTTP_NOT_FOUND, "not found; the metrics are at /metrics\n");
  const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
  gcw_metrics_format f = gcw_metrics_negotiate(accept);
  gcw_metrics_text t = {0};
  if (gcw_metrics_scrape(h->m, f, &t) != GCW_OK) {
    gcw_metrics_text_free(&t);
    return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory\n");
  }
  struct MHD_Response *r = MHD_create_response_from_buffer(t.len, t.buf, MHD_RESPMEM_MUST_FREE);
  if (!r) {
    gcw_metrics_text_free(&t);
    return MHD_NO;
  }
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, gcw_metrics_content_type(f));
  enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ok;
}

static int listen_on(const struct sockaddr_storage *sa, socklen_t salen) {
  int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (sa->ss_family == AF_INET6)
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(fd, (const struct sockaddr *)sa, salen) != 0 || listen(fd, 16) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* libmicrohttpd's thread inherits our signal mask: block the signals the reading thread
** handles, so they always interrupt that thread's wait. */
static struct MHD_Daemon *start_daemon(gcw_metrics_http *h, int v6) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  sigaddset(&block, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_AUTO_INTERNAL_THREAD | (v6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL, on_request, h,
      MHD_OPTION_LISTEN_SOCKET, (MHD_socket)h->fd,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned int)GCW_METRICS_CONNECTIONS,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)GCW_METRICS_TIMEOUT_S,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
      MHD_OPTION_END);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return d;
}

gcw_err gcw_metrics_http_start(gcw_metrics_http **out, gcw_metrics *m, const char *spec,
                               char *msg, size_t msglen) {
  struct sockaddr_storage sa;
  socklen_t salen;
  *out = NULL;
  gcw_err e = gcw_metrics_addr_parse(spec, &sa, &salen, msg, msglen);
  if (e)
    return e;
  gcw_metrics_http *h = calloc(1, sizeof *h);
  if (!h)
    return GCW_ENOMEM;
  h->m = m;
  h->fd = listen_on(&sa, salen);
  if (h->fd < 0) {
    snprintf(msg, msglen, "--metrics %s: cannot listen: %s", spec, strerror(errno));
    free(h);
    return GCW_EOPEN;
  }
  h->daemon = start_daemon(h, sa.ss_family == AF_INET6);
  if (!h->daemon) {
    snprintf(msg, msglen, "--metrics %s: cannot start the HTTP server", spec);
    close(h->fd);
    free(h);
    return GCW_EOPEN;
  }
  *out = h;
  return GCW_OK;
}

/* Stop serving: libmicrohttpd's thread ends and closes the socket. */
void gcw_metrics_http_stop(gcw_metrics_http **pp) {
  if (!pp || !*pp)
    return;
  MHD_stop_daemon((*pp)->daemon); /* closes the listening socket it was given */
  free(*pp);
  *pp = NULL;
}
