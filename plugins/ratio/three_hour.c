/* plugins/ratio/three_hour.c - the 3-hour rule (drie-uursregeling of the
 * Besluit kwaliteit kinderopvang, article 7): per day a location may have
 * fewer professionals than the ratio asks for a limited number of minutes,
 * never fewer than half the required number rounded up, and when one
 * professional is alone a back-up adult must be arranged.
 *
 * The day arrives as two series of equal steps (required and present per
 * minute or per 15 minutes); one pass, no allocation. */
#include <stdint.h>

#include "ratio_impl.h"

#define DAYCARE_LONG_DAY_MIN 600 /* open at least 10 hours in a row */
#define BUDGET_LONG_MIN      180 /* 3 hours */
#define BUDGET_SCHOOL_DAY    30  /* out-of-school care on a school day */

unsigned dp_ratio_budget_minutes(const dp_ratio_rules *rules, dp_ratio_care care,
                                 unsigned opening_minutes, bool school_day)
{
    if (rules->country != DP_RATIO_NL)
        return 0;
    /* Out-of-school care: half an hour before and after school and on free
     * afternoons; on days without school the daycare rule when open at least
     * 10 hours in a row, else still the half hour (docs/ratio.md). */
    if (care == DP_RATIO_BSO)
        return !school_day && opening_minutes >= DAYCARE_LONG_DAY_MIN ? BUDGET_LONG_MIN
                                                                      : BUDGET_SCHOOL_DAY;
    return opening_minutes >= DAYCARE_LONG_DAY_MIN ? BUDGET_LONG_MIN : 0;
}

/* Counts one step into the report. */
static void count_step(dp_ratio_day_report *r, size_t i, unsigned req, unsigned pres,
                       unsigned step_minutes)
{
    if (pres < req) {
        r->minutes_below += step_minutes;
        if (r->first_below < 0)
            r->first_below = (long) i;
        if (pres < (req + 1) / 2 && r->first_below_half < 0)
            r->first_below_half = (long) i;
    }
    if (pres == 1 && req >= 1) {
        r->minutes_one_alone += step_minutes;
        r->backup_adult_needed = true;
        if (req > 1)
            r->second_adult_needed = true;
    }
}

dp_status dp_ratio_check_day(const unsigned *required, const unsigned *present, size_t n_steps,
                             unsigned step_minutes, unsigned budget_minutes,
                             dp_ratio_day_report *out, dp_error *err)
{
    dp_ratio_day_report r = {0};

    if (step_minutes == 0 || step_minutes > DP_RATIO_DAY_MINUTES)
        return DP_FAIL(err, DP_EINPUT, NULL, "expected a step of 1 to 1440 minutes, got %u",
                       step_minutes);
    if (n_steps > DP_RATIO_DAY_MINUTES / step_minutes)
        return DP_FAIL(err, DP_EINPUT, NULL,
                       "expected at most 1440 minutes in a day, got %zu steps of %u", n_steps,
                       step_minutes);
    if (n_steps > 0 && (!required || !present))
        return DP_FAIL(err, DP_EINPUT, NULL, "expected the required and present series");
    r.first_below = -1;
    r.first_below_half = -1;
    r.budget_minutes = budget_minutes;
    for (size_t i = 0; i < n_steps; i++)
        count_step(&r, i, required[i], present[i], step_minutes);
    r.budget_kept = r.minutes_below <= budget_minutes;
    r.half_kept = r.first_below_half < 0;
    r.ok = r.budget_kept && r.half_kept;
    *out = r;
    return DP_OK;
}
