/* keyserver.c -- which AF / NAF may have a key (keyserver.h). */
#include "auth/keyserver.h"

#include <stdio.h>
#include <string.h>

static int
keyserver_serves(const json_t *served, const char *fqdn)
{
    const json_t *v;
    size_t i;

    if (served == NULL)
        return 1;
    json_array_foreach(served, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), fqdn) == 0)
            return 1;
    }
    return 0;
}

enum keyserver_verdict
keyserver_authorize(const struct edge_peer *peer, const char *asked, const json_t *served,
                    char *why, size_t len)
{
    if (peer->mode != EDGE_PEER_CERT || peer->fqdn[0] == '\0') {
        snprintf(why, len, "the caller is not authenticated by a certificate naming its FQDN");
        return KEYSERVER_NOT_CERT;
    }
    if (strcmp(peer->fqdn, asked) != 0) {
        snprintf(why, len, "%.100s asks for the key of %.100s: only its own may be given",
                 peer->fqdn, asked);
        return KEYSERVER_MISMATCH;
    }
    if (!keyserver_serves(served, peer->fqdn)) {
        snprintf(why, len, "%.100s is not one this key server serves", peer->fqdn);
        return KEYSERVER_NOT_SERVED;
    }
    return KEYSERVER_OK;
}
