/* pki_main.c -- edge-pki, the command line of tools/pki/pki.c: makes a scenario's CA, node and EEC
 * credentials and ECS signing keys. */
#include "base/err.h"
#include "base/json_strict.h"
#include "pki.h"

#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: edge-pki ca      --dir DIR [--cn NAME] [--days N] [--force]\n"
    "       edge-pki node    --dir DIR --fqdn FQDN [--kind ecs|ees] [--days N] [--force]\n"
    "       edge-pki eec     --dir DIR --eec-id ID [--gpsi GPSI] [--days N] [--force]\n"
    "       edge-pki signkey --dir DIR --ecs FQDN --kid KID [--force]\n"
    "\n"
    "Files written in DIR (an existing file is replaced only with --force):\n"
    "  ca       ca.crt, ca.key (ECDSA P-256, self-signed)\n"
    "  node     FQDN.crt, FQDN.key (SAN dNSName FQDN; serverAuth + clientAuth)\n"
    "  eec      eec-ID.crt, eec-ID.key (SAN URIs urn:edgesim:eec:ID, urn:edgesim:gpsi:GPSI;\n"
    "           clientAuth)\n"
    "  signkey  FQDN.sig-KID.key (PKCS#8), FQDN.sig-KID.pub (SPKI): an ECS's ES256 token key\n"
    "node and eec certificates are signed by DIR/ca.crt. Default validity: CA 3650 days,\n"
    "others 365 days, from one hour ago.\n"
    "Exit status: 0 done, 1 error, 2 usage.\n";

enum cmd { CMD_CA, CMD_NODE, CMD_EEC, CMD_SIGNKEY };

/* Options each command takes, as bits of opt_bit(). */
enum {
    O_DIR = 1,
    O_CN = 2,
    O_DAYS = 4,
    O_FORCE = 8,
    O_FQDN = 16,
    O_KIND = 32,
    O_EEC_ID = 64,
    O_GPSI = 128,
    O_ECS = 256,
    O_KID = 512
};

static const struct {
    const char *name;
    enum cmd cmd;
    unsigned allowed, required;
} cmds[] = {
    {"ca", CMD_CA, O_DIR | O_CN | O_DAYS | O_FORCE, O_DIR},
    {"node", CMD_NODE, O_DIR | O_FQDN | O_KIND | O_DAYS | O_FORCE, O_DIR | O_FQDN},
    {"eec", CMD_EEC, O_DIR | O_EEC_ID | O_GPSI | O_DAYS | O_FORCE, O_DIR | O_EEC_ID},
    {"signkey", CMD_SIGNKEY, O_DIR | O_ECS | O_KID | O_FORCE, O_DIR | O_ECS | O_KID},
};

