/* report_lifelines.c -- the diagram's lifelines, grouped by site, and its sticky header.
 *
 * A site is a link of the topology with nodes on it (DESIGN.md "Network"): its nodes are drawn
 * side by side under one box that says the link's rate, delay and loss; a link with no node on
 * it (a backhaul between routers) is drawn between the sites it joins. So a message that
 * crosses the backhaul is seen to cross it. In loopback mode the boxes say the links were not
 * simulated. */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Key servers (AAnF, BSF) stand beside the ECSes and EESes that ask them for PSKs. */
static const char *rep_kind_order[] = {"aanf", "bsf", "ecs", "ees", "eas", "eec"};
#define REP_KINDS (sizeof(rep_kind_order) / sizeof(rep_kind_order[0]))

/* "1Gbps" as "1 Gbps", 40 ms, 0.5 ms jitter, 5% loss: what a link is, in one line. */
static void
rep_link_params(json_t *summary, json_t *link, char *buf, size_t len)
{
    const char *rate = json_string_value(json_object_get(link, "rate"));
    double delay = json_number_value(json_object_get(link, "delay_ms"));
    double jitter = json_number_value(json_object_get(link, "jitter_ms"));
    double loss = json_number_value(json_object_get(link, "loss"));
    size_t digits = rate != NULL ? strspn(rate, "0123456789.") : 0;
    size_t o;
    const char *net = json_string_value(json_object_get(summary, "net"));

    if (net == NULL || strcmp(net, "tap") != 0) {
        snprintf(buf, len, "not simulated (loopback)");
        return;
    }
    o = (size_t)snprintf(buf, len, "%.*s%s%s, %g ms", (int)digits, rate ? rate : "",
                         digits > 0 && rate[digits] != '\0' ? " " : "", rate ? rate + digits : "?",
                         delay);
    if (jitter > 0 && o < len)
        o += (size_t)snprintf(buf + o, len - o, " \u00b1%g", jitter);
    if (loss > 0 && o < len)
        snprintf(buf + o, len - o, ", %g%% loss", loss * 100.0);
}

static void
rep_add_line(struct rep_layout *L, const char *name, json_t *n)
{
    struct rep_line *l;

    l = &L->lines[L->nl++]; /* room for every node: rep_layout */
    l->name = name;
    l->id = json_string_value(json_object_get(n, "id"));
    l->host = json_string_value(json_object_get(n, "host"));
    l->kind = json_string_value(json_object_get(n, "kind"));
    l->link = json_string_value(json_object_get(n, "link"));
}

static void
rep_member(json_t *members, const char *key)
{
    if (key != NULL)
        json_object_set_new(members, key, json_true());
}

/* Lifelines from..L->nl-1 (nodes of one kind on one site) as one when there are more than
 * REP_FOLD_AT: a run of hundreds of EECs (issue 11) stays a diagram a page can hold, its
 * messages drawn from the one lifeline of their kind. */
static void
rep_fold(struct rep_layout *L, size_t from)
{
    struct rep_line *l = &L->lines[from];
    size_t n = L->nl - from;

    if (n <= REP_FOLD_AT || (l->members = json_object()) == NULL)
        return;
    for (size_t i = from; i < L->nl; i++) {
        rep_member(l->members, L->lines[i].name);
        rep_member(l->members, L->lines[i].id);
        rep_member(l->members, L->lines[i].host);
    }
    snprintf(l->fname, sizeof(l->fname), "%s \u2026 %s", l->name, L->lines[L->nl - 1].name);
    snprintf(l->fid, sizeof(l->fid), "%zu \u00d7 %s", n, l->kind);
    l->name = l->fname;
    l->id = l->fid;
    l->host = NULL;
    l->count = n;
    L->nl = from + 1;
}

/* Is node n on a link of the topology? */
static int
rep_on_known_link(json_t *summary, json_t *n)
{
    const char *link = json_string_value(json_object_get(n, "link"));
    json_t *links = json_object_get(json_object_get(summary, "topology"), "links");

    return link != NULL && json_object_get(links, link) != NULL;
}

/* The nodes on link (NULL: the nodes on no known link, in the reverse order) into a new site,
 * key servers and ECSes first. */
static void
rep_add_site(struct rep_layout *L, json_t *summary, const char *link, json_t *ldesc)
{
    json_t *nodes = json_object_get(summary, "nodes"), *n;
    const char *k;
    struct rep_site *s;
    size_t first = L->nl;

    for (size_t o = 0; o < REP_KINDS; o++) {
        size_t kind_first = L->nl;
        json_object_foreach(nodes, k, n)
        {
            const char *kind = json_string_value(json_object_get(n, "kind"));
            const char *nl = json_string_value(json_object_get(n, "link"));
            if (kind == NULL ||
                strcmp(kind, rep_kind_order[link != NULL ? o : REP_KINDS - 1 - o]) != 0)
                continue;
            if (link != NULL ? nl == NULL || strcmp(nl, link) != 0 : rep_on_known_link(summary, n))
                continue;
            rep_add_line(L, k, n);
        }
        rep_fold(L, kind_first);
    }
    if (L->nl == first)
        return;
    s = &L->sites[L->ns++];
    s->link = link;
    s->first = first;
    s->n = L->nl - first;
    s->params[0] = '\0';
    if (ldesc != NULL)
        rep_link_params(summary, ldesc, s->params, sizeof(s->params));
}

