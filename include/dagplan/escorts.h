/* dagplan/escorts.h - who walks the children to an escorted session and
 * picks them up: the escort duties of a schedule, named (issue 5, item 5).
 *
 * An escorted activity's section meeting away from home takes ceil(children
 * / escort_ratio) professionals from home for its away span: the walk there,
 * the session and the walk back (dagplan/staffing.h). With rota.csv each of
 * those places is given to a person: a professional (staff.csv bkr = 1)
 * rostered at the home location for the whole away span, not on another
 * escort duty or leading a session during it, chosen so that the
 * professionals staying behind keep the childcare ratio. The choice is
 * deterministic (a function of the centre's files and the schedule), greedy
 * over the duties in time order, and per duty takes the candidate whose
 * absence costs the fewest minutes below half, then below the ratio (then:
 * a professional dedicated to a care group with professionals to spare
 * before a floating one; then the lowest staff.csv line). It is the naming
 * the ratio plugin checks during the search, so a schedule solved with a
 * rota keeps the ratio with exactly these people away. docs/ratio.md
 * ("Escort duties") gives the details.
 *
 * A place nobody can fill (no professional rostered for the whole span is
 * free) stays unnamed (DP_NONE), a violation with a rota. Without rota.csv
 * every place is unnamed. */
#ifndef DAGPLAN_ESCORTS_H
#define DAGPLAN_ESCORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "dagplan/error.h"
#include "dagplan/model.h"

typedef struct dp_escorts dp_escorts;

/* Names the escorts of the schedule given by choice_section[n_choices] and
 * session_slot[n_sessions] (as for dp_staffing_new()). Free with
 * dp_escorts_free(). DP_ENOMEM. */
dp_status dp_escorts_new(const dp_model *m, const dp_id *choice_section,
                         const uint32_t *session_slot, dp_escorts **out, dp_error *err);
void dp_escorts_free(dp_escorts *e); /* NULL: no-op */

/* The escort duty of session k: returns the number of escorts it needs (0:
 * not escorted, meets at home, or has no children); sets *from and *to to
 * the away span (minutes since midnight, on the session's day) and *staff to
 * the escorts, that many entries, DP_NONE where nobody could be named. */
unsigned dp_escorts_of_session(const dp_escorts *e, dp_id k, int *from, int *to,
                               const dp_id **staff);

typedef struct dp_escorts_totals {
    unsigned duties;       /* escort places over the week */
    unsigned named;        /* of which given to a person */
    unsigned people;       /* different professionals named */
    int64_t violation_min; /* with the named escorts away and the unnamed places still
                              needed: the ratio plugin's violation minutes (0 when the
                              named choice keeps the ratio, as a solve with a rota does) */
} dp_escorts_totals;

void dp_escorts_get_totals(const dp_escorts *e, dp_escorts_totals *out);

#endif
