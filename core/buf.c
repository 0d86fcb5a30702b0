/* core/buf.c - see dagplan/buf.h. */
#include "dagplan/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void dp_buf_init(dp_buf *b)
{
    memset(b, 0, sizeof *b);
    b->limit = (size_t) 1 << 30;
}

void dp_buf_release(dp_buf *b)
{
    free(b->data);
    dp_buf_init(b);
}

static int reserve(dp_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > b->limit - b->len) {
        b->failed = DP_ELIMIT;
        return -1;
    }
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = DP_ENOMEM;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void dp_buf_append(dp_buf *b, const char *s, size_t len)
{
    if (reserve(b, len) != 0)
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void dp_buf_puts(dp_buf *b, const char *s)
{
    dp_buf_append(b, s, strlen(s));
}

void dp_buf_printf(dp_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];

    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t) n < sizeof small) {
        dp_buf_append(b, small, (size_t) n);
        return;
    }
    if (reserve(b, (size_t) n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t) n;
}

void dp_buf_json_string(dp_buf *b, const char *s)
{
    if (!s) {
        dp_buf_puts(b, "null");
        return;
    }
    dp_buf_append(b, "\"", 1);
    const unsigned char *p = (const unsigned char *) s;
    for (;;) {
        /* Plain characters in one run: a 20,000-child schedule writes 20 MB
         * of JSON, and a call per byte doubled the cost of writing it. */
        const unsigned char *q = p;
        while (*q && *q != '"' && *q != '\\' && *q >= 0x20)
            q++;
        if (q > p)
            dp_buf_append(b, (const char *) p, (size_t) (q - p));
        if (!*q)
            break;
        if (*q == '"' || *q == '\\') {
            char esc[2] = {'\\', (char) *q};
            dp_buf_append(b, esc, 2);
        } else if (*q == '\n') {
            dp_buf_append(b, "\\n", 2);
        } else {
            dp_buf_printf(b, "\\u%04x", *q);
        }
        p = q + 1;
    }
    dp_buf_append(b, "\"", 1);
}

dp_status dp_buf_status(const dp_buf *b, dp_error *err)
{
    if (b->failed == DP_ELIMIT)
        return DP_FAIL(err, DP_ELIMIT, NULL, "output larger than %zu bytes", b->limit);
    if (b->failed)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing output");
    return DP_OK;
}

dp_status dp_buf_write_file(const dp_buf *b, const char *path, dp_error *err)
{
    char tmp[4096];
    FILE *f;
    dp_status rc = dp_buf_status(b, err);

    if (rc != DP_OK)
        return rc;
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long) getpid()) >= (int) sizeof tmp)
        return DP_FAIL(err, DP_EIO, NULL, "%s: path too long", path);
    f = fopen(tmp, "wb");
    if (!f)
        return DP_FAIL(err, DP_EIO, NULL, "%s: %s", tmp, strerror(errno));
    int write_failed = b->len && fwrite(b->data, 1, b->len, f) != b->len;
    int sync_failed = fflush(f) != 0 || fsync(fileno(f)) != 0;
    int close_failed = fclose(f) != 0; /* fclose reports deferred write errors */
    if (write_failed || sync_failed || close_failed || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return DP_FAIL(err, DP_EIO, NULL, "%s: %s", path, strerror(e));
    }
    return DP_OK;
}

void dp_buf_put_html(dp_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            dp_buf_puts(b, "&lt;");
            break;
        case '>':
            dp_buf_puts(b, "&gt;");
            break;
        case '&':
            dp_buf_puts(b, "&amp;");
            break;
        case '"':
            dp_buf_puts(b, "&quot;");
            break;
        default:
            dp_buf_append(b, s, 1);
        }
    }
}
