/* plugins/overlap/overlap.c - FORMAT.md section 3, item 4: two sessions of one
 * child on one day do not overlap and leave at least the walking minutes
 * between their locations (a pair of locations with no travel row cannot both
 * be visited on one day).
 *
 * One violation per pair of granted sections that clash. The state is which
 * days each section can meet on, and a memo of fixed-time pairs (init). */
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

/* The state made at init. days[s]: bit d is set when a session of section s
 * can meet on day d (any of its times); two sections on no common day never
 * clash: most pairs a move looks at, and one byte each instead of their
 * sessions, times and walks. FIXED_TIME in days[s]: every session of s has
 * one time, so whether two such sections clash is the same for the whole
 * solve; memo keeps that answer, two bits per pair (unknown, apart, clash),
 * filled when a move first asks (a move asks about few of the pairs). memo
 * is NULL above MEMO_MAX_SECTIONS sections (MEMO_MAX_SECTIONS^2 / 4 bytes). */
typedef struct overlap_state {
    uint8_t *days;
    uint8_t *memo;
    uint32_t n_sections;
} overlap_state;

#define FIXED_TIME        0x80u
#define MEMO_MAX_SECTIONS 8192u
#define MEMO_APART        1u
#define MEMO_CLASH        2u

static int sessions_of_clash(const dp_state_view *v, const dp_move *mv, int after, dp_id x, dp_id y)
{
    const dp_model *m = v->m;
    const dp_section *sx = &m->sections[x], *sy = &m->sections[y];

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

/* Whether sections x and y clash at their times before (after == 0) or after
 * the move mv (NULL: the current times). st is NULL outside a solve
 * (plugins/lp and core/solve/lagrange ask without state). */
static int sections_clash(overlap_state *st, const dp_state_view *v, const dp_move *mv, int after,
                          dp_id x, dp_id y)
{
    if (!st)
        return sessions_of_clash(v, mv, after, x, y);
    uint8_t dx = st->days[x], dy = st->days[y];
    if (!(dx & dy & ~FIXED_TIME))
        return 0;
    if (!st->memo || !(dx & dy & FIXED_TIME))
        return sessions_of_clash(v, mv, after, x, y);
    uint64_t pair = x < y ? (uint64_t) x * st->n_sections + y : (uint64_t) y * st->n_sections + x;
    uint8_t *cell = &st->memo[pair / 4];
    unsigned shift = (unsigned) (pair % 4) * 2, known = (unsigned) *cell >> shift & 3u;
    if (known == 0) {
        known = sessions_of_clash(v, mv, after, x, y) ? MEMO_CLASH : MEMO_APART;
        *cell = (uint8_t) (*cell | known << shift);
    }
    return known == MEMO_CLASH;
}

static int64_t count(overlap_state *st, const dp_state_view *v, const dp_move *mv, int after,
                     const dp_grant *g, uint8_t n)
{
    int64_t bad = 0;

    for (uint8_t i = 0; i < n; i++)
        for (uint8_t j = (uint8_t) (i + 1); j < n; j++)
            bad += sections_clash(st, v, mv, after, g[i].section, g[j].section);
    return bad;
}

/* Pairs of g that clash, leaving out pairs that are also in `other` (when no
 * session moves, such a pair clashes before and after alike). */
static int64_t count_changed(overlap_state *st, const dp_state_view *v, const dp_move *mv,
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
                bad += sections_clash(st, v, mv, after, g[i].section, g[j].section);
    return bad;
}

static void release(void *state)
{
    overlap_state *st = state;

    if (st) {
        free(st->days);
        free(st->memo);
        free(st);
    }
}

static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    const dp_model *m = v->m;
    overlap_state *st = calloc(1, sizeof *st);

    if (st)
        st->days = calloc((size_t) m->n_sections + 1, 1);
    if (!st || !st->days) {
        release(st);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the sections' days");
    }
    st->n_sections = m->n_sections;
    for (dp_id s = 0; s < m->n_sections; s++)
        st->days[s] = FIXED_TIME;
    for (dp_id k = 0; k < m->n_sessions; k++) {
        const dp_session *ks = &m->sessions[k];
        for (uint32_t o = ks->slot0; o < ks->slot0 + ks->n_slots; o++)
            st->days[ks->section] |= (uint8_t) (1u << m->slots[o].day);
        if (ks->n_slots != 1)
            st->days[ks->section] &= (uint8_t) ~FIXED_TIME;
    }
    /* Without the memo the answers are the same, only slower. */
    if (m->n_sections <= MEMO_MAX_SECTIONS)
        st->memo = calloc((size_t) m->n_sections * m->n_sections / 4 + 1, 1);
    *state = st;
    return DP_OK;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    overlap_state *st = state;

    out->hard = 0;
    out->score = 0;
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        if (mv->n_sessions > 0)
            out->hard += count(st, v, mv, 1, cc->after, cc->n_after) -
                         count(st, v, mv, 0, cc->before, cc->n_before);
        else
            out->hard +=
                count_changed(st, v, mv, 1, cc->after, cc->n_after, cc->before, cc->n_before) -
                count_changed(st, v, mv, 0, cc->before, cc->n_before, cc->after, cc->n_after);
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
    .free = release,
    .delta = delta,
    .full = full,
    .explain = explain,
};
