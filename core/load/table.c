/* core/load/table.c - reading one planner file as a table: the file's bytes,
 * its header mapped onto a schema, and field getters that report each bad
 * field at its file:line:column with what was expected.
 *
 * Header names are matched without regard to ASCII case, since spreadsheet
 * users capitalise them. An empty optional field always means "the default",
 * so getters leave the caller's default in place for it. */
#include "load_impl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dagplan/time.h"

bool dp__oom(dp__loader *ld)
{
    if (ld->fatal == DP_OK)
        ld->fatal =
            DP_FAIL(ld->err, DP_ENOMEM, NULL, "out of memory while loading %s", ld->src->dir);
    return false;
}

bool dp__grow(void **p, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    if (n > UINT32_MAX || n > SIZE_MAX / size)
        return false;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    *p = q;
    *cap = (uint32_t) n;
    return true;
}

#if defined(__GNUC__)
__attribute__((format(printf, 6, 0)))
#endif
static void
report_v(dp__loader *ld, dp_severity sev, const char *file, uint32_t line, uint32_t col,
         const char *fmt, va_list ap)
{
    dp_loc at = {file, line, col};

    if (dp_diags_addv(ld->diags, sev, &at, fmt, ap) != DP_OK)
        dp__oom(ld);
}

void dp__report(dp__table *t, dp_severity sev, uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report_v(t->ld, sev, t->file, line, col, fmt, ap);
    va_end(ap);
}

void dp__report_file(dp__loader *ld, dp_severity sev, const char *file, uint32_t line, uint32_t col,
                     const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report_v(ld, sev, file, line, col, fmt, ap);
    va_end(ap);
}

const char *dp__quote(const dp__csv_field *f, char *buf, size_t size)
{
    size_t n = 0, max = size - 4; /* room for "..." and the NUL */

    for (size_t i = 0; i < f->len; i++) {
        unsigned char c = (unsigned char) f->s[i];
        /* Stop at a character boundary, so the message stays valid UTF-8. */
        if (n >= max && (c & 0xC0) != 0x80) {
            memcpy(buf + n, "...", 3);
            n += 3;
            break;
        }
        if (n >= max)
            continue;
        buf[n++] = c < 0x20 ? ' ' : (char) c;
    }
    buf[n] = '\0';
    return buf;
}

/* Reads file into a malloc'd NUL-terminated buffer. Returns 1 read, 0 absent,
 * -1 reported (unreadable, too large) or OOM. */
static int read_mem(dp__loader *ld, const char *file, char **buf, size_t *len)
{
    for (size_t i = 0; i < ld->src->n_files; i++) {
        const dp__load_file *lf = &ld->src->files[i];
        if (strcmp(lf->name, file) != 0)
            continue;
        *buf = malloc(lf->len + 1);
        if (!*buf) {
            dp__oom(ld);
            return -1;
        }
        if (lf->len)
            memcpy(*buf, lf->data, lf->len);
        (*buf)[lf->len] = '\0';
        *len = lf->len;
        return 1;
    }
    return 0;
}

static int read_disk(dp__loader *ld, const char *file, char **buf, size_t *len)
{
    char path[4096];
    struct stat st;
    FILE *f;

    if (snprintf(path, sizeof path, "%s/%s", ld->src->dir, file) >= (int) sizeof path) {
        dp__report_file(ld, DP_SEV_ERROR, file, 0, 0, "the directory's path is too long");
        return -1;
    }
    f = fopen(path, "rb");
    if (!f && errno == ENOENT)
        return 0;
    if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        dp__report_file(ld, DP_SEV_ERROR, file, 0, 0, "cannot read %s: %s", path,
                        f ? "not a regular file" : strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    if ((unsigned long long) st.st_size > DP__CSV_MAX_FILE) {
        dp__report_file(ld, DP_SEV_ERROR, file, 0, 0, "file is larger than %u MiB",
                        DP__CSV_MAX_FILE / (1024u * 1024u));
        fclose(f);
        return -1;
    }
    *len = (size_t) st.st_size;
    *buf = malloc(*len + 1);
    if (!*buf) {
        fclose(f);
        dp__oom(ld);
        return -1;
    }
    size_t got = fread(*buf, 1, *len, f);
    fclose(f);
    (*buf)[got] = '\0';
    *len = got; /* the file may have shrunk meanwhile; what was read is checked */
    return 1;
}

bool dp__table_exists(dp__loader *ld, const char *file)
{
    if (ld->src->files) {
        for (size_t i = 0; i < ld->src->n_files; i++)
            if (strcmp(ld->src->files[i].name, file) == 0)
                return true;
        return false;
    }
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", ld->src->dir, file);
    return stat(path, &st) == 0;
}

static uint32_t count_lines(const char *s, size_t len)
{
    size_t n = 1;

    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n' || s[i] == '\r';
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t) n;
}

