/* match.c -- the patterns a step's expectations are written in, matched against what came (see
 * match.h for the conventions). */
#include "match.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_ARRAY_MAX 256 /* longer arrays never match a pattern */

const char *
match_show(json_t *v, char *buf, size_t len)
{
    char *t;

    if (v == NULL) {
        snprintf(buf, len, "(absent)");
        return buf;
    }
    t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(buf, len, "%s", t != NULL ? t : "?");
    if (t != NULL && strlen(t) >= len && len > 4)
        memcpy(buf + len - 4, "...", sizeof("..."));
    free(t);
    return buf;
}

/* 1 when s matches the extended regular expression re; -1 when re does not compile. */
static int
match_regex(const char *re, const char *s)
{
    regex_t rx;
    int rc;

    if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
        return -1;
    rc = regexec(&rx, s, 0, NULL, 0) == 0;
    regfree(&rx);
    return rc;
}

static int match_pairs(json_t *want, json_t *got, size_t i, unsigned char *used);

static int
match_fail(const char *what, json_t *want, json_t *got, char *why, size_t len)
{
    char a[256], b[256];

    snprintf(why, len, "%s%sexpected %s, got %s", what, what[0] ? ": " : "",
             match_show(want, a, sizeof(a)), match_show(got, b, sizeof(b)));
    return 0;
}

/* A string pattern: "*", "~RE", "!TEXT" or the string itself. */
static int
match_string(json_t *want, json_t *got, const char *what, char *why, size_t len)
{
    const char *w = json_string_value(want);

    if (strcmp(w, "*") == 0)
        return got != NULL && !json_is_null(got) ? 1 : match_fail(what, want, got, why, len);
    if (w[0] == '~') {
        if (json_is_string(got) && match_regex(w + 1, json_string_value(got)) == 1)
            return 1;
        return match_fail(what, want, got, why, len);
    }
    if (w[0] == '!') {
        if (!json_is_string(got) || strcmp(json_string_value(got), w + 1) != 0)
            return 1;
        return match_fail(what, want, got, why, len);
    }
    if (json_is_string(got) && strcmp(json_string_value(got), w) == 0)
        return 1;
    return match_fail(what, want, got, why, len);
}

/* Can want[i..] be paired, one to one, with the elements of got not used yet? (Arrays are short:
 * plain backtracking.) */
static int
match_pairs(json_t *want, json_t *got, size_t i, unsigned char *used)
{
    char why[256];

    if (i == json_array_size(want))
        return 1;
    for (size_t j = 0; j < json_array_size(got); j++) {
        if (used[j] ||
            !match_value(json_array_get(want, i), json_array_get(got, j), "", why, sizeof(why)))
            continue;
        used[j] = 1;
        if (match_pairs(want, got, i + 1, used))
            return 1;
        used[j] = 0;
    }
    return 0;
}

int
match_value(json_t *want, json_t *got, const char *what, char *why, size_t len)
{
    char sub[512];
    const char *k;
    json_t *v;

    if (json_is_null(want))
        return got == NULL || json_is_null(got) ? 1 : match_fail(what, want, got, why, len);
    if (json_is_string(want))
        return match_string(want, got, what, why, len);
    if (json_is_number(want) && json_is_number(got))
        return json_number_value(want) == json_number_value(got)
                   ? 1
                   : match_fail(what, want, got, why, len);
    if (json_is_object(want)) {
        if (!json_is_object(got))
            return match_fail(what, want, got, why, len);
        json_object_foreach(want, k, v)
        {
            snprintf(sub, sizeof(sub), "%s%s%s", what, what[0] ? "." : "", k);
            if (!match_value(v, json_object_get(got, k), sub, why, len))
                return 0;
        }
        return 1;
    }
    if (json_is_array(want)) {
        unsigned char used[MATCH_ARRAY_MAX] = {0};
        if (!json_is_array(got) || json_array_size(got) != json_array_size(want) ||
            json_array_size(want) > MATCH_ARRAY_MAX || !match_pairs(want, got, 0, used))
            return match_fail(what, want, got, why, len);
        return 1;
    }
    return got != NULL && json_equal(want, got) ? 1 : match_fail(what, want, got, why, len);
}

int
match_check(json_t *want, char *why, size_t len)
{
    const char *k;
    json_t *v;
    size_t i;

    if (json_is_string(want) && json_string_value(want)[0] == '~' &&
        match_regex(json_string_value(want) + 1, "") == -1) {
        snprintf(why, len, "\"%s\": not a POSIX extended regular expression",
                 json_string_value(want) + 1);
        return -1;
    }
    json_object_foreach(want, k, v)
    {
        if (match_check(v, why, len) == -1)
            return -1;
    }
    json_array_foreach(want, i, v)
    {
        if (match_check(v, why, len) == -1)
            return -1;
    }
    return 0;
}
