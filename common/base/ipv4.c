/* ipv4.c -- parses the addresses and prefixes of simulated hosts, inside 198.18.0.0/15 only
 * (ipv4.h; RFC 2544, RFC 6890). */
#include "base/ipv4.h"
#include "base/err.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Longest input quoted in a message: the sentence must fit EDGE_ERR_LEN with its path. */
#define IPV4_SHOWN 48

int
ipv4_in_bench(uint32_t a)
{
    return (a & 0xfffe0000u) == 0xc6120000u; /* 198.18.0.0/15 */
}

uint32_t
ipv4_mask(int plen)
{
    return plen <= 0 ? 0 : plen >= 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
}

int
ipv4_parse(const char *s, uint32_t *a, char *why)
{
    struct in_addr in;

    if (s == NULL || inet_pton(AF_INET, s, &in) != 1)
        return edge_err(why, "\"%.*s\" is not an IPv4 address", IPV4_SHOWN, s ? s : "");
    *a = ntohl(in.s_addr);
    return 0;
}

int
ipv4_parse_bench(const char *s, uint32_t *a, char *why)
{
    if (ipv4_parse(s, a, why) == -1)
        return -1;
    if (!ipv4_in_bench(*a))
        return edge_err(why, "\"%.*s\" is outside 198.18.0.0/15, the only range edgesim configures",
                        IPV4_SHOWN, s);
    return 0;
}

int
ipv4_cidr_parse(const char *s, enum ipv4_cidr_kind kind, struct ipv4_cidr *out, char *why)
{
    char buf[INET_ADDRSTRLEN];
    const char *slash = s != NULL ? strchr(s, '/') : NULL;
    uint32_t host;
    char *end;
    long n;

    out->addr = 0;
    out->plen = 0;
    if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
        return edge_err(why, "\"%.*s\" is not of the form A.B.C.D/N", IPV4_SHOWN, s ? s : "");
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = '\0';
    if (ipv4_parse_bench(buf, &out->addr, why) == -1)
        return -1;
    /* Digits only: strtol would take " 24" or "+24". */
    errno = 0;
    n = (slash[1] >= '0' && slash[1] <= '9') ? strtol(slash + 1, &end, 10) : -1;
    if (n == -1 || errno != 0 || *end != '\0' || n < IPV4_PLEN_MIN || n > IPV4_PLEN_MAX)
        return edge_err(why, "\"%.*s\": prefix length must be %d..%d (inside 198.18.0.0/15)",
                        IPV4_SHOWN, s, IPV4_PLEN_MIN, IPV4_PLEN_MAX);
    out->plen = (int)n;
    host = out->addr & ~ipv4_mask(out->plen);
    if (kind == IPV4_CIDR_HOST && (host == 0 || host == ~ipv4_mask(out->plen)))
        return edge_err(why, "\"%.*s\" is a network or broadcast address", IPV4_SHOWN, s);
    if (kind == IPV4_CIDR_NET && host != 0)
        return edge_err(why, "\"%.*s\" has host bits set", IPV4_SHOWN, s);
    return 0;
}
