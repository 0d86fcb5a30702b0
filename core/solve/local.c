/* core/solve/local.c - the local search loop: pick a move kind, build a move,
 * accept it by late acceptance, keep the best feasible schedule, stop on work
 * measured in moves (time and Ctrl-C are only safety stops). */
#include <stdint.h>
#include <stdlib.h>

#include "search.h"

/* Exact block reassignments (reassign.c) get this many plugin evaluations
 * per 100 moves: on a small centre that is one block in a hundred moves, on a
 * large one (blocks with many children) fewer. */
#define RA_SHARE 50

#define LAHC_LENGTH   1000
#define CHAIN_PERCENT 30 /* share of ejection-chain moves among the others */
#define RR_PERCENT    5  /* share of ruin-and-recreate moves */

/* Progress window: the search also stops when the best rose by less than
 * 1/WINDOW_GAIN of itself over the last WINDOW_PER_CHILD moves per child
 * (at least WINDOW_MIN). Late in a search the best still creeps up by a point
 * every few thousand moves, which resets the idle count for long; measured on
 * bench/run's 1,000-child centres, the search spent half its time there for
 * under 0.01% of the objective. The floor is for small centres: at 300
 * children a window of 50,000 moves stopped one run of nine at 99.82% that
 * reaches 99.97% with 100,000. Checked every WINDOW_STEP moves. */
#define WINDOW_PER_CHILD 100
#define WINDOW_MIN       100000
#define WINDOW_GAIN      5000
#define WINDOW_STEP      1024

/* A random child with at least one grant, or DP_NONE after a few tries. */
static dp_id random_granted_child(dp_search *s)
{
    for (int t = 0; t < 8; t++) {
        dp_id c = s->active[dp__rand(s, s->n_active)];
        if (s->e.child_n[c] > 0)
            return c;
    }
    return DP_NONE;
}

static bool move_grant(dp_search *s, int64_t *dv)
{
    dp_id c = s->active[dp__rand(s, s->n_active)];
    uint32_t n = s->opt0[c + 1] - s->opt0[c];
    dp_option o = s->opts[s->opt0[c] + dp__rand(s, n)];

    if (s->e.choice_section[o.choice] == o.section)
        return false;
    return dp__try_grant(s, o, dv, true);
}

static bool move_swap(dp_search *s, int64_t *dv)
{
    dp_engine *e = &s->e;
    dp_id c = random_granted_child(s);

    if (c == DP_NONE)
        return false;
    dp_grant g = e->child_grants[c][dp__rand(s, e->child_n[c])];
    const dp_activity *a = &s->m->activities[s->m->sections[g.section].activity];
    if (a->n_sections < 2)
        return false;
    dp_id other = a->section0 + dp__rand(s, a->n_sections);
    if (other == g.section || e->section_count[other] == 0)
        return false;
    dp_id b = e->members[e->member0[other] + dp__rand(s, e->section_count[other])];
    dp__mv_begin(e);
    dp__mv_assign(e, g.choice, other);
    dp__mv_assign(e, b, g.section);
    return dp__judge_final(s, dv);
}

static bool move_revoke(dp_search *s, int64_t *dv)
{
    dp_engine *e = &s->e;
    dp_id c = random_granted_child(s);

    if (c == DP_NONE)
        return false;
    dp__mv_begin(e);
    dp__mv_assign(e, e->child_grants[c][dp__rand(s, e->child_n[c])].choice, DP_NONE);
    return dp__judge_final(s, dv);
}

static bool move_fill_or_cancel(dp_search *s, int64_t *dv)
{
    dp_engine *e = &s->e;
    dp_id sec = s->fill_sections[dp__rand(s, s->n_fill_sections)];
    uint32_t n = e->section_count[sec], min = s->m->sections[sec].min_size;

    if (n == 0) {
        if (!dp__build_fill(s, sec, min))
            return false;
    } else {
        dp__build_cancel(s, sec);
    }
    return dp__judge_final(s, dv);
}

