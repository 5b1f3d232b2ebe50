/* hex.h -- the value of one hexadecimal digit: the one decoder behind K_AKMA keys
 * in configs and the percent-escapes of URL paths and forms (RFC 3986 2.1). */
#ifndef EDGE_HEX_H
#define EDGE_HEX_H

/* 0..15 for [0-9a-fA-F], -1 for any other character. */
int hex_digit(char c);

#endif
