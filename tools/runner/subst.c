/* subst.c -- the references a step's strings may hold, replaced before the step runs or is judged
 * (scenarios/README.md "References"):
 *
 *   ${node}           the node's FQDN (ECS, EES) or EEC ID (EEC)
 *   ${node.gpsi}      an EEC's GPSI;  ${node.akid}  an EEC's A-KID;  ${node.btid}  its B-TID
 *   ${node.host}      the name it is reached by (an EEC: its notification endpoint's host);
 *   ${node.uri}       https://host[:port] of it (a notification destination's base)
 *   ${STEP/POINTER}   what an earlier step's result holds there (RFC 6901 JSON pointer), e.g.
 *                     ${reg/body/eecCntxId}; a string that is only this reference becomes the
 *                     value itself, whatever its type
 *   ${now}, ${now+20s}, ${now-1s}
 *                     the wall-clock time the step began, shifted, as an RFC 3339 UTC time (one
 *                     instant per step: the same in its args and in its expect)
 *
 * `edge-run check` refuses a reference that names nothing (subst_check); at run time one that
 * still names nothing (a pointer into a result that lacks it) is left as it is, so a check
 * shows it. */
#include "subst.h"

#include "base/err.h"
#include "base/json_strict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value at pointer ptr ("/body/eess/0") under v, or NULL. */
static json_t *
subst_pointer(json_t *v, const char *ptr)
{
    char seg[256];

    while (v != NULL && *ptr == '/') {
        size_t n = 0;
        for (ptr++; *ptr != '\0' && *ptr != '/' && n < sizeof(seg) - 1; ptr++) {
            if (ptr[0] == '~' && (ptr[1] == '0' || ptr[1] == '1'))
                seg[n++] = *++ptr == '0' ? '~' : '/';
            else
                seg[n++] = *ptr;
        }
        seg[n] = '\0';
        if (json_is_array(v)) {
            char *end;
            unsigned long i = strtoul(seg, &end, 10);
            v = *end == '\0' && n > 0 ? json_array_get(v, i) : NULL;
        } else {
            v = json_object_get(v, seg);
        }
    }
    return *ptr == '\0' ? v : NULL;
}

/* ${now}, ${now+Ns}, ${now-Ns}: the step's instant shifted. */
static json_t *
subst_now(struct run *r, const char *ref)
{
    char buf[32], *end;
    long shift = 0;

    if (strncmp(ref, "now", 3) != 0)
        return NULL;
    if (ref[3] != '\0') {
        shift = strtol(ref + 3, &end, 10);
        if ((ref[3] != '+' && ref[3] != '-') || strcmp(end, "s") != 0)
            return NULL;
    }
    if (js_time_format(r->step_wall + shift, buf, sizeof(buf)) == -1)
        return NULL;
    return json_string(buf);
}

/* What ${ref} stands for (a new reference), or NULL when it names nothing known. */
static json_t *
subst_ref(struct run *r, const char *ref)
{
    char name[64];
    const char *field, *slash = strchr(ref, '/');
    size_t n = strcspn(ref, "./");
    struct run_node *rn;

    if (n >= sizeof(name))
        return NULL;
    if (slash != NULL && (size_t)(slash - ref) == n) {
        memcpy(name, ref, n);
        name[n] = '\0';
        json_t *v = subst_pointer(json_object_get(r->results, name), slash);
        return v != NULL ? json_incref(v) : NULL;
    }
    if (strncmp(ref, "now", 3) == 0 && run_node(r, "now") == NULL)
        return subst_now(r, ref);
    memcpy(name, ref, n);
    name[n] = '\0';
    field = ref[n] == '.' ? ref + n + 1 : NULL;
    if ((rn = run_node(r, name)) == NULL || (field != NULL && ref[n] != '.'))
        return NULL;
    if (field == NULL)
        return json_string(rn->sn->id);
    if (strcmp(field, "gpsi") == 0 && scn_conf_str(rn->sn, "gpsi", NULL) != NULL)
        return json_string(scn_conf_str(rn->sn, "gpsi", NULL));
    if (strcmp(field, "akid") == 0)
        return json_string(rn->akid);
    if (strcmp(field, "btid") == 0 && rn->btid[0] != '\0')
        return json_string(rn->btid);
    if (strcmp(field, "host") == 0)
        return json_string(rn->host);
    if (strcmp(field, "uri") == 0) {
        char uri[512];
        if (rn->port == 443)
            snprintf(uri, sizeof(uri), "https://%s", rn->host);
        else
            snprintf(uri, sizeof(uri), "https://%s:%d", rn->host, rn->port);
        return json_string(uri);
    }
    return NULL;
}

