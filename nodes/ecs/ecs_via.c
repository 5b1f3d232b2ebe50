/* ecs_via.c -- the ECSes a forwarded request or its answer passed, as carried in the Via header
 * (RFC 9110 7.6.3), and the hop limit of 3gpp-Sbi-Max-Forward-Hops (TS 29.500 5.2.3.2): what lets
 * forwarding of TR 33.739 6.27 / TS 33.501 13.4.1.1.3 refuse loops and stop after a few hops. */
#include "ecs.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
ecs_via_parse(const char *value, struct ecs_via *via, char *err)
{
    const char *p = value;

    via->n = 0;
    if (value == NULL)
        return 0;
    if (strlen(value) > ECS_VIA_MAX * EDGE_FQDN_MAX)
        return edge_err(err, "Via header too long");
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        char item[EDGE_FQDN_MAX + 16], why[EDGE_ERR_LEN];
        char *s, *sp;

        if (len >= sizeof(item))
            return edge_err(err, "Via element too long");
        memcpy(item, p, len);
        item[len] = '\0';
        s = item + strspn(item, " \t");
        for (size_t k = strlen(s); k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'); k--)
            s[k - 1] = '\0';
        /* RFC 9110 form "1.1 ecs1.edge.test": the received-by part is the last word. */
        if ((sp = strrchr(s, ' ')) != NULL)
            s = sp + 1;
        if (js_valid_fqdn(s, why) < 0)
            return edge_err(err, "Via element \"%.64s\" is not an ECS FQDN: %s", s, why);
        if (via->n >= ECS_VIA_MAX)
            return edge_err(err, "Via names more than %d ECSes", ECS_VIA_MAX);
        snprintf(via->names[via->n++], EDGE_FQDN_MAX, "%s", s);
        p = end != NULL ? end + 1 : p + len;
    }
    return 0;
}

int
ecs_via_has(const struct ecs_via *via, const char *fqdn)
{
    for (size_t i = 0; i < via->n; i++)
        if (strcasecmp(via->names[i], fqdn) == 0)
            return 1;
    return 0;
}

int
ecs_via_add(struct ecs_via *via, const char *fqdn)
{
    if (via->n >= ECS_VIA_MAX)
        return -1;
    snprintf(via->names[via->n++], EDGE_FQDN_MAX, "%s", fqdn);
    return 0;
}

void
ecs_via_format(const struct ecs_via *via, char *buf, size_t len)
{
    size_t off = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < via->n && off < len; i++) {
        int w = snprintf(buf + off, len - off, "%s%s", i > 0 ? ", " : "", via->names[i]);
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

int
ecs_hops_parse(const char *value)
{
    char *end;
    long v;

    if (value == NULL)
        return -1;
    v = strtol(value, &end, 10);
    if (end == value || *end != '\0' || v < 0 || v > 255)
        return -2;
    return (int)v;
}
