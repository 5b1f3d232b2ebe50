/* via.c -- the Via list of ECSes a token request passed (TR 33.739 6.27 forwarding), and the hop
 * limit it may still take (see via.h). */
#include "auth/via.h"
#include "base/err.h"
#include "base/json_strict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VIA_ELEMENT_MAX (EDGE_FQDN_MAX + 64) /* protocol, name and a short comment */

/* One element, trimmed: "[received-protocol RWS] received-by [RWS comment]" (RFC 9110 7.6.3).
 * *name points into item; "" for an empty element, which a list may hold (RFC 9110 5.6.1). */
static int
via_element(char *item, const char **name, char *err)
{
    char *s = item, *by, why[EDGE_ERR_LEN];
    size_t k;

    s[strcspn(s, "(")] = '\0'; /* a comment: no FQDN holds a '(' */
    s += strspn(s, " \t");
    for (k = strlen(s); k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'); k--)
        s[k - 1] = '\0';
    k = strcspn(s, " \t");
    if (s[k] != '\0') { /* "1.1 ecs1.edge.test": the name comes after the protocol */
        by = s + k + strspn(s + k, " \t");
        if (by[strcspn(by, " \t")] != '\0')
            return edge_err(err, "Via element \"%.64s\" has more than a protocol and a name", s);
        s = by;
    }
    if (*s != '\0' && js_valid_fqdn(s, why) < 0)
        return edge_err(err, "Via element \"%.64s\" is not an ECS FQDN: %s", s, why);
    *name = s;
    return 0;
}

int
via_parse(const char *value, struct via *via, char *err)
{
    const char *p = value, *name = "";
    char item[VIA_ELEMENT_MAX];

    via->n = 0;
    if (value == NULL)
        return 0;
    if (strlen(value) > (size_t)VIA_MAX * VIA_ELEMENT_MAX)
        return edge_err(err, "Via header too long");
    while (*p != '\0') {
        size_t len = strcspn(p, ",");

        if (len >= sizeof(item))
            return edge_err(err, "Via element too long");
        memcpy(item, p, len);
        item[len] = '\0';
        if (via_element(item, &name, err) < 0)
            return -1;
        if (*name != '\0' && via_add(via, name) < 0)
            return edge_err(err, "Via names more than %d ECSes", VIA_MAX);
        p += len + (p[len] == ',');
    }
    return 0;
}

int
via_has(const struct via *via, const char *fqdn)
{
    for (size_t i = 0; i < via->n; i++)
        if (strcasecmp(via->names[i], fqdn) == 0)
            return 1;
    return 0;
}

int
via_add(struct via *via, const char *fqdn)
{
    if (via->n >= VIA_MAX)
        return -1;
    snprintf(via->names[via->n++], EDGE_FQDN_MAX, "%s", fqdn);
    return 0;
}

void
via_format(const struct via *via, char *buf, size_t len)
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

json_t *
via_json(const struct via *via)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && i < via->n; i++)
        if (json_array_append_new(a, json_string(via->names[i])) < 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

int
via_hops_parse(const char *value)
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

long
via_rsp_time_parse(const char *value)
{
    char *end;
    long v;

    if (value == NULL)
        return -1;
    if (value[0] < '0' || value[0] > '9')
        return -2; /* strtol would take a sign or leading blanks */
    v = strtol(value, &end, 10);
    if (*end != '\0' || v < 1 || v > VIA_RSP_TIME_MAX)
        return -2;
    return v;
}
