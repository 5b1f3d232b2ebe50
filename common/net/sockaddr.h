/* sockaddr.h -- a numeric IP address and a port as a struct sockaddr, the one parser of the
 * addresses a node listens on and connects from. */
#ifndef EDGE_NET_SOCKADDR_H
#define EDGE_NET_SOCKADDR_H

#include <sys/socket.h>

/* addr: a numeric IPv4 ("198.18.1.10") or IPv6 address, no name. 0 with *ss and *len set, -1
 * when addr is NULL or not such an address. */
int net_sockaddr(const char *addr, unsigned short port, struct sockaddr_storage *ss,
                 socklen_t *len);

#endif
