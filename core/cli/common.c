/* core/cli/common.c - see common.h. */
#include "common.h"

#include <stdio.h>
#include <string.h>

#include "dagplan/load.h"

const char *const dp__input_files[] = {
    "centre.lua", "children.csv",   "availability.csv", "school.csv",   "locations.csv",
    "travel.csv", "activities.csv", "sections.csv",     "sessions.csv", "staff.csv",
    "rota.csv",   "choices.csv",    "pins.csv",         "closures.csv",
};
const unsigned dp__n_input_files = sizeof dp__input_files / sizeof *dp__input_files;

bool dp__is_input_file(const char *name)
{
    for (unsigned i = 0; i < dp__n_input_files; i++)
        if (strcmp(name, dp__input_files[i]) == 0)
            return true;
    return false;
}

int dp__cli_load(const char *cmd, const char *dir, dp_model **out)
{
    return dp__cli_load_week(cmd, dir, 0, 0, out);
}

int dp__cli_load_week(const char *cmd, const char *dir, int year, int week, dp_model **out)
{
    dp_diags *diags = dp_diags_new();
    dp_error err = {0};
    dp_model *m = NULL;

    if (!diags) {
        fprintf(stderr, "dagplan %s: out of memory\n", cmd);
        return 1;
    }
    dp_status rc = dp_load_centre_week(dir, year, week, diags, &m, &err);
    dp_diags_sort(diags);
    dp_diags_print(diags, stderr);
    if (rc == DP_EINPUT)
        fprintf(stderr, "dagplan %s: %s has %zu errors; nothing was changed\n", cmd, dir,
                dp_diags_n_errors(diags));
    else if (rc != DP_OK)
        dp_error_print(&err, stderr, false);
    dp_diags_free(diags);
    if (rc != DP_OK)
        return 1;
    *out = m;
    return 0;
}

int dp__cli_open_store(const char *cmd, const char *dir, const char *db_path, dp_store **out)
{
    char path[4096];
    dp_error err = {0};

    if (!db_path) {
        if (snprintf(path, sizeof path, "%s/dagplan.db", dir) >= (int) sizeof path) {
            fprintf(stderr, "dagplan %s: %s: path too long\n", cmd, dir);
            return 1;
        }
        db_path = path;
    }
    if (dp_store_open(db_path, out, &err) != DP_OK) {
        fprintf(stderr, "dagplan %s: ", cmd);
        dp_error_print(&err, stderr, false);
        return 1;
    }
    return 0;
}
