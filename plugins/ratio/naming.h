/* plugins/ratio/naming.h - who walks: the escorts of a schedule named person
 * by person, and the ratio checked with exactly those people away.
 *
 * A walk to an escorted session takes ONE professional for its whole away
 * span (walk there, session, walk back). Counting escorts as a number per
 * interval (care.h) lets different people cover one place at different
 * moments, which no centre can do; so the ratio plugin's hard count, the
 * escort names in the JSON and calendars and the staffing plan's verdict all
 * come from one deterministic naming, day by day (walks, rota rows and the
 * 3-hour budget never cross midnight):
 *
 *   the day's duties in time order (start, end, session); each place goes
 *   to the candidate - a professional rostered at home for every minute of
 *   the span, not on another walk and not leading a session then - whose
 *   absence adds the fewest minutes below half (per group or at the
 *   location), then the fewest shortfall-minutes (professionals short x
 *   minutes), then who is floating for fewer intervals, then the lowest
 *   staff.csv line.
 *
 * With the named people taken out of the rota (a floating professional from
 * the floating ones, a dedicated one from their group), each interval is
 * classified as care.h says for the counted model, with only the places
 * nobody could be named for still to cover ("pending"). A place nobody can
 * be named for is itself a violation for every minute of its walk: the
 * children would walk alone. Where no walk is under way the named and the
 * counted classification are the same, which is what lets the plugin stay
 * incremental (plugin.c): a move re-names a day only when it touches a walk
 * or the requirement during one. */
#ifndef DAGPLAN_RATIO_NAMING_H
#define DAGPLAN_RATIO_NAMING_H

#include "care.h"

/* One escort duty: an escorted session meeting away, with children. */
typedef struct dp_care_duty {
    dp_id session;
    uint32_t slot;     /* its time (index in m->slots) */
    uint32_t iv0, iv1; /* its away span's intervals */
    uint32_t need;     /* places */
    uint32_t staff0;   /* its first place in the day's staff[] (set by the naming) */
} dp_care_duty;

/* A professional leading a running session during intervals [iv0, iv1). */
typedef struct dp_care_lead {
    uint32_t person, iv0, iv1;
} dp_care_lead;

/* The people and the work arrays of the naming; built once per care model. */
typedef struct dp_care_namer {
    const dp_care *c;
    uint32_t n_people;
    dp_id *person_staff;  /* [n_people] staff index, in staff.csv order */
    dp_id *person_of;     /* [n_staff] person, DP_NONE: not a professional rostered at home */
    int32_t *role;        /* [n_people * n_iv] DP_CARE_ROLE_NONE, _FLOAT, or a unit */
    uint32_t *cand0;      /* [n_slots + 1] candidates of slot sl: cand[cand0[sl]..cand0[sl+1]) */
    uint32_t *cand;       /* people rostered at home for the whole away span, in order */
    uint32_t *cand_float; /* the intervals of the span in which cand[x] floats */
    /* work arrays of one day (indexed like the care model) */
    const int16_t *req;                 /* the day's requirements (input) */
    int32_t *ded;                       /* [n_units * n_iv] dedicated ones still at home */
    int32_t *flt, *def, *sur, *hd, *hs; /* [n_iv] as dp_care_sums, with the named away */
    int32_t *pend;                      /* [n_iv] places not (yet) named */
    uint32_t *walk_end;                 /* [n_people] end of the person's last walk today */
    int32_t *s0;                        /* [n_iv] shortfall before a candidate leaves */
    uint8_t *h0;                        /* [n_iv] below half before a candidate leaves */
} dp_care_namer;

#define DP_CARE_ROLE_NONE  (-2) /* not rostered at home then */
#define DP_CARE_ROLE_FLOAT (-1) /* rostered for any group */

/* The places over an interval, in naming order (dp_care_range.cov): the
 * person + 1 (0: nobody named), with DP_CARE_COV_CHOSEN when the person was
 * not simply the first free candidate at no cost (then a change of the
 * requirement may change the choice). */
#define DP_CARE_COV_MAX    16
#define DP_CARE_COV_OVER   255
#define DP_CARE_COV_CHOSEN 0x8000

