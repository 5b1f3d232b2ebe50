/* http_server_cap.c -- the server's connection caps, and why a refusal waits for closes to be read.
 *
 * A connection is counted against the server's global cap and its peer address's cap before
 * anything is read (RFC 9110 does not bound connections; an unbounded server is a slowloris
 * target). Counting at accept time is early, though: libevent accepts every connection waiting on
 * the listener before the loop round reads the closes that came with them, and a bufferevent tells
 * of an end of stream through a deferred callback, which runs after the zero timers of the next
 * round. A client that ends one exchange and starts the next (the UEs of one edge-eec share its
 * address) was counted with the connections it had just closed: in scale-500, 32 UEs in flight
 * reached 56-64 at the ECS, whose cap of 64 refused a valid UE now and then (a CI failure). So a
 * connection over a cap is refused at once only when nothing is waiting to be read on the other
 * connections from its address; while something is (a close among it, perhaps), it waits, unread,
 * for a look in each of the next loop rounds, HTTP_CAP_LOOKS at most, and is refused only if it is
 * still over the cap then. Measured in scale-500 on loopback with a cap of 40: 12-24 of 250 UEs
 * refused without the wait, none with it; with a cap of 34 (the 32 UEs and the two EESes) 0-2. */
#include "net/http_server_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#define HTTP_CAP_LOOKS 4 /* loop rounds a connection over a cap waits at most */

/* A connection over a cap, waiting for another look. */
struct http_parked {
    struct http_server *srv;
    evutil_socket_t fd;
    int looks;
    char addr[64];
    struct event *ev;
    struct http_parked *next, *prev;
};

/* Connections open in all, and from addr. */
static void
http_cap_count(const struct http_server *srv, const char *addr, int *all, int *same)
{
    const struct http_sconn *sc;

    *all = *same = 0;
    for (sc = srv->conns; sc != NULL; sc = sc->next) {
        if (sc->dead)
            continue;
        (*all)++;
        *same += strcmp(sc->addr, addr) == 0;
    }
}

/* Over a cap? With log set, the refusal's reason goes to the log. */
static int
http_cap_over(struct http_server *srv, const char *addr, int log)
{
    struct evlog_event e = {
        .dir = "in", .kind = "http", .conn = -1, .cause = HTTP_SERVER_CONNECTION_LIMIT};
    char summary[160];
    int all, same;

    http_cap_count(srv, addr, &all, &same);
    if (all < srv->max_conns && same < srv->max_conns_per_peer)
        return 0;
    if (!log)
        return 1;
    if (all >= srv->max_conns)
        snprintf(summary, sizeof(summary),
                 "connection from %s closed: %d connections open, the limit", addr, all);
    else
        snprintf(summary, sizeof(summary),
                 "connection from %s closed: %d connections open from it, the per-peer limit", addr,
                 same);
    e.summary = summary;
    evlog_write(srv->log, &e);
    return 1;
}

/* Is anything waiting to be read on a connection from addr (its data, its end, a reset)? The
 * per-peer cap is the one a finished exchange's close can free; the global cap is left as it is. */
static int
http_cap_unread(const struct http_server *srv, const char *addr)
{
    const struct http_sconn *sc;
    char byte;

    for (sc = srv->conns; sc != NULL; sc = sc->next) {
        evutil_socket_t fd = sc->bev != NULL ? bufferevent_getfd(sc->bev) : sc->fd;
        if (sc->dead || fd < 0 || strcmp(sc->addr, addr) != 0)
            continue;
        if (recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) >= 0 ||
            (errno != EAGAIN && errno != EWOULDBLOCK))
            return 1;
    }
    return 0;
}

/* Take p off the server's list and free it; its socket is the caller's. */
static void
http_parked_free(struct http_parked *p)
{
    struct http_server *srv = p->srv;

    if (p->prev != NULL)
        p->prev->next = p->next;
    else
        srv->parked = p->next;
    if (p->next != NULL)
        p->next->prev = p->prev;
    event_free(p->ev);
    free(p);
}

/* A look in the next loop round (a zero timer: after this round's reads). */
static int
http_parked_wait(struct http_parked *p)
{
    static const struct timeval next_round = {0, 0};

    return evtimer_add(p->ev, &next_round);
}

static void
http_parked_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_parked *p = arg;
    struct http_server *srv = p->srv;
    evutil_socket_t cfd = p->fd;
    char addr[sizeof(p->addr)];

    (void)fd, (void)what;
    if (!srv->stopping && http_cap_over(srv, p->addr, 0) && ++p->looks < HTTP_CAP_LOOKS &&
        http_cap_unread(srv, p->addr) && http_parked_wait(p) == 0)
        return;
    memcpy(addr, p->addr, sizeof(addr));
    http_parked_free(p);
    if (srv->stopping || http_cap_over(srv, addr, 1) || http_sconn_open(srv, cfd, addr) < 0)
        evutil_closesocket(cfd);
}

/* Park fd for its next look; -1 when it cannot wait. */
static int
http_cap_park(struct http_server *srv, evutil_socket_t fd, const char *addr)
{
    struct http_parked *p = calloc(1, sizeof(*p));

    if (p == NULL)
        return -1;
    p->srv = srv;
    p->fd = fd;
    snprintf(p->addr, sizeof(p->addr), "%s", addr);
    if ((p->ev = evtimer_new(srv->base, http_parked_cb, p)) == NULL || http_parked_wait(p) < 0) {
        if (p->ev != NULL)
            event_free(p->ev);
        free(p);
        return -1;
    }
    p->next = srv->parked;
    if (p->next != NULL)
        p->next->prev = p;
    srv->parked = p;
    return 0;
}

int
http_cap_admit(struct http_server *srv, evutil_socket_t fd, const char *addr)
{
    if (!http_cap_over(srv, addr, 0))
        return HTTP_CAP_OPEN;
    if (http_cap_unread(srv, addr) && http_cap_park(srv, fd, addr) == 0)
        return HTTP_CAP_PARKED;
    (void)http_cap_over(srv, addr, 1); /* the reason, in the log */
    return HTTP_CAP_REFUSED;
}

void
http_cap_drop_parked(struct http_server *srv)
{
    struct http_parked *p, *next;

    for (p = srv->parked; p != NULL; p = next) {
        next = p->next;
        evutil_closesocket(p->fd);
        event_free(p->ev);
        free(p);
    }
    srv->parked = NULL;
}
