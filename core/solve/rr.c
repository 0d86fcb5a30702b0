/* core/solve/rr.c - ruin and recreate as a move of the local search.
 *
 * Single-child moves cannot open a section: with min_size kept, the first
 * child of an empty section is refused, and the fill move has to find a whole
 * group that gains at once. Ruin and recreate (Schrimpf et al., 2000) takes a
 * related part of the schedule apart (the members of one section, the
 * children who chose one cancelled section's activity, the members of a
 * session moved to another time, or a few random children), then rebuilds it
 * greedily with min_size relaxed so that sections can open one child at a
 * time, refills the seats that came free, and finally repairs every section
 * left below its minimum (filled from its candidates, or cancelled). The
 * engine logs every commit, so the caller can keep the result or take the
 * whole thing back in one move.
 *
 * The work is bounded by what was ruined (a section's candidates, the ruined
 * children's options), never by the size of the centre. */
#include <stdlib.h>

#include <string.h>

#include "search.h"

#define MAX_RUINED 64
#define MAX_REFILL 48 /* candidate options tried per section that lost members */

static uint32_t gcd(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

typedef struct rr_work {
    dp_id children[MAX_RUINED * 4];
    uint32_t n_children;
    dp_id sections[MAX_RUINED * 8];
    uint32_t n_sections;
    dp_id opened; /* the section ruin_open opened, or DP_NONE */
} rr_work;

static void note_child(dp_search *s, rr_work *w, dp_id c)
{
    if (s->rr_child_seen[c] == s->rr_gen || w->n_children >= MAX_RUINED * 4)
        return;
    s->rr_child_seen[c] = s->rr_gen;
    w->children[w->n_children++] = c;
}

static void note_section(dp_search *s, rr_work *w, dp_id sec)
{
    if (sec == DP_NONE || s->rr_sec_seen[sec] == s->rr_gen || w->n_sections >= MAX_RUINED * 8)
        return;
    s->rr_sec_seen[sec] = s->rr_gen;
    w->sections[w->n_sections++] = sec;
}

/* Commits the pending move when the (relaxed) plugins accept it. */
static bool commit_if_feasible(dp_search *s)
{
    int64_t dv;

    if (!dp__mv_eval(&s->e, &dv))
        return false;
    dp__mv_commit(&s->e);
    return true;
}

/* Revokes every grant of child c. */
static void revoke_child(dp_search *s, rr_work *w, dp_id c)
{
    dp_engine *e = &s->e;

    if (e->child_n[c] == 0)
        return;
    dp__mv_begin(e);
    for (uint8_t j = 0; j < e->child_n[c]; j++) {
        note_section(s, w, e->child_grants[c][j].section);
        dp__mv_assign(e, e->child_grants[c][j].choice, DP_NONE);
    }
    commit_if_feasible(s);
    note_child(s, w, c);
}

/* Ruin: the members of a random running section, each losing its other
 * grants too with probability 1/2. */
static bool ruin_section(dp_search *s, rr_work *w)
{
    dp_engine *e = &s->e;
    dp_id sec = DP_NONE;

    for (int t = 0; t < 8 && sec == DP_NONE; t++) {
        dp_id x = (dp_id) dp__rand(s, s->m->n_sections);
        if (e->section_count[x] > 0)
            sec = x;
    }
    if (sec == DP_NONE)
        return false;
    note_section(s, w, sec);
    while (e->section_count[sec] > 0) {
        dp_id ch = e->members[e->member0[sec]];
        dp_id c = s->m->choices[ch].child;
        if (dp__rand(s, 2)) {
            revoke_child(s, w, c);
        } else {
            dp__mv_begin(e);
            dp__mv_assign(e, ch, DP_NONE);
            if (!commit_if_feasible(s))
                return false;
            note_child(s, w, c);
        }
    }
    return true;
}

/* Puts child c in section o.section whatever it holds: every grant is
 * revoked, the option granted, and the old grants (other activities) given
 * back where they still fit. False when the section will not take the child
 * even so (full, or outside the child's week). */
static bool force_grant(dp_search *s, rr_work *w, dp_option o)
{
    dp_engine *e = &s->e;
    dp_id c = s->m->choices[o.choice].child;
    dp_grant held[16];
    uint8_t n = e->child_n[c] < 16 ? e->child_n[c] : 16;

    memcpy(held, e->child_grants[c], n * sizeof *held);
    dp__mv_begin(e);
    for (uint8_t j = 0; j < n; j++)
        dp__mv_assign(e, held[j].choice, DP_NONE);
    dp__mv_assign(e, o.choice, o.section);
    if (!commit_if_feasible(s))
        return false;
    note_child(s, w, c);
    for (uint8_t j = 0; j < n; j++) {
        note_section(s, w, held[j].section);
        if (held[j].choice == o.choice)
            continue;
        dp__mv_begin(e);
        dp__mv_assign(e, held[j].choice, held[j].section);
        commit_if_feasible(s);
    }
    return true;
}

bool dp__meet_together(const dp_search *s, dp_id a, dp_id b)
{
    const dp_model *m = s->m;
    const dp_section *sa = &m->sections[a], *sb = &m->sections[b];

    for (uint32_t i = sa->session0; i < sa->session0 + sa->n_sessions; i++) {
        int da, a0, a1;
        dp_session_span(m, i, s->e.session_slot[i], &da, &a0, &a1);
        for (uint32_t j = sb->session0; j < sb->session0 + sb->n_sessions; j++) {
            int db, b0, b1;
            dp_session_span(m, j, s->e.session_slot[j], &db, &b0, &b1);
            if (da == db && a0 < b1 && b0 < a1)
                return true;
        }
    }
    return false;
}

/* A random running section that shares sec's location or leader at the same
 * time (the reason a section cannot open may be a taken room or a busy
 * leader), or DP_NONE. */
static dp_id random_rival(dp_search *s, dp_id sec)
{
    const dp_section *x = &s->m->sections[sec];
    dp_id found = DP_NONE;
    uint32_t n_found = 0;

    for (int pass = 0; pass < 2; pass++) {
        const uint32_t *idx = pass ? s->rr_staff_sec : s->rr_loc_sec;
        const uint32_t *idx0 = pass ? s->rr_staff_sec0 : s->rr_loc_sec0;
        dp_id key = pass ? x->staff : x->location;
        if (key == DP_NONE)
            continue;
        for (uint32_t i = idx0[key]; i < idx0[key + 1]; i++) {
            dp_id t = idx[i];
            if (t == sec || s->e.section_count[t] == 0 || !dp__meet_together(s, sec, t))
                continue;
            if (dp__rand(s, ++n_found) == 0) /* reservoir sampling */
                found = t;
        }
    }
    return found;
}

/* A cancelled section that a child without any activity chose (from the
 * list local.c refreshes now and then), with that child's option, or
 * {DP_NONE, DP_NONE}. */
static dp_option cancelled_option_of_uncovered(dp_search *s)
{
    const dp_engine *e = &s->e;
    dp_option none = {DP_NONE, DP_NONE};

    for (int t = 0; t < 4 && s->n_uncovered; t++) {
        dp_id c = s->uncovered[dp__rand(s, s->n_uncovered)];
        uint32_t n = s->opt0[c + 1] - s->opt0[c];
        if (e->child_n[c] > 0 || n == 0)
            continue;
        uint32_t start = dp__rand(s, n);
        for (uint32_t i = 0; i < n; i++) {
            dp_option o = s->opts[s->opt0[c] + (start + i) % n];
            uint32_t min = s->m->sections[o.section].min_size;
            if (e->section_count[o.section] == 0 && min > 1 &&
                s->sec_opt0[o.section + 1] - s->sec_opt0[o.section] >= min)
                return o;
        }
    }
    return none;
}

/* Frees seats for an aimed opening of sec: in a running section that meets
 * at sec's location (or with its leader) at the same time, the members who
 * hold another activity give this one up, worst-ranked wish first, up to
 * `need` of them; they stay covered, and recreate may seat them elsewhere. */
static void make_room(dp_search *s, rr_work *w, dp_id sec, uint32_t need)
{
    dp_engine *e = &s->e;
    dp_id rival = random_rival(s, sec);

    if (rival == DP_NONE)
        return;
    note_section(s, w, rival);
    for (uint32_t k = 0; k < need; k++) {
        dp_id worst = DP_NONE;
        for (uint32_t i = 0; i < e->section_count[rival]; i++) {
            dp_id ch = e->members[e->member0[rival] + i];
            if (e->child_n[s->m->choices[ch].child] < 2)
                continue;
            if (worst == DP_NONE || s->m->choices[ch].rank > s->m->choices[worst].rank)
                worst = ch;
        }
        if (worst == DP_NONE)
            return;
        dp__mv_begin(e);
        dp__mv_assign(e, worst, DP_NONE);
        if (!commit_if_feasible(s))
            return;
        note_child(s, w, s->m->choices[worst].child);
    }
}

/* Ruin: open a cancelled section by forcing into it, in random order, the
 * children who chose its activity (most of them when there are more than
 * fit); what they gave up is rebuilt by recreate, and a sibling section left
 * below its minimum by repair. With aim, the section is one a child without
 * any activity chose, and that child comes first. */
static bool ruin_open(dp_search *s, rr_work *w, bool aim)
{
    dp_engine *e = &s->e;
    dp_option first = aim ? cancelled_option_of_uncovered(s) : (dp_option){DP_NONE, DP_NONE};
    dp_id sec = first.section;

    for (int t = 0; t < 8 && sec == DP_NONE && s->n_fill_sections; t++) {
        dp_id x = s->fill_sections[dp__rand(s, s->n_fill_sections)];
        if (e->section_count[x] == 0)
            sec = x;
    }
    if (sec == DP_NONE)
        return false;
    note_section(s, w, sec);
    w->opened = sec;
    /* Most aimed children are refused by a full location (a library at its
     * capacity of 30 at that hour): make room there and try again. 5,000
     * children, converged, solver seeds 1-10, mean of CBC's bound: 99.628%
     * without, 99.696% with (every seed better); 20,000 children 98.14%
     * -> 98.23% of CBC's LP bound; 300 and 1,000 children (bench/run's):
     * the same schedules; candidate-time centres equal or better. */
    if (first.choice != DP_NONE && !force_grant(s, w, first)) {
        make_room(s, w, sec, s->m->sections[sec].min_size + 1);
        force_grant(s, w, first);
    }
    uint32_t n = s->sec_opt0[sec + 1] - s->sec_opt0[sec];
    uint32_t max = s->m->sections[sec].max_size, start = n ? dp__rand(s, n) : 0;
    uint32_t step = 1 + (n > 1 ? dp__rand(s, n - 1) : 0);
    while (n > 1 && gcd(step, n) != 1)
        step++;
    /* With more candidates than seats, each is skipped at random. */
    uint32_t skip = n > max ? 3 : 0;
    for (uint32_t i = 0, rivals = 0; i < n && e->section_count[sec] < max; i++) {
        dp_option o = s->opts[s->sec_opt[s->sec_opt0[sec] + (start + i * step) % n]];
        if (e->choice_section[o.choice] == sec || (skip && dp__rand(s, 4) < skip - 2))
            continue;
        if (force_grant(s, w, o) || e->section_count[sec] > 0 || rivals >= 2)
            continue;
        /* The first child cannot come in: perhaps the room or the leader is
         * taken then. Cancel one rival section and try that child again. */
        dp_id rival = random_rival(s, sec);
        if (rival == DP_NONE)
            continue;
        rivals++;
        note_section(s, w, rival);
        while (e->section_count[rival] > 0) {
            dp_id ch = e->members[e->member0[rival]];
            dp__mv_begin(e);
            dp__mv_assign(e, ch, DP_NONE);
            if (!commit_if_feasible(s))
                return false;
            note_child(s, w, s->m->choices[ch].child);
        }
        force_grant(s, w, o);
    }
    return e->section_count[sec] > 0;
}

/* Ruin: move a session to another candidate time; members who cannot follow
 * lose the section. */
static bool ruin_slot(dp_search *s, rr_work *w)
{
    dp_engine *e = &s->e;

    if (s->n_cand_sessions == 0)
        return false;
    dp_id k = s->cand_sessions[dp__rand(s, s->n_cand_sessions)];
    const dp_session *ks = &s->m->sessions[k];
    uint32_t slot = ks->slot0 + dp__rand(s, ks->n_slots);
    dp_id sec = ks->section;

    if (slot == e->session_slot[k])
        return false;
    note_section(s, w, sec);
    for (uint32_t i = 0; i < e->section_count[sec];) {
        dp_id ch = e->members[e->member0[sec] + i];
        int64_t dv;
        dp__mv_begin(e);
        dp__mv_slot(e, k, slot, false);
        dp__mv_assign(e, ch, sec);
        if (dp__mv_eval(e, &dv)) {
            i++;
            continue;
        }
        dp__mv_begin(e);
        dp__mv_assign(e, ch, DP_NONE);
        if (!commit_if_feasible(s))
            return false;
        note_child(s, w, s->m->choices[ch].child);
    }
    dp__mv_begin(e);
    dp__mv_slot(e, k, slot, true);
    return commit_if_feasible(s);
}

/* Ruin: a few random children lose every grant. */
static bool ruin_children(dp_search *s, rr_work *w)
{
    uint32_t k = 2 + dp__rand(s, 6);

    for (uint32_t i = 0; i < k; i++)
        revoke_child(s, w, s->active[dp__rand(s, s->n_active)]);
    return true;
}

/* Recreate: the ruined children greedily (higher priority first, in random
 * order within a level), then every candidate of a section that has room
 * again, one option at a time. */
static void recreate(dp_search *s, rr_work *w)
{
    dp_engine *e = &s->e;
    const dp_model *m = s->m;

    for (uint32_t i = w->n_children; i > 1; i--) {
        uint32_t j = dp__rand(s, i);
        dp_id t = w->children[i - 1];
        w->children[i - 1] = w->children[j];
        w->children[j] = t;
    }
    for (int level = 9; level >= 0; level--)
        for (uint32_t i = 0; i < w->n_children; i++)
            if (m->children[w->children[i]].priority == level)
                dp__greedy_child(s, w->children[i]);
    for (uint32_t i = 0; i < w->n_sections; i++) {
        dp_id sec = w->sections[i];
        uint32_t n = s->sec_opt0[sec + 1] - s->sec_opt0[sec];
        uint32_t start = n ? dp__rand(s, n) : 0;
        for (uint32_t j = 0; j < n && j < MAX_REFILL; j++) {
            dp_option o = s->opts[s->sec_opt[s->sec_opt0[sec] + (start + j) % n]];
            int64_t dv;
            if (e->section_count[sec] >= m->sections[sec].max_size)
                break;
            if (e->choice_section[o.choice] != DP_NONE)
                continue;
            if (dp__try_grant(s, o, &dv, false) && dv > 0)
                dp__mv_commit(e);
        }
    }
}

/* Repair: every touched section below its minimum is filled from its
 * candidates or cancelled; the children of a cancelled section get a strict
 * greedy second chance (which cannot open new sections). */
static void repair(dp_search *s, rr_work *w, uint32_t mark)
{
    dp_engine *e = &s->e;
    int64_t dv;
    dp_id again[MAX_RUINED * 2];
    uint32_t n_again = 0;

    /* Recreate may have opened sections nobody ruined: the log knows them. */
    for (uint32_t i = mark; i < e->n_undo; i++)
        if (!e->undo[i].is_slot) {
            note_section(s, w, e->undo[i].prev);
            note_section(s, w, e->choice_section[e->undo[i].what]);
        }

    for (uint32_t i = 0; i < w->n_sections; i++) {
        dp_id sec = w->sections[i];
        uint32_t min = s->m->sections[sec].min_size;
        if (e->section_count[sec] == 0 || e->section_count[sec] >= min)
            continue;
        if (dp__build_fill(s, sec, min - e->section_count[sec]) && dp__mv_eval(e, &dv)) {
            dp__mv_commit(e);
            if (e->section_count[sec] >= min)
                continue;
        }
        while (e->section_count[sec] > 0 && n_again < MAX_RUINED * 2) {
            dp_id ch = e->members[e->member0[sec]];
            dp__mv_begin(e);
            dp__mv_assign(e, ch, DP_NONE);
            if (!commit_if_feasible(s))
                break;
            again[n_again++] = s->m->choices[ch].child;
        }
    }
    dp__engine_relax(e, s->min_size_plugin, 0);
    for (uint32_t i = 0; i < n_again; i++)
        dp__greedy_child(s, again[i]);
}

bool dp__ruin_recreate_move(dp_search *s, int64_t *dv, uint32_t *mark)
{
    dp_engine *e = &s->e;
    int64_t before = dp__engine_value(e), saved;
    rr_work w;
    bool ok;

    if (s->min_size_plugin == UINT32_MAX || !s->rr_child_seen)
        return false;
    w.n_children = w.n_sections = 0;
    w.opened = DP_NONE;
    if (++s->rr_gen == 0) {
        memset(s->rr_child_seen, 0, s->m->n_children * sizeof *s->rr_child_seen);
        memset(s->rr_sec_seen, 0, s->m->n_sections * sizeof *s->rr_sec_seen);
        s->rr_gen = 1;
    }
    *mark = dp__engine_mark(e);
    saved = e->relax[s->min_size_plugin];
    dp__engine_relax(e, s->min_size_plugin, 1);
    /* Opening a cancelled section is what other moves cannot do: it gets
     * half of the tries (measured best among a few weightings). Two tries in
     * eight aim at a section that a child without any activity chose: at
     * 5,000 children CBC covered 16 children more than we did, 11 of them in
     * sections we had cancelled. They come on top of the random openings:
     * taking them from those made the solve miss the optimum of a tiny
     * centre in test_solver_brute. (5,000 children, seeds 1-5, mean of
     * CBC's bound: 99.53% without, 99.62% with one try in seven, 99.68% with
     * two in eight, 99.65% with four in ten; the last three differ by about
     * the spread between seeds.) */
    switch (dp__rand(s, 8)) {
    case 0:
        ok = ruin_section(s, &w);
        break;
    case 1:
    case 2:
        ok = ruin_open(s, &w, false);
        break;
    case 3:
    case 4:
        ok = ruin_slot(s, &w) || ruin_open(s, &w, false);
        break;
    case 5:
    case 6:
        ok = ruin_open(s, &w, true);
        break;
    default:
        ok = ruin_children(s, &w);
        break;
    }
    /* A section just opened keeps its children while the rest is rebuilt. */
    s->protect = ok ? w.opened : DP_NONE;
    if (ok)
        recreate(s, &w);
    repair(s, &w, *mark);
    s->protect = DP_NONE;
    dp__engine_relax(e, s->min_size_plugin, saved);
    if (!ok || (saved == 0 && e->p_hard[s->min_size_plugin] != 0)) {
        dp__engine_rollback(e, *mark);
        return false;
    }
    *dv = dp__engine_value(e) - before;
    return true;
}

/* Sections grouped by a key (location or leader), CSR style. */
static bool group_sections(const dp_model *m, uint32_t n_keys, bool by_staff, uint32_t **idx0,
                           uint32_t **idx)
{
    *idx0 = calloc((size_t) n_keys + 2, sizeof **idx0);
    *idx = malloc(((size_t) m->n_sections + 1) * sizeof **idx);
    if (!*idx0 || !*idx)
        return false;
    for (dp_id s = 0; s < m->n_sections; s++) {
        dp_id k = by_staff ? m->sections[s].staff : m->sections[s].location;
        if (k != DP_NONE)
            (*idx0)[k + 1]++;
    }
    for (uint32_t k = 0; k < n_keys; k++)
        (*idx0)[k + 1] += (*idx0)[k];
    uint32_t *fill = calloc((size_t) n_keys + 1, sizeof *fill);
    if (!fill)
        return false;
    for (dp_id s = 0; s < m->n_sections; s++) {
        dp_id k = by_staff ? m->sections[s].staff : m->sections[s].location;
        if (k != DP_NONE)
            (*idx)[(*idx0)[k] + fill[k]++] = s;
    }
    free(fill);
    return true;
}

bool dp__rr_init(dp_search *s)
{
    const dp_model *m = s->m;

    if (s->min_size_plugin == UINT32_MAX)
        return false;
    s->rr_child_seen = calloc((size_t) m->n_children + 1, sizeof *s->rr_child_seen);
    s->rr_sec_seen = calloc((size_t) m->n_sections + 1, sizeof *s->rr_sec_seen);
    if (s->rr_child_seen && s->rr_sec_seen &&
        group_sections(m, m->n_locations, false, &s->rr_loc_sec0, &s->rr_loc_sec) &&
        group_sections(m, m->n_staff, true, &s->rr_staff_sec0, &s->rr_staff_sec))
        return true;
    dp__rr_release(s);
    return false;
}

void dp__rr_release(dp_search *s)
{
    free(s->rr_child_seen);
    free(s->rr_sec_seen);
    free(s->rr_loc_sec0);
    free(s->rr_loc_sec);
    free(s->rr_staff_sec0);
    free(s->rr_staff_sec);
    s->rr_child_seen = s->rr_sec_seen = NULL;
    s->rr_loc_sec0 = s->rr_loc_sec = s->rr_staff_sec0 = s->rr_staff_sec = NULL;
}