/* Moves a session to another of its candidate times; children who cannot
 * follow lose the section (found by probing each child at the new time). */
static bool move_slot(dp_search *s, int64_t *dv)
{
    dp_engine *e = &s->e;
    dp_id k = s->cand_sessions[dp__rand(s, s->n_cand_sessions)];
    const dp_session *ks = &s->m->sessions[k];
    uint32_t slot = ks->slot0 + dp__rand(s, ks->n_slots);
    dp_id sec = ks->section;
    int64_t v0;

    if (slot == e->session_slot[k])
        return false;
    dp__mv_begin(e);
    dp__mv_slot(e, k, slot, false);
    if (!dp__mv_eval(e, &v0))
        return false; /* a room or the leader is taken then */
    /* Probe: which members cannot follow? (Bounded by the section's size.) */
    dp_id drop[256];
    uint32_t n_drop = 0, n = e->section_count[sec];
    for (uint32_t i = 0; i < n && n_drop < 256; i++) {
        dp_id ch = e->members[e->member0[sec] + i];
        int64_t v;
        dp__mv_begin(e);
        dp__mv_slot(e, k, slot, false);
        dp__mv_assign(e, ch, sec);
        if (!dp__mv_eval(e, &v))
            drop[n_drop++] = ch;
    }
    if (n_drop > 0 && n - n_drop < s->m->sections[sec].min_size)
        return false;
    dp__mv_begin(e);
    for (uint32_t i = 0; i < n_drop; i++)
        dp__mv_assign(e, drop[i], DP_NONE);
    dp__mv_slot(e, k, slot, true);
    return dp__judge_final(s, dv);
}

/* Covers a child without any activity: tries its options, and in a full
 * section every member as the one to give up its seat (moved to a sibling
 * section when it can be), keeping the best variant. Coverage weighs most in
 * the objective, and random ejection rarely finds the one member who loses
 * least. */
static bool move_cover(dp_search *s, int64_t *dv)
{
    dp_engine *e = &s->e;
    dp_id c = DP_NONE;

    for (int t = 0; t < 16 && c == DP_NONE; t++) {
        dp_id x = s->active[dp__rand(s, s->n_active)];
        if (e->child_n[x] == 0)
            c = x;
    }
    if (c == DP_NONE)
        return false;
    dp_option o = s->opts[s->opt0[c] + dp__rand(s, s->opt0[c + 1] - s->opt0[c])];
    uint32_t n = e->section_count[o.section];
    if (n < s->m->sections[o.section].max_size)
        return dp__try_grant(s, o, dv, false);
    int64_t best = INT64_MIN, v;
    dp_id best_victim = DP_NONE;
    for (uint32_t i = 0; i < n && i < 32; i++) {
        dp_id victim = e->members[e->member0[o.section] + i];
        dp__mv_begin(e);
        dp__mv_assign(e, o.choice, o.section);
        dp__mv_assign(e, victim, DP_NONE);
        if (dp__mv_eval(e, &v) && v > best) {
            best = v;
            best_victim = victim;
        }
    }
    if (best_victim == DP_NONE)
        return false;
    dp__mv_begin(e);
    dp__mv_assign(e, o.choice, o.section);
    dp__mv_assign(e, best_victim, DP_NONE);
    /* The victim may find a seat in another section or another wish. */
    dp_id vc = s->m->choices[best_victim].child;
    for (uint32_t j = s->opt0[vc]; j < s->opt0[vc + 1]; j++) {
        dp_option alt = s->opts[j];
        if (alt.section == o.section || e->choice_section[alt.choice] != DP_NONE ||
            e->section_count[alt.section] >= s->m->sections[alt.section].max_size ||
            (alt.choice != best_victim && e->child_n[vc] >= s->m->centre.max_activities))
            continue;
        dp__mv_assign(e, alt.choice, alt.section);
        if (dp__mv_eval(e, &v) && v > best)
            return *dv = v, true;
        dp__mv_assign(e, alt.choice, e->choice_section[alt.choice]);
    }
    return dp__judge_final(s, dv);
}