/* Interval flags of the named verdict. */
#define DP_CARE_BELOW 1 /* fewer professionals than the ratio needs */
#define DP_CARE_HALF  2 /* below half (location or a group) */
#define DP_CARE_BAD   4 /* a composition the rules do not allow */

/* A stretch of walks to name: a cluster of duties whose away spans
 * overlap in a chain, and their hull [iv0, iv1) (each of its intervals lies
 * in some walk). Clusters do not interact: the naming of one never reads an
 * interval of another. */
typedef struct dp_care_range {
    uint32_t iv0, iv1;
    const int16_t *req;      /* [n_units * n_iv] required (-1: not allowed) */
    const dp_care_sums *sum; /* [n_iv] the counted sums */
    const int32_t *escorts;  /* [n_iv] escort places */
    dp_care_duty *duties;    /* in time order (dp__care_clusters) */
    uint32_t n_duties;
    const dp_care_lead *leads; /* leading spans (any; those elsewhere do not matter) */
    uint32_t n_leads;
    dp_id *staff;   /* out: [sum of need] the named staff, DP_NONE: nobody free */
    uint8_t *flags; /* out: [n_iv] DP_CARE_BELOW | _HALF | _BAD on [iv0, iv1) */
    uint16_t *unn;  /* out: [n_iv] unnamed places on [iv0, iv1) */
    uint16_t *cov;  /* out, optional: [n_iv * DP_CARE_COV_MAX] the places over each interval */
    uint8_t *cov_n; /* out, optional: [n_iv] how many (DP_CARE_COV_OVER: too many) */
    /* out: minutes below ratio, below half, not allowed, and walk-minutes
     * without an escort, in the range */
    int64_t below, half, bad, unnamed;
} dp_care_range;

dp_status dp__care_namer_init(dp_care_namer *w, const dp_care *c);
void dp__care_namer_release(dp_care_namer *w);

/* Sorts duties[n] in time order (start, end, session) and cuts them into
 * clusters: cluster i is duties[first[i] .. first[i + 1]); returns their
 * number (first needs n + 1 entries). */
uint32_t dp__care_clusters(dp_care_duty *duties, uint32_t n, uint32_t *first);

/* Names the cluster's escorts and classifies its intervals (sets staff0 of
 * its duties, counting from 0). */
void dp__care_name_range(dp_care_namer *w, dp_care_range *r);

/* Whether the naming of the cluster over interval iv stays the same when
 * only the requirement at iv changes (to req, s; escorts unchanged), given
 * the places over iv (cov, n, from the last naming): true when each was the
 * first free candidate at no cost and still costs nothing there, in order.
 * Then *flags is iv's verdict (the places elsewhere cost what they did).
 * req: [n_units * n_iv], read at iv. */
bool dp__care_renamed_same(dp_care_namer *w, uint32_t iv, const int16_t *req, const dp_care_sums *s,
                           int32_t escorts, const uint16_t *cov, uint8_t n, uint8_t *flags);

/* The verdict of an interval where nobody walks (as dp__care_classify). */
uint8_t dp__care_flags(const dp_care *c, const dp_care_sums *s, uint32_t iv);

/* A whole schedule, named. */
typedef struct dp_care_week {
    dp_care_duty *duties; /* sorted by day, then in time order */
    uint32_t n_duties;
    dp_id *staff; /* duties[i]'s places: staff[duties[i].staff0 ..] */
    uint32_t n_places;
    uint8_t *flags; /* [n_iv] DP_CARE_BELOW | _HALF | _BAD */
    uint16_t *unn;  /* [n_iv] unnamed places */
    uint16_t *cov;  /* [n_iv * DP_CARE_COV_MAX] as dp_care_range.cov */
    uint8_t *cov_n; /* [n_iv] */
    int64_t below[DP_N_DAYS], half[DP_N_DAYS], bad[DP_N_DAYS], unnamed[DP_N_DAYS];
    int64_t hard; /* violation minutes of the week */
} dp_care_week;

/* Names the schedule's escorts (k: dp__care_count of the same schedule);
 * w: a namer of c. DP_ENOMEM. */
dp_status dp__care_week_name(dp_care_namer *w, const dp_care_count *k, const dp_id *choice_section,
                             const uint32_t *session_slot, dp_care_week *out);
void dp__care_week_release(dp_care_week *wk);

#endif
