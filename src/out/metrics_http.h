/*
** metrics_http.h: the --metrics endpoint: GET /metrics over HTTP/1.1 (libmicrohttpd).
** Owns:   the listening socket and libmicrohttpd's daemon with its one internal thread.
** Input:  "ADDR:PORT" (numeric IPv4) or "[ADDR]:PORT" (numeric IPv6), bound exactly;
**         scrapes, served from the registry's published snapshot (metrics.h).
** Output: /metrics in OpenMetrics 1.0 or, when the Accept header asks only for it, the
**         Prometheus 0.0.4 text format; 404 elsewhere, 405 for methods but GET and HEAD.
** Never:  makes the reading thread wait: a scrape copies the snapshot under a lock the
**         reader only ever try-locks, and the sending happens on libmicrohttpd's thread.
**         A client cannot exhaust us: at most GCW_METRICS_CONNECTIONS connections, each
**         cut off after GCW_METRICS_TIMEOUT_S idle seconds; requests carry no body.
*/
#ifndef GCW_METRICS_HTTP_H
#define GCW_METRICS_HTTP_H

#include "err.h"
#include "metrics.h"

#include <stddef.h>
#include <sys/socket.h>

typedef struct gcw_metrics_http gcw_metrics_http;

/* Parse spec into *sa; GCW_EUSAGE with a one-line message in msg when it is not a numeric
** IPv4 address or a bracketed IPv6 address, a colon and a port 1-65535. */
gcw_err gcw_metrics_addr_parse(const char *spec, struct sockaddr_storage *sa, socklen_t *salen,
                               char *msg, size_t msglen);

/* Listen on spec and serve m. GCW_EOPEN with the reason in msg (address in use, not an
** address of this host, ...); GCW_EUSAGE for a malformed spec. */
gcw_err gcw_metrics_http_start(gcw_metrics_http **out, gcw_metrics *m, const char *spec,
                               char *msg, size_t msglen);
/* Stop serving (waits for the thread) and close the socket. NULL is fine. */
void gcw_metrics_http_stop(gcw_metrics_http **pp);

#endif
