/* bench_nodes.c -- edge-bench's own nodes: credentials from edge_pki (as the runner makes them),
 * node configs (nodes/README.md), edge-ecs and edge-ees processes on 127.0.0.1, each started on a
 * control socketpair and waited for through its "ready" event, and stopped with SIGTERM.
 *
 * The cast: ecs1 with ees1..ees10 registered (ees1 alone serves eas-one, all ten serve eas-all:
 * provisioning with 1 and with 10 candidate EESes), ecs2 a peer of ecs1 with ees11 registered
 * (EDGE-9 token requests for ees11 at ecs1 are forwarded to ecs2, TR 33.739 6.27), and one EEC
 * certificate with its EEC ID and GPSI, known to the subscriber table. */
#include "bench.h"

#include "ctl/ctl_client.h"
#include "hostnet.h"
#include "pki.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BENCH_READY_MS 20000
#define BENCH_STOP_MS 5000
#define BENCH_LIFETIME 3600 /* tokens outlive any run of the bench */
#define BENCH_CTL_FD 3
#define BENCH_PORT_LOW 10000
#define BENCH_PORT_HIGH 20000

void
bench_pki_path(const struct bench_cast *c, const char *file, char *buf, size_t len)
{
    if (snprintf(buf, len, "%s/pki/%s", c->dir, file) >= (int)len)
        buf[0] = '\0'; /* too long: no file; opening "" fails with a clear error */
}

double
bench_cpu_seconds(const struct bench_node *n)
{
    char path[64];
    unsigned long long ns = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/schedstat", n->pid);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    if (fscanf(f, "%llu", &ns) != 1) // NOLINT(cert-err34-c): a kernel counter, digits only
        ns = 0;
    fclose(f);
    return (double)ns / 1e9;
}

/* A loopback TCP port nobody listens on now, below the kernel's ephemeral range (32768 and up by
 * default): there, a node's own outgoing connection could take the port a node started later is
 * to listen on. The search starts at a random place so that benches side by side differ. */
static int
bench_free_port(char *err)
{
    static int next;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

    if (next == 0)
        next = BENCH_PORT_LOW + (int)(getpid() % (BENCH_PORT_HIGH - BENCH_PORT_LOW));
    for (int tries = 0; tries < BENCH_PORT_HIGH - BENCH_PORT_LOW; tries++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = next, ok;
        next = next + 1 >= BENCH_PORT_HIGH ? BENCH_PORT_LOW : next + 1;
        if (fd < 0)
            break;
        sa.sin_port = htons((unsigned short)port);
        ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
        close(fd);
        if (ok)
            return port;
    }
    return edge_err(err, "no free loopback port in %d..%d", BENCH_PORT_LOW, BENCH_PORT_HIGH - 1);
}

static int
bench_make_creds(struct bench_cast *c, char *err)
{
    char pki[BENCH_PATH_MAX + 8];

    snprintf(pki, sizeof(pki), "%s/pki", c->dir);
    if (pki_make_ca(pki, "edge-bench CA", 0, 1, err) < 0)
        return -1;
    for (size_t i = 0; i < 2; i++)
        if (pki_make_node(pki, c->ecs[i].fqdn, PKI_KIND_ECS, 0, 1, err) < 0 ||
            pki_make_signkey(pki, c->ecs[i].fqdn, "k1", 1, err) < 0)
            return -1;
    for (size_t i = 0; i < c->nees; i++)
        if (pki_make_node(pki, c->ees[i].fqdn, PKI_KIND_EES, 0, 1, err) < 0)
            return -1;
    return pki_make_eec(pki, BENCH_EEC_ID, BENCH_GPSI, 0, 1, err);
}