static int
rep_site_of_link(const struct rep_layout *L, const char *link)
{
    for (size_t i = 0; i < L->ns; i++)
        if (L->sites[i].link != NULL && strcmp(L->sites[i].link, link) == 0)
            return (int)i;
    return -1;
}

/* The sites a router joins directly: the lowest and highest index (-1 when none). */
static void
rep_router_sites(const struct rep_layout *L, json_t *links, int *lo, int *hi)
{
    json_t *l;
    size_t i;

    *lo = *hi = -1;
    json_array_foreach(links, i, l)
    {
        int s = rep_site_of_link(L, json_string_value(l));
        if (s < 0)
            continue;
        if (*lo < 0 || s < *lo)
            *lo = s;
        if (s > *hi)
            *hi = s;
    }
}

/* A link with no node on it joins the sites of the routers it connects: drawn between two
 * neighbouring sites when it joins exactly those. */
static void
rep_between(struct rep_layout *L, json_t *summary, const char *link, json_t *ldesc)
{
    json_t *routers = json_object_get(json_object_get(summary, "topology"), "routers"), *rl, *l;
    const char *rk;
    int lo[2] = {-1, -1}, hi[2] = {-1, -1}, nr = 0, after = -1;
    size_t i;
    char params[96];

    json_object_foreach(routers, rk, rl)
    {
        int has = 0;
        json_array_foreach(rl, i, l) has |=
            json_is_string(l) && strcmp(json_string_value(l), link) == 0;
        if (!has)
            continue;
        if (nr < 2)
            rep_router_sites(L, rl, &lo[nr], &hi[nr]);
        nr++;
    }
    if (nr == 2 && lo[0] >= 0 && lo[1] >= 0) {
        int a = hi[0] < lo[1] ? 0 : 1;
        if (hi[a] + 1 == lo[1 - a])
            after = hi[a];
    }
    rep_link_params(summary, ldesc, params, sizeof(params));
    json_array_append_new(
        L->between, json_pack("{s:s, s:s, s:i}", "link", link, "params", params, "after", after));
}

int
rep_layout(json_t *summary, struct rep_layout *L)
{
    json_t *links = json_object_get(json_object_get(summary, "topology"), "links"), *ld;
    const char *lk;

    size_t nnodes = json_object_size(json_object_get(summary, "nodes"));

    memset(L, 0, sizeof(*L));
    L->lines = calloc(nnodes + 1, sizeof(*L->lines));
    L->sites = calloc(nnodes + 1, sizeof(*L->sites));
    L->between = json_array();
    if (L->lines == NULL || L->sites == NULL)
        return 0;
    json_object_foreach(links, lk, ld) rep_add_site(L, summary, lk, ld);
    rep_add_site(L, summary, NULL, NULL); /* nodes on no link of the topology (older runs) */
    json_object_foreach(links, lk, ld)
    {
        if (rep_site_of_link(L, lk) < 0)
            rep_between(L, summary, lk, ld);
    }
    if (L->nl == 0)
        return 0;
    L->width = REP_LEFT + (double)L->nl * REP_COL_MIN + REP_RIGHT;
    if (L->width < REP_W_MIN)
        L->width = REP_W_MIN;
    L->col = (L->width - REP_LEFT - REP_RIGHT) / (double)L->nl;
    for (size_t i = 0; i < L->nl; i++)
        L->lines[i].x = REP_LEFT + ((double)i + 0.5) * L->col;
    return 1;
}

void
rep_layout_free(struct rep_layout *L)
{
    json_decref(L->between);
    for (size_t i = 0; L->lines != NULL && i < L->nl; i++)
        json_decref(L->lines[i].members);
    free(L->lines);
    free(L->sites);
    memset(L, 0, sizeof(*L));
}

int
rep_line_of(const struct rep_layout *L, const char *id)
{
    if (id == NULL)
        return -1;
    for (size_t i = 0; i < L->nl; i++)
        if ((L->lines[i].id != NULL && strcmp(L->lines[i].id, id) == 0) ||
            (L->lines[i].host != NULL && strcasecmp(L->lines[i].host, id) == 0) ||
            strcmp(L->lines[i].name, id) == 0 ||
            (L->lines[i].members != NULL && json_object_get(L->lines[i].members, id) != NULL))
            return (int)i;
    return -1;
}

