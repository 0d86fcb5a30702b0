/* core/solve/bound.c - an upper bound of the standard objective.
 *
 * Each child's coverage, breadth and rank depend only on its own grants, so the
 * sum over children of the best value a child could have on its own (at most
 * max_activities of its options, one per choice, ignoring capacities and
 * clashes) bounds the objective. Reaching it proves the schedule optimal, and
 * the search stops there. Children choose a handful of activities, so the
 * best subset is found by enumeration (depth at most max_activities). */
#include "search.h"

typedef struct enum_ctx {
    const dp_model *m;
    dp_id child;
    const dp_id *choices; /* distinct choices that have an option */
    uint32_t n;
    int max_depth;
    dp_grant pick[8];
    int64_t best;
} enum_ctx;

int64_t dp__child_value(const dp_model *m, dp_id c, const dp_grant *g, int n)
{
    int64_t w = dp_child_weight(m, c), v = n > 0 ? 100 * w : 0;
    int themes = 0;

    for (int i = 0; i < n; i++) {
        int rank = m->choices[g[i].choice].rank;
        dp_id t = m->activities[m->choices[g[i].choice].activity].theme;
        int seen = 0;
        v += w * (10 - (rank < 9 ? rank : 9));
        for (int j = 0; j < i && !seen; j++)
            seen = m->activities[m->choices[g[j].choice].activity].theme == t;
        themes += !seen;
    }
    return v + (themes > 1 ? 20 * w * (themes - 1) : 0);
}

static void enumerate(enum_ctx *x, uint32_t from, int depth)
{
    int64_t v = dp__child_value(x->m, x->child, x->pick, depth);

    if (v > x->best)
        x->best = v;
    if (depth == x->max_depth)
        return;
    for (uint32_t i = from; i < x->n; i++) {
        x->pick[depth].choice = x->choices[i];
        enumerate(x, i + 1, depth + 1);
    }
}

/* For a child with very many choices: every grant at rank value 9 and a new
 * theme each, which no real subset exceeds. */
static int64_t loose_bound(const dp_model *m, dp_id c, int n, int k)
{
    int64_t w = dp_child_weight(m, c);

    if (k > n)
        k = n;
    return k > 0 ? w * (100 + 9 * k + 20 * (k - 1)) : 0;
}

int64_t dp__child_bound(const dp_model *m, const dp_search *s, dp_id c)
{
    dp_id buf[64];
    enum_ctx x = {.m = m, .child = c, .choices = buf};

    for (uint32_t i = s->opt0[c]; i < s->opt0[c + 1] && x.n < 64; i++)
        if (x.n == 0 || buf[x.n - 1] != s->opts[i].choice)
            buf[x.n++] = s->opts[i].choice;
    x.max_depth = m->centre.max_activities < 8 ? m->centre.max_activities : 8;
    if (x.n > 16)
        return loose_bound(m, c, (int) x.n, x.max_depth);
    enumerate(&x, 0, 0);
    return x.best;
}

int64_t dp__objective_bound(const dp_model *m, const dp_search *s)
{
    int64_t total = 0;

    for (dp_id c = 0; c < m->n_children; c++)
        total += dp__child_bound(m, s, c);
    return total;
}