/* The keys every server node has: listen, hosts, tls, logs, the subscriber table. */
static json_t *
bench_conf_common(const struct bench_cast *c, const struct bench_node *n)
{
    json_t *hosts = json_object();
    char buf[BENCH_PATH_MAX + 96], crt[BENCH_PATH_MAX + 96], key[BENCH_PATH_MAX + 96];
    char ca[BENCH_PATH_MAX + 96], keylog[BENCH_PATH_MAX + 96], evlog[BENCH_PATH_MAX + 96];

    for (size_t i = 0; i < 2 + c->nees; i++) {
        const struct bench_node *p = i < 2 ? &c->ecs[i] : &c->ees[i - 2];
        snprintf(buf, sizeof(buf), "%s:%d", p->addr, p->port);
        json_object_set_new(hosts, p->fqdn, json_string(buf));
    }
    bench_pki_path(c, "ca.crt", ca, sizeof(ca));
    snprintf(buf, sizeof(buf), "%s.crt", n->fqdn);
    bench_pki_path(c, buf, crt, sizeof(crt));
    snprintf(buf, sizeof(buf), "%s.key", n->fqdn);
    bench_pki_path(c, buf, key, sizeof(key));
    snprintf(keylog, sizeof(keylog), "%s/keylog.txt", c->dir);
    snprintf(evlog, sizeof(evlog), "%s/%s.events.jsonl", c->dir, n->fqdn);
    return json_pack("{s:s, s:{s:s, s:i}, s:o, s:{s:s, s:s, s:s}, s:s, s:s, s:[{s:s, s:s, s:s, "
                     "s:s}]}",
                     "node", n->fqdn, "listen", "addr", n->addr, "port", n->port, "hosts", hosts,
                     "tls", "ca", ca, "cert", crt, "key", key, "keylog", keylog, "evlog", evlog,
                     "subscribers", "akid", "atid-bench@rid1.akma.edge.test", "kakma",
                     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "gpsi",
                     BENCH_GPSI, "eecId", BENCH_EEC_ID);
}

static json_t *
bench_conf_ecs(const struct bench_cast *c, int i)
{
    json_t *conf = bench_conf_common(c, &c->ecs[i]);
    char pki[BENCH_PATH_MAX + 8];

    snprintf(pki, sizeof(pki), "%s/pki", c->dir);
    json_object_set_new(conf, "signing", json_pack("{s:s}", "dir", pki));
    json_object_set_new(conf, "tokenLifetime", json_integer(BENCH_LIFETIME));
    json_object_set_new(conf, "edge9TokenLifetime", json_integer(BENCH_LIFETIME));
    json_object_set_new(conf, "peers", json_pack("[s]", c->ecs[1 - i].fqdn));
    return conf;
}

const struct bench_node *
bench_far_ees(const struct bench_cast *c)
{
    return &c->ees[c->nees - 1];
}

/* ees1..ees10 at ecs1 (ees1 also serves eas-one), the last at ecs2. */
static json_t *
bench_conf_ees(const struct bench_cast *c, size_t i)
{
    int far = &c->ees[i] == bench_far_ees(c);
    json_t *conf = bench_conf_common(c, &c->ees[i]);
    const char *ecs = c->ecs[far ? 1 : 0].fqdn;
    char pki[BENCH_PATH_MAX + 8];

    snprintf(pki, sizeof(pki), "%s/pki", c->dir);
    json_object_set_new(conf, "ecs", json_string(ecs));
    json_object_set_new(conf, "trust", json_pack("{s:s, s:s}", "issuer", ecs, "dir", pki));
    json_object_set_new(conf, "eecRegistrationExpiry", json_integer(BENCH_LIFETIME));
    if (i == 0)
        json_object_set_new(conf, "easIds", json_pack("[s, s]", BENCH_EAS_ONE, BENCH_EAS_ALL));
    else if (!far)
        json_object_set_new(conf, "easIds", json_pack("[s]", BENCH_EAS_ALL));
    else
        json_object_set_new(conf, "easIds", json_pack("[s]", "eas-far"));
    return conf;
}

/* In the child: output to log, the control socket as fd 3, gone with the bench. */
static void
bench_child(const char *prog, const char *conf, const char *log, int ctl_fd)
{
    char fdarg[16];
    int fd;

    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
    if (dup2(ctl_fd, BENCH_CTL_FD) < 0)
        _exit(126);
    snprintf(fdarg, sizeof(fdarg), "%d", BENCH_CTL_FD);
    execl(prog, prog, "--config", conf, "--ctl-fd", fdarg, (char *)NULL);
    fprintf(stderr, "edge-bench: cannot run %s: %s\n", prog, strerror(errno));
    _exit(127);
}

