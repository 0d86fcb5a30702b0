/* dagplan/ratio.h - staff-to-child ratio rules (beroepskracht-kindratio).
 *
 * Answers one question: how many qualified professionals does this group of
 * children need, and is the group allowed at all? The rules are the Dutch
 * Besluit kwaliteit kinderopvang (BWBR0039936, Bijlage 1: Tabel 1 and its
 * calculation rules for daycare, the 2024 and 2019 rules for out-of-school
 * care) and the Flemish ratios; docs/ratio.md cites the sources and spells out
 * every reading we made where the text leaves room.
 *
 * Workload: the solver asks dp_ratio_required() once per 15-minute slot per
 * care group, so that call allocates nothing, takes no lock and costs
 * O(ages + age bands) (13 counters, at most 10 bands). The rules are a small
 * struct the caller fills; nothing here keeps state between calls.
 *
 * Only whole numbers are used: every fraction of the law (1/3, 1/5 divided by
 * 1.2, 1/10 + 1/12, ...) is brought to a common denominator. */
#ifndef DAGPLAN_RATIO_H
#define DAGPLAN_RATIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dagplan/error.h"

#define DP_RATIO_MAX_AGE     12   /* out-of-school care ends at 13 */
#define DP_RATIO_N_AGES      13   /* whole years 0..12 */
#define DP_RATIO_MAX_N       9999 /* most children of one age in one composition */
#define DP_RATIO_NOT_ALLOWED (-1) /* dp_ratio_required(): the rules forbid the group */
#define DP_RATIO_DAY_MINUTES 1440 /* the longest day dp_ratio_check_day() accepts */

typedef enum dp_ratio_country {
    DP_RATIO_NL = 0,   /* the Netherlands */
    DP_RATIO_BE_VL = 1 /* Flanders (Belgium, Flemish Community) */
} dp_ratio_country;

/* Which Dutch out-of-school care rules apply (centre.lua ratio_rules). */
typedef enum dp_ratio_bso_rules {
    DP_RATIO_BSO_2024 = 0, /* since 1 July 2024: 1/10 (4-6) + 1/12 (7+), groups up to 30 */
    DP_RATIO_BSO_2019 = 1  /* Tabel 2 of 2019, per group */
} dp_ratio_bso_rules;

/* Which Flemish rules for babies and toddlers apply (by date: see
 * dp_ratio_be_rules_on()). */
typedef enum dp_ratio_be_rules {
    DP_RATIO_BE_CURRENT = 0, /* 1 carer for 8, 2 for 18, 1 per 14 asleep */
    DP_RATIO_BE_2027 = 1     /* announced from 1 January 2027: 1 per 5 babies, 1 per 7 in
                                groups mixing babies and older children (docs/ratio.md) */
} dp_ratio_be_rules;

/* 1 January 2027 in days since 1970-01-01: the Flemish ratios change. */
#define DP_RATIO_BE_2027_DAY 20819

/* The Flemish rules in force on a day (days since 1970-01-01). */
static inline dp_ratio_be_rules dp_ratio_be_rules_on(int32_t day)
{
    return day >= DP_RATIO_BE_2027_DAY ? DP_RATIO_BE_2027 : DP_RATIO_BE_CURRENT;
}

/* The kind of care a composition falls under. */
typedef enum dp_ratio_care {
    DP_RATIO_DAYCARE = 0, /* dagopvang / kinderopvang baby's en peuters */
    DP_RATIO_BSO = 1      /* buitenschoolse opvang (out-of-school care) */
} dp_ratio_care;

/* The rule set of one centre; the caller fills it (zero = NL with the 2024
 * out-of-school rules). */
typedef struct dp_ratio_rules {
    dp_ratio_country country;     /* NL or BE-VL */
    dp_ratio_bso_rules bso_rules; /* NL only: 2024 or 2019 */
    dp_ratio_be_rules be_rules;   /* BE-VL only: by date (zero: the current rules) */
} dp_ratio_rules;

/* A composition: how many children of each age in whole years on the day of
 * care. The caller fills it; zero-initialise, then count. */
typedef struct dp_ratio_group {
    unsigned n_age[DP_RATIO_N_AGES]; /* children aged 0..12; each <= DP_RATIO_MAX_N */
    bool nap;                        /* BE-VL daycare: every child is asleep (1 carer per 14) */
    bool location;                   /* NL 2024 out-of-school care: the whole location, so the
                                        30-children group maximum is not applied */
} dp_ratio_group;

