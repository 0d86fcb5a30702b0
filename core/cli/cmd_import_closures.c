/* core/cli/cmd_import_closures.c - `dagplan import-closures DIR FILE.ics`:
 * add the school holidays of an iCalendar file to the centre's closures.csv
 * (issue 7).
 *
 * The centre is loaded first (so the existing closures.csv is valid), every
 * event of the file is read, and the result is checked as a whole: an event
 * equal to an existing closure is skipped (importing a file twice changes
 * nothing), one that overlaps another closure is an error naming both. Only
 * when nothing is wrong is closures.csv rewritten, sorted by date, by
 * write-then-rename. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "dagplan/buf.h"
#include "dagplan/closures.h"
#include "dagplan/time.h"

static const char help[] =
    "Usage: dagplan import-closures DIR FILE.ics [--kind holiday|studyday|closed]\n\n"
    "Adds every event of FILE.ics (school holidays as schools and the government\n"
    "publish them) to DIR/closures.csv: the event's DTSTART..DTEND days, its\n"
    "SUMMARY as the name. The kind is holiday, or studyday for an event whose\n"
    "summary mentions a study day; --kind sets it for every event. An event equal\n"
    "to an existing closure is skipped. A file without events, an event without\n"
    "dates and closures that overlap are errors, and then nothing is changed.\n"
    "Exit status: 0 imported, 1 an error (nothing changed), 2 wrong usage.\n";

static const char *const kind_names[] = {"", "holiday", "studyday", "closed"};

typedef struct row {
    int32_t from, to;
    dp_closure_kind kind;
    const char *name;
    const char *file; /* where it comes from, for messages */
    unsigned line;
} row;

static int compare_rows(const void *pa, const void *pb)
{
    const row *a = pa, *b = pb;

    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    return (a->to > b->to) - (a->to < b->to);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < (64L << 20) &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t) n + 1)) != NULL) {
        if (fread(buf, 1, (size_t) n, f) != (size_t) n) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = '\0';
            *len = (size_t) n;
        }
    }
    fclose(f);
    return buf;
}

static void csv_field(dp_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n;")) {
        dp_buf_puts(b, s);
        return;
    }
    dp_buf_puts(b, "\"");
    for (; *s; s++)
        dp_buf_append(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
    dp_buf_puts(b, "\"");
}

static int write_closures(const char *dir, const row *rows, size_t n)
{
    char path[4096], a[16], z[16];
    dp_buf b;
    dp_error err = {0};

    if (snprintf(path, sizeof path, "%s/closures.csv", dir) >= (int) sizeof path) {
        fprintf(stderr, "dagplan import-closures: %s: path too long\n", dir);
        return 1;
    }
    dp_buf_init(&b);
    dp_buf_puts(&b, "date_from,date_to,kind,name\n");
    for (size_t i = 0; i < n; i++) {
        dp_date_format(rows[i].from, a);
        dp_date_format(rows[i].to, z);
        dp_buf_printf(&b, "%s,%s,%s,", a, z, kind_names[rows[i].kind]);
        csv_field(&b, rows[i].name);
        dp_buf_puts(&b, "\n");
    }
    dp_status rc = dp_buf_status(&b, &err);
    if (rc == DP_OK)
        rc = dp_buf_write_file(&b, path, &err);
    dp_buf_release(&b);
    if (rc != DP_OK) {
        fprintf(stderr, "dagplan import-closures: ");
        dp_error_print(&err, stderr, false);
        return 1;
    }
    return 0;
}