/* An ejection chain for a random child: an uncovered one when one is
 * found quickly, else any child below its maximum. */
static bool move_chain(dp_search *s, int64_t *dv)
{
    dp_id c = DP_NONE;

    /* Half the time a child from the lists (refreshed every few thousand
     * moves, so checked), half the time any child: aiming only at the lists
     * loses the variety the search needs. */
    bool aim = dp__rand(s, 2) == 0;
    for (int t = 0; aim && t < 4 && c == DP_NONE && s->n_uncovered; t++) {
        dp_id x = s->uncovered[dp__rand(s, s->n_uncovered)];
        if (s->e.child_n[x] == 0)
            c = x;
    }
    for (int t = 0; aim && t < 4 && c == DP_NONE && s->n_hungry; t++) {
        dp_id x = s->hungry[dp__rand(s, s->n_hungry)];
        if (s->e.child_n[x] < s->m->centre.max_activities)
            c = x;
    }
    for (int t = 0; !aim && t < 16 && c == DP_NONE; t++) {
        dp_id x = s->active[dp__rand(s, s->n_active)];
        if (s->e.child_n[x] == 0)
            c = x;
    }
    if (c == DP_NONE)
        c = s->active[dp__rand(s, s->n_active)];
    return dp__chain_grant(s, c, dv);
}

/* Lists the children without any activity, and those who could still take
 * one more (below the maximum, with an option of a choice they do not hold),
 * for the chain move to aim at. O(options); run every few thousand moves. */
static void refresh_targets(dp_search *s)
{
    const dp_engine *e = &s->e;

    s->n_uncovered = s->n_hungry = 0;
    if (!s->uncovered || !s->hungry)
        return;
    for (uint32_t i = 0; i < s->n_active; i++) {
        dp_id c = s->active[i];
        if (e->child_n[c] == 0) {
            s->uncovered[s->n_uncovered++] = c;
            continue;
        }
        if (e->child_n[c] >= s->m->centre.max_activities)
            continue;
        for (uint32_t j = s->opt0[c]; j < s->opt0[c + 1]; j++)
            if (e->choice_section[s->opts[j].choice] == DP_NONE) {
                s->hungry[s->n_hungry++] = c;
                break;
            }
    }
}

static bool propose(dp_search *s, int64_t *dv)
{
    uint32_t r = dp__rand(s, 100);

    if (r >= 100 - CHAIN_PERCENT)
        return s->ch_step ? move_chain(s, dv) : move_cover(s, dv);

    if (r < 8 && s->n_cand_sessions)
        return move_slot(s, dv);
    if (r < 12 && s->n_fill_sections)
        return move_fill_or_cancel(s, dv);
    if (r < 22)
        return move_swap(s, dv);
    if (r < 30)
        return move_revoke(s, dv);
    return move_grant(s, dv);
}

static bool should_stop(dp_search *s, uint64_t idle, uint64_t max_moves, uint64_t max_idle)
{
    if (s->best >= s->bound) {
        s->stop = DP_STOP_BOUND;
        return true;
    }
    if (s->moves >= max_moves) {
        s->stop = DP_STOP_MOVES;
        return true;
    }
    if (idle >= max_idle) {
        s->stop = DP_STOP_CONVERGED;
        return true;
    }
    if ((s->moves & 1023) == 0) {
        if (dp_interrupted(s->o->interrupt)) {
            s->stop = DP_STOP_INTERRUPTED;
            return true;
        }
        if (dp__search_seconds(s) > s->o->time_limit_s) {
            s->stop = DP_STOP_TIME;
            return true;
        }
    }
    return false;
}

/* The best at the last n_ring checkpoints, one every WINDOW_STEP moves. */
typedef struct progress_window {
    int64_t *ring;
    uint32_t n_ring;
} progress_window;

