/* file.h -- reads a whole file (or what an fd yields until end of file) into memory, with a cap.
 *
 * Every input file of edgesim (configs, keys, certificates, JWKS, scenarios, topologies) is
 * read whole and then parsed; a cap makes a wrong path (a device, a huge log) fail fast instead
 * of eating memory. The buffer never moves while it fills without its old copy being wiped, so
 * a caller reading a private key wipes len bytes of the result (OPENSSL_cleanse) and no other
 * copy remains; on failure nothing read is left in memory. */
#ifndef EDGE_FILE_H
#define EDGE_FILE_H

#include <stddef.h>

/* Read the regular file at path: at most max bytes, else refused. *out is malloc'd, holds *len
 * bytes and a NUL after them (so text can be used as a string; a file holding a NUL byte is the
 * caller's to refuse). Returns 0, or -1 with "path: reason" in err. */
int edge_file_read(const char *path, size_t max, char **out, size_t *len, char *err);

/* The same for an open fd (a pipe or stdin too), read until end of file; name is used in
 * messages. The fd stays open. */
int edge_fd_read(int fd, const char *name, size_t max, char **out, size_t *len, char *err);

/* The folder of the running program (from /proc/self/exe), where edgesim's programs find their
 * siblings (edge-run the node daemons, edge-sweep edge-run); "." when it cannot be read. */
void edge_self_dir(char *buf, size_t len);

#endif
