/* sizes.h -- the longest host name, identifier and GPSI edgesim stores.
 *
 * Buffers and input checks share these bounds, so a value that passes a check
 * always fits the buffer it is copied into. Host names follow RFC 1035 2.3.4
 * (253 characters in text form). */
#ifndef EDGE_SIZES_H
#define EDGE_SIZES_H

#define EDGE_FQDN_MAX 254 /* RFC 1035 name, plus NUL */
#define EDGE_ID_MAX 128   /* EEC ID, PSK identity (A-KID) */
#define EDGE_GPSI_MAX 128
#define EDGE_KID_MAX 64 /* JWS kid (RFC 7515 4.1.4), also part of a key file name */

#endif
