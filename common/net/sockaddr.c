/* sockaddr.c -- a numeric IP address and a port as a struct sockaddr (sockaddr.h). */
#include "net/sockaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

int
net_sockaddr(const char *addr, unsigned short port, struct sockaddr_storage *ss, socklen_t *len)
{
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (addr != NULL && inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        *len = sizeof(*sin);
        return 0;
    }
    if (addr != NULL && inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        *len = sizeof(*sin6);
        return 0;
    }
    memset(ss, 0, sizeof(*ss));
    return -1;
}
