/* json_strict.h -- strict decoding of JSON bodies and configs against a field table.
 *
 * Network input is parsed strictly and early (STYLE.md): a body or config is
 * checked against a table of the fields it may hold, and the first problem is
 * reported with the field's JSON path, e.g.
 *   eesProf.endPt.fqdn: expected string, got integer
 *   acProfs[2].acId: missing required field
 *   eesProf.foo: unknown field
 * A table is an array of struct js_field ended by an entry whose name is NULL.
 * An entry named "*" (JS_OTHER) lets the object carry fields the table does not
 * name (as OpenAPI's additionalProperties; 3GPP bodies may carry extensions).
 *
 * Decoding may also store the values into a caller's struct (JS_STORE plus
 * offsetof()): JS_STRING as const char * (borrowed from the JSON value, valid
 * while it lives), JS_INT as long long, JS_BOOL as int, JS_NUMBER as double,
 * JS_OBJECT / JS_ARRAY / JS_ANY as json_t * (borrowed). An absent optional
 * field (or null, when JS_NULLABLE) leaves the struct member untouched, so the
 * caller sets defaults first. The fields of a nested object table store into
 * the same struct; tables of array elements only check (decode each element
 * with js_decode() and a path such as "acProfs[2]" to store it).
 *
 * Every kind of value edgesim reads (a host name, an identifier, an A-KID, a GPSI, an address
 * prefix, one of a list of words) is checked by one function here, used alike by the configs,
 * the runner's scenarios and the endpoints that read network input; a refusal comes back as a
 * stable code (enum js_fail) beside the sentence. */
#ifndef EDGE_JSON_STRICT_H
#define EDGE_JSON_STRICT_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

enum js_type {
    JS_ANY = 0, /* any JSON value, unchecked */
    JS_STRING,
    JS_INT, /* a JSON integer (1.0 is not one) */
    JS_BOOL,
    JS_OBJECT, /* checked against sub when sub is not NULL */
    JS_ARRAY,  /* each element checked as items / sub / item_check */
    JS_NUMBER, /* integer or real */
};

/* Why js_decode() refused a value: the code callers match on (problem.c maps each to a 3GPP
 * cause), beside the sentence that names the field. All failures are negative, so "< 0" reads as
 * "refused". */
enum js_fail {
    JS_OK = 0,
    JS_EVALUE = -1, /* right type, refused by a bound, NUL byte or check (MANDATORY_IE_INCORRECT) */
    JS_ETYPE = -2,  /* a field of the wrong JSON type (MANDATORY_IE_INCORRECT) */
    JS_EMISSING = -3,   /* a required field absent, or null (MANDATORY_IE_MISSING) */
    JS_EUNKNOWN = -4,   /* a field the table does not name (INVALID_MSG_FORMAT) */
    JS_ENOTOBJECT = -5, /* what was decoded is not an object at all (INVALID_MSG_FORMAT) */
};

/* Field flags. */
#define JS_REQUIRED 0x1u /* absent: "missing required field" */
#define JS_NULLABLE 0x2u /* null accepted, and treated as absent */
#define JS_NONEMPTY 0x4u /* JS_STRING: "" refused; JS_ARRAY: [] refused */
#define JS_STORE 0x8u    /* store the value at offset store of dst */

struct js_field;

/* A validator: return 0 if v is acceptable, or -1 with the reason in why
 * (EDGE_ERR_LEN bytes; the decoder prefixes the field's path). It may
 * normalize v in place (config_check_file() resolves a relative path). ctx is
 * the one given to js_decode(). */
typedef int (*js_check_fn)(json_t *v, const struct js_field *f, void *ctx, char *why);

struct js_field {
    const char *name;
    enum js_type type;
    unsigned flags;
    size_t store;               /* offsetof() into dst, with JS_STORE */
    js_check_fn check;          /* JS_ARRAY: applied to the whole array */
    long long min, max;         /* bounds read by js_check_range() */
    size_t max_len;             /* JS_STRING bytes / JS_ARRAY elements; 0: no cap */
    const struct js_field *sub; /* JS_OBJECT fields, or fields of JS_ARRAY object items */
    enum js_type items;         /* JS_ARRAY element type (JS_ANY: unchecked) */
    js_check_fn item_check;     /* JS_ARRAY: applied to each element */
    const char *const *choices; /* js_check_enum: the allowed strings, NULL-ended */
};

