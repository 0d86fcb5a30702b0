/* core/json.h - a small, strict JSON reader (RFC 8259) into a read-only tree.
 *
 * dagplan writes its schedules as JSON (FORMAT.md section 5) and keeps them in
 * the store; the calendar export and other readers of stored schedules parse
 * them back with this. The whole tree lives in one arena, so freeing it is one
 * call. Strict: no comments, no trailing commas, no leading zeros, strings
 * must be valid UTF-8 (escapes included: a lone surrogate is an error), and
 * nesting is limited to DP_JSON_MAX_DEPTH so hostile input cannot exhaust the
 * stack. Object keys keep their order; lookups are linear, which suits the
 * small objects of a schedule. */
#ifndef DAGPLAN_JSON_H
#define DAGPLAN_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dagplan/error.h"

#define DP_JSON_MAX_DEPTH 64

typedef enum dp_json_type {
    DP_JSON_NULL = 0,
    DP_JSON_BOOL,
    DP_JSON_NUMBER,
    DP_JSON_STRING,
    DP_JSON_ARRAY,
    DP_JSON_OBJECT
} dp_json_type;

typedef struct dp_json dp_json;

struct dp_json {
    dp_json_type type; /* which of the fields below is used */
    bool boolean;      /* DP_JSON_BOOL */
    double number;     /* DP_JSON_NUMBER */
    const char *str;   /* DP_JSON_STRING: NUL-terminated UTF-8 (may hold NULs: see len) */
    size_t len;        /* DP_JSON_STRING: bytes; ARRAY, OBJECT: elements */
    dp_json *items;    /* ARRAY, OBJECT: the elements, in order */
    const char **keys; /* OBJECT: keys[i] names items[i] */
};

typedef struct dp_json_doc dp_json_doc;

/* Parses len bytes of text. On success *out is a new document (free with
 * dp__json_free). DP_EINPUT with err->at = {file, line, column} (file may be
 * NULL) saying what was expected where; DP_ENOMEM. */
dp_status dp__json_parse(const char *text, size_t len, const char *file, dp_json_doc **out,
                         dp_error *err);

void dp__json_free(dp_json_doc *doc); /* NULL: no-op */

/* The root value. Borrowed until dp__json_free. */
const dp_json *dp__json_root(const dp_json_doc *doc);

/* The member key of object o, or NULL (also when o is not an object). */
const dp_json *dp__json_get(const dp_json *o, const char *key);

/* The string of member key of o, or NULL when missing or not a string. */
const char *dp__json_get_str(const dp_json *o, const char *key);

#endif
