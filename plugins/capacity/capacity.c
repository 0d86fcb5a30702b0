/* plugins/capacity/capacity.c - FORMAT.md section 3, item 5: a section holds at
 * most max_size children (dp_plugin_capacity) and a section with any child
 * holds at least min_size (dp_plugin_min_size; otherwise it is cancelled and
 * holds none).
 *
 * Both count in children: a section two over its maximum is two violations, a
 * section of 2 with minimum 5 is three. The solver may relax min_size during
 * its search (filling a new section one child at a time passes through
 * sections below their minimum) but never returns such a schedule.
 * Stateless: the move lists every section whose size changes. */
#include <stdio.h>

#include "dagplan/plugin.h"

static int64_t over_max(const dp_model *m, dp_id s, uint32_t n)
{
    uint32_t max = m->sections[s].max_size;

    return n > max ? (int64_t) (n - max) : 0;
}

static int64_t under_min(const dp_model *m, dp_id s, uint32_t n)
{
    uint32_t min = m->sections[s].min_size;

    return n > 0 && n < min ? (int64_t) (min - n) : 0;
}

typedef int64_t (*violation_fn)(const dp_model *m, dp_id s, uint32_t n);

static void delta_with(violation_fn f, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    out->hard = 0;
    out->score = 0;
    for (uint32_t i = 0; i < mv->n_sections; i++) {
        const dp_section_change *sc = &mv->sections[i];
        out->hard += f(v->m, sc->section, sc->count_after) - f(v->m, sc->section, sc->count_before);
    }
}

static void full_with(violation_fn f, const dp_state_view *v, dp_delta *out)
{
    out->hard = 0;
    out->score = 0;
    for (dp_id s = 0; s < v->m->n_sections; s++)
        out->hard += f(v->m, s, v->section_count[s]);
}

static void delta_max(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    (void) state;
    delta_with(over_max, v, mv, out);
}

static void full_max(void *state, const dp_state_view *v, dp_delta *out)
{
    (void) state;
    full_with(over_max, v, out);
}

static void delta_min(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    (void) state;
    delta_with(under_min, v, mv, out);
}

static void full_min(void *state, const dp_state_view *v, dp_delta *out)
{
    (void) state;
    full_with(under_min, v, out);
}

static int explain_max(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                       size_t len)
{
    const dp_model *m = v->m;
    const dp_section *s = &m->sections[section];
    uint32_t n = v->section_count[section];

    (void) state;
    (void) choice;
    if (n < s->max_size)
        return 0;
    /* Name the weakest claim on a seat: the planner can see whether the
     * child would have displaced anyone. */
    int worst_rank = 0;
    for (uint32_t i = 0; i < n; i++) {
        dp_id ch = v->section_members[v->member0[section] + i];
        if (m->choices[ch].rank > worst_rank)
            worst_rank = m->choices[ch].rank;
    }
    snprintf(buf, len, "%s is full (%u of %u); the lowest-ranked wish in it has rank %d", s->id, n,
             (unsigned) s->max_size, worst_rank);
    return 1;
}

static int explain_min(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                       size_t len)
{
    const dp_section *s = &v->m->sections[section];

    (void) state;
    (void) choice;
    if (v->section_count[section] > 0 || s->min_size <= 1)
        return 0;
    snprintf(buf, len, "%s is cancelled: fewer than %u children could join it", s->id,
             (unsigned) s->min_size);
    return 1;
}

const dp_plugin dp_plugin_capacity = {
    .abi = DP_PLUGIN_ABI,
    .name = "capacity",
    .term = DP_TERM_NONE,
    .delta = delta_max,
    .full = full_max,
    .explain = explain_max,
};

const dp_plugin dp_plugin_min_size = {
    .abi = DP_PLUGIN_ABI,
    .name = "min_size",
    .term = DP_TERM_NONE,
    .delta = delta_min,
    .full = full_min,
    .explain = explain_min,
};
