/* dagplan/error.h - status codes, errors with two locations, and diagnostics.
 *
 * Every fallible function returns dp_status (DP_OK = 0) and takes a
 * dp_error *err last, which may be NULL. A dp_error carries the input location
 * (file:line:column in the planner's files, required by FORMAT.md in every
 * message) and the C source location that raised it (printed with --verbose).
 * The message lives in a fixed buffer so that reporting DP_ENOMEM needs no
 * memory.
 *
 * dp_diags collects every problem a check finds (not just the first), each with
 * a severity and a location, and prints them sorted by file, line and column. */
#ifndef DAGPLAN_ERROR_H
#define DAGPLAN_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum dp_status {
    DP_OK = 0,        /* success */
    DP_EINPUT = 1,    /* the planner's data is wrong (file:line:column says where) */
    DP_ERULE = 2,     /* a centre.lua script failed or a rule is invalid */
    DP_ENOMEM = 3,    /* an allocation failed */
    DP_EIO = 4,       /* a file or directory could not be read or written */
    DP_ESTORE = 5,    /* the SQLite store failed */
    DP_EUSAGE = 6,    /* wrong command-line usage */
    DP_ELIMIT = 7,    /* a size, time or instruction limit was exceeded */
    DP_ESTATE = 8,    /* the requested object does not exist or is in the wrong state */
    DP_EINTR = 9,     /* interrupted (Ctrl-C) */
    DP_EINTERNAL = 10 /* a bug: an invariant of ours did not hold */
} dp_status;

/* A place in one of the planner's files. */
typedef struct dp_loc {
    const char *file; /* borrowed; NULL when the error has no input location */
    unsigned line;    /* 1-based, 0 = unknown */
    unsigned column;  /* 1-based, 0 = unknown */
} dp_loc;

typedef struct dp_error {
    dp_status code;       /* DP_OK while nothing failed */
    dp_loc at;            /* where in the user's files; at.file points into file_buf */
    char file_buf[256];   /* owned copy of the input file name */
    const char *src_file; /* where in our code: filled by DP_FAIL */
    int src_line;         /* line in src_file */
    const char *src_func; /* function in src_file */
    char msg[256];        /* fixed, so reporting DP_ENOMEM needs no memory */
} dp_error;

/* Fills *err (when err is not NULL) and returns code. The file name of at is
 * copied, so at may point to temporary storage. */
dp_status dp_error_set(dp_error *err, dp_status code, const dp_loc *at, const char *src_file,
                       int src_line, const char *src_func, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* Fills *err (when err is not NULL) and evaluates to code. */
#define DP_FAIL(err, code, at, ...) \
    dp_error_set((err), (code), (at), __FILE__, __LINE__, __func__, __VA_ARGS__)

/* Returns a short English name of a status code ("input error", ...). */
const char *dp_status_name(dp_status code);

/* Writes "file:line:column: error: msg\n" (the location parts that are known)
 * to f; with verbose also the C source location. */
void dp_error_print(const dp_error *err, FILE *f, bool verbose);

typedef enum dp_severity {
    DP_SEV_WARNING = 0, /* suspicious but usable */
    DP_SEV_ERROR = 1    /* the data cannot be used as it is */
} dp_severity;

/* One diagnostic: owned by its dp_diags. */
typedef struct dp_diag {
    dp_severity severity; /* error or warning */
    const char *file;     /* owned by the dp_diags; "" when unknown */
    unsigned line;        /* 1-based, 0 = whole file */
    unsigned column;      /* 1-based, 0 = whole line */
    const char *msg;      /* owned by the dp_diags */
    size_t seq;           /* insertion order: keeps the sort stable */
} dp_diag;

/* A growing list of diagnostics. Free with dp_diags_free(). */
typedef struct dp_diags dp_diags;

/* Returns a new, empty list; NULL on OOM. */
dp_diags *dp_diags_new(void);
void dp_diags_free(dp_diags *d); /* NULL: no-op */

/* Adds one diagnostic. The file name and message are copied. Returns
 * DP_ENOMEM when the copy fails (the list stays valid). At most max_diags (see
 * dp_diags_set_limit) are kept; the rest are counted but dropped. */
dp_status dp_diags_add(dp_diags *d, dp_severity sev, const dp_loc *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
dp_status dp_diags_addv(dp_diags *d, dp_severity sev, const dp_loc *at, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 0)))
#endif
    ;

/* Adds an error carried by a dp_error (severity error). */
dp_status dp_diags_add_error(dp_diags *d, const dp_error *err);

/* Keeps at most limit diagnostics (default 10000); later ones are only counted. */
void dp_diags_set_limit(dp_diags *d, size_t limit);

size_t dp_diags_count(const dp_diags *d);      /* kept + dropped */
size_t dp_diags_n_errors(const dp_diags *d);   /* errors, kept + dropped */
size_t dp_diags_n_warnings(const dp_diags *d); /* warnings, kept + dropped */

/* Sorts by file, line, column, then insertion order. */
void dp_diags_sort(dp_diags *d);

/* Returns diagnostic i (0 <= i < number kept); borrowed until the next add or free. */
const dp_diag *dp_diags_get(const dp_diags *d, size_t i);
size_t dp_diags_n_kept(const dp_diags *d);

/* Prints every kept diagnostic as "file:line:column: error|warning: msg", then
 * a line saying how many were dropped, if any. */
void dp_diags_print(const dp_diags *d, FILE *f);

#endif
