/* core/csv.h - an RFC 4180 CSV reader over an in-memory buffer. Not installed.
 *
 * The loader reads each planner file whole and hands the buffer to a dp__csv,
 * which splits it into rows of fields in place: unquoted fields point into the
 * buffer, quoted fields are unescaped in place (an unescaped field is never
 * longer than its quoted form), and every field is NUL-terminated by
 * overwriting the separator or the closing quote after it. So reading a row
 * allocates nothing but, rarely, a bigger field array; a 60,000-row file is
 * read in a few milliseconds.
 *
 * Accepted: a UTF-8 BOM (skipped); ',' as separator, or ';' when the first
 * non-empty line (the header) holds no comma and at least one semicolon (as
 * Dutch spreadsheet programs write); quoted fields with "" escapes and
 * embedded line breaks; CRLF, LF or a lone CR as line end; empty lines
 * (skipped). Every field carries its 1-based line and column, the column
 * counted in UTF-8 characters so that it matches an editor's.
 *
 * Rejected, with the exact place: an unterminated quoted field (at its
 * opening quote), a quote inside an unquoted field, text after a closing
 * quote, invalid UTF-8, a NUL byte, a field longer than max_field bytes, a
 * row of more than DP__CSV_MAX_FIELDS fields, a buffer over DP__CSV_MAX_FILE
 * bytes. After an error the reader stops: the rest of the file is not read. */
#ifndef DAGPLAN_CSV_H
#define DAGPLAN_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dagplan/error.h"

#define DP__CSV_MAX_FIELD  (64u * 1024u)          /* bytes in one field */
#define DP__CSV_MAX_FILE   (512u * 1024u * 1024u) /* bytes in one file */
#define DP__CSV_MAX_FIELDS 1024u                  /* fields in one row */

/* One field of the current row. */
typedef struct dp__csv_field {
    char *s;       /* the text, unescaped and NUL-terminated, inside the buffer */
    uint32_t len;  /* bytes in s, without the NUL */
    uint32_t line; /* 1-based line of its first character (the quote when quoted) */
    uint32_t col;  /* 1-based column of that character, in UTF-8 characters */
    bool quoted;   /* it was written between quotes */
} dp__csv_field;

typedef struct dp__csv {
    const char *file;      /* display name for errors (borrowed) */
    char *p;               /* next unread byte */
    char *end;             /* end of the input; *end == '\0' */
    char sep;              /* ',' or ';' */
    uint32_t line;         /* line of p */
    uint32_t col;          /* column of p */
    size_t max_field;      /* largest field in bytes (DP__CSV_MAX_FIELD by default) */
    dp__csv_field *fields; /* the current row (malloc'd) */
    uint32_t n_fields;     /* fields in the current row; 0 at the end of the input */
    uint32_t cap;          /* allocated fields */
    uint32_t row_line;     /* line where the current row ends */
    uint32_t row_end_col;  /* column just after the row's last character */
    bool failed;           /* an error stopped the reader */
} dp__csv;

/* Prepares r to read data[0..len). data must have len + 1 writable bytes with
 * data[len] == '\0'; the reader modifies it in place and the fields point into
 * it, so it must outlive the rows read. file is the name used in errors
 * (borrowed). Skips a BOM and chooses the separator. Returns DP_OK, or
 * DP_ELIMIT when len is over DP__CSV_MAX_FILE. Release r with
 * dp__csv_release() in every case. */
dp_status dp__csv_init(dp__csv *r, const char *file, char *data, size_t len, dp_error *err);

/* Reads the next non-empty row into r->fields[0..r->n_fields). At the end of
 * the input returns DP_OK with r->n_fields == 0. On a syntax error returns
 * DP_EINPUT with err at the exact file:line:column (and r->n_fields == 0);
 * DP_ENOMEM or DP_ELIMIT likewise. The fields stay valid until the next call. */
dp_status dp__csv_next(dp__csv *r, dp_error *err);

/* Frees the field array. The buffer belongs to the caller. */
void dp__csv_release(dp__csv *r);

/* The column of byte offset off inside field f: exact for an unquoted field,
 * the field's own column for a quoted one (whose escapes shift positions). */
uint32_t dp__csv_col_at(const dp__csv_field *f, size_t off);

/* The number of UTF-8 characters in s[0..len) (which is valid UTF-8). */
size_t dp__utf8_count(const char *s, size_t len);

#endif
