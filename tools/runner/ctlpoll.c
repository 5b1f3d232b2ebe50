/* ctlpoll.c -- the runner's reads of all node control sockets at once: one poll() over every
 * socket per look, so a step costs the same with 5 nodes or 300 (a wait per event name per node
 * cost ~3 ms a node), a long command (a UE population's action) is waited for while every other
 * node's events are read, and `--keep` drains the events while the nodes run on. */
#include "ctlpoll.h"

#include "base/clock.h"
#include "base/err.h"
#include "ctl/ctl_client.h"
#include "proc.h"
#include "step.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Read once from every socket that holds something, waiting up to timeout_ms for the first;
 * extra_fd (>= 0) is watched too and *extra_ready says whether it is readable. Returns how many
 * sockets were read. */
static int
poll_read(struct run *r, int timeout_ms, int extra_fd, int *extra_ready)
{
    struct pollfd *p = calloc(r->nnodes + 1, sizeof(*p));
    size_t np = 0;
    int got = 0;
    char why[EDGE_ERR_LEN];

    if (p == NULL)
        return 0;
    for (size_t i = 0; i < r->nnodes; i++)
        if (r->nodes[i].cc != NULL)
            p[np++] = (struct pollfd){.fd = ctl_client_fd(r->nodes[i].cc), .events = POLLIN};
    if (extra_fd >= 0)
        p[np++] = (struct pollfd){.fd = extra_fd, .events = POLLIN};
    if (poll(p, np, timeout_ms) > 0) {
        size_t k = 0;
        for (size_t i = 0; i < r->nnodes; i++) {
            if (r->nodes[i].cc == NULL)
                continue;
            /* A closed socket is the node's end: proc_check reports it, with its exit status. */
            if ((p[k++].revents & POLLIN) != 0 && ctl_client_pump(r->nodes[i].cc, why) == 0)
                got++;
        }
        if (extra_fd >= 0 && extra_ready != NULL)
            *extra_ready = (p[np - 1].revents & (POLLIN | POLLHUP)) != 0;
    }
    free(p);
    return got;
}

void
poll_drain(struct run *r)
{
    /* What is there now, never a wait for more; a busy node may have more than one read's worth. */
    for (int round = 0; round < 64 && poll_read(r, 0, -1, NULL) > 0; round++)
        ;
}

int
poll_call(struct run *r, struct run_node *n, const char *cmd, json_t *args, int timeout_ms,
          json_t **reply, char *why)
{
    long id, deadline = edge_now_ms() + timeout_ms;

    *reply = NULL;
    if (ctl_client_send(n->cc, cmd, args, &id, why) < 0)
        return -1;
    while ((*reply = ctl_client_take_reply(n->cc, id)) == NULL) {
        long left = deadline - edge_now_ms();
        if (proc_interrupted)
            return edge_err(why, "interrupted");
        if (left <= 0)
            return edge_err(why, "no answer from node within the deadline");
        poll_read(r, left > 100 ? 100 : (int)left, -1, NULL);
        if ((*reply = ctl_client_take_reply(n->cc, id)) != NULL)
            break;
        step_collect_events(r); /* the other nodes' events, read as they come */
        if (proc_check(r, why) == -1)
            return -1;
    }
    return 0;
}

void
poll_keep(struct run *r)
{
    int enter = 0;
    char line[64];

    /* The nodes run on (a node's memory would grow by every event no one reads): read their
     * events until Enter (or the end of the runner's input). */
    while (!enter && !proc_interrupted) {
        poll_read(r, 500, STDIN_FILENO, &enter);
        step_collect_events(r);
    }
    if (fgets(line, sizeof(line), stdin) == NULL || !isatty(STDIN_FILENO))
        printf("\n");
}

int
poll_settle(struct run *r, struct run_node *n, char *why)
{
    json_t *reply;

    if (n->cc == NULL || n->frozen)
        return 0;
    if (poll_call(r, n, "status", NULL, r->timeout_ms, &reply, why) == -1)
        return -1;
    json_decref(reply);
    return 0;
}
