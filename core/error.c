/* core/error.c - filling and printing dp_error.
 *
 * The message is formatted into the error's fixed buffer, so nothing here
 * allocates: an out-of-memory condition can always be reported. */
#include "dagplan/error.h"

#include <stdio.h>
#include <string.h>

dp_status dp_error_set(dp_error *err, dp_status code, const dp_loc *at, const char *src_file,
                       int src_line, const char *src_func, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    err->src_file = src_file;
    err->src_line = src_line;
    err->src_func = src_func;
    err->at.file = NULL;
    err->at.line = 0;
    err->at.column = 0;
    if (at) {
        if (at->file) {
            snprintf(err->file_buf, sizeof err->file_buf, "%s", at->file);
            err->at.file = err->file_buf;
        }
        err->at.line = at->line;
        err->at.column = at->column;
    }
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *dp_status_name(dp_status code)
{
    switch (code) {
    case DP_OK:
        return "ok";
    case DP_EINPUT:
        return "input error";
    case DP_ERULE:
        return "rule error";
    case DP_ENOMEM:
        return "out of memory";
    case DP_EIO:
        return "i/o error";
    case DP_ESTORE:
        return "store error";
    case DP_EUSAGE:
        return "usage error";
    case DP_ELIMIT:
        return "limit exceeded";
    case DP_ESTATE:
        return "not found or wrong state";
    case DP_EINTR:
        return "interrupted";
    case DP_EINTERNAL:
        return "internal error";
    }
    return "unknown error";
}

void dp_error_print(const dp_error *err, FILE *f, bool verbose)
{
    if (err->at.file) {
        fprintf(f, "%s:", err->at.file);
        if (err->at.line) {
            fprintf(f, "%u:", err->at.line);
            if (err->at.column)
                fprintf(f, "%u:", err->at.column);
        }
        fputc(' ', f);
    }
    fprintf(f, "error: %s\n", err->msg);
    if (verbose && err->src_file)
        fprintf(f, "  (raised at %s:%d in %s)\n", err->src_file, err->src_line,
                err->src_func ? err->src_func : "?");
}
