/* addrplan.c -- TAP mode's addresses: a subnet of 198.18.0.0/15 per link, sized for the routers
 * and nodes on it (addrplan.h has the layout; simulated hosts use the RFC 2544 benchmarking range
 * only, base/ipv4.h). */
#include "addrplan.h"

#include "base/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The plan starts at 198.18.1.0 (198.18.0.0/24 stays unused, as it always has) and ends where
 * 198.18.0.0/15 does. */
#define ADDR_START 0xC6120100u /* 198.18.1.0 */
#define ADDR_END 0xC6140000u   /* 198.20.0.0, the first address after 198.19.255.255 */
#define ADDR_FIRST_NODE 10u    /* .1 to .9 are kept for routers */
#define ADDR_MIN_SIZE 256u     /* a /24 at least: the addresses people know from the README */

static void
addr_quad(uint32_t a, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xffu, (a >> 8) & 0xffu, a & 0xffu);
}

void
addr_router(const struct scn_link *l, int k, char *buf, size_t len)
{
    addr_quad(l->net + (uint32_t)k + 1u, buf, len);
}

void
addr_node(const struct scn_link *l, size_t j, char *buf, size_t len)
{
    addr_quad(l->net + l->first + (uint32_t)j, buf, len);
}

/* The routers on every link's subnet: the topology's, or the one router net.c makes to join the
 * links when the topology names none (a single link has none). */
static unsigned
addr_routers(const struct scn *s)
{
    if (s->nrouters > 0)
        return (unsigned)s->nrouters;
    return s->nlinks > 1 ? 1u : 0u;
}

/* The smallest block (a power of two, ADDR_MIN_SIZE at least) that holds first + n hosts and the
 * broadcast; 0 when not even 198.18.0.0/15 does. */
static uint64_t
addr_block(unsigned first, size_t n)
{
    uint64_t need = (uint64_t)first + n + 1u, size = ADDR_MIN_SIZE;

    while (size < need && size <= ADDR_END - ADDR_START)
        size *= 2;
    return size < need ? 0 : size;
}

static int
addr_plen(uint64_t size)
{
    int plen = 32;

    while (size > 1) {
        size /= 2;
        plen--;
    }
    return plen;
}

int
addr_plan(struct scn *s, char *err)
{
    size_t *count = calloc(s->nlinks + 1, sizeof(*count));
    unsigned routers = addr_routers(s),
             first = routers + 1 > ADDR_FIRST_NODE ? routers + 1 : ADDR_FIRST_NODE;
    uint64_t cursor = ADDR_START;
    char at[16];
    int rc = -1;

    if (count == NULL)
        return edge_err(err, "out of memory");
    for (size_t i = 0; i < s->nnodes; i++)
        count[scn_link(s, s->nodes[i].link)->index]++;
    for (size_t li = 0; li < s->nlinks; li++) {
        struct scn_link *l = &s->links[li];
        uint64_t size = addr_block(first, count[li]), taken = cursor;
        if (size != 0)
            cursor = (cursor + size - 1) / size * size; /* aligned: a prefix names the block */
        if (size == 0) {
            edge_err(
                err,
                "$.topology.links.%s: its %zu nodes need %llu addresses (routers from .1, "
                "nodes from .%u, the broadcast last), more than 198.18.0.0/15, TAP mode's only "
                "addresses, holds (131072)",
                l->name, count[li], (unsigned long long)first + count[li] + 1, first);
            goto done;
        }
        if (cursor + size > ADDR_END) {
            addr_quad((uint32_t)(taken - 1), at, sizeof(at));
            edge_err(err,
                     "$.topology.links.%s: a /%d for its %zu nodes and %u router%s (routers from "
                     ".1, nodes from .%u, the broadcast last) does not fit in 198.18.0.0/15, TAP "
                     "mode's only addresses: the links before it took them up to %s",
                     l->name, addr_plen(size), count[li], routers, routers == 1 ? "" : "s", first,
                     at);
            goto done;
        }
        l->net = (uint32_t)cursor;
        l->plen = addr_plen(size);
        l->first = first;
        cursor += size;
    }
    rc = 0;
done:
    free(count);
    return rc;
}
