/* node_allow.h -- the allow lists of a node's config: an EES's local authorization policy
 * (TS 33.558 6.3: allowEecs, allowGpsis, allowEeses, allowEases) and an ECS's eecPolicy.allow and
 * edge9ForeignClients. Each is a JSON array of names in which "*" stands for every name; one
 * match serves them all, identifiers compared exactly and host names ignoring case (RFC 4343). */
#ifndef EDGE_NODE_ALLOW_H
#define EDGE_NODE_ALLOW_H

#include <jansson.h>

/* 1 when list holds "*" or id; 0 otherwise, and for a NULL list (the caller decides what no
 * list means). */
int node_allow_id(const json_t *list, const char *id);
/* The same for a host name. */
int node_allow_fqdn(const json_t *list, const char *fqdn);

#endif
