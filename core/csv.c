/* core/csv.c - RFC 4180 reader; see csv.h.
 *
 * One pass over the bytes, one byte at a time for ASCII and one UTF-8
 * sequence at a time otherwise, keeping the line and the column (in
 * characters) of the read position, so that each field knows where it
 * started and each error can name the character at fault. Rows are split in
 * place: the byte after a field (separator, line end, closing quote) is
 * overwritten with NUL once it has been looked at. */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns the length of the valid UTF-8 sequence at s (end bounds it), or 0
 * when it is not one: overlong forms, surrogates and code points above
 * U+10FFFF are invalid (RFC 3629). */
static size_t utf8_seq_len(const unsigned char *s, const unsigned char *end)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if ((size_t) (end - s) < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

size_t dp__utf8_count(const char *s, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        if (((unsigned char) s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

uint32_t dp__csv_col_at(const dp__csv_field *f, size_t off)
{
    if (f->quoted || off > f->len)
        return f->col;
    return f->col + (uint32_t) dp__utf8_count(f->s, off);
}

static dp_status fail_at(dp__csv *r, dp_error *err, dp_status code, uint32_t line, uint32_t col,
                         const char *msg)
{
    dp_loc at = {r->file, line, col};

    r->failed = true;
    r->n_fields = 0;
    return DP_FAIL(err, code, &at, "%s", msg);
}

/* Chooses ';' when the first non-empty line has no comma and a semicolon. */
static char detect_separator(const char *p, const char *end)
{
    bool semicolon = false;

    while (p < end && (*p == '\n' || *p == '\r'))
        p++;
    for (; p < end && *p != '\n' && *p != '\r'; p++) {
        if (*p == ',')
            return ',';
        if (*p == ';')
            semicolon = true;
    }
    return semicolon ? ';' : ',';
}

dp_status dp__csv_init(dp__csv *r, const char *file, char *data, size_t len, dp_error *err)
{
    memset(r, 0, sizeof *r);
    r->file = file;
    r->p = data;
    r->end = data + len;
    r->line = 1;
    r->col = 1;
    r->sep = ',';
    r->max_field = DP__CSV_MAX_FIELD;
    if (len > DP__CSV_MAX_FILE) {
        r->failed = true;
        dp_loc at = {file, 0, 0};
        return DP_FAIL(err, DP_ELIMIT, &at, "file is larger than %u MiB",
                       DP__CSV_MAX_FILE / (1024u * 1024u));
    }
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r->p += 3;
    r->sep = detect_separator(r->p, r->end);
    return DP_OK;
}

void dp__csv_release(dp__csv *r)
{
    free(r->fields);
    r->fields = NULL;
    r->cap = r->n_fields = 0;
}

/* Consumes a line end at p (CRLF, LF or CR) if there is one; returns whether. */
static bool skip_newline(dp__csv *r)
{
    if (r->p < r->end && *r->p == '\r') {
        r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
    } else if (r->p < r->end && *r->p == '\n') {
        r->p++;
    } else {
        return false;
    }
    r->line++;
    r->col = 1;
    return true;
}

/* Steps over one character that is neither a line end nor special; checks
 * NUL and UTF-8. Returns the bytes stepped, 0 after an error. */
static size_t step_char(dp__csv *r, dp_error *err)
{
    unsigned char c = (unsigned char) *r->p;
    size_t n = 1;

    if (c == 0) {
        fail_at(r, err, DP_EINPUT, r->line, r->col, "a NUL byte: expected UTF-8 text");
        return 0;
    }
    if (c >= 0x80) {
        n = utf8_seq_len((const unsigned char *) r->p, (const unsigned char *) r->end);
        if (n == 0) {
            fail_at(r, err, DP_EINPUT, r->line, r->col,
                    "invalid UTF-8: expected the file to be saved as UTF-8");
            return 0;
        }
    }
    r->p += n;
    r->col++;
    return n;
}

static dp_status field_too_long(dp__csv *r, const dp__csv_field *f, dp_error *err)
{
    char msg[96];

    snprintf(msg, sizeof msg, "field longer than %zu bytes", r->max_field);
    return fail_at(r, err, DP_ELIMIT, f->line, f->col, msg);
}

static dp_status read_unquoted(dp__csv *r, dp__csv_field *f, dp_error *err)
{
    char *start = r->p;

    while (r->p < r->end) {
        char c = *r->p;
        if (c == r->sep || c == '\n' || c == '\r')
            break;
        if (c == '"')
            return fail_at(r, err, DP_EINPUT, r->line, r->col,
                           "a quote inside an unquoted field: expected the whole field in "
                           "quotes with the quote doubled (\"\")");
        if (step_char(r, err) == 0)
            return DP_EINPUT;
        if ((size_t) (r->p - start) > r->max_field)
            return field_too_long(r, f, err);
    }
    f->s = start;
    f->len = (uint32_t) (r->p - start);
    return DP_OK;
}

/* Reads "..." with "" escapes, unescaping in place; p is at the opening quote. */
static dp_status read_quoted(dp__csv *r, dp__csv_field *f, dp_error *err)
{
    char *w;

    r->p++;
    r->col++;
    f->s = w = r->p;
    for (;;) {
        if (r->p >= r->end)
            return fail_at(r, err, DP_EINPUT, f->line, f->col,
                           "unterminated quoted field: expected a closing quote");
        if ((size_t) (w - f->s) > r->max_field)
            return field_too_long(r, f, err);
        char c = *r->p;
        if (c == '"') {
            if (r->p + 1 < r->end && r->p[1] == '"') {
                *w++ = '"';
                r->p += 2;
                r->col += 2;
                continue;
            }
            break;
        }
        if (c == '\n' || c == '\r') {
            char *from = r->p;
            skip_newline(r);
            while (from < r->p)
                *w++ = *from++;
            continue;
        }
        char *from = r->p;
        size_t n = step_char(r, err);
        if (n == 0)
            return DP_EINPUT;
        memmove(w, from, n);
        w += n;
    }
    f->len = (uint32_t) (w - f->s);
    *w = '\0'; /* w <= the closing quote, already read */
    r->p++;
    r->col++;
    if (r->p < r->end && *r->p != r->sep && *r->p != '\n' && *r->p != '\r')
        return fail_at(r, err, DP_EINPUT, r->line, r->col,
                       "text after a closing quote: expected a separator or the end of the "
                       "line");
    return DP_OK;
}

/* Appends a field starting at p to the row. */
static dp_status push_field(dp__csv *r, dp__csv_field **out, dp_error *err)
{
    if (r->n_fields == r->cap) {
        if (r->cap >= DP__CSV_MAX_FIELDS) {
            char msg[64];
            snprintf(msg, sizeof msg, "more than %u fields in one row", DP__CSV_MAX_FIELDS);
            return fail_at(r, err, DP_ELIMIT, r->line, r->col, msg);
        }
        uint32_t cap = r->cap ? r->cap * 2 : 16;
        dp__csv_field *fields = realloc(r->fields, cap * sizeof *fields);
        if (!fields)
            return fail_at(r, err, DP_ENOMEM, r->line, r->col, "out of memory");
        r->fields = fields;
        r->cap = cap;
    }
    dp__csv_field *f = &r->fields[r->n_fields++];
    f->line = r->line;
    f->col = r->col;
    f->quoted = *r->p == '"';
    *out = f;
    return DP_OK;
}

dp_status dp__csv_next(dp__csv *r, dp_error *err)
{
    r->n_fields = 0;
    if (r->failed)
        return DP_OK;
    while (skip_newline(r))
        ;
    if (r->p >= r->end)
        return DP_OK;
    for (;;) {
        dp__csv_field *f = NULL;
        dp_status rc = push_field(r, &f, err);
        if (rc != DP_OK || !f)
            return rc != DP_OK ? rc : DP_EINTERNAL; /* !f only to reassure the compiler */
        rc = f->quoted ? read_quoted(r, f, err) : read_unquoted(r, f, err);
        if (rc != DP_OK)
            return rc;
        char c = r->p < r->end ? *r->p : '\0';
        r->row_line = r->line;
        r->row_end_col = r->col;
        if (c == r->sep) {
            *r->p++ = '\0';
            r->col++;
            continue;
        }
        if (r->p < r->end)
            *r->p = '\0'; /* c keeps the line end's first byte */
        if (c == '\r') {
            r->p++;
            if (r->p < r->end && *r->p == '\n')
                r->p++;
            r->line++;
            r->col = 1;
        } else if (c == '\n') {
            r->p++;
            r->line++;
            r->col = 1;
        }
        return DP_OK;
    }
}
