/* edge-pki.c -- the command line of tools/pki/pki.c: makes a scenario's CA, node and EEC credentials
 * and ECS signing keys. */
#include "base/err.h"
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

int
main(int argc, char **argv)
{
    const char *dir = NULL, *cn = NULL, *fqdn = NULL, *eec_id = NULL, *gpsi = NULL;
    const char *ecs = NULL, *kid = NULL;
    char err[EDGE_ERR_LEN], *end, **av;
    enum pki_kind kind = PKI_KIND_NODE;
    unsigned seen = 0;
    long days = 0;
    size_t c;
    int opt, ac, force = 0, rc = -1;

    if (argc < 2)
        return usage(NULL);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    for (c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++)
        if (strcmp(argv[1], cmds[c].name) == 0)
            break;
    if (c == sizeof(cmds) / sizeof(cmds[0]))
        return usage("unknown command \"%s\"", argv[1]);

    /* getopt_long over the arguments after the command word. */
    av = argv + 1;
    ac = argc - 1;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(ac, av, "h", long_opts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return 0;
        }
        if (opt == '?' || opt == ':')
            return usage("unknown option or missing value: \"%s\"", av[optind - 1]);
        if (!(cmds[c].allowed & (unsigned)opt))
            return usage("--%s does not apply to %s", opt_name((unsigned)opt), cmds[c].name);
        seen |= (unsigned)opt;
        switch (opt) {
        case O_DIR:
            dir = optarg;
            break;
        case O_CN:
            cn = optarg;
            break;
        case O_DAYS:
            days = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || days < 1 || days > PKI_DAYS_MAX)
                return usage("--days takes a number of days from 1 to 36500, not \"%s\"", optarg);
            break;
        case O_FORCE:
            force = 1;
            break;
        case O_FQDN:
            fqdn = optarg;
            break;
        case O_KIND:
            if (strcmp(optarg, "ecs") == 0)
                kind = PKI_KIND_ECS;
            else if (strcmp(optarg, "ees") == 0)
                kind = PKI_KIND_EES;
            else
                return usage("--kind takes ecs or ees, not \"%s\"", optarg);
            break;
        case O_EEC_ID:
            eec_id = optarg;
            break;
        case O_GPSI:
            gpsi = optarg;
            break;
        case O_ECS:
            ecs = optarg;
            break;
        case O_KID:
            kid = optarg;
            break;
        }
    }
    if (optind < ac)
        return usage("unexpected argument \"%s\"", av[optind]);
    for (opt = 1; opt <= O_KID; opt <<= 1)
        if ((cmds[c].required & (unsigned)opt) && !(seen & (unsigned)opt))
            return usage("%s needs --%s", cmds[c].name, opt_name((unsigned)opt));

    switch (cmds[c].cmd) {
    case CMD_CA:
        if ((rc = pki_make_ca(dir, cn, (int)days, force, err)) == 0)
            print_paths(dir, PKI_CA_CRT, PKI_CA_KEY, NULL, NULL);
        break;
    case CMD_NODE:
        if ((rc = pki_make_node(dir, fqdn, kind, (int)days, force, err)) == 0)
            print_paths(dir, PKI_NODE_CRT, PKI_NODE_KEY, fqdn, NULL);
        break;
    case CMD_EEC:
        if ((rc = pki_make_eec(dir, eec_id, gpsi, (int)days, force, err)) == 0)
            print_paths(dir, PKI_EEC_CRT, PKI_EEC_KEY, eec_id, NULL);
        break;
    case CMD_SIGNKEY:
        if ((rc = pki_make_signkey(dir, ecs, kid, force, err)) == 0)
            print_paths(dir, PKI_SIG_KEY, PKI_SIG_PUB, ecs, kid);
        break;
    }
    if (rc != 0) {
        fprintf(stderr, "edge-pki: %s\n", err);
        return 1;
    }
    return 0;
}