#define JS_OTHER "*"

/* Check v (which must be an object) against table and store into dst (may be
 * NULL when nothing is stored). path names v in messages: "" or NULL for the
 * top level, or e.g. "acProfs[2]". Returns JS_OK (0), or the js_fail code (< 0)
 * of the first problem, with its sentence in err as "path: reason". */
enum js_fail js_decode_code(json_t *v, const char *path, const struct js_field *table, void *dst,
                            void *ctx, char *err);
/* The same where only success matters (configs, scenarios): 0, or -1 with err. */
int js_decode(json_t *v, const char *path, const struct js_field *table, void *dst, void *ctx,
              char *err);

/* Parse len bytes of JSON text into *out (an object or array; duplicate
 * keys, trailing data and invalid UTF-8 refused). err: "line L column C:
 * reason". */
int js_loads(const char *text, size_t len, json_t **out, char *err);

/* The JSON type name of v as messages use it: "string", "integer", "number",
 * "boolean", "object", "array", "null". */
const char *js_type_name(const json_t *v);

/* String checks, usable on their own (on form parameters, query parameters, certificate names).
 * Each returns 0, or -1 with why. */
/* A host name (FQDN of a node, token aud/iss, client_id): RFC 1123 2.1, at most 253 bytes. */
int js_valid_fqdn(const char *s, char *why);
/* A GPSI (TS 29.571 Gpsi): msisdn-<5..15 digits> | extid-<id>@<domain>. */
int js_valid_gpsi(const char *s, char *why);
/* An identifier (EEC ID, EES ID, EAS ID, context and registration IDs, the token endpoint's
 * eec_id and targetNfInstanceId): RFC 3986 unreserved characters, 1..127 bytes, safe in a URI
 * path, a file name and a log line. */
int js_valid_id(const char *s, char *why);
/* An A-KID (TS 33.535: NAI form username@realm of RFC 7542 2.2): a dot-string of RFC 7542
 * atext (ASCII) "@" a realm of at least two RFC 1123 labels, 1..127 bytes in all. */
int js_valid_akid(const char *s, char *why);
/* A JWS kid (RFC 7515 4.1.4): an identifier as js_valid_id, at most EDGE_KID_MAX bytes (a kid
 * is also part of a key file's name). */
int js_valid_kid(const char *s, char *why);
/* An identifier as js_valid_id, or "*" (every one): the patterns of allow lists. */
int js_valid_id_or_star(const char *s, char *why);
/* s is one of choices (NULL-ended), compared exactly. */
int js_valid_enum(const char *s, const char *const *choices, char *why);

/* Validators for js_field.check / item_check. */
int js_check_fqdn(json_t *v, const struct js_field *f, void *ctx, char *why);
int js_check_gpsi(json_t *v, const struct js_field *f, void *ctx, char *why);
int js_check_id(json_t *v, const struct js_field *f, void *ctx, char *why);
int js_check_akid(json_t *v, const struct js_field *f, void *ctx, char *why);
int js_check_kid(json_t *v, const struct js_field *f, void *ctx, char *why);
int js_check_id_or_star(json_t *v, const struct js_field *f, void *ctx, char *why);
/* A host name, or "*" (every one): the patterns of allow lists of hosts. */
int js_check_fqdn_or_star(json_t *v, const struct js_field *f, void *ctx, char *why);
int js_check_enum(json_t *v, const struct js_field *f, void *ctx, char *why);  /* f->choices */
int js_check_range(json_t *v, const struct js_field *f, void *ctx, char *why); /* min..max */
int js_check_datetime(json_t *v, const struct js_field *f, void *ctx, char *why);
/* "A.B.C.D/N": a host's address inside 198.18.0.0/15 (base/ipv4.h, IPV4_CIDR_HOST). */
int js_check_cidr(json_t *v, const struct js_field *f, void *ctx, char *why);

/* RFC 3339 date-time (3GPP DateTime): "2026-11-24T14:16:32Z",
 * "2026-11-24T15:16:32.5+01:00". Fractions below a nanosecond are dropped. */
int js_time_parse(const char *s, struct timespec *out, char *why);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into buf (JS_TIME_LEN bytes at least). */
#define JS_TIME_LEN 32
int js_time_format(time_t t, char *buf, size_t len);

#endif
