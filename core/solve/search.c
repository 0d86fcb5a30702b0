/* core/solve/search.c - construction, repair and late-acceptance local search.
 *
 * Construction grants children greedily, higher priority and fewer options
 * first, with min_size relaxed (a section opens with its first child); repair
 * then fills or cancels every section left below its minimum, after which the
 * schedule keeps every constraint and the local search never leaves feasible
 * ground: single-child moves are refused by min_size, and sections open and
 * close only through fill and cancel moves that add or remove a whole group.
 *
 * The local search is late-acceptance hill climbing (Burke and Bykov): a move
 * is accepted when it does not lower the value or when the result is at least
 * the value of L moves ago. It has one parameter, is deterministic for a seed,
 * and escapes the plateaus that moving children between sections creates. */
#include <stdlib.h>
#include <string.h>

#include "search.h"

uint32_t dp__rand(dp_search *s, uint32_t n)
{
    /* xorshift64*: fast, and good enough for choosing moves. */
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    uint64_t r = s->rng * 0x2545F4914F6CDD1DULL;
    return n ? (uint32_t) ((r >> 32) % n) : 0;
}

double dp__search_seconds(const dp_search *s)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) (t.tv_sec - s->t0.tv_sec) + (double) (t.tv_nsec - s->t0.tv_nsec) * 1e-9;
}

void dp__search_note_best(dp_search *s)
{
    int64_t obj = dp__engine_objective(&s->e);

    if (dp__engine_relaxed(&s->e) != 0 || obj <= s->best)
        return;
    for (uint32_t i = 0; i < s->e.n_plugins; i++)
        if (s->e.p_hard[i] != 0)
            return; /* a strict plugin broken on purpose (a phase's own bookkeeping) */
    s->best = obj;
    s->found = true;
    memcpy(s->best_choice, s->e.choice_section, s->m->n_choices * sizeof *s->best_choice);
    memcpy(s->best_slot, s->e.session_slot, s->m->n_sessions * sizeof *s->best_slot);
}

/* Grants child c's options in rank order, while each raises the value, until
 * it holds `limit` activities. */
static void greedy_child_upto(dp_search *s, dp_id c, uint32_t limit)
{
    int64_t floor = s->floor;

    s->floor = 1; /* only a gain is taken */
    for (uint32_t i = s->opt0[c]; i < s->opt0[c + 1]; i++) {
        dp_option o = s->opts[i];
        int64_t dv;
        if (s->e.choice_section[o.choice] != DP_NONE || s->e.child_n[c] >= limit ||
            s->e.child_n[c] >= s->m->centre.max_activities)
            continue;
        if (dp__try_grant(s, o, &dv, false) && dv > 0)
            dp__mv_commit(&s->e);
    }
    s->floor = floor;
}

/* qsort has no context argument; one per thread (parallel searches). */
static _Thread_local const dp_search *sort_ctx;

static int compare_construction_order(const void *pa, const void *pb)
{
    const dp_model *m = sort_ctx->m;
    dp_id a = *(const dp_id *) pa, b = *(const dp_id *) pb;
    int pa_ = m->children[a].priority, pb_ = m->children[b].priority;
    uint32_t na = sort_ctx->opt0[a + 1] - sort_ctx->opt0[a];
    uint32_t nb = sort_ctx->opt0[b + 1] - sort_ctx->opt0[b];

    if (pa_ != pb_)
        return pb_ - pa_;
    if (na != nb)
        return na < nb ? -1 : 1;
    return (a > b) - (a < b);
}

void dp__greedy_child(dp_search *s, dp_id c)
{
    greedy_child_upto(s, c, UINT32_MAX);
}

void dp__construct(dp_search *s)
{
    dp_id *order = malloc(((size_t) s->n_active + 1) * sizeof *order);

    if (s->min_size_plugin != UINT32_MAX)
        dp__engine_relax(&s->e, s->min_size_plugin, 1);
    if (order) {
        memcpy(order, s->active, s->n_active * sizeof *order);
        sort_ctx = s;
        qsort(order, s->n_active, sizeof *order, compare_construction_order);
        sort_ctx = NULL;
    }
    /* Coverage first: one activity for every child (it weighs five times a
     * second theme), then the rest in the same order. */
    for (uint32_t i = 0; i < s->n_active; i++)
        greedy_child_upto(s, order ? order[i] : s->active[i], 1);
    for (uint32_t i = 0; i < s->n_active; i++)
        dp__greedy_child(s, order ? order[i] : s->active[i]);
    free(order);
}

/* The child's grant whose loss costs least: the worst-ranked one. */
static dp_id weakest_grant(const dp_search *s, dp_id c)
{
    const dp_engine *e = &s->e;
    dp_id worst = DP_NONE;

    for (uint8_t i = 0; i < e->child_n[c]; i++) {
        dp_id ch = e->child_grants[c][i].choice;
        if (e->child_grants[c][i].section == s->protect)
            continue;
        if (worst == DP_NONE || s->m->choices[ch].rank > s->m->choices[worst].rank)
            worst = ch;
    }
    return worst;
}

