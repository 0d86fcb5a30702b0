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

/* Size of an exported MIP. */
typedef struct dp_lp_stats {
    uint32_t n_x;       /* binaries x: (choice, section) pairs that fit the child alone */
    uint32_t n_open;    /* binaries open: sections some child could join */
    uint32_t n_covered; /* binaries y: children that could get an activity */
    uint32_t n_themes;  /* binaries z: (child, theme) pairs */
    uint32_t n_rows;    /* constraints */
} dp_lp_stats;

/* Appends the exact MIP of the standard problem of m (FORMAT.md section 2
 * without rules and stability, hard constraints 1-6 of section 3) to out, in
 * CPLEX LP format as CBC, HiGHS, SCIP or CPLEX read it. Its optimum equals the
 * best objective dagplan could reach. Variable names are built from dense ids
 * (x<choice>_<section>, o<section>, y<child>, z<child>_<theme>), never from
 * the planner's ids. Which (choice, section) pairs fit and which of them clash
 * is decided by the built-in eligibility, availability and overlap plugins, so
 * the MIP and the solver agree on those rules. Fills *stats when not NULL.
 * Errors: DP_EINPUT (with sessions.csv:line) when a session has candidate
 * times, since the MIP covers fixed-time instances only; DP_ENOMEM. Append
 * failures of out are reported through the return value too. */
dp_status dp_export_lp(const dp_model *m, dp_buf *out, dp_lp_stats *stats, dp_error *err);

#endif
