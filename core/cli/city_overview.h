/* core/cli/city_overview.h - the public overview page of a municipality's
 * offering in one week (cmd_export_city.c), shared by `dagplan export CITYDIR
 * --html` (written to a file) and `dagplan serve CITYDIR` (served per week),
 * so both give the very same page for the same stored schedules. */
#ifndef DAGPLAN_CLI_CITY_OVERVIEW_H
#define DAGPLAN_CLI_CITY_OVERVIEW_H

#include <stddef.h>

#include "dagplan/buf.h"
#include "dagplan/model.h"
#include "dagplan/timetable.h"

/* The page title of municipality directory dir: "Aanbod NAME" (its last
 * path component). */
void dp__city_title(const char *dir, char *out, size_t size);

/* Appends the page to page: the rows of every centre i with models[i] and
 * timetables[i] both set (others are skipped), week "YYYY-Www" or "" for the
 * weekly template, nav (HTML put first in the page header; NULL: none).
 * *n_rows counts the rows (running sections). */
void dp__city_page(const char *title, const char *week, const dp_model *const *models,
                   const dp_timetable *const *timetables, size_t n, const char *nav, dp_buf *page,
                   unsigned *n_rows);

/* The pages of nw weeks (weeks[w]: "YYYY-Www") of n centres: bodies[w] is
 * the page of week w (as dp__city_page, with links to the list and the
 * weeks before and after it), bodies[nw] the list of the weeks
 * ("index.html"; the week pages are "YYYY-Www.html" beside it). models[i]
 * is centre i's model, tts[w * n + i] its timetable of week w (NULL: none).
 * The bodies must be initialised (dp_buf_init). */
void dp__city_pages(const char *title, const char (*weeks)[16], size_t nw,
                    const dp_model *const *models, const dp_timetable *const *tts, size_t n,
                    dp_buf *bodies);

#endif
