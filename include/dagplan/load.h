/* dagplan/load.h - loading and validating centre and municipality directories.
 *
 * The loader reads every file of a centre directory (FORMAT.md section 1),
 * reports every problem it finds (not just the first) as a diagnostic with
 * file:line:column and what was expected, and builds a dp_model when nothing
 * is an error. Warnings (an unknown column, a choice the child's group is not
 * eligible for) do not stop the model from being built. */
#ifndef DAGPLAN_LOAD_H
#define DAGPLAN_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "dagplan/error.h"
#include "dagplan/model.h"

/* Loads the centre directory dir. Every problem is added to diags (which must
 * not be NULL). On success (no error diagnostics) stores a new model in *out,
 * to be freed with dp_model_free(). Returns DP_OK, DP_EINPUT when diags holds
 * errors (then *out is untouched), DP_EIO when dir cannot be read, DP_ENOMEM. */
dp_status dp_load_centre(const char *dir, dp_diags *diags, dp_model **out, dp_error *err);

/* Loads the centre directory dir for one ISO week (year, week; week 0: the
 * weekly template, the same as dp_load_centre). The week selects (docs/weeks.md,
 * "Summer and holiday programmes" in docs/municipality.md):
 * - choices.csv rows: those without a `week` count in every week, those with
 *   one only in that week (and in every week of a multi-week date range of a
 *   section of their activity that holds their week); the weekly template
 *   counts only the rows without a week;
 * - sessions of sections with `dates`: in a week only the candidate times on
 *   a day inside the section's date ranges are kept, and a session left with
 *   none is removed (the section may then not meet that week). The weekly
 *   template ignores dates.
 * Sets m->loaded_monday. Otherwise as dp_load_centre(). */
dp_status dp_load_centre_week(const char *dir, int year, int week, dp_diags *diags, dp_model **out,
                              dp_error *err);

/* True when dir is a municipality directory: it has no children.csv but has
 * subdirectories that do (optionally with a municipality.lua). */
bool dp_load_is_municipality(const char *dir);

/* Lists the centre directories of the municipality directory dir, sorted by
 * name, as paths "dir/name". On success *out is a malloc'd array of n malloc'd
 * strings; free with dp_load_free_list(). Problems (no centres, an unreadable
 * municipality.lua) go to diags. */
dp_status dp_load_municipality(const char *dir, dp_diags *diags, char ***out, size_t *n,
                               dp_error *err);

void dp_load_free_list(char **list, size_t n);

#endif
