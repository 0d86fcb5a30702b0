/* plugins/max_activities/max_activities.c - FORMAT.md section 3, item 1: at
 * most max_activities (centre.lua) granted activities per child per week.
 * One violation per grant over the limit. Stateless. */
#include <stdio.h>

#include "dagplan/plugin.h"

static int64_t excess(const dp_model *m, uint8_t n)
{
    int64_t over = (int64_t) n - m->centre.max_activities;

    return over > 0 ? over : 0;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    (void) state;
    out->hard = 0;
    out->score = 0;
    for (uint32_t i = 0; i < mv->n_children; i++)
        out->hard += excess(v->m, mv->children[i].n_after) - excess(v->m, mv->children[i].n_before);
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    (void) state;
    out->hard = 0;
    out->score = 0;
    for (dp_id c = 0; c < v->m->n_children; c++)
        out->hard += excess(v->m, v->child_n_grants[c]);
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    dp_id child = v->m->choices[choice].child;

    (void) state;
    (void) section;
    if (v->child_n_grants[child] < v->m->centre.max_activities)
        return 0;
    snprintf(buf, len, "max %d activities reached", v->m->centre.max_activities);
    return 1;
}

const dp_plugin dp_plugin_max_activities = {
    .abi = DP_PLUGIN_ABI,
    .name = "max_activities",
    .term = DP_TERM_NONE,
    .delta = delta,
    .full = full,
    .explain = explain,
};
