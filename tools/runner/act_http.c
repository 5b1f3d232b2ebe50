/* act_http.c -- the action "http": one HTTPS request that a node sends on the runner's behalf,
 * over its own TLS identity (its certificate, or an EEC's AKMA PSK), to any ECS or EES API.
 *
 * The node's control command "http" (common/node/node.c) sends it; the runner builds the request
 * (references replaced, a token reference as "Authorization: Bearer", the body as JSON, a form,
 * text or base64url bytes) and reads the answer like any other step's: status, ProblemDetails,
 * body, headers. Answers of a known shape give the step what later steps use: an OAuth token
 * response (RFC 6749 5.1) its "token", a service provisioning response its "tokens" and "eess"
 * (TS 24.558 ECSServProvResp with edgesim's EESInfo.accessToken), a Location its "locationId". */
#include "action.h"

#include "base/err.h"
#include "step.h"
#include "subst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The body of the request into out: "json" (compact, application/json by default), "form"
 * (application/x-www-form-urlencoded), "body" (text as is) or "bodyB64" (bytes). */
static int
http_body(json_t *a, json_t *out, char *err)
{
    const char *ctype = json_string_value(json_object_get(a, "contentType")), *deflt = NULL;
    json_t *v;

    if ((v = json_object_get(a, "json")) != NULL) {
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (text == NULL)
            return edge_err(err, "http: cannot encode the JSON body");
        json_object_set_new(out, "body", json_string(text));
        free(text);
        deflt = "application/json";
    } else if ((v = json_object_get(a, "form")) != NULL) {
        json_object_set(out, "body", v);
        deflt = "application/x-www-form-urlencoded";
    } else if ((v = json_object_get(a, "body")) != NULL) {
        json_object_set(out, "body", v);
    } else if ((v = json_object_get(a, "bodyB64")) != NULL) {
        json_object_set(out, "bodyB64", v);
    }
    if (ctype != NULL || deflt != NULL)
        json_object_set_new(out, "contentType", json_string(ctype != NULL ? ctype : deflt));
    return 0;
}

/* The control command's args from the step's (references already replaced). */
static int
http_request(struct run *r, json_t *step, json_t *a, json_t *out, char *err)
{
    const char *path = json_string_value(json_object_get(a, "path"));
    json_t *headers = json_deep_copy(json_object_get(a, "headers")), *t;

    /* A URI (a Location an earlier step got) stands for its path. */
    if (strncmp(path, "https://", 8) == 0 && strchr(path + 8, '/') != NULL)
        path = strchr(path + 8, '/');
    json_object_set_new(
        out, "fqdn", json_string(run_node(r, json_string_value(json_object_get(a, "to")))->host));
    json_object_set(out, "method", json_object_get(a, "method"));
    json_object_set_new(out, "path", json_string(path));
    if (headers == NULL)
        headers = json_object();
    if ((t = json_object_get(a, "token")) != NULL) {
        char bearer[8192];
        json_t *jwt = step_token_arg(r, t, json_string_value(json_object_get(step, "name")), err);
        if (jwt == NULL) {
            json_decref(headers);
            return -1;
        }
        snprintf(bearer, sizeof(bearer), "Bearer %s", json_string_value(jwt));
        json_object_set_new(headers, "Authorization", json_string(bearer));
        json_decref(jwt);
    }
    json_object_set_new(out, "headers", headers);
    return http_body(a, out, err);
}

/* What a known answer shape gives the step: token, tokens and eess, locationId. */
void
act_http_shapes(json_t *res)
{
    json_t *body = json_object_get(res, "body"), *info, *e;
    const char *loc = json_string_value(json_object_get(res, "location"));
    size_t i, j;

    if (json_is_string(json_object_get(body, "access_token")))
        json_object_set(res, "token", json_object_get(body, "access_token"));
    if (json_is_array(json_object_get(body, "ednCnfgInfo"))) {
        json_t *tokens = json_object(), *eess = json_array();
        json_array_foreach(json_object_get(body, "ednCnfgInfo"), i, info)
        {
            json_array_foreach(json_object_get(info, "eess"), j, e)
            {
                json_t *id = json_object_get(e, "eesId"), *tok = json_object_get(e, "accessToken");
                if (!json_is_string(id))
                    continue;
                json_array_append(eess, id);
                if (json_is_string(tok))
                    json_object_set(tokens, json_string_value(id), tok);
            }
        }
        json_object_set_new(res, "tokens", tokens);
        json_object_set_new(res, "eess", eess);
    }
    if (loc != NULL && strrchr(loc, '/') != NULL)
        json_object_set_new(res, "locationId", json_string(strrchr(loc, '/') + 1));
}

int
act_http(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    json_t *sa = subst_value(r, a), *out = json_object();
    int rc = -1;

    if (http_request(r, step, sa, out, err) == 0 &&
        (rc = step_node_call(r, n, step, "http", out, res, err)) == 0)
        act_http_shapes(*res);
    json_decref(out);
    json_decref(sa);
    return rc;
}
