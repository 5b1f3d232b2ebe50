/* ees_refusal.c -- every refusal of edge-ees with its HTTP status and ProblemDetails cause, in one
 * table (TS 29.500 Table 5.2.7.2-1 causes where 3GPP has one, edgesim's own names otherwise;
 * token refusals are token_validate.c's rules, GPSI refusals gpsi_auth.c's verdicts). */
#include "ees.h"
#include "net/problem.h"

const struct node_refusal ees_refusals[EES_R_COUNT] = {
    [EES_R_EEC_NOT_AUTHORIZED] =
        {403, "EEC_NOT_AUTHORIZED",
         "the EEC is not allowed by this EES's local authorization policy"},
    [EES_R_EES_NOT_AUTHORIZED] =
        {403, "EES_NOT_AUTHORIZED",
         "the calling EES is not allowed by this EES's local authorization policy"},
    [EES_R_EEC_NOT_REGISTERED] = {403, "EEC_NOT_REGISTERED", "the EEC is not registered here"},
    [EES_R_NOT_OWNER] = {403, "REGISTRATION_NOT_OWNED",
                         "the registration or context belongs to another EEC"},
    [EES_R_EES_ID_MISMATCH] = {403, "EES_ID_MISMATCH",
                               "the EES ID is not the EES of the TLS certificate"},
    [EES_R_NOT_AN_EES] = {403, "PEER_NOT_AN_EES",
                          "EDGE-9 needs an EES authenticated by a certificate naming its FQDN"},
    [EES_R_EEC_ID_MISMATCH] = {403, "EEC_ID_MISMATCH",
                               "the token is for the context of another EEC"},
    [EES_R_CTX_FULL] = {503, "INSUFFICIENT_RESOURCES", "this EES holds as many contexts as it can"},
    [EES_R_CONTEXT_NOT_FOUND] = {404, PROBLEM_CONTEXT_NOT_FOUND, "no such EEC context here"},
    [EES_R_REG_NOT_FOUND] = {404, PROBLEM_CONTEXT_NOT_FOUND, "no such EEC registration here"},
    [EES_R_QUERY_INVALID] = {400, PROBLEM_INVALID_QUERY_PARAM, "a query parameter is invalid"},
    [EES_R_TEES_INCORRECT] = {400, PROBLEM_MANDATORY_IE_INCORRECT,
                              "eecCtxtReloc.tEesId must name another EES by its FQDN"},
    [EES_R_TARGET_MISSING] = {400, PROBLEM_MANDATORY_IE_MISSING,
                              "eecCtxtReloc.tEesId or easId is needed to find the T-EES"},
    [EES_R_RELOC_MISSING] = {400, PROBLEM_MANDATORY_IE_MISSING,
                             "eecCtxtReloc: missing (it names the EEC context to relocate)"},
    /* ACR (TS 23.558 8.8.2.3): a step the peer refused is 502, no answer at all 504. */
    [EES_R_ACR_TARGET_NOT_FOUND] = {404, "ACR_TARGET_NOT_FOUND", "no T-EES serves the EAS"},
    [EES_R_ACR_DISCOVERY_REFUSED] = {502, "ACR_TARGET_DISCOVERY_FAILED",
                                     "target EES discovery at the ECS"},
    [EES_R_ACR_TOKEN_REFUSED] = {502, "ACR_TOKEN_REFUSED", "the EDGE-9 token request at the ECS"},
    [EES_R_ACR_TEAS_NOT_FOUND] = {404, "ACR_TARGET_EAS_NOT_FOUND",
                                  "the T-EES has no other EAS of the EAS ID"},
    [EES_R_ACR_TEAS_REFUSED] = {502, "ACR_TEAS_DISCOVERY_FAILED",
                                "T-EAS discovery at the T-EES (EDGE-9)"},
    [EES_R_ACR_PULL_REFUSED] = {502, "ACR_PULL_REFUSED", "the context pull from the S-EES"},
    [EES_R_ACR_ACT_FAILED] = {502, "ACR_ACT_FAILED", "the application context transfer of the EAS"},
    [EES_R_ACR_PUSH_REFUSED] = {502, "ACR_PUSH_REFUSED", "the context push to the T-EES"},
    [EES_R_ACR_STEP_FAILED] = {502, PROBLEM_SYSTEM_FAILURE, "a step of the relocation"},
    [EES_R_ACR_UNREACHABLE] = {504, "ACR_PEER_UNREACHABLE", "a peer did not answer"},
    /* A proxied 504 keeps its cause (TS 29.500 5.2.7.2): the ECS could not reach the ECS of the
     * T-EES, which is not a refusal of the relocation. */
    [EES_R_ACR_NOT_REACHABLE] = {504, "TARGET_NF_NOT_REACHABLE",
                                 "a peer answered that the node behind it did not answer"},
    [EES_R_ACR_CONTEXT_GONE] = {404, PROBLEM_CONTEXT_NOT_FOUND, "the EEC context went away"},
    /* EDGE-3 (TS 33.558: certificate authentication, local authorization of the EAS). */
    [EES_R_NOT_AN_EAS] = {403, "PEER_NOT_AN_EAS",
                          "EDGE-3 needs an EAS authenticated by a certificate naming its EAS ID"},
    [EES_R_EAS_NOT_AUTHORIZED] =
        {403, "EAS_NOT_AUTHORIZED",
         "the EAS is not allowed by this EES's local authorization policy"},
    [EES_R_EAS_ID_MISMATCH] = {403, "EAS_ID_MISMATCH",
                               "the EAS ID is not the EAS of the TLS certificate"},
    [EES_R_EAS_ENDPOINT] = {403, "EAS_ENDPOINT_MISMATCH",
                            "the endpoint is not a host the EAS's certificate names"},
    [EES_R_EAS_REG_NOT_FOUND] = {404, PROBLEM_CONTEXT_NOT_FOUND, "no such EAS registration here"},
    [EES_R_EAS_PATCH_INVALID] = {400, PROBLEM_MANDATORY_IE_INCORRECT,
                                 "the patched EAS profile is not a valid EASProfile"},
    [EES_R_INTERNAL] = {500, PROBLEM_SYSTEM_FAILURE, "the EES failed"},
};
