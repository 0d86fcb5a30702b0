/* core/cli/cmd_check.c - `dagplan check DIR`: load and validate everything and
 * report every problem, sorted by file and line.
 *
 * Exit 0 when the data is valid (warnings allowed), 1 when there are errors, 2
 * on wrong usage. A municipality directory checks each of its centres. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "dagplan/load.h"
#include "dagplan/model.h"
#include "dagplan/rules.h"
#include "dagplan/solve.h"
#include "dagplan/time.h"
#include "rules_report.h"

static const char help[] =
    "Usage: dagplan check DIR [--week YYYY-Www]\n\n"
    "Loads the centre directory DIR (or every centre of a municipality directory)\n"
    "and reports every problem found, each as FILE:LINE:COLUMN: error|warning: ...\n"
    "Nothing is written.\n\n"
    "  --week YYYY-Www   check the data as that week sees it: the choices of the\n"
    "                    week (choices.csv week) and the sessions inside the\n"
    "                    sections' dates; the counts are the week's\n\n"
    "Exit status: 0 valid (warnings allowed), 1 problems found, 2 wrong usage.\n";

static int year, week; /* --week, 0: the template */

/* The data may be valid file by file and still leave a hard rule of
 * centre.lua that no schedule can meet (a child who chose the rule's
 * activity but can never come to it): the solve would fail on it, so check
 * reports every such rule and child now, as it does a custom rule that fails
 * while the options are judged. DP_EINPUT when it added errors. */
static dp_status check_hard_rules(const dp_model *m, dp_diags *diags, dp_error *err)
{
    size_t before = dp_diags_n_errors(diags);
    dp_error failed = {0};

    dp__cli_rules_date(m, week != 0, year, week);
    dp_status rc = dp_solve_check_rules(m, diags, err);
    if (rc != DP_OK)
        return rc;
    if (dp_rules_status(m, &failed) != DP_OK && dp_diags_add_error(diags, &failed) != DP_OK)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
    return dp_diags_n_errors(diags) > before ? DP_EINPUT : DP_OK;
}

/* Checks one centre; returns 0 valid, 1 errors. */
static int check_centre(const char *dir, bool quiet_ok)
{
    dp_diags *diags = dp_diags_new();
    dp_model *m = NULL;
    dp_error err = {0};
    int status = 1;

    if (!diags) {
        fprintf(stderr, "dagplan check: out of memory\n");
        return 1;
    }
    dp_status rc = dp_load_centre_week(dir, year, week, diags, &m, &err);
    if (rc == DP_OK)
        rc = check_hard_rules(m, diags, &err);
    dp_diags_sort(diags);
    dp_diags_print(diags, stderr);
    if (rc == DP_OK) {
        if (!quiet_ok)
            printf("%s: ok: %u children, %u activities, %u sections, %u sessions, "
                   "%u choices (%zu warnings)\n",
                   dir, m->n_children, m->n_activities, m->n_sections, m->n_sessions, m->n_choices,
                   dp_diags_n_warnings(diags));
        status = 0;
    } else if (rc == DP_EINPUT) {
        fprintf(stderr, "%s: %zu errors, %zu warnings\n", dir, dp_diags_n_errors(diags),
                dp_diags_n_warnings(diags));
    } else {
        dp_error_print(&err, stderr, false);
    }
    dp_model_free(m);
    dp_diags_free(diags);
    return status;
}

static int check_municipality(const char *dir)
{
    dp_diags *diags = dp_diags_new();
    char **dirs = NULL;
    size_t n = 0;
    dp_error err = {0};
    int status = 0;

    if (!diags)
        return 1;
    if (dp_load_municipality(dir, diags, &dirs, &n, &err) != DP_OK) {
        dp_diags_print(diags, stderr);
        if (err.code != DP_OK && err.code != DP_EINPUT)
            dp_error_print(&err, stderr, false);
        dp_diags_free(diags);
        return 1;
    }
    dp_diags_print(diags, stderr);
    for (size_t i = 0; i < n; i++)
        if (check_centre(dirs[i], false) != 0)
            status = 1;
    dp_load_free_list(dirs, n);
    dp_diags_free(diags);
    return status;
}

int dp__cmd_check(int argc, char **argv)
{
    dp_args args;
    dp_opt opts[] = {DP_OPT("week", true)};

    if (dp__args_parse(argc, argv, opts, 1, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        return 0;
    }
    if (args.n_positional != 1) {
        fputs(help, stderr);
        return 2;
    }
    const char *w = opts[0].value;
    if (w && dp_isoweek_parse(w, strlen(w), &year, &week) != 0) {
        fprintf(stderr, "dagplan check: --week expects YYYY-Www (e.g. 2027-W28), got '%s'\n", w);
        return 2;
    }
    if (dp_load_is_municipality(args.positional[0]))
        return check_municipality(args.positional[0]);
    return check_centre(args.positional[0], false);
}
