/* plugins/availability/availability.c - FORMAT.md section 3, item 3: every
 * session of a child's section lies inside one availability window of the
 * child on that day, with the walk from the centre's home location to the
 * session's location before it and back after it; and outside the school hours
 * of the child's group (the walk included), since a child cannot leave class.
 *
 * One violation per granted section with any session that does not fit.
 * Stateless: a child has a few windows, a section one or two sessions. */
#include <stdio.h>

#include "dagplan/plugin.h"

typedef enum misfit {
    FITS = 0,
    NO_ROUTE,    /* the location cannot be reached from home */
    NO_WINDOW,   /* no window holds session + walks */
    SCHOOL_HOURS /* it overlaps the group's school hours */
} misfit;

static misfit session_misfit(const dp_model *m, dp_id child, dp_id session, uint32_t slot)
{
    const dp_child *c = &m->children[child];
    dp_id loc = m->sections[m->sessions[session].section].location;
    int day, start, end;
    int to = dp_model_travel(m, m->centre.home, loc);
    int back = dp_model_travel(m, loc, m->centre.home);

    if (to < 0 || back < 0)
        return NO_ROUTE;
    dp_session_span(m, session, slot, &day, &start, &end);
    const dp_school_day *sd = &m->school[c->group][day];
    if (sd->end_min > sd->start_min && start - to < sd->end_min && end + back > sd->start_min)
        return SCHOOL_HOURS;
    for (uint32_t w = c->window0; w < c->window0 + c->n_windows; w++) {
        const dp_window *win = &m->windows[w];
        if (win->day == day && win->from_min <= start - to && end + back <= win->to_min)
            return FITS;
    }
    return NO_WINDOW;
}

static int64_t count(const dp_state_view *v, const dp_move *mv, int after, dp_id child,
                     const dp_grant *g, uint8_t n)
{
    const dp_model *m = v->m;
    int64_t bad = 0;

    for (uint8_t i = 0; i < n; i++) {
        const dp_section *s = &m->sections[g[i].section];
        for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
            uint32_t slot = mv ? dp_move_slot(v, mv, k, after) : v->session_slot[k];
            if (session_misfit(m, child, k, slot) != FITS) {
                bad++;
                break;
            }
        }
    }
    return bad;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    (void) state;
    out->hard = 0;
    out->score = 0;
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        if (mv->n_sessions > 0) {
            out->hard += count(v, mv, 1, cc->child, cc->after, cc->n_after) -
                         count(v, mv, 0, cc->child, cc->before, cc->n_before);
            continue;
        }
        /* No session moves: a grant kept as it was fits as it did. */
        for (uint8_t j = 0; j < cc->n_after; j++)
            if (!dp_grant_in(cc->after[j], cc->before, cc->n_before))
                out->hard += count(v, mv, 1, cc->child, &cc->after[j], 1);
        for (uint8_t j = 0; j < cc->n_before; j++)
            if (!dp_grant_in(cc->before[j], cc->after, cc->n_after))
                out->hard -= count(v, mv, 0, cc->child, &cc->before[j], 1);
    }
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    (void) state;
    out->hard = 0;
    out->score = 0;
    for (dp_id c = 0; c < v->m->n_children; c++)
        out->hard += count(v, NULL, 0, c, v->child_grants[c], v->child_n_grants[c]);
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    const dp_model *m = v->m;
    const dp_section *s = &m->sections[section];
    dp_id child = m->choices[choice].child;

    (void) state;
    for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
        int day, start, end;
        misfit why = session_misfit(m, child, k, v->session_slot[k]);
        dp_session_span(m, k, v->session_slot[k], &day, &start, &end);
        const char *dn = dp_day_name(day);
        int group = m->children[child].group;
        switch (why) {
        case FITS:
            continue;
        case NO_ROUTE:
            snprintf(buf, len, "%s meets at %s, which cannot be reached from %s", s->id,
                     m->locations[s->location].id, m->locations[m->centre.home].id);
            return 1;
        case SCHOOL_HOURS:
            snprintf(buf, len, "%s meets %s %02d:%02d, during school hours of group %d", s->id, dn,
                     start / 60, start % 60, group);
            return 1;
        case NO_WINDOW:
            snprintf(buf, len,
                     "%s meets %s %02d:%02d-%02d:%02d, outside the child's available time "
                     "(walking included)",
                     s->id, dn, start / 60, start % 60, end / 60, end % 60);
            return 1;
        }
    }
    return 0;
}

const dp_plugin dp_plugin_availability = {
    .abi = DP_PLUGIN_ABI,
    .name = "availability",
    .term = DP_TERM_NONE,
    .delta = delta,
    .full = full,
    .explain = explain,
};
