/* edgeapp_ecsprov.c -- the EDGE-10 request of TS 29.558 Eecs_ECSServiceProvisioning (TS 23.558
 * 8.17.2.4, information flow "service provisioning information retrieval request", 8.17.3): one
 * ECS asks a partner ECS for the EESes it can offer. No stage-3 YAML of it is in the 3GPP files
 * edgesim uses, so the body reuses the TS 24.558 ECSServProvReq members where the stage-2 IEs
 * are the same (UE identifier, AC profiles, UE location, ...), and names the rest itself:
 *
 *   requestorEcs  the stage-2 "Requestor identifier" (M): the asking ECS's FQDN, which must be
 *                 the FQDN of its TLS certificate
 *   eecId         ECSServProvReq's, optional here: present when the ECS provisions that EEC
 *                 (it authenticated the EEC, and ueId is a GPSI it authenticated); the partner
 *                 then issues the EEC's tokens for its token-based EESes. Absent when an ECS only
 *                 looks for an EES (the T-EES of a token request, target EES discovery)
 *   eesIds        edgesim: only these EESes (eesId or FQDN)
 *   easIds        edgesim: EESes offering one of these EASes, for a caller without AC profiles
 *                 (an S-EES's target EES discovery names an EAS ID only) */
#include "edgeapp/edgeapp.h"

#define ARRAY_MAX 64

const struct js_field edgeapp_ecs_servprov_req[] = {
    {.name = "requestorEcs", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_fqdn},
    {.name = "eecId", .type = JS_STRING, .check = js_check_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "acProfs",
     .type = JS_ARRAY,
     .max_len = ARRAY_MAX,
     .items = JS_OBJECT,
     .sub = edgeapp_ac_profile},
    {.name = "eecSvcContSupp", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    {.name = "connInfo", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_OBJECT},
    {.name = "locInf", .type = JS_OBJECT, .sub = edgeapp_location_info},
    {.name = "ecspIds", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    {.name = "suppFeat", .type = JS_STRING, .max_len = 64},
    {.name = "eesIds",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = ARRAY_MAX,
     .items = JS_STRING,
     .item_check = js_check_id},
    {.name = "easIds",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = ARRAY_MAX,
     .items = JS_STRING,
     .item_check = js_check_id},
    {0},
};
