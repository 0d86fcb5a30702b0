/* core/solve/chain.c - ejection chains: granting an option in a full section
 * by shifting a path of other children along.
 *
 * Coverage weighs most in the objective, and a child whose sections are all
 * full gets in only when some member makes room, that member only when it can
 * go somewhere else, and so on: an augmenting path, as in bipartite matching.
 * A breadth-first search over sections finds the shortest such paths: from a
 * full section, each member may move to another section of the same activity
 * or to another of its own options, or simply leave when it keeps another
 * activity. A path ends in a section with room. Every step keeps the sizes of
 * the sections along the path, so minimum sizes are untouched; the plugins
 * judge each complete path as one move, and the best of the first few
 * feasible paths is left pending.
 *
 * A section with room at a location full of children (FORMAT.md 3.6) is
 * reached the same way: it and the sections meeting there at the same time
 * are expanded as if full.
 *
 * The search is bounded (sections expanded, paths evaluated), never by the
 * size of the centre. */
#include <stdlib.h>
#include <string.h>

#include "search.h"

#define MAX_NODES 96 /* sections expanded per search */
#define MAX_PATHS 6  /* complete paths evaluated */

/* How the path entered a section: child x's option `in` (whose section is the
 * node), x leaving choice `left` in section `from` (both DP_NONE for the
 * child the chain starts with). */
struct chain_step {
    dp_option in;
    dp_id left;
    dp_id from;
};
typedef struct chain_step chain_step;

typedef struct chain_search {
    dp_id queue[MAX_NODES];
    uint32_t head, tail;
    int64_t best;
    bool found;
    dp_id root_drop; /* the grant the first child gives up (at its maximum), or DP_NONE */
} chain_search;

/* Adds to the pending move the step into x's option, x giving up `left`. */
static void add_step(dp_engine *e, dp_option in, dp_id left)
{
    if (left != DP_NONE && left != in.choice)
        dp__mv_assign(e, left, DP_NONE);
    dp__mv_assign(e, in.choice, in.section);
}

/* Builds the whole path ending with `last` and evaluates it. */
static void try_path(dp_search *s, chain_search *cs, dp_id node, dp_option last, dp_id left)
{
    dp_engine *e = &s->e;
    int64_t dv;

    dp__mv_begin(e);
    if (last.choice != DP_NONE)
        add_step(e, last, left);
    else
        dp__mv_assign(e, left, DP_NONE);
    for (dp_id n = node; n != DP_NONE; n = s->ch_step[n].from)
        add_step(e, s->ch_step[n].in, s->ch_step[n].left);
    if (cs->root_drop != DP_NONE)
        dp__mv_assign(e, cs->root_drop, DP_NONE);
    /* Only a path better than the best so far, and one the caller would
     * accept, counts: the others need not be evaluated in full. */
    int64_t floor = cs->found && cs->best >= s->floor ? cs->best + 1 : s->floor;
    if (e->n_pend <= DP_CHAIN_MAX_PEND && dp__mv_judge(e, floor, false, &dv) == DP_MV_OK) {
        cs->found = true;
        cs->best = dv;
        memcpy(s->ch_best, e->pend, e->n_pend * sizeof *s->ch_best);
        s->n_ch_best = e->n_pend;
    }
}

static bool has_room(const dp_search *s, dp_id sec)
{
    uint32_t n = s->e.section_count[sec];

    return n < s->m->sections[sec].max_size && (n > 0 || s->m->sections[sec].min_size <= 1);
}

/* The chain's first child may take option o (its section has room), but o's
 * location may be full of children: it gets in when a member of o's section
 * or of another section meeting there at the same time leaves or moves on.
 * Those sections enter the search as if they were full, the step into o
 * first on the path.
 * (The index of sections by location is ruin and recreate's, rr.c.) */
static void enqueue_rivals(dp_search *s, chain_search *cs, dp_option o)
{
    const dp_engine *e = &s->e;
    const dp_model *m = s->m;
    dp_id loc = m->sections[o.section].location;

    if (!s->rr_loc_sec0 || m->locations[loc].capacity == DP_UNLIMITED)
        return;
    s->ch_sec_seen[o.section] = s->ch_gen;
    for (uint32_t i = s->rr_loc_sec0[loc]; i < s->rr_loc_sec0[loc + 1] && cs->tail < MAX_NODES;
         i++) {
        dp_id t = s->rr_loc_sec[i];
        if (t == o.section || e->section_count[t] == 0 || s->ch_sec_seen[t] == s->ch_gen ||
            !dp__meet_together(s, t, o.section))
            continue;
        s->ch_sec_seen[t] = s->ch_gen;
        s->ch_step[t] = (chain_step){o, DP_NONE, DP_NONE};
        cs->queue[cs->tail++] = t;
    }
    /* A member of o's own section who moves on makes room there too. Without
     * it a tiny centre (tests/data/full-room: a child without activity, its
     * section at a full location, no other section meeting there) stayed at
     * 463 of an optimum of 544 for 5 of 21 seeds; with it, none. */
    if (e->section_count[o.section] > 0 && cs->tail < MAX_NODES) {
        s->ch_step[o.section] = (chain_step){o, DP_NONE, DP_NONE};
        cs->queue[cs->tail++] = o.section;
    }
}

/* Expands full section `node`: every member's ways out. Returns the number of
 * paths evaluated. */