static void list_columns(const dp__col *cols, int n, bool required_only, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++) {
        if (required_only && !cols[i].required)
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", cols[i].name);
        used += w > 0 ? (size_t) w : 0;
    }
}

/* Maps the header fields onto the schema; false when a required column is missing. */
static bool map_header(dp__table *t)
{
    char list[256];
    const dp__csv *r = &t->csv;

    for (uint32_t h = 0; h < r->n_fields; h++) {
        const dp__csv_field *f = &r->fields[h];
        int ci = 0;
        while (ci < t->n_cols && strcasecmp(t->cols[ci].name, f->s) != 0)
            ci++;
        char q[64];
        if (ci == t->n_cols) {
            if (f->len == 0)
                continue; /* a trailing separator */
            list_columns(t->cols, t->n_cols, false, list, sizeof list);
            dp__report(t, DP_SEV_WARNING, f->line, f->col,
                       "unknown column '%s' is ignored (expected one of: %s)",
                       dp__quote(f, q, sizeof q), list);
        } else if (t->idx[ci] >= 0) {
            dp__report(t, DP_SEV_ERROR, f->line, f->col,
                       "column '%s' appears twice (first at column %u)", dp__quote(f, q, sizeof q),
                       r->fields[t->idx[ci]].col);
        } else {
            t->idx[ci] = (int) h;
        }
    }
    bool ok = true;
    for (int ci = 0; ci < t->n_cols; ci++) {
        if (t->cols[ci].required && t->idx[ci] < 0) {
            dp__report(t, DP_SEV_ERROR, r->fields[0].line, 1,
                       "missing required column '%s' in the header line", t->cols[ci].name);
            ok = false;
        }
    }
    return ok;
}

static void report_csv_error(dp__table *t, const dp_error *e)
{
    if (e->code == DP_ENOMEM) {
        dp__oom(t->ld);
        return;
    }
    dp__report(t, DP_SEV_ERROR, e->at.line, e->at.column, "%s", e->msg);
    t->partial = true;
}

dp_status dp__table_open(dp__loader *ld, dp__table *t, const char *file, const dp__col *cols,
                         int n_cols, bool required)
{
    dp_error e = {0};
    int got;

    memset(t, 0, sizeof *t);
    t->ld = ld;
    t->file = file;
    t->cols = cols;
    t->n_cols = n_cols;
    for (int i = 0; i < DP__MAX_COLS; i++)
        t->idx[i] = -1;
    got = ld->src->files ? read_mem(ld, file, &t->buf, &t->len)
                         : read_disk(ld, file, &t->buf, &t->len);
    if (got == 0 && required)
        dp__report_file(ld, DP_SEV_ERROR, file, 0, 0, "missing required file %s", file);
    if (got <= 0)
        return ld->fatal;
    t->max_rows = count_lines(t->buf, t->len);
    if (dp__csv_init(&t->csv, file, t->buf, t->len, &e) != DP_OK ||
        dp__csv_next(&t->csv, &e) != DP_OK) {
        report_csv_error(t, &e);
        return ld->fatal;
    }
    if (t->csv.n_fields == 0) {
        char list[256];
        list_columns(cols, n_cols, true, list, sizeof list);
        dp__report(t, DP_SEV_ERROR, 1, 1, "empty file: expected a header line with the columns %s",
                   list);
        return ld->fatal;
    }
    t->n_header = t->csv.n_fields;
    t->ok = map_header(t);
    return ld->fatal;
}

static bool row_is_empty(const dp__csv *r)
{
    for (uint32_t i = 0; i < r->n_fields; i++)
        if (r->fields[i].len)
            return false;
    return true;
}

