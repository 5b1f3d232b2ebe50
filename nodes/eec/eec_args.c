/* eec_args.c -- the arguments of edge-eec's control commands (nodes/README.md): strict checks,
 * and the two choices every EDGE-1/EDGE-4 call makes, which GPSI to send (TS 33.558 6.2: it must
 * be the one bound to the credential, unless a scenario tests the refusal) and which token. */
#include "eec.h"

#include <string.h>

int
eec_args_decode(struct ctl_req *req, json_t *args, const struct js_field *table, void *dst)
{
    char err[EDGE_ERR_LEN];

    if (js_decode(args, "", table, dst, NULL, err) < 0) {
        ctl_reply_error(req, EEC_CTL_BAD_ARGS, "%s: %s", ctl_req_cmd(req), err);
        return -1;
    }
    return 0;
}

int
eec_args_check_ueid(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    if (json_is_false(v))
        return 0;
    if (!json_is_string(v))
        return edge_err(why, "expected a GPSI or false, got %s", js_type_name(v));
    return js_check_gpsi(v, f, ctx, why);
}

int
eec_args_check_token(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *s = json_string_value(v);

    (void)f;
    (void)ctx;
    if (s == NULL)
        return edge_err(why, "expected \"provisioned\", \"none\" or a JWT, got %s",
                        js_type_name(v));
    if (s[0] == '\0' || json_string_length(v) > EEC_TOKEN_ARG_MAX)
        return edge_err(why, "a token is 1 to %d bytes", EEC_TOKEN_ARG_MAX);
    /* It goes into an HTTP header: a tampered token may be anything but a line break. */
    for (const char *p = s; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return edge_err(why, "a token must not hold control characters");
    return 0;
}

const char *
eec_args_ueid(const struct eec *e, json_t *ueid)
{
    if (json_is_false(ueid))
        return NULL;
    if (json_is_string(ueid))
        return json_string_value(ueid);
    return e->cf.gpsi;
}

struct eec_ees *
eec_args_ees(struct eec *e, struct ctl_req *req, const char *id)
{
    char err[EDGE_ERR_LEN];
    struct eec_ees *x = eec_ees_get(e, id, err);

    if (x == NULL)
        ctl_reply_error(req, EEC_CTL_UNKNOWN_EES, "%s: %s", ctl_req_cmd(req), err);
    return x;
}

const char *
eec_args_token(const struct eec_ees *x, const char *arg)
{
    /* By default an EDGE-1 call carries what the registration there carried (TS 23.558 8.4.2:
     * the credentials of the registration); an implicit one (ACR) carried none of ours. */
    if (arg == NULL)
        return x->reg_id[0] != '\0' && !x->implicit ? x->reg_token : x->token;
    if (strcmp(arg, "none") == 0)
        return NULL;
    if (strcmp(arg, "provisioned") == 0)
        return x->token;
    return arg;
}
