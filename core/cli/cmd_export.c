/* core/cli/cmd_export.c - `dagplan export DIR --lp FILE | --ics OUTDIR`: write
 * the centre out in other formats.
 *
 * Each format is one entry of the table below: its option, whether the option
 * names a file or a directory, and the function that writes it. `--lp` writes
 * the exact MIP of the standard problem (fixed-time instances only); later
 * formats (`--ics OUTDIR`, the calendar feeds of the latest schedule) join the
 * table. Several formats may be given at once; they are written in table
 * order and the first failure stops the rest. Files are written by rename, so
 * a failed export leaves any earlier file intact. Options that only modify a
 * format (--weeks, --week, --school, --db for --ics) follow the table. */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "dagplan/export.h"
#include "export_ics.h"

static const char help[] =
    "Usage: dagplan export DIR --lp FILE\n"
    "       dagplan export DIR --ics OUTDIR [--weeks N] [--week YYYY-Www] [--school] [--db "
    "FILE]\n\n"
    "Writes the centre in DIR out in other formats:\n\n"
    "  --lp FILE   the exact MIP of the standard problem (the objective of\n"
    "              FORMAT.md section 2 without rules and stability, hard rules\n"
    "              1-6 of section 3) in CPLEX LP format, for CBC, HiGHS, SCIP or\n"
    "              CPLEX; e.g. 'cbc FILE solve solu sol.txt'. Only for centres\n"
    "              whose sessions have fixed times (no 'tue|thu' candidates).\n"
    "  --ics OUTDIR the iCalendar feeds of the stored schedule: one per family,\n"
    "              staff member, location and activity (see docs/calendars.md),\n"
    "              written as OUTDIR/KIND-SUBJECT.ics; OUTDIR keeps the state that\n"
    "              makes UIDs stable and raises SEQUENCE on changes.\n"
    "  --weeks N   weeks to publish (default 4, at most 53)\n"
    "  --week YYYY-Www  the first week to publish (default: this week); each week\n"
    "              uses its own current version, else the weekly template's\n"
    "  --school    family feeds also show school hours\n"
    "  --db FILE   the store (default DIR/dagplan.db)\n\n"
    "For a municipality, 'dagplan export CITYDIR --html DIR' writes the public\n"
    "overview of all centres' offering (see docs/municipality.md).\n\n"
    "Exit status: 0 written, 1 the data could not be loaded or exported, 2 wrong\n"
    "usage.\n";

/* Writes one format for the loaded model m to target; returns 0 or 1 after
 * printing why it failed. opts holds every option of the command. */
typedef int (*export_fn)(const char *dir, const dp_model *m, const char *target, dp_opt *opts,
                         size_t n_opts);

typedef struct format {
    const char *option; /* --option TARGET */
    export_fn run;      /* writes it */
} format;

static int export_lp(const char *dir, const dp_model *m, const char *target, dp_opt *opts,
                     size_t n_opts)
{
    dp_buf b;
    dp_error err = {0};
    dp_lp_stats st;
    dp_status rc;

    (void) opts;
    (void) n_opts;
    dp_buf_init(&b);
    rc = dp_export_lp(m, &b, &st, &err);
    if (rc == DP_OK)
        rc = dp_buf_write_file(&b, target, &err);
    dp_buf_release(&b);
    if (rc != DP_OK) {
        fprintf(stderr, "dagplan export: ");
        dp_error_print(&err, stderr, false);
        return 1;
    }
    printf("%s: wrote %s: %u binaries (%u grants, %u sections, %u children, %u child "
           "themes), %u constraints\n",
           dir, target, st.n_x + st.n_open + st.n_covered + st.n_themes, st.n_x, st.n_open,
           st.n_covered, st.n_themes, st.n_rows);
    return 0;
}

static const format formats[] = {
    {"lp", export_lp},
    {"ics", dp__export_ics},
};

#define N_FORMATS (sizeof formats / sizeof *formats)

/* Options that modify a format. */
static const char *const modifiers[] = {"weeks", "week", "db"};
static const char *const modifier_flags[] = {"school"};
#define N_MODIFIERS \
    (sizeof modifiers / sizeof *modifiers + sizeof modifier_flags / sizeof *modifier_flags)

int dp__cmd_export(int argc, char **argv)
{
    dp_opt opts[N_FORMATS + N_MODIFIERS];
    size_t n_opts = 0;
    dp_args args;
    dp_model *m = NULL;
    int status = 0, n_given = 0;

    if (dp__export_is_city_html(argc, argv)) /* a municipality's public overview */
        return dp__cmd_export_city(argc, argv);
    for (size_t i = 0; i < N_FORMATS; i++)
        opts[n_opts++] = (dp_opt) DP_OPT(formats[i].option, true);
    for (size_t i = 0; i < sizeof modifiers / sizeof *modifiers; i++)
        opts[n_opts++] = (dp_opt) DP_OPT(modifiers[i], true);
    for (size_t i = 0; i < sizeof modifier_flags / sizeof *modifier_flags; i++)
        opts[n_opts++] = (dp_opt) DP_OPT(modifier_flags[i], false);
    if (dp__args_parse(argc, argv, opts, n_opts, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        return 0;
    }
    for (size_t i = 0; i < N_FORMATS; i++)
        n_given += opts[i].given;
    if (args.n_positional != 1 || n_given == 0) {
        fprintf(stderr, "dagplan export: %s\n\n%s",
                args.n_positional != 1 ? "expects one centre directory" : "name a format", help);
        return 2;
    }
    if (dp__cli_load("export", args.positional[0], &m) != 0)
        return 1;
    for (size_t i = 0; i < N_FORMATS && status == 0; i++)
        if (opts[i].given)
            status = formats[i].run(args.positional[0], m, opts[i].value, opts, n_opts);
    dp_model_free(m);
    return status;
}
