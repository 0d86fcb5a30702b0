/* plugins/availability/availability.c - FORMAT.md section 3, item 3: every
 * session of a child's section lies inside one availability window of the
 * child on that day, with the walk from the centre's home location to the
 * session's location before it and back after it; and outside the school hours
 * of the child's group (the walk included), since a child cannot leave class.
 *
 * One violation per granted section with any session that does not fit.
 * A child has a few windows, a section one or two sessions; the answers are
 * looked up in a cache made at init (fit_cache). */
#include <stdio.h>
#include <stdlib.h>

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

/* Per choice, which sections of its activity fit the child, for the
 * sections whose sessions all have one time (a fixed-time section fits or
 * not for the whole solve), and at which of their times the sessions with
 * candidate times fit. The search asks about the same few (child, section)
 * pairs millions of times, and each answer reads the child, the section, its
 * sessions, two walks and the child's windows: the cache reads one record
 * (and a mask per session with candidate times). */
typedef struct fit_cache {
    uint32_t section0; /* first section of the choice's activity */
    uint32_t n;        /* sections cached: the activity's, at most 64 */
    uint64_t fixed;    /* bit j: every session of section0 + j has one time */
    uint64_t fits;     /* bit j: and they all fit the choice's child */
    uint32_t session0; /* first session of the activity's sections */
    uint32_t n_sess;   /* how many, with a mask each from at[mask0] */
    uint32_t mask0;    /* its slot masks start at at[mask0], or NO_MASKS */
} fit_cache;

#define NO_MASKS  UINT32_MAX
#define MAX_SLOTS 64  /* a session with more candidate times is checked every time */
#define MAX_SPAN  256 /* sessions of an activity's sections, at most, for masks */

typedef struct avail_state {
    fit_cache *choice; /* [n_choices] */
    uint64_t *at;      /* masks: bit o set when the session fits at its time slot0 + o */
} avail_state;

/* From the cache, whether the grant fits (0), not (1), or -1 when the cache
 * cannot tell. */
static int cached_misfit(const avail_state *st, const dp_state_view *v, const dp_move *mv,
                         int after, dp_grant g)
{
    const dp_model *m = v->m;
    const fit_cache *fc = &st->choice[g.choice];
    uint32_t j = g.section - fc->section0; /* wraps for a section before */

    if (j >= fc->n)
        return -1;
    if (fc->fixed >> j & 1)
        return !(fc->fits >> j & 1);
    if (fc->mask0 == NO_MASKS)
        return -1;
    const dp_section *s = &m->sections[g.section];
    for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
        uint32_t o =
            (mv ? dp_move_slot(v, mv, k, after) : v->session_slot[k]) - m->sessions[k].slot0;
        if (o >= MAX_SLOTS || k - fc->session0 >= fc->n_sess)
            return -1;
        if (!(st->at[fc->mask0 + (k - fc->session0)] >> o & 1))
            return 1;
    }
    return 0;
}

/* Whether the grant g of child breaks the constraint (1) or not (0). st may
 * be NULL (plugins/lp asks without a solve, full() checks the cache). */
static int grant_misfits(const avail_state *st, const dp_state_view *v, const dp_move *mv,
                         int after, dp_id child, dp_grant g)
{
    const dp_model *m = v->m;
    int cached = st ? cached_misfit(st, v, mv, after, g) : -1;

    if (cached >= 0)
        return cached;
    const dp_section *s = &m->sections[g.section];
    for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
        uint32_t slot = mv ? dp_move_slot(v, mv, k, after) : v->session_slot[k];
        if (session_misfit(m, child, k, slot) != FITS)
            return 1;
    }
    return 0;
}

static int64_t count(const avail_state *st, const dp_state_view *v, const dp_move *mv, int after,
                     dp_id child, const dp_grant *g, uint8_t n)
{
    int64_t bad = 0;

    for (uint8_t i = 0; i < n; i++)
        bad += grant_misfits(st, v, mv, after, child, g[i]);
    return bad;
}

static void release(void *state)
{
    avail_state *st = state;

    if (st) {
        free(st->choice);
        free(st->at);
        free(st);
    }
}

/* The sessions of the activity's sections, [*first, *end): sections are in
 * activity order and sessions in section order, so they are one run. */
