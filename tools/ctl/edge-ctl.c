/* edge-ctl.c -- send one command to a node's control socket and print the reply.
 *
 *   edge-ctl SOCKET CMD [ARGS_JSON] [--timeout MS]   one command, reply on stdout
 *   edge-ctl SOCKET --wait-ready [--timeout MS]      wait for the node's ready event
 *
 * Exit 0 when the node answered "ok":true (or said ready), 1 when it answered
 * an error or did not answer in time, 2 on usage errors. For hand use and
 * shell tests; the runner links ctl_client directly. */
#include "ctl_client.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
usage(void)
{
    fprintf(stderr, "usage: edge-ctl SOCKET CMD [ARGS_JSON] [--timeout MS]\n"
                    "       edge-ctl SOCKET --wait-ready [--timeout MS]\n");
    return 2;
}

int
main(int argc, char **argv)
{
    const char *sock = NULL, *cmd = NULL, *args_text = NULL;
    int timeout = 30000, wait_ready = 0;
    char err[EDGE_ERR_LEN];
    json_t *args = NULL, *r = NULL;
    int rc = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end != '\0' || v <= 0 || v > 3600000)
                return usage();
            timeout = (int)v;
        } else if (strcmp(argv[i], "--wait-ready") == 0) {
            wait_ready = 1;
        } else if (sock == NULL) {
            sock = argv[i];
        } else if (cmd == NULL) {
            cmd = argv[i];
        } else if (args_text == NULL) {
            args_text = argv[i];
        } else {
            return usage();
        }
    }
    if (sock == NULL || (cmd == NULL) == !wait_ready)
        return usage();
    if (args_text != NULL) {
        json_error_t jerr;
        args = json_loads(args_text, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(args)) {
            fprintf(stderr, "edge-ctl: ARGS_JSON must be a JSON object: %s\n", jerr.text);
            json_decref(args);
            return 2;
        }
    }
    struct ctl_client *cc = ctl_client_open(sock, -1, err);
    if (cc == NULL) {
        fprintf(stderr, "edge-ctl: %s\n", err);
        json_decref(args);
        return 1;
    }
    r = wait_ready ? ctl_client_wait_event(cc, "ready", timeout, err)
                   : ctl_client_call(cc, cmd, args, timeout, err);
    if (r == NULL) {
        fprintf(stderr, "edge-ctl: %s\n", err);
    } else {
        char *text = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", text);
        free(text);
        rc = wait_ready || json_is_true(json_object_get(r, "ok")) ? 0 : 1;
    }
    json_decref(r);
    json_decref(args);
    ctl_client_close(cc);
    return rc;
}