/* v as text inside a longer string: a string as it is, anything else as compact JSON. */
static void
subst_put(FILE *f, json_t *v)
{
    char *t;

    if (json_is_string(v)) {
        fwrite(json_string_value(v), 1, json_string_length(v), f);
        return;
    }
    if ((t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL)
        fputs(t, f);
    free(t);
}

static json_t *
subst_string(struct run *r, const char *s)
{
    char *buf = NULL, ref[512];
    size_t len = 0;
    const char *end;
    json_t *v, *out;
    FILE *f;

    /* The whole string one reference: its value, whatever its type. */
    if (s[0] == '$' && s[1] == '{' && (end = strchr(s, '}')) != NULL && end[1] == '\0' &&
        (size_t)(end - s - 2) < sizeof(ref)) {
        snprintf(ref, sizeof(ref), "%.*s", (int)(end - s - 2), s + 2);
        if ((v = subst_ref(r, ref)) != NULL)
            return v;
    }
    if ((f = open_memstream(&buf, &len)) == NULL)
        return json_string(s);
    while (*s != '\0') {
        if (s[0] == '$' && s[1] == '{' && (end = strchr(s, '}')) != NULL &&
            (size_t)(end - s - 2) < sizeof(ref)) {
            snprintf(ref, sizeof(ref), "%.*s", (int)(end - s - 2), s + 2);
            if ((v = subst_ref(r, ref)) != NULL) {
                subst_put(f, v);
                json_decref(v);
                s = end + 1;
                continue;
            }
        }
        fputc(*s++, f);
    }
    fclose(f);
    out = json_stringn(buf, len);
    free(buf);
    return out;
}

json_t *
subst_value(struct run *r, json_t *v)
{
    json_t *out, *e;
    const char *k;
    size_t i;

    if (json_is_string(v))
        return subst_string(r, json_string_value(v));
    if (json_is_object(v)) {
        out = json_object();
        json_object_foreach(v, k, e) json_object_set_new(out, k, subst_value(r, e));
        return out;
    }
    if (json_is_array(v)) {
        out = json_array();
        json_array_foreach(v, i, e) json_array_append_new(out, subst_value(r, e));
        return out;
    }
    return json_incref(v);
}

/* ---- checked before a run ---- */

/* Why ref names nothing a run resolves, or NULL when it names something. */
static const char *
subst_ref_unknown(const struct scn *s, json_t *steps, const char *ref)
{
    char name[64];
    size_t n = strcspn(ref, "./");
    const struct scn_node *node;
    char *end;

    if (n >= sizeof(name))
        return "a name too long";
    memcpy(name, ref, n);
    name[n] = '\0';
    if (ref[n] == '/')
        return json_object_get(steps, name) != NULL ? NULL : "no step of that name up to here";
    if ((node = scn_node(s, name)) == NULL) {
        if (strcmp(name, "now") == 0 && ref[3] == '\0')
            return NULL;
        if (strncmp(ref, "now", 3) == 0 && (ref[3] == '+' || ref[3] == '-') &&
            strtol(ref + 4, &end, 10) >= 0 && end > ref + 4 && strcmp(end, "s") == 0)
            return NULL;
        return "no node, no step and no time of that name";
    }
    if (ref[n] == '\0')
        return NULL;
    /* Every node is reached by a host name (an EEC: its notification endpoint). */
    if (strcmp(ref + n, ".host") == 0 || strcmp(ref + n, ".uri") == 0)
        return NULL;
    if (strcmp(ref + n, ".akid") == 0 && node->kind == SCN_EEC)
        return NULL;
    if (strcmp(ref + n, ".gpsi") == 0 && node->kind == SCN_EEC &&
        scn_conf_str(node, "gpsi", NULL) != NULL)
        return NULL;
    if (strcmp(ref + n, ".btid") == 0 && node->kind == SCN_EEC)
        return NULL;
    return node->kind == SCN_EEC
               ? "an EEC has .gpsi (when it has one), .akid, .btid, .host and .uri, nothing else"
               : "a node other than an EEC has only .host and .uri";
}

static int
subst_check_string(const struct scn *s, json_t *steps, const char *str, const char *path, char *err)
{
    const char *p = str, *end, *why;
    char ref[256];

    while ((p = strstr(p, "${")) != NULL) {
        if ((end = strchr(p, '}')) == NULL)
            return edge_err(err, "%s: \"%s\": a reference \"${\" without its \"}\"", path, str);
        snprintf(ref, sizeof(ref), "%.*s", (int)(end - p - 2), p + 2);
        if ((why = subst_ref_unknown(s, steps, ref)) != NULL)
            return edge_err(err, "%s: ${%s} names nothing: %s", path, ref, why);
        p = end + 1;
    }
    return 0;
}

int
subst_check(const struct scn *s, json_t *steps, json_t *v, const char *path, char *err)
{
    char sub[EDGE_ERR_LEN];
    const char *k;
    json_t *e;
    size_t i;

    if (json_is_string(v))
        return subst_check_string(s, steps, json_string_value(v), path, err);
    json_object_foreach(v, k, e)
    {
        snprintf(sub, sizeof(sub), "%s.%s", path, k);
        if (subst_check(s, steps, e, sub, err) == -1)
            return -1;
    }
    json_array_foreach(v, i, e)
    {
        snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
        if (subst_check(s, steps, e, sub, err) == -1)
            return -1;
    }
    return 0;
}
