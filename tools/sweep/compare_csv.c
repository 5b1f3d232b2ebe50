/* compare_csv.c -- edge-compare's model as CSV for a spreadsheet or a plotting script (RFC 4180:
 * a field with a comma, quote or line break is quoted, quotes doubled):
 *   compare.csv   mode,scenario,step,action,node,runs_timed,passed,p50_ms,p90_ms,max_ms,
 *                 status,cause,decided_by,messages,new_tls
 *   messages.csv  mode,step,seq,t_ms,from,to,method,path,status
 *   trust.csv     group,relation,differs,<one column per mode> */
#include "compare.h"

#include "base/err.h"

#include <string.h>

const char *
cmp_outcome(json_t *cell, char *buf, size_t len)
{
    json_int_t st = json_integer_value(json_object_get(cell, "status"));
    const char *cause = json_string_value(json_object_get(cell, "cause"));
    const char *by = json_string_value(json_object_get(cell, "by"));
    const char *error = json_string_value(json_object_get(cell, "error"));

    if (cell == NULL || json_is_null(cell))
        snprintf(buf, len, "(no such step)");
    else if (st == 0 && error != NULL)
        snprintf(buf, len, "no answer: %s", error);
    else if (st == 0)
        snprintf(buf, len, "done");
    else
        snprintf(buf, len, "%lld%s%s%s%s", (long long)st, cause != NULL ? " " : "",
                 cause != NULL ? cause : "", by != NULL ? " by " : "", by != NULL ? by : "");
    return buf;
}

static void
csv_field(FILE *f, const char *s, int last)
{
    if (s == NULL)
        s = "";
    if (strpbrk(s, ",\"\r\n") != NULL) {
        fputc('"', f);
        for (; *s != '\0'; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

/* The string members keys (NULL-terminated) of o, each followed by a comma. */
static void
csv_keys(FILE *f, json_t *o, const char *const *keys)
{
    for (size_t i = 0; keys[i] != NULL; i++)
        csv_field(f, json_string_value(json_object_get(o, keys[i])), 0);
}

static void
csv_num(FILE *f, json_t *v, const char *fmt)
{
    if (json_is_number(v))
        fprintf(f, fmt, json_number_value(v));
    fputc(',', f);
}

static FILE *
csv_open(const struct cmp *c, const char *name, char *err)
{
    char path[SWEEP_PATH_MAX + 32];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", c->out, name);
    if ((f = fopen(path, "w")) == NULL)
        edge_err(err, "%s: cannot write", path);
    return f;
}

static void
csv_steps(const struct cmp *c, FILE *f)
{
    json_t *modes = json_object_get(c->model, "modes"), *row, *cell;
    size_t i, k;
    char buf[64];

    fputs("mode,scenario,step,action,node,runs_timed,passed,p50_ms,p90_ms,max_ms,status,cause,"
          "decided_by,messages,new_tls\n",
          f);
    json_array_foreach(json_object_get(c->model, "steps"), i, row)
    {
        json_array_foreach(json_object_get(row, "cells"), k, cell)
        {
            json_t *m = json_array_get(modes, k);
            if (json_is_null(cell))
                continue;
            csv_field(f, json_string_value(json_object_get(m, "label")), 0);
            csv_field(f, json_string_value(json_object_get(m, "name")), 0);
            csv_field(f, json_string_value(json_object_get(row, "name")), 0);
            csv_keys(f, cell, (const char *const[]){"action", "node", NULL});
            csv_num(f, json_object_get(cell, "timed"), "%.0f");
            csv_num(f, json_object_get(cell, "passed"), "%.0f");
            csv_num(f, json_object_get(cell, "p50"), "%.3f");
            csv_num(f, json_object_get(cell, "p90"), "%.3f");
            csv_num(f, json_object_get(cell, "max"), "%.3f");
            csv_num(f, json_object_get(cell, "status"), "%.0f");
            csv_keys(f, cell, (const char *const[]){"cause", "by", NULL});
            snprintf(buf, sizeof(buf), "%zu", json_array_size(json_object_get(cell, "messages")));
            csv_field(f, buf, 0);
            snprintf(buf, sizeof(buf), "%lld",
                     (long long)json_integer_value(json_object_get(cell, "tlsNew")));
            csv_field(f, buf, 1);
        }
    }
}

static void
csv_messages(const struct cmp *c, FILE *f)
{
    json_t *modes = json_object_get(c->model, "modes"), *row, *cell, *msg;
    size_t i, k, j;
    char buf[32];

    fputs("mode,step,seq,t_ms,from,to,method,path,status\n", f);
    json_array_foreach(json_object_get(c->model, "steps"), i, row)
    {
        json_array_foreach(json_object_get(row, "cells"), k, cell)
        {
            json_array_foreach(json_object_get(cell, "messages"), j, msg)
            {
                csv_field(f, json_string_value(json_object_get(json_array_get(modes, k), "label")),
                          0);
                csv_field(f, json_string_value(json_object_get(row, "name")), 0);
                fprintf(f, "%zu,%.3f,", j + 1, json_number_value(json_object_get(msg, "t")));
                csv_keys(f, msg, (const char *const[]){"from", "to", "method", "path", NULL});
                buf[0] = '\0';
                if (json_is_integer(json_object_get(msg, "status")))
                    snprintf(buf, sizeof(buf), "%lld",
                             (long long)json_integer_value(json_object_get(msg, "status")));
                csv_field(f, buf, 1);
            }
        }
    }
}

static void
csv_trust(const struct cmp *c, FILE *f)
{
    json_t *modes = json_object_get(c->model, "modes"), *m, *row, *v;
    size_t i, k;

    fputs("group,relation,differs,", f);
    json_array_foreach(modes, k, m)
    {
        csv_field(f, json_string_value(json_object_get(m, "label")),
                  k + 1 == json_array_size(modes));
    }
    json_array_foreach(json_object_get(c->model, "trust"), i, row)
    {
        json_t *cells = json_object_get(row, "cells");
        csv_field(f, json_string_value(json_object_get(row, "group")), 0);
        csv_field(f, json_string_value(json_object_get(row, "text")), 0);
        csv_field(f, json_is_true(json_object_get(row, "differs")) ? "1" : "0", 0);
        json_array_foreach(cells, k, v)
            csv_field(f, json_string_value(v), k + 1 == json_array_size(cells));
    }
}

int
cmp_csv(const struct cmp *c, char *err)
{
    static const char *const files[] = {"compare.csv", "messages.csv", "trust.csv"};
    void (*const writers[])(const struct cmp *, FILE *) = {csv_steps, csv_messages, csv_trust};

    for (size_t i = 0; i < 3; i++) {
        FILE *f = csv_open(c, files[i], err);
        if (f == NULL)
            return -1;
        writers[i](c, f);
        if (fclose(f) != 0)
            return edge_err(err, "%s/%s: write failed", c->out, files[i]);
    }
    return 0;
}