/* Start prog in n's network namespace (hostnet), its output to log and ctl_fd kept. */
static int
bench_spawn_ns(const struct bench_cast *c, struct bench_node *n, const char *prog, const char *conf,
               const char *log, int ctl_fd, char *err)
{
    char fdarg[16];
    char *argv[] = {(char *)prog, "--config", (char *)conf, "--ctl-fd", fdarg, NULL};
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644), rc;
    struct hostnet_spawn_opts so = {
        .keep_fds = &ctl_fd, .nkeep = 1, .stdin_fd = -1, .stdout_fd = out, .stderr_fd = out};
    pid_t pid = 0;

    if (out < 0)
        return edge_err(err, "%s: %s", log, strerror(errno));
    snprintf(fdarg, sizeof(fdarg), "%d", ctl_fd);
    rc = hostnet_spawn(c->run, n->ns, argv, &so, &pid, err);
    close(out);
    n->pid = (int)pid;
    return rc;
}

/* Write n's config and start it; *cc is its control socket. */
static int
bench_spawn(const struct bench_cast *c, const struct bench_opts *o, struct bench_node *n,
            const char *kind, json_t *conf, struct ctl_client **cc, char *err)
{
    char prog[BENCH_PATH_MAX + 16], path[BENCH_PATH_MAX + 96], log[BENCH_PATH_MAX + 96];
    int sv[2], rc = 0;
    pid_t pid;

    snprintf(prog, sizeof(prog), "%s/edge-%s", o->bin_dir, kind);
    snprintf(path, sizeof(path), "%s/%s.json", c->dir, n->fqdn);
    snprintf(log, sizeof(log), "%s/%s.log", c->dir, n->fqdn);
    if (access(prog, X_OK) != 0)
        return edge_err(err, "%s: %s (is it built?)", prog, strerror(errno));
    if (json_dump_file(conf, path, JSON_INDENT(2)) != 0)
        return edge_err(err, "%s: cannot write", path);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return edge_err(err, "socketpair: %s", strerror(errno));
    fflush(NULL);
    if (c->run != NULL) {
        rc = bench_spawn_ns(c, n, prog, path, log, sv[1], err);
    } else if ((pid = fork()) < 0) {
        rc = edge_err(err, "fork: %s", strerror(errno));
    } else if (pid == 0) {
        bench_child(prog, path, log, sv[1]);
    } else {
        n->pid = pid;
    }
    close(sv[1]);
    if (rc < 0 || (*cc = ctl_client_open(NULL, sv[0], err)) == NULL) {
        close(sv[0]);
        return -1;
    }
    return 0;
}

/* Wait for n's ready event, then let go of its control socket: nothing reads the token events
 * a node sends there, and an unread socket would only fill up. */
static int
bench_ready(const struct bench_cast *c, struct bench_node *n, struct ctl_client *cc, char *err)
{
    json_t *ev = ctl_client_wait_event(cc, "ready", BENCH_READY_MS, err);

    ctl_client_close(cc);
    if (ev == NULL) {
        char msg[EDGE_ERR_LEN];
        snprintf(msg, sizeof(msg), "%s", err);
        return edge_err(err, "%s did not get ready (%s); see %s/%s.log", n->fqdn, msg, c->dir,
                        n->fqdn);
    }
    json_decref(ev);
    return 0;
}

int
bench_start_all(struct bench_cast *c, const struct bench_opts *o, char *err)
{
    struct ctl_client *cc[BENCH_EES_AT_ECS1 + 1] = {NULL};
    int rc = 0;

    for (int i = 0; i < 2 && rc == 0; i++) {
        json_t *conf = bench_conf_ecs(c, i);
        struct ctl_client *one = NULL;
        rc = bench_spawn(c, o, &c->ecs[i], "ecs", conf, &one, err);
        json_decref(conf);
        if (rc == 0)
            rc = bench_ready(c, &c->ecs[i], one, err);
    }
    /* EESes start side by side; each is ready once registered at its ECS. */
    for (size_t i = 0; i < c->nees && rc == 0; i++) {
        json_t *conf = bench_conf_ees(c, i);
        rc = bench_spawn(c, o, &c->ees[i], "ees", conf, &cc[i], err);
        json_decref(conf);
    }
    for (size_t i = 0; i < c->nees; i++) {
        if (cc[i] == NULL)
            continue;
        if (rc == 0)
            rc = bench_ready(c, &c->ees[i], cc[i], err);
        else
            ctl_client_close(cc[i]);
    }
    return rc;
}

