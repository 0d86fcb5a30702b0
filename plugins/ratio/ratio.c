/* plugins/ratio/ratio.c - entry points of the ratio rules: pick the rule set
 * for a composition (country, daycare or out-of-school care, 2024 or 2019)
 * and hand it the counts it needs.
 *
 * A group is assessed as daycare while any child is younger than the school
 * age of out-of-school care (NL 4, BE-VL 3: Flemish children start nursery
 * school at 2.5 to 3). The older children of such a mixed group count as the
 * oldest daycare class, whose ratio is stricter than any out-of-school ratio,
 * so the answer never asks fewer professionals than either reading would. */
#include "ratio_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void dp__ratio_say(dp_ratio_verdict *v, const char *fmt, ...)
{
    va_list ap;

    if (!v)
        return;
    size_t used = strlen(v->explanation);
    if (used + 1 >= sizeof v->explanation)
        return;
    va_start(ap, fmt);
    vsnprintf(v->explanation + used, sizeof v->explanation - used, fmt, ap);
    va_end(ap);
}

int dp__ratio_forbid(dp_ratio_verdict *v, unsigned max_group)
{
    if (v) {
        v->allowed = false;
        v->required = 0;
        v->max_group = max_group;
    }
    return DP_RATIO_NOT_ALLOWED;
}

int dp__ratio_allow(dp_ratio_verdict *v, unsigned required, unsigned max_group)
{
    if (v) {
        v->allowed = true;
        v->required = required;
        v->max_group = max_group;
    }
    return (int) required;
}

const char *dp__ratio_pros(unsigned n)
{
    return n == 1 ? "professional" : "professionals";
}

static unsigned school_age(const dp_ratio_rules *rules)
{
    return rules->country == DP_RATIO_BE_VL ? 3 : 4;
}

static unsigned count_ages(const dp_ratio_group *g, unsigned from, unsigned to)
{
    unsigned s = 0;

    for (unsigned a = from; a <= to; a++)
        s += g->n_age[a];
    return s;
}

dp_ratio_care dp_ratio_care_of(const dp_ratio_rules *rules, const dp_ratio_group *g)
{
    unsigned young = count_ages(g, 0, school_age(rules) - 1);
    unsigned total = count_ages(g, 0, DP_RATIO_MAX_AGE);

    return young > 0 || total == 0 ? DP_RATIO_DAYCARE : DP_RATIO_BSO;
}

static bool is_valid(const dp_ratio_rules *rules, const dp_ratio_group *g)
{
    if (rules->country != DP_RATIO_NL && rules->country != DP_RATIO_BE_VL)
        return false;
    if (rules->bso_rules != DP_RATIO_BSO_2024 && rules->bso_rules != DP_RATIO_BSO_2019)
        return false;
    if (rules->be_rules != DP_RATIO_BE_CURRENT && rules->be_rules != DP_RATIO_BE_2027)
        return false;
    for (unsigned a = 0; a < DP_RATIO_N_AGES; a++)
        if (g->n_age[a] > DP_RATIO_MAX_N)
            return false;
    return true;
}

/* Says how the school-age children of a mixed daycare group were counted. */
static void note_mixed(const dp_ratio_rules *rules, const dp_ratio_group *g, dp_ratio_verdict *v)
{
    unsigned age = school_age(rules);
    unsigned older = count_ages(g, age, DP_RATIO_MAX_AGE);

    if (v && older > 0)
        dp__ratio_say(v,
                      " Note: this group mixes children under %u with %u aged %u or older; "
                      "those count as the oldest daycare class, whose ratio is the stricter.",
                      age, older, age);
}

static int apply_nl(const dp_ratio_rules *rules, const dp_ratio_group *g, dp_ratio_verdict *v)
{
    if (dp_ratio_care_of(rules, g) == DP_RATIO_DAYCARE) {
        unsigned n[DP__RATIO_N_CLASSES] = {g->n_age[0], g->n_age[1], g->n_age[2],
                                           count_ages(g, 3, DP_RATIO_MAX_AGE)};
        int r = dp__ratio_nl_daycare(n, v);
        note_mixed(rules, g, v);
        return r;
    }
    unsigned young = count_ages(g, 4, 6), old = count_ages(g, 7, DP_RATIO_MAX_AGE);
    if (rules->bso_rules == DP_RATIO_BSO_2019)
        return dp__ratio_nl_bso_2019(young, old, v);
    return dp__ratio_nl_bso_2024(young, old, g->location, v);
}

static int apply(const dp_ratio_rules *rules, const dp_ratio_group *g, dp_ratio_verdict *v)
{
    if (rules->country == DP_RATIO_NL)
        return apply_nl(rules, g, v);
    unsigned total = count_ages(g, 0, DP_RATIO_MAX_AGE);
    if (dp_ratio_care_of(rules, g) == DP_RATIO_BSO)
        return dp__ratio_be_bso(total, v);
    int r = rules->be_rules == DP_RATIO_BE_2027
                ? dp__ratio_be_daycare_2027(g->n_age[0], total, g->nap, v)
                : dp__ratio_be_daycare(total, g->nap, v);
    note_mixed(rules, g, v);
    return r;
}

int dp_ratio_required(const dp_ratio_rules *rules, const dp_ratio_group *g)
{
    if (!is_valid(rules, g))
        return DP_RATIO_NOT_ALLOWED;
    return apply(rules, g, NULL);
}

dp_status dp_ratio_assess(const dp_ratio_rules *rules, const dp_ratio_group *g,
                          dp_ratio_verdict *out, dp_error *err)
{
    dp_ratio_verdict v;

    if (!is_valid(rules, g))
        return DP_FAIL(err, DP_EINPUT, NULL,
                       "expected a known country and rule set and at most %u children of one "
                       "age",
                       (unsigned) DP_RATIO_MAX_N);
    memset(&v, 0, sizeof v);
    v.care = dp_ratio_care_of(rules, g);
    apply(rules, g, &v);
    *out = v;
    return DP_OK;
}
