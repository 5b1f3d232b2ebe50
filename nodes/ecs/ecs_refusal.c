/* ecs_refusal.c -- every refusal of edge-ecs with its HTTP status and ProblemDetails cause, in one
 * table (TS 29.500 Table 5.2.7.2-1 causes where 3GPP has one, edgesim's own names otherwise; the
 * token endpoint's RFC 6749 errors are token_endpoint.c's). */
#include "ecs.h"
#include "net/problem.h"

const struct node_refusal ecs_refusals[ECS_R_COUNT] = {
    [ECS_R_NO_CERT_FQDN] = {403, "EES_ID_MISMATCH",
                            "EDGE-6 needs an EES authenticated by a certificate naming its FQDN"},
    [ECS_R_EES_ID_MISMATCH] = {403, "EES_ID_MISMATCH",
                               "eesProf.eesId is not the FQDN of the TLS certificate"},
    [ECS_R_EES_ENDPOINT_MISMATCH] = {403, "EES_ENDPOINT_MISMATCH",
                                     "eesProf.endPt does not name the FQDN of the TLS certificate"},
    [ECS_R_REG_NOT_FOUND] = {404, PROBLEM_CONTEXT_NOT_FOUND, "no such EES registration"},
    [ECS_R_NOT_OWNER] = {403, "REGISTRATION_NOT_OWNED", "the registration belongs to another EES"},
    [ECS_R_EXPTIME_PAST] = {400, PROBLEM_MANDATORY_IE_INCORRECT,
                            "expTime is not a time in the future"},
    [ECS_R_EEC_NOT_AUTHORIZED] = {403, "EEC_NOT_AUTHORIZED",
                                  "the EEC is not authorized by the local policy of this ECS"},
    [ECS_R_NOT_PEER_ECS] = {403, "NOT_A_PEER_ECS",
                            "EDGE-10 service provisioning is for peer ECSes only"},
    [ECS_R_REQUESTOR_MISMATCH] = {403, "REQUESTOR_ECS_MISMATCH",
                                  "requestorEcs is not the ECS of the TLS certificate"},
    [ECS_R_EES_NOT_REGISTERED] = {403, "EES_NOT_REGISTERED",
                                  "ees-id is not the EES registered here under the TLS identity"},
    [ECS_R_TARGET_NOT_FOUND] = {404, "TARGET_EES_NOT_FOUND", "no T-EES offers the EAS"},
    [ECS_R_QUERY_MISSING] = {400, "MANDATORY_QUERY_PARAM_MISSING",
                             "a mandatory query parameter is missing"},
    [ECS_R_QUERY_INCORRECT] = {400, "MANDATORY_QUERY_PARAM_INCORRECT",
                               "a mandatory query parameter is incorrect"},
    [ECS_R_QUERY_INVALID] = {400, PROBLEM_INVALID_QUERY_PARAM, "a query parameter is invalid"},
    [ECS_R_HEADER_INVALID] = {400, PROBLEM_INVALID_MSG_FORMAT, "a request header is invalid"},
    [ECS_R_MEDIA_TYPE] = {415, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                          "the body is not application/x-www-form-urlencoded"},
    [ECS_R_PEER_UNREACHABLE] = {504, "TARGET_NF_NOT_REACHABLE", "a peer ECS did not answer"},
    [ECS_R_UNAVAILABLE] = {503, PROBLEM_SERVICE_UNAVAILABLE, "the ECS cannot take it now"},
    [ECS_R_INTERNAL] = {500, PROBLEM_SYSTEM_FAILURE, "the ECS failed"},
};
