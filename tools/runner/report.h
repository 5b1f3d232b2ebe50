/* report.h -- report.html: a self-contained page (inline CSS and SVG, no fetches) with the
 * scenario's title, reference and description, a sequence diagram of every message of
 * events.jsonl, the step table and the decoded tokens. */
#ifndef RUN_REPORT_H
#define RUN_REPORT_H

#include <jansson.h>

/* summary: the object of summary.json; events: the array of events.jsonl. */
int rep_write(json_t *summary, json_t *events, const char *path, char *err);
/* Read DIR/summary.json and DIR/events.jsonl and write DIR/report.html (or out). */
int rep_from_dir(const char *dir, const char *out, char *err);

#endif