/* A full answer with the reasons, for people (dagplan ratio, explanations). */
typedef struct dp_ratio_verdict {
    bool allowed;          /* false: the rules do not allow this group */
    unsigned required;     /* professionals needed; 0 when not allowed or empty */
    unsigned max_group;    /* the largest group of this kind; 0 = no maximum */
    dp_ratio_care care;    /* the rules that were applied */
    char explanation[640]; /* one or more English sentences, no newline */
} dp_ratio_verdict;

/* Returns the number of professionals the group needs (0 for an empty group),
 * or DP_RATIO_NOT_ALLOWED when the rules do not allow it (too large, too many
 * babies, a count above DP_RATIO_MAX_N). Allocates nothing; O(ages + bands).
 * This is the call a solver plugin makes per slot and care group. */
int dp_ratio_required(const dp_ratio_rules *rules, const dp_ratio_group *g);

/* Which rules apply to the group: daycare when every child is younger than
 * school age for out-of-school care (NL: 4, BE-VL: 3), out-of-school care when
 * every child is that age or older. A mixed group is assessed by the daycare
 * rules with the older children counted as the oldest daycare class (see
 * docs/ratio.md); an empty group counts as daycare. */
dp_ratio_care dp_ratio_care_of(const dp_ratio_rules *rules, const dp_ratio_group *g);

/* Assesses the group like dp_ratio_required() and writes the verdict with an
 * explanation to *out. Returns DP_OK (also for a group the rules forbid: that
 * is a verdict, not an error) or DP_EINPUT when rules or group are out of
 * range. *out is written only on success. */
dp_status dp_ratio_assess(const dp_ratio_rules *rules, const dp_ratio_group *g,
                          dp_ratio_verdict *out, dp_error *err);

/* Parses a comma-separated list of ages in whole years ("0,0,1,3") of length
 * len (text need not be NUL-terminated) into *out (zeroed first; nap and
 * location false). Spaces around a number are allowed. Errors (DP_EINPUT)
 * name the 1-based column in "--ages": an empty list or item, a character
 * that is not a digit, an age above DP_RATIO_MAX_AGE, or more than
 * DP_RATIO_MAX_N children of one age. *out is written only on success. */
dp_status dp_ratio_parse_ages(const char *text, size_t len, dp_ratio_group *out, dp_error *err);

/* ---- The 3-hour rule (NL: Besluit kwaliteit kinderopvang, article 7) ---- */

/* Minutes per day during which a location may have fewer professionals than
 * the ratio requires: NL daycare open at least 10 hours (600 minutes) in a
 * row 180, open less than that 0 (see docs/ratio.md); NL out-of-school care
 * 30 on school days, on days without school 180 when open at least 10 hours
 * in a row and 30 otherwise; BE-VL 0. */
unsigned dp_ratio_budget_minutes(const dp_ratio_rules *rules, dp_ratio_care care,
                                 unsigned opening_minutes, bool school_day);

/* What dp_ratio_check_day() found for one day. */
typedef struct dp_ratio_day_report {
    unsigned minutes_below;     /* minutes with present < required */
    unsigned budget_minutes;    /* the budget that was checked against */
    bool budget_kept;           /* minutes_below <= budget_minutes */
    bool half_kept;             /* present >= ceil(required / 2) at every step */
    long first_below_half;      /* first step breaking the half rule; -1 none */
    long first_below;           /* first step with present < required; -1 none */
    unsigned minutes_one_alone; /* minutes with exactly one professional and children */
    bool backup_adult_needed;   /* some step has one professional alone: a back-up
                                   adult must be reachable (achterwacht) */
    bool second_adult_needed;   /* some step has one professional alone while the
                                   ratio asks more: another adult must be present */
    bool ok;                    /* budget_kept && half_kept */
} dp_ratio_day_report;

/* Checks one day of one location against the 3-hour rule. required[i] and
 * present[i] are the professionals required and present during step i, each
 * step_minutes long (1 or 15 typically); n_steps * step_minutes must not
 * exceed 1440. A step with required 0 has no children. budget_minutes usually
 * comes from dp_ratio_budget_minutes(). Returns DP_OK and fills *out, or
 * DP_EINPUT for a step of 0 minutes, a day longer than 1440 minutes or NULL
 * arrays with n_steps > 0. Allocates nothing. */
dp_status dp_ratio_check_day(const unsigned *required, const unsigned *present, size_t n_steps,
                             unsigned step_minutes, unsigned budget_minutes,
                             dp_ratio_day_report *out, dp_error *err);

#endif
