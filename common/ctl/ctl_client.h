/* ctl_client.h -- the runner's side of a node control socket (protocol in ctl.h).
 *
 * Blocking, with a deadline on every wait: the runner drives one step at a
 * time and must never hang on a node that died. Unsolicited event lines that
 * arrive while waiting for a reply are queued and can be read afterwards. */
#ifndef EDGE_CTL_CLIENT_H
#define EDGE_CTL_CLIENT_H

#include <jansson.h>

struct ctl_client;

/* Connect to a node's control socket path, or wrap a connected fd (path NULL). */
struct ctl_client *ctl_client_open(const char *path, int fd, char *err);
void ctl_client_close(struct ctl_client *cc);
int ctl_client_fd(const struct ctl_client *cc);

/* Send {"id":N,"cmd":cmd,"args":args} and wait up to timeout_ms for its reply.
 * Returns the whole reply object (caller decrefs; check "ok"), or NULL with err
 * set on timeout, EOF or a malformed line. args is borrowed (may be NULL). */
json_t *ctl_client_call(struct ctl_client *cc, const char *cmd, json_t *args, int timeout_ms,
                        char *err);
/* Wait up to timeout_ms for an event line whose "event" equals name (queued
 * events count). Returns it (caller decrefs) or NULL with err set. */
json_t *ctl_client_wait_event(struct ctl_client *cc, const char *name, int timeout_ms, char *err);

/* For a caller that polls many sockets at once (the runner's step over hundreds of nodes): send a
 * command without waiting (its id in *id); read once what the socket holds (call when poll says it
 * is readable; -1 with err at EOF); take the reply to id when it has come (else NULL). Events read
 * meanwhile are queued for ctl_client_wait_event (a timeout of 0 takes what is queued). */
int ctl_client_send(struct ctl_client *cc, const char *cmd, json_t *args, long *id, char *err);
int ctl_client_pump(struct ctl_client *cc, char *err);
json_t *ctl_client_take_reply(struct ctl_client *cc, long id);

#endif
