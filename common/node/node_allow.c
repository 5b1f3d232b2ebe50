/* node_allow.c -- the match of a node's allow lists (node_allow.h; TS 33.558 6.3 local
 * authorization). */
#include "node/node_allow.h"

#include <string.h>
#include <strings.h>

static int
allow_listed(const json_t *list, const char *name, int (*cmp)(const char *, const char *))
{
    json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        const char *s = json_string_value(v);
        if (s != NULL && (strcmp(s, "*") == 0 || cmp(s, name) == 0))
            return 1;
    }
    return 0;
}

int
node_allow_id(const json_t *list, const char *id)
{
    return allow_listed(list, id, strcmp);
}

int
node_allow_fqdn(const json_t *list, const char *fqdn)
{
    return allow_listed(list, fqdn, strcasecmp);
}