static void window_init(progress_window *w, const dp_search *s)
{
    uint64_t moves = (uint64_t) s->n_active * WINDOW_PER_CHILD;

    if (moves < WINDOW_MIN)
        moves = WINDOW_MIN;
    w->n_ring = (uint32_t) (moves / WINDOW_STEP);
    w->ring = malloc((size_t) w->n_ring * sizeof *w->ring);
}

/* Called every WINDOW_STEP moves: true when the window's gain is too small.
 * Without memory for the ring the search stops on its other criteria. */
static bool window_stalled(progress_window *w, dp_search *s)
{
    uint64_t step = s->moves / WINDOW_STEP;
    int64_t *old = w->ring ? &w->ring[step % w->n_ring] : NULL;
    bool stalled = false;

    if (!old)
        return false;
    /* INT64_MIN: no schedule keeping every constraint yet (a thin rota). */
    if (step > w->n_ring && *old != INT64_MIN)
        stalled = s->best > 0 && (s->best - *old) * WINDOW_GAIN < s->best;
    *old = s->best;
    return stalled;
}

static void report_progress(dp_search *s)
{
    dp_progress p = {s->moves, s->best, s->bound, dp__search_seconds(s)};

    s->o->progress(s->o->progress_ud, &p);
}

/* Ruin and recreate (Schrimpf et al.): when late acceptance stagnates, take
 * every grant from a few random children and the members of one random
 * section, then grant greedily again, those children first and then every
 * child without an activity. The result may be worse; the search goes on
 * from it and keeps its best. */
static void ruin_recreate(dp_search *s)
{
    dp_engine *e = &s->e;
    dp_id ruined[64];
    uint32_t n = 0, k = s->n_active / 50 + 4;
    int64_t dv;

    if (k > 48)
        k = 48;
    dp__mv_begin(e);
    for (uint32_t i = 0; i < k; i++) {
        dp_id c = s->active[dp__rand(s, s->n_active)];
        for (uint8_t j = 0; j < e->child_n[c]; j++)
            dp__mv_assign(e, e->child_grants[c][j].choice, DP_NONE);
        ruined[n++] = c;
    }
    if (dp__mv_eval(e, &dv))
        dp__mv_commit(e);
    for (uint32_t i = 0; i < n; i++)
        dp__greedy_child(s, ruined[(i * 7 + 3) % n]);
    for (uint32_t i = 0; i < s->n_active; i++)
        if (e->child_n[s->active[i]] == 0)
            dp__greedy_child(s, s->active[i]);
}

/* Bookkeeping of an accepted move worth dv: a new best resets the idle and
 * stagnation counts. */
static void take(dp_search *s, int64_t dv, int64_t *cur, uint64_t *idle, uint64_t *stagnant)
{
    s->accepted++;
    *cur += dv;
    if (*cur > s->best) {
        dp__search_note_best(s);
        *idle = 0;
        *stagnant = 0;
    }
}

