/* node_keysrv.c -- the key server's share of edge-aanf and edge-bsf (node_keysrv.h; TS 33.535 6.3,
 * TS 33.220 4.5.3). */
#include "node/node_keysrv.h"
#include "auth/keyserver.h"
#include "base/err.h"

#include <time.h>

int
keysrv_authorized(struct http_req *req, const struct keysrv_names *nm,
                  const struct keysrv_config *c, const char *asked)
{
    char why[EDGE_ERR_LEN];

    if (keyserver_authorize(http_req_peer(req), asked, c->served, why, sizeof(why)) == KEYSERVER_OK)
        return 1;
    node_refuse(req, &nm->refusals[KEYSRV_R_NOT_AUTHORIZED], "%s", why);
    return 0;
}

const void *
keysrv_context(struct http_req *req, const struct keysrv_names *nm, const void *found,
               long long end, const char *id)
{
    char when[JS_TIME_LEN];

    if (found == NULL) {
        node_refuse(req, &nm->refusals[KEYSRV_R_NOT_FOUND], "no %s for %s %s", nm->context,
                    nm->key_id, id);
        return NULL;
    }
    /* TS 33.220 4.5.3: the BSF "shall not provide" a key once the key lifetime has expired; the
     * AAnF holds to the K_AKMA lifetime alike. */
    if (end != 0 && end <= node_now()) {
        js_time_format((time_t)end, when, sizeof(when));
        node_refuse(req, &nm->refusals[KEYSRV_R_EXPIRED], "the %s of %s %s expired at %s",
                    nm->context, nm->key_id, id, when);
        return NULL;
    }
    return found;
}

long long
keysrv_ready(struct node *n, const char *kind, size_t count, const char *says,
             const char *count_key)
{
    long long started = (long long)time(NULL);

    node_log(n, kind, NULL, NULL, NULL, "%zu %s", count, says);
    node_ready(n, json_pack("{s:I}", count_key, (json_int_t)count));
    return started;
}
