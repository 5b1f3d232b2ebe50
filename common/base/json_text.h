/* json_text.h -- JSON text (RFC 8259) written straight into a growing buffer: escaped strings and
 * the compact form of a jansson value, without jansson's serialiser.
 *
 * The event log writes a line per protocol event and the HTTP layer a body per reply; building a
 * jansson tree for each and serialising it through json_dumps (a callback per token, a strbuffer
 * per call) cost more than what the line says. The text here is byte for byte what
 * json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) writes (members in insertion order, no space,
 * '/' and non-ASCII left as they are, control characters as \b \f \n \r \t or \u00XX), with
 * one difference: a string that is not UTF-8 (jansson's *_nocheck constructors, C strings from the
 * network) is written with '?' for each byte that starts no valid sequence, where json_dumps
 * fails. tests/common/json_text_test.c holds the two side by side. */
#ifndef EDGE_JSON_TEXT_H
#define EDGE_JSON_TEXT_H

#include <stddef.h>

#include <jansson.h>

/* Text being written; start it zeroed. failed: out of memory or a value that cannot be written
 * (nesting deeper than JTEXT_DEPTH_MAX, a real that is not finite); the text is then unusable. */
struct jtext {
    char *data; /* NUL-terminated once anything is written */
    size_t len, cap;
    int failed;
};

#define JTEXT_DEPTH_MAX 64

/* Bytes as they are. */
void jtext_put(struct jtext *t, const char *s, size_t n);
void jtext_puts(struct jtext *t, const char *s);
/* A string literal as it is (its length known at compile time). */
#define JTEXT_LIT(t, lit) jtext_put((t), "" lit, sizeof(lit) - 1)
/* s (n bytes) as a JSON string, quotes included. */
void jtext_string(struct jtext *t, const char *s, size_t n);
/* A C string as a JSON string, or null for NULL. */
void jtext_cstring(struct jtext *t, const char *s);
/* A decimal integer. */
void jtext_long(struct jtext *t, long long v);
/* The compact text of v (NULL: null). */
void jtext_value(struct jtext *t, const json_t *v);
/* Empty it again (its memory is kept for the next text). */
void jtext_reset(struct jtext *t);
void jtext_free(struct jtext *t);

/* The compact text of v, as json_dumps(v, JSON_COMPACT) (an object or an array; NULL for anything
 * else or out of memory); free() it. */
char *jtext_dumps(const json_t *v);

#endif