static void activity_sessions(const dp_model *m, const dp_activity *a, uint32_t *first,
                              uint32_t *end)
{
    *first = *end = 0;
    if (a->n_sections == 0)
        return;
    const dp_section *lo = &m->sections[a->section0];
    const dp_section *hi = &m->sections[a->section0 + a->n_sections - 1];
    *first = lo->session0;
    *end = hi->session0 + hi->n_sessions;
    if (*end < *first)
        *end = *first;
}

static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    const dp_model *m = v->m;
    avail_state *st = calloc(1, sizeof *st);
    size_t n_masks = 0;

    if (st)
        st->choice = calloc((size_t) m->n_choices + 1, sizeof *st->choice);
    for (dp_id q = 0; st && st->choice && q < m->n_choices; q++) {
        const dp_activity *a = &m->activities[m->choices[q].activity];
        fit_cache *fc = &st->choice[q];
        uint32_t first, end;
        fc->section0 = a->section0;
        fc->n = a->n_sections < 64 ? a->n_sections : 64;
        for (uint32_t j = 0; j < fc->n; j++) {
            const dp_section *s = &m->sections[a->section0 + j];
            int fixed = 1, fits = 1;
            for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
                fixed &= m->sessions[k].n_slots == 1;
                fits &= session_misfit(m, m->choices[q].child, k, m->sessions[k].slot0) == FITS;
            }
            fc->fixed |= (uint64_t) fixed << j;
            fc->fits |= (uint64_t) (fixed && fits) << j;
        }
        activity_sessions(m, a, &first, &end);
        fc->session0 = first;
        fc->n_sess = end - first;
        fc->mask0 = NO_MASKS;
        if (fc->fixed != (fc->n == 64 ? UINT64_MAX : ((uint64_t) 1 << fc->n) - 1) &&
            end - first <= MAX_SPAN) {
            fc->mask0 = (uint32_t) n_masks;
            n_masks += end - first;
        }
    }
    if (st && st->choice)
        st->at = calloc(n_masks + 1, sizeof *st->at);
    if (!st || !st->choice || !st->at) {
        release(st);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the availability cache");
    }
    for (dp_id q = 0; q < m->n_choices; q++) {
        const fit_cache *fc = &st->choice[q];
        if (fc->mask0 == NO_MASKS)
            continue;
        for (uint32_t k = fc->session0; k < fc->session0 + fc->n_sess; k++)
            for (uint32_t o = 0; o < m->sessions[k].n_slots && o < MAX_SLOTS; o++)
                if (session_misfit(m, m->choices[q].child, k, m->sessions[k].slot0 + o) == FITS)
                    st->at[fc->mask0 + (k - fc->session0)] |= (uint64_t) 1 << o;
    }
    *state = st;
    return DP_OK;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    const avail_state *cache = state;

    out->hard = 0;
    out->score = 0;
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        if (mv->n_sessions > 0) {
            out->hard += count(cache, v, mv, 1, cc->child, cc->after, cc->n_after) -
                         count(cache, v, mv, 0, cc->child, cc->before, cc->n_before);
            continue;
        }
        /* No session moves: a grant kept as it was fits as it did. */
        for (uint8_t j = 0; j < cc->n_after; j++)
            if (!dp_grant_in(cc->after[j], cc->before, cc->n_before))
                out->hard += grant_misfits(cache, v, mv, 1, cc->child, cc->after[j]);
        for (uint8_t j = 0; j < cc->n_before; j++)
            if (!dp_grant_in(cc->before[j], cc->after, cc->n_after))
                out->hard -= grant_misfits(cache, v, mv, 0, cc->child, cc->before[j]);
    }
}

/* From the sessions themselves, not the cache: full() is what the cache is
 * checked against (--verify-every, tests/unit/test_plugins.c). */
static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    (void) state;
    out->hard = 0;
    out->score = 0;
    for (dp_id c = 0; c < v->m->n_children; c++)
        out->hard += count(NULL, v, NULL, 0, c, v->child_grants[c], v->child_n_grants[c]);
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
    .init = init,
    .free = release,
    .delta = delta,
    .full = full,
    .explain = explain,
};
