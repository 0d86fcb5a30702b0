/* plugins/ratio/care.h - who is in childcare when, and how many professionals
 * that takes (FORMAT.md section 3 item 8). Shared by the solver plugin
 * (plugin.c, incremental) and the staffing plan (staffing.c, from scratch).
 *
 * Time: each day is cut at every time anything can change: the ends of care
 * windows, rota rows, and of every candidate slot's "away" span (the walk
 * from home, the session, the walk back). Between two cuts nothing changes,
 * so an interval of any length is exact minute by minute, and a week has a
 * few hundred of them instead of 10,080 minutes.
 *
 * Units: the children a requirement is computed over. Daycare: one per care
 * group (stamgroep). NL out-of-school care under the 2024 rules: one for the
 * whole home location; under the 2019 rules and in Flanders: one per care
 * group. Care children without a care group form a unit per kind.
 *
 * Staff at an interval: the rostered professionals (bkr = 1) at the home
 * location, dedicated to a unit (rota care_group) or floating (no care
 * group). Escorts leave from home: an escorted section meeting away takes
 * ceil(children / escort_ratio) professionals for its away span.
 *
 * Shortfall at an interval: dedicated professionals first cover their own
 * unit; their surplus and then the floating professionals go with the
 * escorts; the floating rest covers the units' deficits:
 *   short = max(0, sum deficits + max(0, escorts - sum surpluses) - floating)
 * The need is sum required + escorts. The 3-hour rule per day: the minutes
 * with short > 0 may not exceed the day's budget, and short may never exceed
 * half the need (rounded down), i.e. at least ceil(need / 2) are deployed;
 * nor may any group be left with fewer than half its own need: with h =
 * ceil(required / 2) per unit, the floating professionals must cover
 *   sum max(0, h - dedicated) + max(0, escorts - sum max(0, dedicated - h)).
 * A composition the rules do not allow is a violation for its minutes.
 *
 * Violations (the plugin's hard count) are minutes: over the budget, below
 * half, and not allowed, summed over the days. Zero means the law is kept.
 * This count holds where nobody walks; during walks the escorts are named
 * people (naming.h), whose verdict is the plugin's. */
#ifndef DAGPLAN_RATIO_CARE_H
#define DAGPLAN_RATIO_CARE_H

#include <stdbool.h>
#include <stdint.h>

#include "dagplan/model.h"
#include "dagplan/ratio.h"

typedef struct dp_care_unit {
    const char *name;   /* care group id, or a description */
    dp_ratio_care kind; /* daycare or out-of-school care */
    bool location;      /* NL 2024 out-of-school care: the whole location */
} dp_care_unit;

/* The values of one interval that the ratio needs. */
typedef struct dp_care_sums {
    int32_t deficit; /* sum over units of max(0, required - dedicated) */
    int32_t surplus; /* sum over units of max(0, dedicated - required) */
    int32_t req;     /* sum over allowed units of required */
    int32_t n_bad;   /* units whose composition is not allowed */
    /* The half rule per group: h = ceil(required / 2) per unit. */
    int32_t half_deficit; /* sum over units of max(0, h - dedicated) */
    int32_t half_surplus; /* sum over units of max(0, dedicated - h) */
} dp_care_sums;

/* A remembered requirement: compositions repeat a lot in a week. */
typedef struct dp_care_memo {
    uint16_t n[DP_RATIO_N_AGES]; /* the counts */
    uint8_t location;            /* the unit's location flag */
    uint8_t used;                /* the entry holds an answer */
    int16_t required;            /* dp_ratio_required()'s answer */
} dp_care_memo;

#define DP_CARE_MEMO_SIZE 4096 /* entries, a power of two */

