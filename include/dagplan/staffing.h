/* dagplan/staffing.h - the staffing plan of a schedule: how many childcare
 * professionals the children in care need, per 15 minutes, per care group,
 * at the centre's home location; and, with rota.csv, where the rota falls
 * short of the childcare ratio (FORMAT.md section 3 item 8).
 *
 * Children in care: those in a care window (availability.csv care = 1) who
 * are not at a session or walking to or from one. Escorts: an escorted
 * activity's section meeting away from home takes ceil(children /
 * escort_ratio) professionals from home for the walk there, the session and
 * the walk back. docs/ratio.md ("The ratio in the solve") gives the rules.
 *
 * Ages are whole years on each day of the week m->week_monday starts
 * (the current week when it is 0). Computing a plan is one pass over the
 * children's windows and the schedule's sessions; it allocates its result. */
#ifndef DAGPLAN_STAFFING_H
#define DAGPLAN_STAFFING_H

#include <stdbool.h>
#include <stdint.h>

#include "dagplan/buf.h"
#include "dagplan/error.h"
#include "dagplan/model.h"

typedef struct dp_staffing dp_staffing;

/* Computes the plan of the schedule given by choice_section[n_choices] (the
 * section each choice is granted in, or DP_NONE) and session_slot[n_sessions]
 * (the chosen slot of each session). Free with dp_staffing_free(). */
dp_status dp_staffing_new(const dp_model *m, const dp_id *choice_section,
                          const uint32_t *session_slot, dp_staffing **out, dp_error *err);
void dp_staffing_free(dp_staffing *st); /* NULL: no-op */

typedef struct dp_staffing_totals {
    unsigned peak;             /* most professionals needed at once (escorts included) */
    int peak_day;              /* its day (0 = mon), -1 when nobody is in care */
    int peak_start_min;        /* its first 15-minute step */
    uint64_t professional_min; /* professional-minutes over the week, per 15-minute step */
    unsigned children_peak;    /* most children in care at once */
    bool has_rota;             /* rota.csv was given */
    int64_t violation_min;     /* rota only: minutes over the 3-hour rule (0: lawful) */
    unsigned n_breaches;       /* rota only: stretches below the ratio that count */
    unsigned alone_min;        /* rota only: minutes with one professional at home (escorts
                                  gone) and children in care: a back-up adult must be
                                  reachable (achterwacht) */
} dp_staffing_totals;

void dp_staffing_get_totals(const dp_staffing *st, dp_staffing_totals *out);

/* Appends the plan as a text table: one line per day and run of 15-minute
 * steps with the same needs (care groups, escorts, total, and with a rota the
 * rostered professionals), then the peak and the professional-hours. */
void dp_staffing_write_table(const dp_staffing *st, dp_buf *b);

/* Appends the plan as one JSON object (the schedule JSON's "staffing" key;
 * docs/ratio.md describes it). */
void dp_staffing_write_json(const dp_staffing *st, dp_buf *b);

/* With a rota: appends one line per stretch of time the rota falls short
 * ("tue 14:45-15:30 at ikc: 48 children in care need 6 professionals, 5 are
 * rostered; ..."), on the days that break the 3-hour rule. Returns the number
 * of lines written. */
unsigned dp_staffing_write_breaches(const dp_staffing *st, dp_buf *b);

/* With a rota: appends the stretches in which one professional is alone at
 * home with children in care, as "mon 15:00-18:00, tue 14:00-14:30" (no
 * newline; nothing when there are none). Returns the number of stretches. */
unsigned dp_staffing_write_alone(const dp_staffing *st, dp_buf *b);

#endif