bool dp__table_next(dp__table *t)
{
    dp_error e = {0};

    if (!t->ok || t->ld->fatal != DP_OK)
        return false;
    do {
        if (dp__csv_next(&t->csv, &e) != DP_OK) {
            report_csv_error(t, &e);
            t->ok = false;
            return false;
        }
        if (t->csv.n_fields == 0)
            return false;
    } while (row_is_empty(&t->csv));
    for (uint32_t i = t->n_header; i < t->csv.n_fields; i++) {
        const dp__csv_field *f = &t->csv.fields[i];
        if (f->len) {
            dp__report(t, DP_SEV_ERROR, f->line, f->col,
                       "field %u is beyond the header's %u columns: expected at most %u fields",
                       i + 1, t->n_header, t->n_header);
            break;
        }
    }
    return true;
}

void dp__table_close(dp__table *t)
{
    dp__csv_release(&t->csv);
    free(t->buf);
    t->buf = NULL;
}

const dp__csv_field *dp__field(dp__table *t, int ci)
{
    int h = t->idx[ci];
    dp__csv_field *tmp = &t->tmp;

    if (h >= 0 && (uint32_t) h < t->csv.n_fields)
        return &t->csv.fields[h];
    tmp->s = t->csv.end; /* always "\0" */
    tmp->len = 0;
    tmp->line = t->csv.row_line;
    tmp->col = t->csv.row_end_col;
    tmp->quoted = false;
    return tmp;
}

/* Returns the field, or NULL when it is empty (reported when required). */
static const dp__csv_field *nonempty(dp__table *t, int ci, const char *what)
{
    const dp__csv_field *f = dp__field(t, ci);

    if (f->len)
        return f;
    if (t->cols[ci].required)
        dp__report(t, DP_SEV_ERROR, f->line, f->col,
                   "expected %s in column '%s', got an empty field", what, t->cols[ci].name);
    return NULL;
}

bool dp__get_text(dp__table *t, int ci, const char *what, const char **s, uint32_t *len)
{
    const dp__csv_field *f = nonempty(t, ci, what);

    if (!f) {
        *s = "";
        *len = 0;
        return !t->cols[ci].required;
    }
    *s = f->s;
    *len = f->len;
    return true;
}

size_t dp__id_check(const char *s, size_t len, bool *ok)
{
    *ok = false;
    if (len == 0 || len > 64)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool good = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
        if (!good)
            return i;
    }
    *ok = true;
    return len;
}

static bool check_id_field(dp__table *t, const dp__csv_field *f, const char *what)
{
    bool ok;
    size_t bad = dp__id_check(f->s, f->len, &ok);
    char q[64];

    if (!ok)
        dp__report(t, DP_SEV_ERROR, f->line, dp__csv_col_at(f, bad),
                   "expected a %s of 1 to 64 letters, digits, '_', '.' or '-', got '%s'", what,
                   dp__quote(f, q, sizeof q));
    return ok;
}

bool dp__get_new_id(dp__table *t, int ci, const char *what, const char **s, uint32_t *len)
{
    const dp__csv_field *f = nonempty(t, ci, what);

    if (!f || !check_id_field(t, f, what))
        return false;
    *s = f->s;
    *len = f->len;
    return true;
}

static const char *const kind_what[DP_N_KINDS] = {"child",   "location",      "activity",
                                                  "section", "staff member",  "theme",
                                                  "family",  "neighbourhood", "care group"};
static const char *const kind_source[DP_N_KINDS] = {
    "children.csv", "locations.csv", "activities.csv",
    "sections.csv", "staff.csv",     "activities.csv",
    "children.csv", "children.csv",  "the care_group column of children.csv"};

bool dp__get_ref(dp__table *t, int ci, dp_kind kind, dp_id *out)
{
    char what[64], q[64];

    snprintf(what, sizeof what, "a %s id", kind_what[kind]);
    const dp__csv_field *f = nonempty(t, ci, what);
    if (!f) {
        *out = DP_NONE;
        return !t->cols[ci].required;
    }
    dp_id id = dp_model_find(t->ld->m, kind, f->s, f->len);
    if (id == DP_NONE) {
        if (!t->ld->broken[kind])
            dp__report(t, DP_SEV_ERROR, f->line, f->col, "unknown %s '%s': expected an id from %s",
                       kind_what[kind], dp__quote(f, q, sizeof q), kind_source[kind]);
        return false;
    }
    *out = id;
    return true;
}

