/* async.c -- steps that stay in flight while later steps run ("async": true), answered by a step
 * "reply".
 *
 * What happens to a request while something else happens -- a node stopped with requests
 * pending, a peer that never answers -- needs the request sent and not waited for. Such a step's
 * control command goes over a connection of its own to the node's control socket (--ctl PATH),
 * and a thread waits for its reply with the usual deadline, so the runner goes on with the next
 * step. The thread touches only its own connection and JSON values; the main thread reads them
 * after joining it. */
#include "async.h"

#include "base/err.h"
#include "ctl/ctl_client.h"
#include "proc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct async_call {
    char *step; /* its name */
    struct ctl_client *cc;
    char *cmd;
    json_t *args;
    int timeout_ms;
    pthread_t thread;
    json_t *reply; /* the node's reply line, or NULL (why says why) */
    char why[EDGE_ERR_LEN];
    int joined;
    struct async_call *next;
};

static void *
async_thread(void *arg)
{
    struct async_call *a = arg;

    a->reply = ctl_client_call(a->cc, a->cmd, a->args, a->timeout_ms, a->why);
    return NULL;
}

static void
async_free(struct async_call *a)
{
    if (a->cc != NULL) {
        proc_unwatch_fd(ctl_client_fd(a->cc));
        ctl_client_close(a->cc);
    }
    json_decref(a->args);
    json_decref(a->reply);
    free(a->cmd);
    free(a->step);
    free(a);
}

int
async_send(struct run *r, struct run_node *n, const char *step, const char *cmd, json_t *args,
           char *err)
{
    struct async_call *a = calloc(1, sizeof(*a));

    if (a == NULL || (a->step = strdup(step)) == NULL || (a->cmd = strdup(cmd)) == NULL) {
        if (a != NULL)
            async_free(a);
        return edge_err(err, "out of memory");
    }
    a->args = json_deep_copy(args);
    a->timeout_ms = r->timeout_ms;
    if ((a->cc = ctl_client_open(n->ctl, -1, err)) == NULL) {
        async_free(a);
        return -1;
    }
    proc_watch_fd(ctl_client_fd(a->cc)); /* a signal ends the wait as it does the others */
    if (pthread_create(&a->thread, NULL, async_thread, a) != 0) {
        async_free(a);
        return edge_err(err, "cannot start a thread for the asynchronous step %s", step);
    }
    a->next = r->asyncs;
    r->asyncs = a;
    return 0;
}

json_t *
async_reply(struct run *r, const char *step, char *err)
{
    struct async_call *a;

    for (a = r->asyncs; a != NULL && strcmp(a->step, step) != 0; a = a->next)
        ;
    if (a == NULL || a->joined) {
        edge_err(err, "step %s is not in flight (no \"async\" step of that name, or answered)",
                 step);
        return NULL;
    }
    pthread_join(a->thread, NULL);
    a->joined = 1;
    if (a->reply == NULL) {
        edge_err(err, "%s", a->why);
        return NULL;
    }
    return json_incref(a->reply);
}

void
async_end_all(struct run *r)
{
    struct async_call *a, *next;

    for (a = r->asyncs; a != NULL; a = next) {
        next = a->next;
        if (!a->joined)
            pthread_join(a->thread, NULL);
        async_free(a);
    }
    r->asyncs = NULL;
}
