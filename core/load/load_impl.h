/* core/load/load_impl.h - the loader's internals: the load context, CSV
 * tables with a column schema, and field getters that report. Not installed.
 *
 * Loading runs file by file in dependency order (locations, travel,
 * centre.lua, staff, activities, sections, sessions, children, availability,
 * school, choices, rota), then cross-file checks and the final grouping of the
 * model's arrays. Every problem becomes a diagnostic and loading goes on; a
 * row with a bad field is skipped (entity rows keep their id, so that later
 * references to them do not pile up follow-on errors). When the file that
 * defines a kind of id could not be read, references to that kind are not
 * reported as unknown: the first error already says what is wrong.
 *
 * Only DP_ENOMEM (and DP_EIO for the directory itself) stops a load early. */
#ifndef DAGPLAN_LOAD_IMPL_H
#define DAGPLAN_LOAD_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "dagplan/error.h"
#include "dagplan/load.h"
#include "dagplan/model.h"
#include "model_impl.h"
#include "rules/centre_conf.h"

#define DP__MAX_LOCATIONS  4096 /* the travel matrix is n x n */
#define DP__MAX_CANDIDATES 32   /* candidate starts of one session */
#define DP__MAX_COLS       16   /* columns in one schema */

/* One file given in memory instead of on disk (tests and fuzzing). */
typedef struct dp__load_file {
    const char *name; /* "children.csv" */
    const char *data; /* contents (borrowed; need not be NUL-terminated) */
    size_t len;       /* bytes */
} dp__load_file;

/* Where a centre is read from. */
typedef struct dp__load_src {
    const char *dir;            /* the centre directory (stored in the model) */
    const dp__load_file *files; /* non-NULL: read only these, never the disk */
    size_t n_files;             /* entries in files */
    const dp_centre_conf *conf; /* non-NULL: these settings instead of running centre.lua */
    int32_t week_monday;        /* the week loaded for (dp_load_centre_week), 0: the template */
} dp__load_src;

/* Loads a centre from src; the contract of dp_load_centre() otherwise. */
dp_status dp__load_centre_src(const dp__load_src *src, dp_diags *diags, dp_model **out,
                              dp_error *err);

/* Per-session data needed until the sessions are grouped. */
typedef struct dp__sess_tmp {
    dp_session s;      /* section, minutes, slot0/n_slots into the loader's tmp_slots */
    uint32_t min_col;  /* column of the minutes field */
    uint32_t file_idx; /* row order, for a stable sort */
} dp__sess_tmp;

typedef struct dp__loader {
    dp__model *mm;                    /* the model being built */
    dp_model *m;                      /* &mm->pub */
    dp_diags *diags;                  /* where problems go */
    const dp__load_src *src;          /* where files come from */
    dp_error *err;                    /* for DP_ENOMEM and DP_EIO */
    dp_status fatal;                  /* DP_OK, or why loading stopped */
    bool broken[DP_N_KINDS];          /* the ids of that kind are incomplete */
    uint32_t *id_line[DP_N_KINDS];    /* line that defined each dense id (malloc'd) */
    uint32_t id_line_cap[DP_N_KINDS]; /* allocated entries of id_line[kind] */
    bool centre_ok;                   /* centre.lua loaded and home resolved */
    uint32_t *loc_line;               /* [n_loc * n_loc] travel.csv line of an explicit row */
    dp__sess_tmp *sess;               /* sessions in file order (malloc'd) */
    uint32_t n_sess;                  /* used */
    dp_slot *tmp_slots;               /* slots in file order (malloc'd) */
    uint32_t n_tmp_slots, cap_tmp_slots;
    uint32_t *choice_col;        /* by choices[] index: column of rank, then of activity */
    uint32_t *window_col;        /* by windows[] index: column of from */
    struct dp_sandbox *rules_sb; /* centre.lua's state with its recorded rules */
    dp_date_range *ranges;       /* sections' dates while reading sections.csv (malloc'd) */
    uint32_t n_ranges, cap_ranges;
    bool *choice_carried;  /* by choices[] index: counts only through a multi-week range */
    dp_choice *other_week; /* choices.csv rows of other weeks (child, activity), for pins */
    uint32_t n_other_week, cap_other_week;
} dp__loader;

/* A column of a file's schema. */
typedef struct dp__col {
    const char *name; /* header text */
    bool required;    /* the column must exist (and its fields be non-empty) */
} dp__col;

/* An open CSV file whose header is mapped onto a schema. */
typedef struct dp__table {
    dp__loader *ld;        /* the load */
    const char *file;      /* "children.csv" */
    char *buf;             /* the file's bytes (malloc'd, NUL-terminated) */
    size_t len;            /* bytes */
    dp__csv csv;           /* the reader */
    const dp__col *cols;   /* schema */
    int n_cols;            /* columns in the schema */
    int idx[DP__MAX_COLS]; /* header position of each schema column, -1 when absent */
    uint32_t n_header;     /* fields in the header */
    uint32_t max_rows;     /* upper bound of the data rows (line breaks + 1) */
    bool ok;               /* the table can be read (file, header, required columns) */
    bool partial;          /* a syntax error ended it early */
    dp__csv_field tmp;     /* what dp__field returns for an absent field */
} dp__table;