static const struct option long_opts[] = {
    {"dir", required_argument, NULL, O_DIR},
    {"cn", required_argument, NULL, O_CN},
    {"days", required_argument, NULL, O_DAYS},
    {"force", no_argument, NULL, O_FORCE},
    {"fqdn", required_argument, NULL, O_FQDN},
    {"kind", required_argument, NULL, O_KIND},
    {"eec-id", required_argument, NULL, O_EEC_ID},
    {"gpsi", required_argument, NULL, O_GPSI},
    {"ecs", required_argument, NULL, O_ECS},
    {"kid", required_argument, NULL, O_KID},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Say what is wrong with the command line, then how it goes. */
static int
usage(const char *fmt, ...)
{
    va_list ap;

    if (fmt != NULL) {
        fputs("edge-pki: ", stderr);
        va_start(ap, fmt);
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

static const char *
opt_name(unsigned bit)
{
    size_t i;

    for (i = 0; long_opts[i].name != NULL; i++)
        if ((unsigned)long_opts[i].val == bit)
            return long_opts[i].name;
    return "?";
}

/* Print the files a command wrote, one path a line, for scripts to read. */
static void
print_paths(const char *dir, enum pki_file a, enum pki_file b, const char *name, const char *kid)
{
    char path[PATH_MAX], err[EDGE_ERR_LEN];

    if (pki_path(path, sizeof(path), dir, a, name, kid, err) == 0)
        printf("%s\n", path);
    if (pki_path(path, sizeof(path), dir, b, name, kid, err) == 0)
        printf("%s\n", path);
}

/* The command line, as parsed. */
struct pki_args {
    size_t cmd; /* index in cmds[] */
    const char *dir, *cn, *fqdn, *eec_id, *gpsi, *ecs, *kid;
    enum pki_kind kind;
    long days;
    int force;
    unsigned seen; /* options given, as bits */
};

/* Store one option's value; 0, or the exit status of a usage error. */
static int
set_option(struct pki_args *a, int opt, const char *val)
{
    static const char *const kinds[] = {"ecs", "ees", NULL};
    char why[EDGE_ERR_LEN], *end;

    switch (opt) {
    case O_DIR:
        a->dir = val;
        break;
    case O_CN:
        a->cn = val;
        break;
    case O_DAYS:
        a->days = strtol(val, &end, 10);
        if (*val == '\0' || *end != '\0' || a->days < 1 || a->days > PKI_DAYS_MAX)
            return usage("--days takes a number of days from 1 to 36500, not \"%s\"", val);
        break;
    case O_FORCE:
        a->force = 1;
        break;
    case O_FQDN:
        a->fqdn = val;
        break;
    case O_KIND:
        if (js_valid_enum(val, kinds, why) < 0)
            return usage("--kind: %s", why);
        a->kind = strcmp(val, "ecs") == 0 ? PKI_KIND_ECS : PKI_KIND_EES;
        break;
    case O_EEC_ID:
        a->eec_id = val;
        break;
    case O_GPSI:
        a->gpsi = val;
        break;
    case O_ECS:
        a->ecs = val;
        break;
    case O_KID:
        a->kid = val;
        break;
    }
    return 0;
}

/* Parse "COMMAND [options]" into a: 0, -1 when help was printed (exit 0), or the exit status of
 * a usage error. */
static int
parse_args(int argc, char **argv, struct pki_args *a)
{
    char **av = argv + 1;
    int opt, ac = argc - 1, rc;

    if (argc < 2)
        return usage(NULL);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return -1;
    }
    for (a->cmd = 0; a->cmd < sizeof(cmds) / sizeof(cmds[0]); a->cmd++)
        if (strcmp(argv[1], cmds[a->cmd].name) == 0)
            break;
    if (a->cmd == sizeof(cmds) / sizeof(cmds[0]))
        return usage("unknown command \"%s\"", argv[1]);
    /* getopt_long over the arguments after the command word. */
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(ac, av, "h", long_opts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return -1;
        }
        if (opt == '?' || opt == ':')
            return usage("unknown option or missing value: \"%s\"", av[optind - 1]);
        if (!(cmds[a->cmd].allowed & (unsigned)opt))
            return usage("--%s does not apply to %s", opt_name((unsigned)opt), cmds[a->cmd].name);
        a->seen |= (unsigned)opt;
        if ((rc = set_option(a, opt, optarg)) != 0)
            return rc;
    }
    if (optind < ac)
        return usage("unexpected argument \"%s\"", av[optind]);
    for (opt = 1; opt <= O_KID; opt <<= 1)
        if ((cmds[a->cmd].required & (unsigned)opt) && !(a->seen & (unsigned)opt))
            return usage("%s needs --%s", cmds[a->cmd].name, opt_name((unsigned)opt));
    return 0;
}

/* Make the files of the command and print their paths. */
static int
run_cmd(const struct pki_args *a, char *err)
{
    int rc = -1;

    switch (cmds[a->cmd].cmd) {
    case CMD_CA:
        if ((rc = pki_make_ca(a->dir, a->cn, (int)a->days, a->force, err)) == 0)
            print_paths(a->dir, PKI_CA_CRT, PKI_CA_KEY, NULL, NULL);
        break;
    case CMD_NODE:
        if ((rc = pki_make_node(a->dir, a->fqdn, a->kind, (int)a->days, a->force, err)) == 0)
            print_paths(a->dir, PKI_NODE_CRT, PKI_NODE_KEY, a->fqdn, NULL);
        break;
    case CMD_EEC:
        if ((rc = pki_make_eec(a->dir, a->eec_id, a->gpsi, (int)a->days, a->force, err)) == 0)
            print_paths(a->dir, PKI_EEC_CRT, PKI_EEC_KEY, a->eec_id, NULL);
        break;
    case CMD_SIGNKEY:
        if ((rc = pki_make_signkey(a->dir, a->ecs, a->kid, a->force, err)) == 0)
            print_paths(a->dir, PKI_SIG_KEY, PKI_SIG_PUB, a->ecs, a->kid);
        break;
    }
    return rc;
}

int
main(int argc, char **argv)
{
    struct pki_args a = {.kind = PKI_KIND_NODE};
    char err[EDGE_ERR_LEN];
    int rc;

    if ((rc = parse_args(argc, argv, &a)) != 0)
        return rc < 0 ? 0 : rc;
    if (run_cmd(&a, err) != 0) {
        fprintf(stderr, "edge-pki: %s\n", err);
        return 1;
    }
    return 0;
}
