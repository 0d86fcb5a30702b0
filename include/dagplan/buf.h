/* dagplan/buf.h - a growable byte buffer for writers (JSON, iCalendar, LP).
 *
 * Writers build their whole output in memory and then write it to a file in
 * one go with dp_buf_write_file, which writes a sibling temporary file and
 * renames it over the target: a reader (the feed server, a planner's editor)
 * never sees half a file, and a failed write leaves the old file intact.
 * Appends never fail visibly: on OOM or past the size limit the buffer
 * remembers the failure, and dp_buf_write_file / dp_buf_status report it. */
#ifndef DAGPLAN_BUF_H
#define DAGPLAN_BUF_H

#include <stddef.h>

#include "dagplan/error.h"

typedef struct dp_buf {
    char *data;   /* NUL-terminated contents (NULL while empty) */
    size_t len;   /* bytes used */
    size_t cap;   /* bytes allocated */
    size_t limit; /* most bytes allowed (default 1 GiB) */
    int failed;   /* an append ran out of memory or past the limit */
} dp_buf;

void dp_buf_init(dp_buf *b);
void dp_buf_release(dp_buf *b);

void dp_buf_append(dp_buf *b, const char *s, size_t len);
void dp_buf_puts(dp_buf *b, const char *s);
/* Appends s with < > & " escaped for HTML text and attribute values. */
void dp_buf_put_html(dp_buf *b, const char *s);
void dp_buf_printf(dp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Appends s as a JSON string literal (quotes included); NULL as null. */
void dp_buf_json_string(dp_buf *b, const char *s);

/* DP_OK, or DP_ENOMEM / DP_ELIMIT when an append failed. */
dp_status dp_buf_status(const dp_buf *b, dp_error *err);

/* Writes the contents to path atomically (temporary sibling + rename). */
dp_status dp_buf_write_file(const dp_buf *b, const char *path, dp_error *err);

#endif