struct tls_ctx *
bench_tls_ctx(const struct bench_cast *c, const char *stem, int server, char *err)
{
    char ca[BENCH_PATH_MAX + 96], crt[BENCH_PATH_MAX + 96], key[BENCH_PATH_MAX + 96], f[96];
    struct tls_config cfg = {0};

    bench_pki_path(c, "ca.crt", ca, sizeof(ca));
    snprintf(f, sizeof(f), "%s.crt", stem);
    bench_pki_path(c, f, crt, sizeof(crt));
    snprintf(f, sizeof(f), "%s.key", stem);
    bench_pki_path(c, f, key, sizeof(key));
    cfg.ca_file = ca;
    cfg.cert_file = crt;
    cfg.key_file = key;
    return server ? tls_server_new(&cfg, err) : tls_client_new(&cfg, err);
}

int
bench_cast_start(struct bench_cast *c, const struct bench_opts *o, char *err)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->dir, sizeof(c->dir), "/tmp/edge-bench-XXXXXX");
    if (mkdtemp(c->dir) == NULL)
        return edge_err(err, "mkdtemp: %s", strerror(errno));
    c->nees = BENCH_EES_AT_ECS1 + 1;
    for (size_t i = 0; i < 2 + c->nees; i++) {
        struct bench_node *n = i < 2 ? &c->ecs[i] : &c->ees[i - 2];
        snprintf(n->fqdn, sizeof(n->fqdn), "%s%zu.edge.test", i < 2 ? "ecs" : "ees",
                 i < 2 ? i + 1 : i - 1);
        snprintf(n->addr, sizeof(n->addr), "127.0.0.1");
        if ((n->port = bench_free_port(err)) < 0)
            return -1;
    }
    if (bench_make_creds(c, err) < 0 || bench_start_all(c, o, err) < 0)
        return -1;
    if ((c->as_ees1 = bench_tls_ctx(c, c->ees[0].fqdn, 0, err)) == NULL ||
        (c->as_eec = bench_tls_ctx(c, "eec-" BENCH_EEC_ID, 0, err)) == NULL)
        return -1;
    return 0;
}

/* The exit status of n, which was sent SIGTERM, within BENCH_STOP_MS (then SIGKILL). */
static int
bench_reap(const struct bench_cast *c, struct bench_node *n, char *err)
{
    int st = 0, fd;
    struct pollfd p = {.events = POLLIN};

    if (c->run != NULL) {
        /* hostnet's child: it reaps it (and kills it after the run if it still runs). */
        if (hostnet_wait(c->run, n->pid, BENCH_STOP_MS, &st, err) < 0)
            st = -1;
        n->pid = 0;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            return edge_err(err, "%s did not exit 0 on SIGTERM (wait status 0x%x)", n->fqdn, st);
        return 0;
    }
    fd = (int)syscall(SYS_pidfd_open, n->pid, 0);
    p.fd = fd;
    if (fd >= 0 && poll(&p, 1, BENCH_STOP_MS) == 0)
        kill(n->pid, SIGKILL);
    if (fd >= 0)
        close(fd);
    if (waitpid(n->pid, &st, 0) != n->pid)
        st = -1;
    n->pid = 0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return edge_err(err, "%s did not exit 0 on SIGTERM (wait status 0x%x)", n->fqdn, st);
    return 0;
}

int
bench_cast_stop(struct bench_cast *c, int keep, char *err)
{
    int rc = 0;
    char cmd[BENCH_PATH_MAX + 16];

    tls_ctx_free(c->as_ees1);
    tls_ctx_free(c->as_eec);
    c->as_ees1 = c->as_eec = NULL;
    for (size_t i = 0; i < 2 + c->nees; i++) {
        struct bench_node *n = i < c->nees ? &c->ees[i] : &c->ecs[i - c->nees];
        if (n->pid > 0)
            kill(n->pid, SIGTERM);
    }
    for (size_t i = 0; i < 2 + c->nees; i++) {
        struct bench_node *n = i < c->nees ? &c->ees[i] : &c->ecs[i - c->nees];
        if (n->pid > 0 && bench_reap(c, n, err) < 0)
            rc = -1;
    }
    if (c->dir[0] != '\0' && !keep && rc == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
        if (system(cmd) != 0)
            rc = edge_err(err, "cannot remove %s", c->dir);
    }
    return rc;
}
