/* plugins/camps/overnight.c - camps with overnight stay (activities.csv
 * `overnight` = 1, issue 8) as a hard constraint: from the start of the
 * camp's first session of the week to the end of its last one the child is
 * at the camp, nights included, so no other session of the child may fall in
 * that stretch (an evening club on Tuesday of a Monday-Friday camp, say).
 * Sessions on the camp's own days outside the stretch (before the first
 * start, after the last end) are left to the overlap rule.
 *
 * One violation per pair of a child's grants (an overnight one and another)
 * that clash. Stateless. */
#include <stdio.h>

#include "dagplan/plugin.h"
#include "dagplan/time.h"

/* Session k's time [*from, *to) in minutes since Monday 00:00, after the
 * move mv (after != 0) or before it; mv NULL: the current time. */
static void week_span(const dp_state_view *v, const dp_move *mv, int after, uint32_t k, int *from,
                      int *to)
{
    int day, start, end;
    uint32_t slot = mv ? dp_move_slot(v, mv, k, after) : v->session_slot[k];

    dp_session_span(v->m, k, slot, &day, &start, &end);
    *from = day * DP_MINUTES_DAY + start;
    *to = day * DP_MINUTES_DAY + end;
}

/* The stretch [*from, *to) in minutes since Monday 00:00 of section s. */
static void stretch(const dp_state_view *v, const dp_move *mv, int after, dp_id s, int *from,
                    int *to)
{
    const dp_section *sec = &v->m->sections[s];

    *from = DP_N_DAYS * DP_MINUTES_DAY;
    *to = 0;
    for (uint32_t k = sec->session0; k < sec->session0 + sec->n_sessions; k++) {
        int a, b;
        week_span(v, mv, after, k, &a, &b);
        if (a < *from)
            *from = a;
        if (b > *to)
            *to = b;
    }
}

/* Whether a session of section x falls inside the stretch [from, to). */
static bool inside(const dp_state_view *v, const dp_move *mv, int after, dp_id x, int from, int to)
{
    const dp_section *sec = &v->m->sections[x];

    for (uint32_t k = sec->session0; k < sec->session0 + sec->n_sessions; k++) {
        int a, b;
        week_span(v, mv, after, k, &a, &b);
        if (a < to && b > from)
            return true;
    }
    return false;
}

static bool is_overnight(const dp_model *m, dp_id s)
{
    return m->activities[m->sections[s].activity].overnight && m->sections[s].n_sessions > 0;
}

/* Whether the stretch of the overnight section x and the section y clash:
 * a session of y inside x's stretch, or, when y is overnight too, their
 * stretches overlap. Symmetric for two overnight sections. */
static bool clash(const dp_state_view *v, const dp_move *mv, int after, dp_id x, dp_id y)
{
    int from, to;

    stretch(v, mv, after, x, &from, &to);
    if (!is_overnight(v->m, y))
        return inside(v, mv, after, y, from, to);
    int from2, to2;
    stretch(v, mv, after, y, &from2, &to2);
    return from < to2 && from2 < to;
}

/* Clashing pairs among the grants g[0..n) of a child (a dp_child_hard_fn). */
static int64_t count(const void *state, const dp_state_view *v, const dp_move *mv, int after,
                     dp_id child, const dp_grant *g, uint8_t n)
{
    int64_t bad = 0;

    (void) state;
    (void) child;

    for (uint8_t i = 0; i < n; i++) {
        if (!is_overnight(v->m, g[i].section))
            continue;
        for (uint8_t j = 0; j < n; j++)
            if (j != i && (j < i || !is_overnight(v->m, g[j].section)) &&
                clash(v, mv, after, g[i].section, g[j].section))
                bad++;
    }
    return bad;
}

static bool any_overnight(const dp_model *m)
{
    for (dp_id a = 0; a < m->n_activities; a++)
        if (m->activities[a].overnight)
            return true;
    return false;
}

static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    static int active; /* a non-NULL state marks "there are overnight camps" */

    (void) err;
    *state = any_overnight(v->m) ? &active : NULL;
    return DP_OK;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    dp_child_hard_delta(state, v, mv, count, out);
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    dp_child_hard_full(state, v, count, out);
}

static void describe(const dp_state_view *v, dp_id s, char *buf, size_t len)
{
    int from, to;
    char a[8], b[8];

    stretch(v, NULL, 0, s, &from, &to);
    int last = (to - 1) / DP_MINUTES_DAY;
    dp_time_format(from % DP_MINUTES_DAY, a);
    dp_time_format(to - last * DP_MINUTES_DAY, b);
    snprintf(buf, len, "%s %s to %s %s", dp_day_name(from / DP_MINUTES_DAY), a, dp_day_name(last),
             b);
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    const dp_model *m = v->m;
    dp_id child = m->choices[choice].child;
    char when[64];

    if (!state)
        return 0;
    for (uint8_t i = 0; i < v->child_n_grants[child]; i++) {
        dp_id other = v->child_grants[child][i].section;
        if (other == section)
            continue;
        if (is_overnight(m, other)) {
            if (!clash(v, NULL, 0, other, section))
                continue;
            describe(v, other, when, sizeof when);
            snprintf(buf, len,
                     "%s meets while the child stays at the camp %s (%s, with overnight stay, "
                     "%s)",
                     m->sections[section].id, m->activities[m->sections[other].activity].name,
                     m->sections[other].id, when);
            return 1;
        }
        if (is_overnight(m, section)) {
            if (!clash(v, NULL, 0, section, other))
                continue;
            describe(v, section, when, sizeof when);
            snprintf(buf, len,
                     "%s is a camp with overnight stay (%s) and the child's %s (%s) meets "
                     "during it",
                     m->sections[section].id, when, m->activities[m->sections[other].activity].name,
                     m->sections[other].id);
            return 1;
        }
    }
    return 0;
}

const dp_plugin dp_plugin_overnight = {
    .abi = DP_PLUGIN_ABI,
    .name = "overnight",
    .term = DP_TERM_NONE,
    .init = init,
    .delta = delta,
    .full = full,
    .explain = explain,
    .idle = dp_idle_without_state,
};
