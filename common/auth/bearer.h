/* bearer.h -- the RFC 6750 2.1 "Authorization: Bearer <token>" header: written by the nodes that
 * present an access token (the EEC to an EES, TS 33.558 6.2; the S-EES to a T-EES, TR 33.739
 * 6.27), read by the EES as resource server. A bearer token is a secret: a value made here is
 * wiped when freed. */
#ifndef EDGE_BEARER_H
#define EDGE_BEARER_H

#define BEARER_HEADER "Authorization"

/* "Bearer <token>", malloc'ed; NULL when out of memory. Free it with bearer_free(). */
char *bearer_value(const char *token);
/* Wipe and free a value of bearer_value() (NULL: nothing). */
void bearer_free(char *value);
/* The token an Authorization value carries (the scheme case-insensitive), pointing into value;
 * NULL when value is NULL, not Bearer, or carries no token. */
const char *bearer_token(const char *value);

#endif
