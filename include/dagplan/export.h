/* dagplan/export.h - writing schedules out: the schedule JSON of FORMAT.md
 * section 5 and the exact MIP of the standard problem in CPLEX LP format. */
#ifndef DAGPLAN_EXPORT_H
#define DAGPLAN_EXPORT_H

#include <stdbool.h>

#include "dagplan/buf.h"
#include "dagplan/solve.h"

/* The week a schedule is for: an ISO week, or none (a weekly template, whose
 * JSON has "week": null and "date": null). */
typedef struct dp_week {
    bool is_set; /* false: weekly template */
    int year;    /* ISO year */
    int week;    /* ISO week 1..53 */
} dp_week;

/* Appends the schedule JSON (FORMAT.md section 5, plus a "search" object
 * saying how the search ended) to out. Deterministic: the same solution gives
 * the same bytes. Errors are reported through dp_buf_status(out). */
void dp_export_json(const dp_solution *sol, const dp_week *week, dp_buf *out);

#endif