typedef struct dp_care {
    const dp_model *m;
    dp_ratio_rules rules;
    dp_id home;
    unsigned escort_ratio;
    int32_t monday; /* days since 1970 of the Monday the ages are for */

    /* Intervals, grouped by day: day d's are [day_iv0[d], day_iv0[d + 1]). */
    uint32_t n_iv;
    uint32_t day_iv0[DP_N_DAYS + 1];
    uint16_t *iv_from, *iv_to; /* [n_iv] minutes since midnight */
    uint8_t *iv_day;           /* [n_iv] */

    dp_care_unit *units;
    uint32_t n_units;
    dp_id *child_unit; /* [n_children] unit, DP_NONE for a child never in care */
    dp_id *cg_unit;    /* [n care groups] unit of the group's children, DP_NONE: none */
    uint8_t *age;      /* [n_children * 7] whole years on each day, 0..12 */

    uint16_t *dedicated;        /* [n_units * n_iv] professionals rostered for the unit */
    uint16_t *floating;         /* [n_iv] professionals rostered for any unit */
    uint32_t *away0;            /* [n_slots] first interval of the slot's away span */
    uint32_t *away1;            /* [n_slots] end (exclusive); away0 == away1: none */
    bool *escorted;             /* [n_sections] escorted and meeting away from home */
    uint32_t budget[DP_N_DAYS]; /* minutes below ratio allowed per day */
    dp_care_memo *memo;         /* [DP_CARE_MEMO_SIZE] direct-mapped, NULL: none */
    bool has_rota;
} dp_care;

/* Builds the care model of m (no schedule yet). */
dp_status dp__care_init(dp_care *c, const dp_model *m, dp_error *err);
void dp__care_release(dp_care *c);

/* The away span of slot sl: its day, and from the walk out of home to the
 * return (minutes, clipped to the day). */
void dp__care_slot_span(const dp_care *c, uint32_t sl, int *day, int *from, int *to);

/* The interval of day `day` starting at `minute` (a cut), or the day's end
 * index when minute is the day's last cut. */
uint32_t dp__care_iv_at(const dp_care *c, int day, int minute);

/* Whether child ch has a care window covering interval iv. */
bool dp__care_window_covers(const dp_care *c, dp_id ch, uint32_t iv);

/* Escorts a section of n children needs. */
static inline uint32_t dp__care_escorts(const dp_care *c, uint32_t n)
{
    return (n + c->escort_ratio - 1) / c->escort_ratio;
}

/* Professionals unit u needs for counts n[13] (DP_RATIO_NOT_ALLOWED: -1),
 * remembered in c->memo (the answer depends only on the counts, the unit's
 * location flag and the rules). */
int dp__care_required(const dp_care *c, uint32_t u, const uint16_t *n);

/* Adds (sign +1) or removes (-1) unit u's contribution to sums at interval iv
 * with requirement req. */
void dp__care_sums_add(const dp_care *c, dp_care_sums *s, uint32_t u, uint32_t iv, int req,
                       int sign);

/* Shortfall and need of an interval with sums s and e escorts. */
int32_t dp__care_short(const dp_care *c, const dp_care_sums *s, uint32_t iv, int32_t e);

/* Violation minutes of a day with minutes below ratio, below half and not
 * allowed. */
int64_t dp__care_day_hard(const dp_care *c, int day, int64_t below, int64_t half, int64_t bad);

/* The per-interval classification: below (short > 0), half (below half),
 * bad (some unit not allowed). */
void dp__care_classify(const dp_care *c, const dp_care_sums *s, uint32_t iv, int32_t e, bool *below,
                       bool *half, bool *bad);

/* Counts of a whole schedule, from scratch. */
typedef struct dp_care_count {
    uint16_t *cnt;     /* [n_units * n_iv * 13] children per unit, interval, age */
    int16_t *req;      /* [n_units * n_iv] required (-1 not allowed) */
    int32_t *escorts;  /* [n_iv] */
    dp_care_sums *sum; /* [n_iv] */
} dp_care_count;

dp_status dp__care_count_alloc(const dp_care *c, dp_care_count *k);
void dp__care_count_release(dp_care_count *k);

/* Fills k for the schedule (choice_section, session_slot; section_count may
 * be NULL, then it is counted). */
void dp__care_count(const dp_care *c, const dp_id *choice_section, const uint32_t *session_slot,
                    dp_care_count *k);

#endif
