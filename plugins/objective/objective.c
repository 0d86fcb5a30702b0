/* plugins/objective/objective.c - the standard objective terms of FORMAT.md
 * section 2, each a plugin of its own so that a centre can see (and a later
 * plugin can weigh) them apart:
 *
 *   coverage = 100 w(c) for each child with at least one granted activity;
 *   breadth  = 20 w(c) max(0, T(c) - 1), T the distinct themes granted;
 *   rank     = w(c) (10 - min(rank, 9)) per granted choice;
 *
 * with w(c) = 1 + priority(c). All are per child, so a delta only looks at
 * the touched children's grants. A child has at most a handful of grants, so
 * counting distinct themes by a quadratic scan beats any set structure. */
#include "dagplan/plugin.h"

static int64_t coverage_of(const dp_model *m, dp_id c, const dp_grant *g, uint8_t n)
{
    (void) g;
    return n > 0 ? 100 * dp_child_weight(m, c) : 0;
}

static int64_t breadth_of(const dp_model *m, dp_id c, const dp_grant *g, uint8_t n)
{
    int themes = 0;

    for (uint8_t i = 0; i < n; i++) {
        dp_id t = m->activities[m->choices[g[i].choice].activity].theme;
        int seen = 0;
        for (uint8_t j = 0; j < i && !seen; j++)
            seen = m->activities[m->choices[g[j].choice].activity].theme == t;
        themes += !seen;
    }
    return themes > 1 ? 20 * dp_child_weight(m, c) * (themes - 1) : 0;
}

static int64_t rank_of(const dp_model *m, dp_id c, const dp_grant *g, uint8_t n)
{
    int64_t sum = 0;

    for (uint8_t i = 0; i < n; i++) {
        int rank = m->choices[g[i].choice].rank;
        sum += 10 - (rank < 9 ? rank : 9);
    }
    return sum * dp_child_weight(m, c);
}

typedef int64_t (*term_fn)(const dp_model *m, dp_id c, const dp_grant *g, uint8_t n);

static void delta_with(term_fn f, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    out->hard = 0;
    out->score = 0;
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        out->score += f(v->m, cc->child, cc->after, cc->n_after) -
                      f(v->m, cc->child, cc->before, cc->n_before);
    }
}

static void full_with(term_fn f, const dp_state_view *v, dp_delta *out)
{
    out->hard = 0;
    out->score = 0;
    for (dp_id c = 0; c < v->m->n_children; c++)
        out->score += f(v->m, c, v->child_grants[c], v->child_n_grants[c]);
}

#define DP_OBJECTIVE_PLUGIN(NAME, TERM, FN)                                                      \
    static void delta_##NAME(void *st, const dp_state_view *v, const dp_move *mv, dp_delta *out) \
    {                                                                                            \
        (void) st;                                                                               \
        delta_with(FN, v, mv, out);                                                              \
    }                                                                                            \
    static void full_##NAME(void *st, const dp_state_view *v, dp_delta *out)                     \
    {                                                                                            \
        (void) st;                                                                               \
        full_with(FN, v, out);                                                                   \
    }                                                                                            \
    const dp_plugin dp_plugin_##NAME = {                                                         \
        .abi = DP_PLUGIN_ABI,                                                                    \
        .name = #NAME,                                                                           \
        .term = TERM,                                                                            \
        .delta = delta_##NAME,                                                                   \
        .full = full_##NAME,                                                                     \
    }

DP_OBJECTIVE_PLUGIN(coverage, DP_TERM_COVERAGE, coverage_of);
DP_OBJECTIVE_PLUGIN(breadth, DP_TERM_BREADTH, breadth_of);
DP_OBJECTIVE_PLUGIN(rank, DP_TERM_RANK, rank_of);