static uint32_t expand(dp_search *s, chain_search *cs, dp_id node, uint32_t paths)
{
    dp_engine *e = &s->e;
    const dp_model *m = s->m;

    for (uint32_t i = 0; i < e->section_count[node] && paths < MAX_PATHS; i++) {
        dp_id ch = e->members[e->member0[node] + i], d = m->choices[ch].child;
        if (s->ch_child_seen[d] == s->ch_gen)
            continue; /* already on the path's tree: keep paths simple */
        s->ch_child_seen[d] = s->ch_gen;
        if (e->child_n[d] >= 2) { /* d keeps an activity: it may just leave */
            try_path(s, cs, node, (dp_option){DP_NONE, DP_NONE}, ch);
            paths++;
        }
        for (uint32_t j = s->opt0[d]; j < s->opt0[d + 1] && paths < MAX_PATHS; j++) {
            dp_option o = s->opts[j];
            if (o.section == node || s->ch_sec_seen[o.section] == s->ch_gen ||
                (o.choice != ch && e->choice_section[o.choice] != DP_NONE))
                continue;
            if (has_room(s, o.section)) {
                try_path(s, cs, node, o, ch);
                paths++;
            } else if (e->section_count[o.section] >= m->sections[o.section].max_size &&
                       cs->tail < MAX_NODES) {
                s->ch_sec_seen[o.section] = s->ch_gen;
                s->ch_step[o.section] = (chain_step){o, ch, node};
                cs->queue[cs->tail++] = o.section;
            }
        }
    }
    return paths;
}

/* The grant a child at its maximum gives up for a chain: one whose theme
 * another grant already brings (it adds no breadth), else a random one. */
static dp_id grant_to_drop(dp_search *s, dp_id c)
{
    const dp_engine *e = &s->e;
    const dp_model *m = s->m;
    uint8_t n = e->child_n[c];

    for (uint8_t i = 0; i < n; i++)
        for (uint8_t j = 0; j < n; j++) {
            dp_id ti = m->activities[m->choices[e->child_grants[c][i].choice].activity].theme;
            dp_id tj = m->activities[m->choices[e->child_grants[c][j].choice].activity].theme;
            if (i != j && ti == tj)
                return e->child_grants[c][i].choice;
        }
    return n ? e->child_grants[c][dp__rand(s, n)].choice : DP_NONE;
}

bool dp__chain_grant(dp_search *s, dp_id c, int64_t *dv)
{
    dp_engine *e = &s->e;
    const dp_model *m = s->m;
    chain_search cs = {.found = false, .root_drop = DP_NONE};
    uint32_t paths = 0;

    if (!s->ch_step)
        return false;
    /* At its maximum the child gives up one grant for the new one: a second
     * activity of a theme it already has is worth less than a new theme. */
    if (e->child_n[c] >= m->centre.max_activities)
        cs.root_drop = grant_to_drop(s, c);
    if (++s->ch_gen == 0) {
        memset(s->ch_sec_seen, 0, m->n_sections * sizeof *s->ch_sec_seen);
        memset(s->ch_child_seen, 0, m->n_children * sizeof *s->ch_child_seen);
        s->ch_gen = 1;
    }
    s->ch_child_seen[c] = s->ch_gen;
    for (uint32_t j = s->opt0[c]; j < s->opt0[c + 1]; j++) {
        dp_option o = s->opts[j];
        if (e->choice_section[o.choice] != DP_NONE || s->ch_sec_seen[o.section] == s->ch_gen ||
            o.choice == cs.root_drop)
            continue;
        if (e->section_count[o.section] < m->sections[o.section].max_size) {
            /* A plain grant is tried by other moves; with a grant given up
             * in exchange it is a path of length one. */
            if (cs.root_drop != DP_NONE && o.choice != cs.root_drop && has_room(s, o.section)) {
                try_path(s, &cs, DP_NONE, o, DP_NONE);
                paths++;
            }
            continue;
        }
        s->ch_sec_seen[o.section] = s->ch_gen;
        s->ch_step[o.section] = (chain_step){o, DP_NONE, DP_NONE};
        if (cs.tail < MAX_NODES)
            cs.queue[cs.tail++] = o.section;
    }
    /* Then the sections with room, at a location that may be full. */
    for (uint32_t j = s->opt0[c]; j < s->opt0[c + 1] && cs.tail < MAX_NODES; j++) {
        dp_option o = s->opts[j];
        if (e->choice_section[o.choice] == DP_NONE && o.choice != cs.root_drop &&
            s->ch_sec_seen[o.section] != s->ch_gen && has_room(s, o.section))
            enqueue_rivals(s, &cs, o);
    }
    while (cs.head < cs.tail && paths < MAX_PATHS)
        paths = expand(s, &cs, cs.queue[cs.head++], paths);
    if (!cs.found)
        return false;
    dp__mv_begin(e);
    for (uint32_t i = 0; i < s->n_ch_best; i++)
        dp__mv_assign(e, s->ch_best[i].choice, s->ch_best[i].section);
    return dp__mv_eval(e, dv);
}

bool dp__chain_init(dp_search *s)
{
    s->ch_step = calloc((size_t) s->m->n_sections + 1, sizeof *s->ch_step);
    s->ch_sec_seen = calloc((size_t) s->m->n_sections + 1, sizeof *s->ch_sec_seen);
    s->ch_child_seen = calloc((size_t) s->m->n_children + 1, sizeof *s->ch_child_seen);
    s->ch_best = malloc(DP_CHAIN_MAX_PEND * sizeof *s->ch_best);
    if (s->ch_step && s->ch_sec_seen && s->ch_child_seen && s->ch_best)
        return true;
    dp__chain_release(s);
    return false;
}

void dp__chain_release(dp_search *s)
{
    free(s->ch_step);
    free(s->ch_sec_seen);
    free(s->ch_child_seen);
    free(s->ch_best);
    s->ch_step = NULL;
    s->ch_sec_seen = s->ch_child_seen = NULL;
    s->ch_best = NULL;
}