void dp__local_search(dp_search *s)
{
    int64_t hist[LAHC_LENGTH];
    uint64_t n_opts = s->opt0[s->m->n_children];
    uint64_t max_moves = s->o->max_moves ? s->o->max_moves : 400 * n_opts + 200000;
    uint64_t max_idle = s->o->idle_moves ? s->o->idle_moves : 40 * n_opts + 50000;
    uint64_t idle = 0, stagnant = 0;
    uint64_t stagnation = max_idle / 8 > 5000 ? max_idle / 8 : 5000;
    int64_t cur = dp__engine_value(&s->e);
    progress_window window;

    if (s->n_active == 0)
        return;
    window_init(&window, s);
    dp__chain_init(s);
    dp__rr_init(s); /* without it, the search goes on with the other moves */
    dp__reassign_init(s);
    s->uncovered = malloc(((size_t) s->n_active + 1) * sizeof *s->uncovered);
    s->hungry = malloc(((size_t) s->n_active + 1) * sizeof *s->hungry);
    if (s->ch_step) {
        /* One ejection chain for every child without an activity, then for
         * every child with room for one more, before the random moves. */
        int64_t dv;
        for (int phase = 0; phase < 2; phase++)
            for (uint32_t i = 0; i < s->n_active; i++) {
                dp_id c = s->active[i];
                if ((phase == 0) != (s->e.child_n[c] == 0))
                    continue;
                if (dp__chain_grant(s, c, &dv) && dv > 0)
                    dp__mv_commit(&s->e);
            }
        dp__search_note_best(s);
        cur = dp__engine_value(&s->e);
    }
    for (int i = 0; i < LAHC_LENGTH; i++)
        hist[i] = cur;
    while (!should_stop(s, idle, max_moves, max_idle)) {
        int64_t dv;
        uint32_t slot = (uint32_t) (s->moves % LAHC_LENGTH);
        if (s->ra && s->ra_work * 100 < s->moves * RA_SHARE) {
            /* Beside the moves, not instead of them: a reassignment does not
             * count as a move, so the budgets (and what the other moves get
             * done within them) stay as they were. */
            if (dp__reassign_move(s, &dv) && (dv >= 0 || cur + dv >= hist[slot])) {
                dp__mv_commit(&s->e);
                take(s, dv, &cur, &idle, &stagnant);
            }
            continue;
        }
        s->moves++;
        idle++;
        if ((s->moves & 4095) == 1)
            refresh_targets(s);
        if (s->moves % WINDOW_STEP == 0 && window_stalled(&window, s)) {
            s->stop = DP_STOP_CONVERGED;
            break;
        }
        if (s->rr_child_seen && dp__rand(s, 100) < RR_PERCENT) {
            uint32_t mark;
            if (dp__ruin_recreate_move(s, &dv, &mark)) {
                if (dv >= 0 || cur + dv >= hist[slot]) {
                    dp__engine_keep(&s->e);
                    take(s, dv, &cur, &idle, &stagnant);
                } else {
                    dp__engine_rollback(&s->e, mark);
                }
            }
        } else {
            /* Accepted iff dv >= 0 || cur + dv >= hist[slot]. */
            s->floor = hist[slot] - cur < 0 ? hist[slot] - cur : 0;
            bool ok = propose(s, &dv);
            s->floor = INT64_MIN;
            if (ok && (dv >= 0 || cur + dv >= hist[slot])) {
                dp__mv_commit(&s->e);
                take(s, dv, &cur, &idle, &stagnant);
            }
        }
        if (cur > hist[slot])
            hist[slot] = cur;
        if (++stagnant >= stagnation) {
            ruin_recreate(s);
            cur = dp__engine_value(&s->e);
            for (int i = 0; i < LAHC_LENGTH; i++)
                hist[i] = cur;
            stagnant = 0;
            dp__search_note_best(s);
        }
        if (s->o->verify_every && s->moves % s->o->verify_every == 0 &&
            (s->verify_failed = dp__engine_verify(&s->e)) != NULL)
            break; /* incremental bookkeeping is wrong: dp_solve reports it */
        if (s->o->progress && (s->moves & 0xFFFF) == 0)
            report_progress(s);
    }
    free(window.ring);
    if (s->min_size_plugin != UINT32_MAX)
        dp__engine_relax(&s->e, s->min_size_plugin, 0);
}

/* Last pass: grant every option that still raises the value on its own, so
 * that no unassigned choice is left that could simply have been granted. */
void dp__polish(dp_search *s)
{
    s->floor = 1; /* only a gain is taken */
    for (int round = 0; round < 2; round++)
        for (uint32_t i = 0; i < s->opt0[s->m->n_children]; i++) {
            int64_t dv;
            dp_option o = s->opts[i];
            if (s->e.choice_section[o.choice] != DP_NONE)
                continue;
            if (dp__try_grant(s, o, &dv, false) && dv > 0) {
                dp__mv_commit(&s->e);
                dp__search_note_best(s);
            }
        }
    s->floor = INT64_MIN;
}
