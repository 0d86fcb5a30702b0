/* plugins/eligibility/eligibility.c - FORMAT.md section 3, items 1 and 2: a
 * child is only granted activities it chose, in a section of that activity,
 * and only when its school group lies in [min_group, max_group].
 *
 * Stateless: one check per grant of each touched child. */
#include <stdio.h>

#include "dagplan/plugin.h"

static int grant_violates(const dp_model *m, dp_id child, const dp_grant *g)
{
    const dp_choice *ch = &m->choices[g->choice];
    const dp_section *s = &m->sections[g->section];
    const dp_activity *a = &m->activities[s->activity];
    int group = m->children[child].group;

    return ch->child != child || ch->activity != s->activity || group < a->min_group ||
           group > a->max_group;
}

static int64_t count(const dp_model *m, dp_id child, const dp_grant *g, uint8_t n)
{
    int64_t bad = 0;

    for (uint8_t i = 0; i < n; i++)
        bad += grant_violates(m, child, &g[i]);
    return bad;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    (void) state;
    out->hard = 0;
    out->score = 0;
    /* Eligibility does not depend on time: a grant the move keeps counts
     * the same before and after. */
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        for (uint8_t j = 0; j < cc->n_after; j++)
            if (!dp_grant_in(cc->after[j], cc->before, cc->n_before))
                out->hard += grant_violates(v->m, cc->child, &cc->after[j]);
        for (uint8_t j = 0; j < cc->n_before; j++)
            if (!dp_grant_in(cc->before[j], cc->after, cc->n_after))
                out->hard -= grant_violates(v->m, cc->child, &cc->before[j]);
    }
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    (void) state;
    out->hard = 0;
    out->score = 0;
    for (dp_id c = 0; c < v->m->n_children; c++)
        out->hard += count(v->m, c, v->child_grants[c], v->child_n_grants[c]);
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    const dp_model *m = v->m;
    const dp_choice *ch = &m->choices[choice];
    const dp_activity *a = &m->activities[m->sections[section].activity];
    int group = m->children[ch->child].group;

    (void) state;
    if (group >= a->min_group && group <= a->max_group)
        return 0;
    snprintf(buf, len, "%s is for groups %d-%d; the child is in group %d", a->id, a->min_group,
             a->max_group, group);
    return 1;
}

const dp_plugin dp_plugin_eligibility = {
    .abi = DP_PLUGIN_ABI,
    .name = "eligibility",
    .term = DP_TERM_NONE,
    .delta = delta,
    .full = full,
    .explain = explain,
};
