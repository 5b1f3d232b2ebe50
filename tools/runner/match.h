/* match.h -- does a value that came (a body, a header, a result, an event) match what a step
 * expects? The patterns are JSON with four conventions (scenarios/README.md "Matching"):
 *
 *   "*"       present, with any value but null
 *   "~RE"     a string matching the POSIX extended regular expression RE (regcomp(3))
 *   "!TEXT"   anything but the string TEXT (absent included)
 *   null      absent (or null)
 *
 * An object matches an object holding at least its members, each matching; an array matches an
 * array of the same length whose elements pair off one to one with its own, each matching (in any
 * order: the order of a list a node returns is not a contract); numbers compare by value (1
 * matches 1.0); any other value must be equal. */
#ifndef RUN_MATCH_H
#define RUN_MATCH_H

#include <jansson.h>
#include <stddef.h>

/* 1 when got (NULL: absent) matches want; 0 with why ("eesProf.eesId: expected "a", got "b"",
 * the path under what). */
int match_value(json_t *want, json_t *got, const char *what, char *why, size_t len);
/* Compact JSON of v ("(absent)" for NULL), cut to fit buf with "...". */
const char *match_show(json_t *v, char *buf, size_t len);
/* Check the patterns of want once, when the scenario loads: every "~RE" compiles. -1 with why. */
int match_check(json_t *want, char *why, size_t len);

#endif
