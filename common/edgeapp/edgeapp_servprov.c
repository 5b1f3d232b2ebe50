/* edgeapp_servprov.c -- EDGE-4 types: ECSServProvReq and ECSServProvResp (TS 24.558
 * Eecs_ServiceProvisioning), with edgesim's EESInfo extensions (edgeapp.h):
 *
 * TS 33.558 6.2 has the ECS issue a separate access token per candidate EES
 * that uses token-based authorization, but no 3GPP body field carries it.
 * edgesim puts it in that EES's EESInfo entry as "accessToken" (the JWS
 * compact serialization); the EEC presents it to that EES as
 * "Authorization: Bearer" (RFC 6750). The same EESInfo, in the answers of
 * Eecs_TargetEESDiscovery and EDGE-10 Eecs_ECSServiceProvisioning, also says
 * how the EES authorizes its callers ("authzMethod", TS 33.558 6.2) and, from
 * a partner ECS, where it is registered ("regEcs", "ecsHops"). The EDGE-10 request of one ECS
 * to a partner is here too: it is an ECSServProvReq with a few more members. */
#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_rows.h"

#define TOKEN_MAX 8192 /* the validator's cap (token_validate) */

const char *const edgeapp_authz_methods[] = {EDGEAPP_AUTHZ_TOKEN, EDGEAPP_AUTHZ_LOCAL, NULL};
const char *const edgeapp_ees_auth_methods[] = {
    EDGEAPP_AUTH_CERT, EDGEAPP_AUTH_AKMA, EDGEAPP_AUTH_GBA, EDGEAPP_AUTH_SERVER_CERT_ONLY, NULL};

/* The ECSServProvReq members after eecId; the EDGE-10 request below has them too. */
#define SERVPROV_REQ_MEMBERS                                                                       \
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},                                   \
        EDGEAPP_STRINGS("eecSvcContSupp"), EDGEAPP_OBJECTS("connInfo"),                            \
        {.name = "locInf", .type = JS_OBJECT, .sub = edgeapp_location_info},                       \
        EDGEAPP_STRINGS("ecspIds"), {.name = "suppFeat", .type = JS_STRING, .max_len = 64},        \
        EDGEAPP_LIST("acProfs", 0, edgeapp_ac_profile)

const struct js_field edgeapp_servprov_req[] = {
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    SERVPROV_REQ_MEMBERS,
    {0},
};

/* EDGE-10 Eecs_ECSServiceProvisioning (TS 29.558 6.5, TS 23.558 8.17.2.4, information flow
 * "service provisioning information retrieval request", 8.17.3): one ECS asks a partner ECS for
 * the EESes it can offer. No stage-3 YAML of it is in the 3GPP files edgesim uses, so the body
 * reuses the ECSServProvReq members where the stage-2 IEs are the same (UE identifier, AC
 * profiles, UE location, ...), and names the rest itself:
 *   requestorEcs  the stage-2 "Requestor identifier" (M): the asking ECS's FQDN, which must be
 *                 the FQDN of its TLS certificate
 *   eecId         optional here: present when the ECS provisions that EEC (it authenticated the
 *                 EEC, and ueId is a GPSI it authenticated); the partner then issues the EEC's
 *                 tokens for its token-based EESes. Absent when an ECS only looks for an EES (the
 *                 T-EES of a token request, target EES discovery)
 *   eesIds        edgesim: only these EESes (eesId or FQDN)
 *   easIds        edgesim: EESes offering one of these EASes, for a caller without AC profiles
 *                 (an S-EES's target EES discovery names an EAS ID only) */
const struct js_field edgeapp_ecs_servprov_req[] = {
    {.name = "requestorEcs", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_fqdn},
    {.name = "eecId", .type = JS_STRING, .check = js_check_id},
    SERVPROV_REQ_MEMBERS,
    EDGEAPP_ID_LIST("eesIds", JS_NONEMPTY),
    EDGEAPP_ID_LIST("easIds", JS_NONEMPTY),
    {0},
};

static const struct js_field ees_info[] = {
    {.name = "eesId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    EDGEAPP_ENDPOINT("endPt", 0),
    EDGEAPP_STRINGS("easIds"),
    {.name = "ecspInfo", .type = JS_STRING, .max_len = EDGEAPP_ID_MAX},
    {.name = "svcArea", .type = JS_OBJECT, .sub = edgeapp_location_area_5g}, /* TS 29.122 */
    EDGEAPP_STRINGS("dnais"),
    EDGEAPP_STRINGS("eesSvcContSupp"),
    {.name = "eecRegConf", .type = JS_BOOL, .flags = JS_REQUIRED},
    {.name = "easInstInfos", .type = JS_ARRAY, .max_len = EDGEAPP_LIST_MAX},
    {.name = "eesAuthMethods",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = 8,
     .items = JS_STRING,
     .item_check = js_check_id},
    {.name = "easBundleInfo", .type = JS_OBJECT},
    {.name = "accessToken", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = TOKEN_MAX},
    {.name = "authzMethod",
     .type = JS_STRING,
     .check = js_check_enum,
     .choices = edgeapp_authz_methods},
    {.name = "regEcs", .type = JS_STRING, .check = js_check_fqdn},
    {.name = "ecsHops", .type = JS_INT, .check = js_check_range, .min = 0, .max = 8},
    {0},
};

const struct js_field edgeapp_edn_config_info[] = {
    {.name = "ednConInfo", .type = JS_OBJECT, .flags = JS_REQUIRED},
    EDGEAPP_LIST("eess", JS_REQUIRED | JS_NONEMPTY, ees_info),
    {.name = "lifeTime", .type = JS_STRING, .check = js_check_datetime},
    {0},
};

const struct js_field edgeapp_servprov_resp[] = {
    EDGEAPP_LIST("ednCnfgInfo", JS_REQUIRED | JS_NONEMPTY, edgeapp_edn_config_info),
    {0},
};