/* Parses an optionally signed decimal integer; false on anything else. */
static bool parse_long(const char *s, size_t len, long *out)
{
    size_t i = 0;
    bool neg = false;
    long v = 0;

    if (len && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len || len - i > 9)
        return false;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

bool dp__get_int(dp__table *t, int ci, const char *what, long lo, long hi, long *out)
{
    const dp__csv_field *f = nonempty(t, ci, what);
    long v;
    char q[64];

    if (!f)
        return !t->cols[ci].required;
    if (!parse_long(f->s, f->len, &v) || v < lo || v > hi) {
        dp__report(t, DP_SEV_ERROR, f->line, f->col, "expected %s between %ld and %ld, got '%s'",
                   what, lo, hi, dp__quote(f, q, sizeof q));
        return false;
    }
    *out = v;
    return true;
}

bool dp__get_time(dp__table *t, int ci, int *minutes)
{
    const dp__csv_field *f = nonempty(t, ci, "a time HH:MM");
    char q[64];

    if (!f)
        return false;
    if (dp_time_parse(f->s, f->len, minutes) != 0) {
        dp__report(t, DP_SEV_ERROR, f->line, f->col,
                   "expected a time HH:MM between 00:00 and 24:00, got '%s'",
                   dp__quote(f, q, sizeof q));
        return false;
    }
    return true;
}

bool dp__get_day(dp__table *t, int ci, int *day)
{
    const dp__csv_field *f = nonempty(t, ci, "a day mon..sun");
    char q[64];

    if (!f)
        return false;
    *day = dp_day_parse(f->s, f->len);
    if (*day < 0) {
        dp__report(t, DP_SEV_ERROR, f->line, f->col,
                   "expected a day mon, tue, wed, thu, fri, sat or sun, got '%s'",
                   dp__quote(f, q, sizeof q));
        return false;
    }
    return true;
}

bool dp__get_flag(dp__table *t, int ci, bool *out)
{
    const dp__csv_field *f = nonempty(t, ci, "0 or 1");
    char q[64];

    if (!f)
        return !t->cols[ci].required;
    if (f->len != 1 || (f->s[0] != '0' && f->s[0] != '1')) {
        dp__report(t, DP_SEV_ERROR, f->line, f->col, "expected 0 or 1 in column '%s', got '%s'",
                   t->cols[ci].name, dp__quote(f, q, sizeof q));
        return false;
    }
    *out = f->s[0] == '1';
    return true;
}

bool dp__get_date(dp__table *t, int ci, int32_t *days)
{
    const dp__csv_field *f = nonempty(t, ci, "a date YYYY-MM-DD");
    char q[64];

    if (!f)
        return !t->cols[ci].required;
    if (dp_date_parse(f->s, f->len, days) != 0) {
        dp__report(t, DP_SEV_ERROR, f->line, f->col,
                   "expected a date YYYY-MM-DD between 1900 and 2199, got '%s'",
                   dp__quote(f, q, sizeof q));
        return false;
    }
    return true;
}

const char *dp__get_str(dp__table *t, int ci, const char *what)
{
    const char *s, *copy;
    uint32_t len;

    if (!dp__get_text(t, ci, what, &s, &len) || len == 0)
        return "";
    copy = dp__model_strdup(t->ld->mm, s, len);
    if (!copy) {
        dp__oom(t->ld);
        return "";
    }
    return copy;
}

/* Reads the new id of an entity row and interns it in kind; reports a
 * duplicate. Returns the dense id or DP_NONE (the row is to be skipped). */
dp_id dp__entity_id(dp__table *t, int ci, dp_kind kind, const char *what)
{
    dp__loader *ld = t->ld;
    const char *id;
    uint32_t len;
    int added;

    if (!dp__get_new_id(t, ci, what, &id, &len))
        return DP_NONE;
    dp_id k = dp__intern_add(&t->ld->mm->ids[kind], id, len, &added);
    if (k == DP_NONE) {
        dp__oom(t->ld);
        return DP_NONE;
    }
    const dp__csv_field *f = dp__field(t, ci);
    if (!added) {
        dp__report(t, DP_SEV_ERROR, f->line, f->col, "duplicate %s '%s' (first at line %u)", what,
                   f->s, ld->id_line[kind][k]);
        return DP_NONE;
    }
    if (!dp__grow((void **) &ld->id_line[kind], &ld->id_line_cap[kind], k + 1, sizeof(uint32_t))) {
        dp__oom(ld);
        return DP_NONE;
    }
    ld->id_line[kind][k] = f->line;
    return k;
}

dp_id dp__intern_name(dp__loader *ld, dp_kind kind, const char *s, size_t len)
{
    dp_id id = dp__intern_add(&ld->mm->ids[kind], s, len, NULL);

    if (id == DP_NONE)
        dp__oom(ld);
    return id;
}
