/* ipv4.h -- the IPv4 addresses and prefixes of simulated hosts, checked in one place.
 *
 * edgesim configures addresses of 198.18.0.0/15 only (RFC 2544 benchmarking range, RFC 6890), in
 * network namespaces, so that no simulated packet can reach a real network. The runner (TAP
 * devices and routes), edge-netsim (its topology) and the ns-3 binding (router interfaces) all
 * parse "A.B.C.D/N" here. Addresses are in host byte order. */
#ifndef EDGE_IPV4_H
#define EDGE_IPV4_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Prefix lengths of a simulated subnet: the whole prefix stays inside 198.18.0.0/15, and a /31
 * or /32 has no room for two hosts. */
#define IPV4_PLEN_MIN 15
#define IPV4_PLEN_MAX 30

/* What a prefix string must name. */
enum ipv4_cidr_kind {
    IPV4_CIDR_HOST, /* a host's address on its subnet ("198.18.1.10/24"): not the network or
                       broadcast address */
    IPV4_CIDR_NET,  /* a subnet ("198.18.1.0/24"): no host bits set */
};

struct ipv4_cidr {
    uint32_t addr;
    int plen;
};

/* 1 when a is in 198.18.0.0/15. */
int ipv4_in_bench(uint32_t a);
/* The netmask of a prefix length 0..32. */
uint32_t ipv4_mask(int plen);
/* A dotted quad (inet_pton's strict form). 0, or -1 with why. */
int ipv4_parse(const char *s, uint32_t *a, char *why);
/* A dotted quad inside 198.18.0.0/15. */
int ipv4_parse_bench(const char *s, uint32_t *a, char *why);
/* "A.B.C.D/N" inside 198.18.0.0/15 with N in IPV4_PLEN_MIN..IPV4_PLEN_MAX, of the given kind.
 * 0, or -1 with why (EDGE_ERR_LEN bytes) quoting s. */
int ipv4_cidr_parse(const char *s, enum ipv4_cidr_kind kind, struct ipv4_cidr *out, char *why);

#ifdef __cplusplus
}
#endif

#endif
