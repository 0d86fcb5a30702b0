/* plugins/series/series.c - series activities (activities.csv columns weeks
 * and starts, issue 7) as a hard constraint:
 *
 * - a series meets only in its weeks: in another planned week nobody is
 *   granted it (a weekly template, with no week, is not restricted);
 * - after its first week its participants are fixed: a child of the
 *   baseline schedule stays in its section and no child joins. A child
 *   leaves a series by leaving the centre or by losing the choice in
 *   choices.csv (then the baseline assignment is dropped).
 *
 * One violation per choice off its required state. Stateless: a child's
 * violations follow from its choices and grants. */
#include <stdio.h>

#include "dagplan/plugin.h"
#include "dagplan/time.h"

static bool runs_this_week(const dp_model *m, const dp_activity *a)
{
    if (!a->series_weeks || !m->week_monday)
        return true;
    return m->week_monday >= a->series_start &&
           m->week_monday < a->series_start + 7 * (int32_t) a->series_weeks;
}

/* Choices of child c off their required state under grants g[0..n) (a
 * dp_child_hard_fn: the session times do not matter). */
static int64_t broken(const void *state, const dp_state_view *v, const dp_move *mv, int after,
                      dp_id c, const dp_grant *g, uint8_t n)
{
    const dp_model *m = v->m;
    const dp_child *ch = &m->children[c];
    int64_t k = 0;

    (void) state;
    (void) mv;
    (void) after;

    for (uint32_t i = ch->choice0; i < ch->choice0 + ch->n_choices; i++) {
        dp_id act = m->choices[i].activity;
        const dp_activity *a = &m->activities[act];
        if (!a->series_weeks)
            continue;
        dp_id sec = dp_grant_section(g, n, i);
        if (!runs_this_week(m, a))
            k += sec != DP_NONE;
        else if (m->baseline.locked && m->baseline.locked[act])
            k += sec != m->baseline.section[i];
    }
    return k;
}

static bool any_series(const dp_model *m)
{
    for (dp_id a = 0; a < m->n_activities; a++)
        if (m->activities[a].series_weeks)
            return true;
    return false;
}

static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    static int active; /* a non-NULL state marks "there are series to check" */

    (void) err;
    *state = any_series(v->m) ? &active : NULL;
    return DP_OK;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    dp_child_hard_delta(state, v, mv, broken, out);
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    dp_child_hard_full(state, v, broken, out);
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    const dp_model *m = v->m;
    dp_id act = m->choices[choice].activity;
    const dp_activity *a = &m->activities[act];
    int y, w;
    char first[16];

    if (!state || !a->series_weeks)
        return 0;
    dp_isoweek_of(a->series_start, &y, &w);
    dp_isoweek_format(y, w, first);
    if (!runs_this_week(m, a)) {
        snprintf(buf, len, "%s is a series of %u weeks from %s and does not meet this week", a->id,
                 a->series_weeks, first);
        return 1;
    }
    if (!m->baseline.locked || !m->baseline.locked[act])
        return 0;
    unsigned k = (unsigned) ((m->week_monday - a->series_start) / 7) + 1;
    dp_id base = m->baseline.section[choice];
    if (base == DP_NONE)
        snprintf(buf, len,
                 "%s is a series under way (week %u of %u, from %s): it keeps its participants "
                 "and takes no new children",
                 a->id, k, a->series_weeks, first);
    else if (base != section)
        snprintf(buf, len, "the child stays in %s for the series (week %u of %u)",
                 m->sections[base].id, k, a->series_weeks);
    else
        return 0;
    return 1;
}

const dp_plugin dp_plugin_series = {
    .abi = DP_PLUGIN_ABI,
    .name = "series",
    .term = DP_TERM_NONE,
    .init = init,
    .delta = delta,
    .full = full,
    .explain = explain,
    .idle = dp_idle_without_state,
};