/* Checks the new rows against the old and each other; returns the errors. */
static size_t check_overlaps(row *all, size_t n, dp_diags *diags)
{
    size_t errors = 0;
    char a[16], z[16];

    qsort(all, n, sizeof *all, compare_rows);
    const row *reach = NULL;
    for (size_t i = 0; i < n; i++) {
        if (reach && all[i].from <= reach->to) {
            const row *late = &all[i], *other = reach;
            if (strcmp(late->file, "closures.csv") == 0) { /* report at the imported one */
                late = reach;
                other = &all[i];
            }
            dp_loc at = {late->file, late->line, 1};
            dp_date_format(other->from, a);
            dp_date_format(other->to, z);
            dp_diags_add(diags, DP_SEV_ERROR, &at,
                         "closure '%s' overlaps '%s' (%s to %s, %s line %u): expected closures "
                         "that do not share a day",
                         late->name, other->name, a, z, other->file, other->line);
            errors++;
        }
        if (!reach || all[i].to > reach->to)
            reach = &all[i];
    }
    return errors;
}

int dp__cmd_import_closures(int argc, char **argv)
{
    dp_opt opts[] = {DP_OPT("kind", true)};
    size_t n_opts = sizeof opts / sizeof *opts;
    dp_args args;
    dp_closure_kind kind = DP_CLOSURE_HOLIDAY;
    dp_model *m = NULL;
    dp_ics_closure *ics = NULL;
    size_t n_ics = 0, len = 0, n = 0, skipped = 0;
    dp_error err = {0};
    int status = 1;

    if (dp__args_parse(argc, argv, opts, n_opts, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        return 0;
    }
    if (args.n_positional != 2) {
        fputs(help, stderr);
        return 2;
    }
    const char *dir = args.positional[0], *file = args.positional[1];
    const char *k = dp__args_get(opts, n_opts, "kind")->value;
    if (k) {
        kind = 0;
        for (int i = 1; i <= 3; i++)
            if (strcmp(k, kind_names[i]) == 0)
                kind = (dp_closure_kind) i;
        if (!kind) {
            fprintf(stderr,
                    "dagplan import-closures: --kind expects holiday, studyday or closed, got "
                    "'%s'\n",
                    k);
            return 2;
        }
    }
    char *text = read_file(file, &len);
    if (!text) {
        fprintf(stderr, "dagplan import-closures: cannot read %s: %s\n", file,
                errno ? strerror(errno) : "too large");
        return 1;
    }
    if (dp__cli_load("import-closures", dir, &m) != 0) {
        free(text);
        return 1;
    }
    dp_diags *diags = dp_diags_new();
    row *all = NULL;
    if (!diags)
        goto done;
    dp_status rc =
        dp_closures_read_ics(text, len, file, kind, k != NULL, &ics, &n_ics, diags, &err);
    if (rc != DP_OK && rc != DP_EINPUT) {
        dp_error_print(&err, stderr, false);
        goto done;
    }
    if (rc == DP_OK) {
        all = calloc(m->n_closures + n_ics + 1, sizeof *all);
        if (!all)
            goto done;
        for (uint32_t i = 0; i < m->n_closures; i++) {
            const dp_closure *c = &m->closures[i];
            all[n++] = (row){c->from_day, c->to_day, c->kind, c->name, "closures.csv", c->line};
        }
        for (size_t i = 0; i < n_ics; i++) {
            const dp_ics_closure *c = &ics[i];
            bool dup = false;
            for (size_t j = 0; j < n && !dup; j++)
                dup =
                    all[j].from == c->from_day && all[j].to == c->to_day && all[j].kind == c->kind;
            if (dup) {
                skipped++;
                continue;
            }
            all[n++] = (row){c->from_day, c->to_day, c->kind, c->name, file, c->line};
        }
        check_overlaps(all, n, diags);
    }
    dp_diags_sort(diags);
    dp_diags_print(diags, stderr);
    if (dp_diags_n_errors(diags)) {
        fprintf(stderr, "dagplan import-closures: %zu errors; nothing was changed\n",
                dp_diags_n_errors(diags));
        goto done;
    }
    if (write_closures(dir, all, n) != 0)
        goto done;
    printf("imported %zu closure%s from %s into %s/closures.csv (%zu already there)\n",
           n_ics - skipped, n_ics - skipped == 1 ? "" : "s", file, dir, skipped);
    status = 0;
done:
    free(all);
    free(ics);
    free(text);
    dp_diags_free(diags);
    dp_model_free(m);
    return status;
}
