/* via.h -- the Via list of ECSes a token request passed (TR 33.739 6.27 forwarding, after
 * TS 33.501 13.4.1.1.3), and the hop limit it may still take.
 *
 * An ECS that forwards a request adds itself to the request's Via header (RFC 9110 7.6.3); the
 * ECS that decides answers with the ECSes the answer passed, itself first, and every ECS on the
 * way back adds itself. A receiving ECS refuses a loop (its own name already in Via) and stops
 * when 3gpp-Sbi-Max-Forward-Hops (TS 29.500 5.2.3.2) is spent; an S-EES reads from the answer's
 * Via which ECSes took part. edgesim writes the bare FQDNs ("ecs2.edge.test, ecs1.edge.test")
 * and reads the RFC 9110 form as well ("1.1 ecs2.edge.test (comment)"). */
#ifndef EDGE_VIA_H
#define EDGE_VIA_H

#include <stddef.h>

#include <jansson.h>

#include "net/peer.h"

#define VIA_HEADER "Via"
#define VIA_HOPS_HEADER "3gpp-Sbi-Max-Forward-Hops"
/* TS 29.500 5.2.3.3: how long the sender waits for the answer, in ms. edgesim sends no
 * 3gpp-Sbi-Sender-Timestamp, so a receiver counts it from the request's arrival. */
#define VIA_RSP_TIME_HEADER "3gpp-Sbi-Max-Rsp-Time"
#define VIA_RSP_TIME_MAX 600000                      /* ms: no edgesim node waits longer */
#define VIA_MAX 10                                   /* ECSes one Via may name */
#define VIA_TEXT_LEN (VIA_MAX * (EDGE_FQDN_MAX + 2)) /* via_format's output, at most */

struct via {
    size_t n;
    char names[VIA_MAX][EDGE_FQDN_MAX];
};

/* The ECSes a Via value names, in order; NULL value: none. -1 with err naming the element when
 * one is no FQDN or there are more than VIA_MAX; via then holds the elements before it. */
int via_parse(const char *value, struct via *via, char *err);
/* Is fqdn in the list (case-insensitive, as DNS names compare)? */
int via_has(const struct via *via, const char *fqdn);
/* Append fqdn; -1 when the list is full. */
int via_add(struct via *via, const char *fqdn);
/* "a, b, c" into buf (VIA_TEXT_LEN holds any list). */
void via_format(const struct via *via, char *buf, size_t len);
/* The list as a JSON array of strings (new reference; NULL when out of memory). */
json_t *via_json(const struct via *via);

/* The hops a request may still be forwarded, from 3gpp-Sbi-Max-Forward-Hops: 0..255, -1 when the
 * header is absent (value NULL), -2 when it is not such a number. */
int via_hops_parse(const char *value);
/* The sender's wait from 3gpp-Sbi-Max-Rsp-Time: 1..VIA_RSP_TIME_MAX ms, -1 when the header is
 * absent (value NULL), -2 when it is not such a number. */
long via_rsp_time_parse(const char *value);

#endif