/* Opens file against a schema and reports a missing file (when required), an
 * empty file, a missing or repeated column and an unknown column (warning).
 * t->ok tells whether rows can be read. Returns DP_OK or a fatal status. */
dp_status dp__table_open(dp__loader *ld, dp__table *t, const char *file, const dp__col *cols,
                         int n_cols, bool required);

/* Whether the optional file exists (on disk or in memory). */
bool dp__table_exists(dp__loader *ld, const char *file);

/* Reads the next data row; false at the end or after a syntax error (then
 * reported and t->partial set). Rows whose fields are all empty are skipped;
 * a non-empty field beyond the header's columns is reported. */
bool dp__table_next(dp__table *t);

void dp__table_close(dp__table *t);

/* The field of schema column ci in the current row; an absent column or a
 * short row yields an empty field placed at the end of the row. */
const dp__csv_field *dp__field(dp__table *t, int ci);

/* Adds a diagnostic at a place of t's file. */
void dp__report(dp__table *t, dp_severity sev, uint32_t line, uint32_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Adds a diagnostic at a file of the load (line and column may be 0). */
void dp__report_file(dp__loader *ld, dp_severity sev, const char *file, uint32_t line, uint32_t col,
                     const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Writes an excerpt of f's text fit to quote in a message into buf. */
const char *dp__quote(const dp__csv_field *f, char *buf, size_t size);

/* Field getters. Each reports a problem at the field and returns false; an
 * empty optional field leaves the default and returns true. */
const char *dp__get_str(dp__table *t, int ci, const char *what); /* arena copy, "" when empty */
bool dp__get_text(dp__table *t, int ci, const char *what, const char **s, uint32_t *len);
bool dp__get_new_id(dp__table *t, int ci, const char *what, const char **s, uint32_t *len);
bool dp__get_ref(dp__table *t, int ci, dp_kind kind, dp_id *out);
bool dp__get_int(dp__table *t, int ci, const char *what, long lo, long hi, long *out);
bool dp__get_time(dp__table *t, int ci, int *minutes);
bool dp__get_day(dp__table *t, int ci, int *day);
bool dp__get_flag(dp__table *t, int ci, bool *out);
bool dp__get_date(dp__table *t, int ci, int32_t *days);

/* Whether s[0..len) is an id: [A-Za-z0-9_.-]{1,64}. Returns the offset of
 * the first bad byte, or len when it is one (an empty or too long s: 0). */
size_t dp__id_check(const char *s, size_t len, bool *ok);

/* Reads the new id of an entity row from column ci, interns it in kind and
 * records its line; reports a bad or duplicate id (naming the first line).
 * Returns the dense id, or DP_NONE when the row is to be skipped. */
dp_id dp__entity_id(dp__table *t, int ci, dp_kind kind, const char *what);

/* Interns a name (theme, family, ...) of kind; DP_NONE after OOM (recorded). */
dp_id dp__intern_name(dp__loader *ld, dp_kind kind, const char *s, size_t len);

/* Records an out-of-memory condition; returns false. */
bool dp__oom(dp__loader *ld);

/* Grows *p (of *cap elements of size bytes) to hold need; false on OOM. */
bool dp__grow(void **p, uint32_t *cap, uint32_t need, size_t size);

/* The files, in the order they are loaded. */
void dp__load_locations(dp__loader *ld);
void dp__load_travel(dp__loader *ld);
void dp__load_conf(dp__loader *ld);

/* Compiles centre.lua's rules against the loaded model (core/load/rules.c). */
void dp__load_rules(dp__loader *ld);
void dp__load_staff(dp__loader *ld);
void dp__load_activities(dp__loader *ld);
void dp__load_sections(dp__loader *ld);
void dp__load_sessions(dp__loader *ld);
void dp__load_children(dp__loader *ld);
void dp__load_availability(dp__loader *ld);
void dp__load_school(dp__loader *ld);
void dp__load_choices(dp__loader *ld);
void dp__load_rota(dp__loader *ld);
void dp__load_pins(dp__loader *ld); /* after dp__check_choices */
void dp__load_closures(dp__loader *ld);

/* Summer and holiday programmes (dates.c): sections.csv `dates`, choices.csv
 * `week` and the week selection of dp_load_centre_week. */
void dp__section_dates(dp__table *t, int ci, dp_section *s); /* parses the field into s */
void dp__sections_dates_done(dp__loader *ld);                /* moves them into the model */
/* Whether the choice row's `week` (column ci) counts in the loaded week; reports
 * a bad week. *carried: it counts only through a multi-week date range. */
bool dp__choice_week(dp__table *t, int ci, dp_id activity, bool *ok, bool *carried);
void dp__select_week(dp__loader *ld); /* after dp__check_sessions */

/* Cross-file checks and the final grouping (checks.c). */
void dp__check_windows(dp__loader *ld);
void dp__check_choices(dp__loader *ld);
void dp__check_sessions(dp__loader *ld);
void dp__finish_names(dp__loader *ld);

#endif
