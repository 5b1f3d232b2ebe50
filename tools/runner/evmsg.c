/* evmsg.c -- an HTTP message read back from the event log (evmsg.h), and the API it belongs to.
 *
 * A message is taken from its sender's line: the request as the client sent it, the response as
 * the server sent it; what it carries comes from that line's data (the Authorization scheme, the
 * tokens of its body), never from nearby events. */
#include "evmsg.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The APIs of TS 29.558 / TS 24.558 and the OAuth endpoints (DESIGN.md "Wire protocol"). */
static const struct evmsg_api evmsg_apis[] = {
    {"/oauth2/token", "token request", "token", "OAuth"},
    {"/oauth2/jwks", "JWKS", "JWKS", "OAuth"},
    {"/eecs-serviceprovisioning/", "service provisioning", "provisioning", "EDGE-4"},
    {"/eecs-eesregistration/", "EES registration", "EES reg.", "EDGE-6"},
    {"/eecs-targeteesdiscovery/", "target EES discovery", "T-EES disc.", "EDGE-6"},
    {"/eecs-ecsdiscovery/", "ECS lookup", "lookup", "ECS-ECS"},
    {"/eees-eecregistration/", "EEC registration", "EEC reg.", "EDGE-1"},
    {"/eees-easdiscovery/", "EAS discovery", "EAS disc.", "EDGE-1"},
    {"/eees-appctxtreloc/", "ACR", "ACR", "EDGE-1"},
    {"/eees-eeccontextreloc/", "EEC context relocation", "context reloc.", "EDGE-9"},
    {"/eees-acrevents/", "ACR events subscription", "ACR events", "EDGE-1"},
    {"/eees-easregistration/", "EAS registration", "EAS reg.", "EDGE-3"},
    {"/eees-acrmgntevent/", "ACR management events", "ACR mgmt", "EDGE-3"},
    {"/eees-acrstatus-update/", "ACR status update", "ACR status", "EDGE-3"},
    {"/eas-appctx/", "application context transfer", "ACT", "EAS-EAS"},
    /* A notification endpoint of an EEC or EAS (common/node/notify.h): server to subscriber. */
    {"/notify/", "notification", "notify", "notification"},
    {"", "request", "request", ""},
};

const struct evmsg_api *
evmsg_api(const char *path)
{
    size_t i = 0;

    for (; path != NULL && evmsg_apis[i].prefix[0] != '\0'; i++)
        if (strncmp(path, evmsg_apis[i].prefix, strlen(evmsg_apis[i].prefix)) == 0)
            break;
    if (path == NULL)
        while (evmsg_apis[i].prefix[0] != '\0')
            i++;
    return &evmsg_apis[i];
}

int
evmsg_cmp_t(const void *a, const void *b)
{
    double x = json_number_value(json_object_get(*(json_t *const *)a, "t_mono"));
    double y = json_number_value(json_object_get(*(json_t *const *)b, "t_mono"));
    return x < y ? -1 : x > y ? 1 : 0;
}

static const char *
evmsg_str(json_t *ev, const char *key)
{
    return json_string_value(json_object_get(ev, key));
}

int
evmsg_of(json_t *ev, struct evmsg *m)
{
    const char *dir = evmsg_str(ev, "dir"), *kind = evmsg_str(ev, "kind");
    json_t *data = json_object_get(ev, "data");

    memset(m, 0, sizeof(*m));
    if (dir == NULL || kind == NULL || strcmp(kind, "http") != 0 || evmsg_str(ev, "peer") == NULL)
        return 0;
    m->status = (int)json_integer_value(json_object_get(ev, "status"));
    m->cause = evmsg_str(ev, "cause");
    if (strcmp(dir, "in") == 0 && m->status == 0 && m->cause != NULL)
        m->failed = 1; /* the client's line of a request that got no answer */
    else if (strcmp(dir, "out") != 0)
        return 0;
    m->t = json_number_value(json_object_get(ev, "t_mono"));
    m->from = evmsg_str(ev, "node");
    m->to = evmsg_str(ev, "peer");
    m->response = !m->failed && m->status > 0;
    m->method = evmsg_str(ev, "method");
    m->path = evmsg_str(ev, "path");
    m->detail = json_string_value(json_object_get(data, "detail"));
    if (m->failed)
        m->detail = evmsg_str(ev, "summary");
    m->auth = json_string_value(json_object_get(data, "auth"));
    m->tokens = (int)json_integer_value(json_object_get(data, "tokens"));
    return 1;
}

int
evmsg_carries_token(const struct evmsg *m)
{
    return m->tokens > 0 || (m->auth != NULL && strcasecmp(m->auth, "Bearer") == 0);
}

const char *
evmsg_line(const struct evmsg *m, char *buf, size_t len)
{
    char marks[48] = "";

    if (m->auth != NULL)
        snprintf(marks, sizeof(marks), " [%s token]", m->auth);
    else if (m->tokens > 0)
        snprintf(marks, sizeof(marks), " [%d token%s]", m->tokens, m->tokens > 1 ? "s" : "");
    if (m->failed)
        snprintf(buf, len, "%s %s: no answer: %s", m->method ? m->method : "?",
                 m->path ? m->path : "", m->detail ? m->detail : m->cause);
    else if (m->response)
        snprintf(buf, len, "%d%s%s%s%s%s", m->status, m->cause ? " " : "", m->cause ? m->cause : "",
                 marks, m->detail ? ": " : "", m->detail ? m->detail : "");
    else
        snprintf(buf, len, "%s %s (%s)%s", m->method ? m->method : "?", m->path ? m->path : "",
                 evmsg_api(m->path)->name, marks);
    return buf;
}
