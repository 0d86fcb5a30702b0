/* core/diags.c - the list of problems that `dagplan check` reports.
 *
 * A check must report every problem, so loaders add to a dp_diags and go on
 * instead of stopping at the first. Each entry owns copies of its file name
 * and message. The list is capped (a file of a million bad lines should not
 * take a gigabyte to describe); entries past the cap are only counted. */
#include "dagplan/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A kept diagnostic with the owned copies its public view points at. */
typedef struct item {
    dp_diag pub; /* what dp_diags_get returns */
    char *file;  /* owned; pub.file points here */
    char *msg;   /* owned; pub.msg points here */
} item;

struct dp_diags {
    item *items;       /* kept diagnostics */
    size_t n, cap;     /* kept, allocated */
    size_t limit;      /* most kept */
    size_t n_dropped;  /* counted but not kept */
    size_t n_errors;   /* errors, kept and dropped */
    size_t n_warnings; /* warnings, kept and dropped */
    size_t seq;        /* next insertion number */
};

dp_diags *dp_diags_new(void)
{
    dp_diags *d = calloc(1, sizeof *d);

    if (d)
        d->limit = 10000;
    return d;
}

void dp_diags_free(dp_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].msg);
    }
    free(d->items);
    free(d);
}

void dp_diags_set_limit(dp_diags *d, size_t limit)
{
    d->limit = limit;
}

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);

    if (p)
        memcpy(p, s, n);
    return p;
}

dp_status dp_diags_addv(dp_diags *d, dp_severity sev, const dp_loc *at, const char *fmt, va_list ap)
{
    char buf[1024];
    item *it;

    if (sev == DP_SEV_ERROR)
        d->n_errors++;
    else
        d->n_warnings++;
    if (d->n >= d->limit) {
        d->n_dropped++;
        return DP_OK;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        item *items = realloc(d->items, cap * sizeof *items);
        if (!items)
            return DP_ENOMEM;
        d->items = items;
        d->cap = cap;
    }
    vsnprintf(buf, sizeof buf, fmt, ap);
    it = &d->items[d->n];
    it->file = copy_string(at && at->file ? at->file : "");
    it->msg = copy_string(buf);
    if (!it->file || !it->msg) {
        free(it->file);
        free(it->msg);
        return DP_ENOMEM;
    }
    it->pub.file = it->file;
    it->pub.msg = it->msg;
    it->pub.severity = sev;
    it->pub.line = at ? at->line : 0;
    it->pub.column = at ? at->column : 0;
    it->pub.seq = d->seq++;
    d->n++;
    return DP_OK;
}

dp_status dp_diags_add(dp_diags *d, dp_severity sev, const dp_loc *at, const char *fmt, ...)
{
    va_list ap;
    dp_status rc;

    va_start(ap, fmt);
    rc = dp_diags_addv(d, sev, at, fmt, ap);
    va_end(ap);
    return rc;
}

dp_status dp_diags_add_error(dp_diags *d, const dp_error *err)
{
    return dp_diags_add(d, DP_SEV_ERROR, &err->at, "%s", err->msg);
}

size_t dp_diags_count(const dp_diags *d)
{
    return d->n + d->n_dropped;
}

size_t dp_diags_n_errors(const dp_diags *d)
{
    return d->n_errors;
}

size_t dp_diags_n_warnings(const dp_diags *d)
{
    return d->n_warnings;
}

size_t dp_diags_n_kept(const dp_diags *d)
{
    return d->n;
}

const dp_diag *dp_diags_get(const dp_diags *d, size_t i)
{
    return i < d->n ? &d->items[i].pub : NULL;
}

static int compare_diags(const void *pa, const void *pb)
{
    const dp_diag *a = &((const item *) pa)->pub, *b = &((const item *) pb)->pub;
    int c = strcmp(a->file, b->file);

    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void dp_diags_sort(dp_diags *d)
{
    if (d->n > 1)
        qsort(d->items, d->n, sizeof *d->items, compare_diags);
}

void dp_diags_print(const dp_diags *d, FILE *f)
{
    for (size_t i = 0; i < d->n; i++) {
        const dp_diag *x = &d->items[i].pub;
        if (x->file[0]) {
            fprintf(f, "%s:", x->file);
            if (x->line) {
                fprintf(f, "%u:", x->line);
                if (x->column)
                    fprintf(f, "%u:", x->column);
            }
            fputc(' ', f);
        }
        fprintf(f, "%s: %s\n", x->severity == DP_SEV_ERROR ? "error" : "warning", x->msg);
    }
    if (d->n_dropped)
        fprintf(f, "... and %zu more problems not shown\n", d->n_dropped);
}
