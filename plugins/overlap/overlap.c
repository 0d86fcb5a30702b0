/* plugins/overlap/overlap.c - FORMAT.md section 3, item 4: two sessions of one
 * child on one day do not overlap and leave at least the walking minutes
 * between their locations (a pair of locations with no travel row cannot both
 * be visited on one day).
 *
 * One violation per pair of granted sections that clash. The only state is
 * which days each section can meet on (made at init). */
#include <stdio.h>
#include <stdlib.h>

#include "dagplan/plugin.h"

/* Whether sessions a (at slot sa) and b (at slot sb) cannot both be attended. */
static int sessions_clash(const dp_model *m, dp_id a, uint32_t sa, dp_id b, uint32_t sb)
{
    int da, a0, a1, db, b0, b1;

    dp_session_span(m, a, sa, &da, &a0, &a1);
    dp_session_span(m, b, sb, &db, &b0, &b1);
    if (da != db)
        return 0;
    dp_id la = m->sections[m->sessions[a].section].location;
    dp_id lb = m->sections[m->sessions[b].section].location;
    int ab = dp_model_travel(m, la, lb), ba = dp_model_travel(m, lb, la);
    if (a1 <= b0)
        return ab < 0 || a1 + ab > b0;
    if (b1 <= a0)
        return ba < 0 || b1 + ba > a0;
    return 1;
}

/* days[s]: bit d is set when a session of section s can meet on day d (any
 * of its times). Two sections on no common day never clash: most pairs a
 * move looks at, and one byte each instead of their sessions, times and
 * walks. NULL outside a solve (plugins/lp asks without state). */
static int sections_clash(const uint8_t *days, const dp_state_view *v, const dp_move *mv, int after,
                          dp_id x, dp_id y)
{
    const dp_model *m = v->m;
    const dp_section *sx = &m->sections[x], *sy = &m->sections[y];

    if (days && !(days[x] & days[y]))
        return 0;
    for (uint32_t i = sx->session0; i < sx->session0 + sx->n_sessions; i++) {
        uint32_t si = mv ? dp_move_slot(v, mv, i, after) : v->session_slot[i];
        for (uint32_t j = sy->session0; j < sy->session0 + sy->n_sessions; j++) {
            uint32_t sj = mv ? dp_move_slot(v, mv, j, after) : v->session_slot[j];
            if (sessions_clash(m, i, si, j, sj))
                return 1;
        }
    }
    return 0;
}

static int64_t count(const uint8_t *days, const dp_state_view *v, const dp_move *mv, int after,
                     const dp_grant *g, uint8_t n)
{
    int64_t bad = 0;

    for (uint8_t i = 0; i < n; i++)
        for (uint8_t j = (uint8_t) (i + 1); j < n; j++)
            bad += sections_clash(days, v, mv, after, g[i].section, g[j].section);
    return bad;
}

/* Pairs of g that clash, leaving out pairs that are also in `other` (when no
 * session moves, such a pair clashes before and after alike). */
static int64_t count_changed(const uint8_t *days, const dp_state_view *v, const dp_move *mv,
                             int after, const dp_grant *g, uint8_t n, const dp_grant *other,
                             uint8_t n_other)
{
    int64_t bad = 0;
    uint8_t kept[256];

    for (uint8_t i = 0; i < n; i++)
        kept[i] = (uint8_t) dp_grant_in(g[i], other, n_other);
    for (uint8_t i = 0; i < n; i++)
        for (uint8_t j = (uint8_t) (i + 1); j < n; j++)
            if (!kept[i] || !kept[j])
                bad += sections_clash(days, v, mv, after, g[i].section, g[j].section);
    return bad;
}

static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    const dp_model *m = v->m;
    uint8_t *days = calloc((size_t) m->n_sections + 1, 1);

    if (!days)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the sections' days");
    for (dp_id k = 0; k < m->n_sessions; k++)
        for (uint32_t o = m->sessions[k].slot0; o < m->sessions[k].slot0 + m->sessions[k].n_slots;
             o++)
            days[m->sessions[k].section] |= (uint8_t) (1u << m->slots[o].day);
    *state = days;
    return DP_OK;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    const uint8_t *days = state;

    out->hard = 0;
    out->score = 0;
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        if (mv->n_sessions > 0)
            out->hard += count(days, v, mv, 1, cc->after, cc->n_after) -
                         count(days, v, mv, 0, cc->before, cc->n_before);
        else
            out->hard +=
                count_changed(days, v, mv, 1, cc->after, cc->n_after, cc->before, cc->n_before) -
                count_changed(days, v, mv, 0, cc->before, cc->n_before, cc->after, cc->n_after);
    }
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    (void) state;
    out->hard = 0;
    out->score = 0;
    for (dp_id c = 0; c < v->m->n_children; c++)
        out->hard += count(NULL, v, NULL, 0, v->child_grants[c], v->child_n_grants[c]);
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    const dp_model *m = v->m;
    dp_id child = m->choices[choice].child;

    (void) state;
    for (uint8_t i = 0; i < v->child_n_grants[child]; i++) {
        dp_id other = v->child_grants[child][i].section;
        if (other == section || !sections_clash(state, v, NULL, 0, section, other))
            continue;
        snprintf(buf, len, "%s clashes with the child's %s (%s), walking time included",
                 m->sections[section].id, m->activities[m->sections[other].activity].name,
                 m->sections[other].id);
        return 1;
    }
    return 0;
}

const dp_plugin dp_plugin_overlap = {
    .abi = DP_PLUGIN_ABI,
    .name = "overlap",
    .term = DP_TERM_NONE,
    .init = init,
    .free = free,
    .delta = delta,
    .full = full,
    .explain = explain,
};