typedef struct fill_candidate {
    int64_t gain; /* value change of adding this child alone */
    dp_option o;  /* the option */
    dp_id drop;   /* the grant it gives up, or DP_NONE */
} fill_candidate;

static int compare_candidates(const void *pa, const void *pb)
{
    const fill_candidate *a = pa, *b = pb;

    if (a->gain != b->gain)
        return a->gain > b->gain ? -1 : 1;
    return (a->o.choice > b->o.choice) - (a->o.choice < b->o.choice);
}

/* The children who could join sec, each with the gain of joining alone. */
static uint32_t fill_candidates(dp_search *s, dp_id sec, fill_candidate *out, uint32_t max)
{
    dp_engine *e = &s->e;
    uint32_t n = 0;
    int64_t dv;

    for (uint32_t i = s->sec_opt0[sec]; i < s->sec_opt0[sec + 1] && n < max; i++) {
        dp_option o = s->opts[s->sec_opt[i]];
        dp_id c = s->m->choices[o.choice].child, drop = DP_NONE;
        if (e->choice_section[o.choice] != DP_NONE)
            continue;
        dp__mv_begin(e);
        if (e->child_n[c] >= s->m->centre.max_activities) {
            drop = weakest_grant(s, c);
            if (drop == DP_NONE)
                continue; /* every grant is protected */
            dp__mv_assign(e, drop, DP_NONE);
        }
        dp__mv_assign(e, o.choice, sec);
        if (dp__mv_eval(e, &dv))
            out[n++] = (fill_candidate){dv, o, drop};
    }
    qsort(out, n, sizeof *out, compare_candidates);
    return n;
}

/* Builds a pending move adding to section sec the children who gain most by
 * joining it (children at their maximum give up their weakest grant): at
 * least `want`, then more while each raises the value. Each child is checked
 * as it is added, with min_size relaxed, so one child who cannot come does
 * not spoil the group. True when `want` children were found; the caller
 * evaluates the whole move strictly. */
bool dp__build_fill(dp_search *s, dp_id sec, uint32_t want)
{
    dp_engine *e = &s->e;
    fill_candidate cand[256];
    uint32_t added = 0, room = s->m->sections[sec].max_size - e->section_count[sec];
    int64_t saved = 0, dv, total = 0;

    if (s->min_size_plugin != UINT32_MAX) {
        saved = e->relax[s->min_size_plugin];
        dp__engine_relax(e, s->min_size_plugin, 1);
    }
    uint32_t n = fill_candidates(s, sec, cand, 256);
    dp__mv_begin(e);
    for (uint32_t i = 0; i < n && added < room; i++) {
        if (added >= want && cand[i].gain <= 0)
            break;
        if (cand[i].drop != DP_NONE)
            dp__mv_assign(e, cand[i].drop, DP_NONE);
        dp__mv_assign(e, cand[i].o.choice, sec);
        if (dp__mv_eval(e, &dv) && (added < want || dv > total)) {
            added++;
            total = dv;
            continue;
        }
        dp__mv_assign(e, cand[i].o.choice, DP_NONE);
        if (cand[i].drop != DP_NONE)
            dp__mv_assign(e, cand[i].drop, e->choice_section[cand[i].drop]);
    }
    if (s->min_size_plugin != UINT32_MAX)
        dp__engine_relax(e, s->min_size_plugin, saved);
    return added >= want;
}

void dp__build_cancel(dp_search *s, dp_id sec)
{
    dp_engine *e = &s->e;

    dp__mv_begin(e);
    for (uint32_t i = 0; i < e->section_count[sec]; i++)
        dp__mv_assign(e, e->members[e->member0[sec] + i], DP_NONE);
}

void dp__repair_min_size(dp_search *s)
{
    dp_engine *e = &s->e;
    const dp_model *m = s->m;
    int64_t dv;

    if (s->min_size_plugin == UINT32_MAX)
        return;
    /* Filling one section may take a child from another that was already
     * repaired (a child at its maximum gives up its weakest grant): a few
     * passes, and the last one only cancels, which breaks nothing else. */
    for (int pass = 0; pass < 4; pass++) {
        bool again = false;
        for (dp_id sec = 0; sec < m->n_sections; sec++) {
            uint32_t n = e->section_count[sec], min = m->sections[sec].min_size;
            if (n == 0 || n >= min)
                continue;
            again = true;
            for (int attempt = 0; pass < 3 && attempt < 3 && e->section_count[sec] < min; attempt++)
                if (dp__build_fill(s, sec, min - e->section_count[sec]) && dp__mv_eval(e, &dv) &&
                    dv > 0)
                    dp__mv_commit(e);
            if (e->section_count[sec] > 0 && e->section_count[sec] < min) {
                dp__build_cancel(s, sec);
                if (dp__mv_eval(e, &dv))
                    dp__mv_commit(e);
            }
        }
        if (!again)
            break;
    }
    dp__engine_relax(&s->e, s->min_size_plugin, 0);
    /* Children who lost a grant may fit elsewhere now. */
    for (uint32_t i = 0; i < s->n_active; i++)
        dp__greedy_child(s, s->active[i]);
}
