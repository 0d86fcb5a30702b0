/* plugins/camps/camps.c - dated sections and camps over several weeks
 * (sections.csv `dates`, issue 8) as a hard constraint:
 *
 * - a section with dates that does not meet in the planned week (no session
 *   left on a day inside its dates) holds nobody: a camp of week 28 keeps no
 *   child in week 29, unlike a weekly section cancelled by a closure, whose
 *   children keep their place;
 * - a camp under way (one of its date ranges started in an earlier week and
 *   runs into this one) keeps its participants: with a baseline, every child
 *   of the baseline in it stays in it, and no other child joins. A camp is
 *   booked as a whole, as a series is (plugins/series).
 *
 * One violation per choice off its required state. Stateless. */
#include <stdio.h>

#include "dagplan/plugin.h"
#include "dagplan/time.h"

static bool dated_not_meeting(const dp_model *m, dp_id s)
{
    return m->sections[s].n_ranges > 0 && m->sections[s].n_sessions == 0;
}

/* Choices of child c off their required state under grants g[0..n) (a
 * dp_child_hard_fn: the session times do not matter). */
static int64_t broken(const void *state, const dp_state_view *v, const dp_move *mv, int after,
                      dp_id c, const dp_grant *g, uint8_t n)
{
    const dp_model *m = v->m;
    const dp_child *ch = &m->children[c];
    const dp_id *base = m->baseline.section;
    int64_t k = 0;

    (void) state;
    (void) mv;
    (void) after;

    for (uint8_t i = 0; i < n; i++)
        k += dated_not_meeting(m, g[i].section);
    if (!base)
        return k;
    for (uint32_t i = ch->choice0; i < ch->choice0 + ch->n_choices; i++) {
        dp_id sec = dp_grant_section(g, n, i), b = base[i];
        if (b != DP_NONE && dp_model_section_underway(m, b))
            k += sec != b;
        else if (sec != DP_NONE && dp_model_section_underway(m, sec))
            k++;
    }
    return k;
}

static bool any_dates(const dp_model *m)
{
    return m->n_date_ranges > 0;
}

static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    static int active; /* a non-NULL state marks "there are dated sections" */

    (void) err;
    *state = any_dates(v->m) ? &active : NULL;
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

/* The range of section s that holds the Monday, or NULL. */
static const dp_date_range *range_of(const dp_model *m, dp_id s, int32_t monday)
{
    const dp_section *sec = &m->sections[s];

    for (uint32_t i = sec->range0; i < sec->range0 + sec->n_ranges; i++)
        if (m->date_ranges[i].from_day <= monday + 6 && m->date_ranges[i].to_day >= monday)
            return &m->date_ranges[i];
    return NULL;
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    const dp_model *m = v->m;
    char from[16], to[16];

    if (!state)
        return 0;
    if (dated_not_meeting(m, section)) {
        snprintf(buf, len, "%s does not meet this week (its dates: see sections.csv line %u)",
                 m->sections[section].id, m->sections[section].line);
        return 1;
    }
    if (!m->baseline.section)
        return 0;
    dp_id b = m->baseline.section[choice];
    dp_id s = b != DP_NONE && dp_model_section_underway(m, b) ? b : section;
    const dp_date_range *r = range_of(m, s, m->week_monday);
    if (!r || !dp_model_section_underway(m, s))
        return 0;
    dp_date_format(r->from_day, from);
    dp_date_format(r->to_day, to);
    if (b == s && b != section)
        snprintf(buf, len, "the child stays in %s for the whole camp (%s to %s)", m->sections[b].id,
                 from, to);
    else if (b != section)
        snprintf(buf, len,
                 "%s is a camp under way (%s to %s): it keeps its participants and takes no "
                 "new children",
                 m->sections[section].id, from, to);
    else
        return 0;
    return 1;
}

const dp_plugin dp_plugin_camps = {
    .abi = DP_PLUGIN_ABI,
    .name = "camps",
    .term = DP_TERM_NONE,
    .init = init,
    .delta = delta,
    .full = full,
    .explain = explain,
    .idle = dp_idle_without_state,
};
