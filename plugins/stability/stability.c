/* plugins/stability/stability.c - the stability term of FORMAT.md section 2
 * (issue 7): minus centre.stability points (centre.lua, default 20) for every
 * assignment of the baseline schedule (the current version of the same week,
 * or of the week before) that the new schedule does not keep in the same
 * section. New grants cost nothing: families see a change only where a
 * child's known activity or group moves or goes. 0 without a baseline.
 * Stateless: a child's kept assignments follow from its grants. */
#include "dagplan/plugin.h"

/* Baseline assignments of the grants g[0..n) kept in their section. */
static int64_t kept(const dp_model *m, const dp_grant *g, uint8_t n)
{
    int64_t k = 0;

    for (uint8_t i = 0; i < n; i++)
        k += m->baseline.section[g[i].choice] == g[i].section;
    return k;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    const dp_model *m = v->m;

    (void) state;
    out->hard = 0;
    out->score = 0;
    if (!m->baseline.section)
        return;
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        out->score += kept(m, cc->after, cc->n_after) - kept(m, cc->before, cc->n_before);
    }
    out->score *= m->centre.stability;
}

/* No baseline: no assignment to keep. */
static int idle(void *state, const dp_state_view *v)
{
    (void) state;
    return v->m->baseline.section == NULL;
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    const dp_model *m = v->m;

    (void) state;
    out->hard = 0;
    out->score = 0;
    if (!m->baseline.section)
        return;
    int64_t k = 0;
    for (dp_id c = 0; c < m->n_children; c++)
        k += kept(m, v->child_grants[c], v->child_n_grants[c]);
    out->score = -((int64_t) m->baseline.n_mapped - k) * m->centre.stability;
}

const dp_plugin dp_plugin_stability = {
    .abi = DP_PLUGIN_ABI,
    .name = "stability",
    .term = DP_TERM_STABILITY,
    .delta = delta,
    .full = full,
    .idle = idle,
};