static const char *
rep_kind_fill(const char *kind)
{
    return kind == NULL               ? "#f3f4f6"
           : strcmp(kind, "ecs") == 0 ? "#dbeafe"
           : strcmp(kind, "ees") == 0 ? "#dcfce7"
           : strcmp(kind, "eec") == 0 ? "#fef9c3"
                                      : "#fce7f3";
}

/* A site's box over its lifelines: the link's name and what it is. */
static void
rep_header_site(FILE *f, const struct rep_layout *L, size_t i)
{
    const struct rep_site *s = &L->sites[i];
    double x1 = L->lines[s->first].x - L->col / 2 + 3;
    double x2 = L->lines[s->first + s->n - 1].x + L->col / 2 - 3;
    struct rep_text name = {x1 + 4, x2 - 4, 14, REP_FONT, "middle", "font-weight=\"bold\""};
    struct rep_text params = {x1 + 4, x2 - 4, 26, 10, "middle", "fill=\"#475569\""};
    char title[160];

    fprintf(f,
            "<rect class=\"site\" x=\"%.1f\" y=\"2\" width=\"%.1f\" height=\"29\" rx=\"4\" "
            "fill=\"%s\" stroke=\"#94a3b8\"/>",
            x1, x2 - x1, i % 2 ? "#f1f5f9" : "#f8fafc");
    snprintf(title, sizeof(title), "%s%s", s->link != NULL ? "site " : "",
             s->link != NULL ? s->link : "nodes");
    rep_svg_text(f, &name, title);
    rep_svg_text(f, &params, s->params);
    fputc('\n', f);
}

/* A link between sites: a line from one site to the next with its parameters on it. */
static void
rep_header_between(FILE *f, const struct rep_layout *L)
{
    json_t *b;
    size_t i;
    double tx = REP_LEFT;
    char text[200];

    json_array_foreach(L->between, i, b)
    {
        int after = (int)json_integer_value(json_object_get(b, "after"));
        snprintf(text, sizeof(text), "%s: %s", json_string_value(json_object_get(b, "link")),
                 json_string_value(json_object_get(b, "params")));
        if (after >= 0) {
            const struct rep_site *a = &L->sites[after], *c = &L->sites[after + 1];
            double x1 = L->lines[a->first + a->n - 1].x, x2 = L->lines[c->first].x;
            struct rep_text t = {x1 - L->col / 2 + 4,
                                 x2 + L->col / 2 - 4,
                                 48,
                                 10,
                                 "middle",
                                 "fill=\"#7c2d12\" class=\"link\""};
            fprintf(f,
                    "<line x1=\"%.1f\" y1=\"31\" x2=\"%.1f\" y2=\"38\" stroke=\"#c2410c\" "
                    "stroke-width=\"2\"/><line x1=\"%.1f\" y1=\"38\" x2=\"%.1f\" y2=\"38\" "
                    "stroke=\"#c2410c\" stroke-width=\"3\"/><line x1=\"%.1f\" y1=\"38\" "
                    "x2=\"%.1f\" y2=\"31\" stroke=\"#c2410c\" stroke-width=\"2\"/>",
                    x1, x1, x1, x2, x2, x2);
            rep_svg_text(f, &t, text);
        } else {
            struct rep_text t = {tx, L->width - REP_RIGHT, 48, 10, "start", "fill=\"#7c2d12\""};
            rep_svg_text(f, &t, text);
            tx += rep_text_w(text, 10) + 12;
        }
    }
}

void
rep_header(FILE *f, const struct rep_layout *L)
{
    fprintf(
        f,
        "<div class=\"dhead\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %d\" "
        "font-family=\"DejaVu Sans Mono,monospace\" font-size=\"%d\">\n",
        L->width, REP_HEAD_H, REP_FONT);
    for (size_t i = 0; i < L->ns; i++)
        rep_header_site(f, L, i);
    rep_header_between(f, L);
    for (size_t i = 0; i < L->nl; i++) {
        const struct rep_line *l = &L->lines[i];
        double x1 = l->x - L->col / 2 + 6, x2 = l->x + L->col / 2 - 6;
        struct rep_text name = {x1 + 3, x2 - 3, 67, REP_FONT, "middle", "font-weight=\"bold\""};
        struct rep_text id = {x1 + 3, x2 - 3, 80, 10, "middle", "fill=\"#374151\""};
        fprintf(f,
                "<rect x=\"%.1f\" y=\"54\" width=\"%.1f\" height=\"31\" rx=\"5\" fill=\"%s\" "
                "stroke=\"#4b5563\"/>",
                x1, x2 - x1, rep_kind_fill(l->kind));
        rep_svg_text(f, &name, l->name);
        rep_svg_text(f, &id, l->id);
        fprintf(f,
                "<line class=\"lifeline\" x1=\"%.1f\" y1=\"85\" x2=\"%.1f\" y2=\"%d\" "
                "stroke=\"#9ca3af\" stroke-dasharray=\"4,3\"/>\n",
                l->x, l->x, REP_HEAD_H);
    }
    fputs("</svg></div>\n", f);
}
