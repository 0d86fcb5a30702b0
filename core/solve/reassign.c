/* core/solve/reassign.c - the exact reassignment of a block of seats.
 *
 * Near the optimum the schedule differs from a better one by many small
 * exchanges at once: five children each trade a seat so that a sixth gets in,
 * and no single move or short chain gains. Take a block of sections: those
 * meeting at the same time as one random session and sharing children with
 * its section (a child can be in at most one of them anyway), or those of
 * every activity one random child chose (so that two children can trade
 * activities that meet at different times). Keep every grant outside the
 * block and let each child hold at most one seat of it: then each seat's
 * value for each child is exact (coverage, breadth and rank depend only on
 * the child's own grants), and who gets which seat is a
 * transportation problem, solved exactly by a min-cost flow: source -> child
 * (one seat) -> section (the child's value) -> sink (the section's places; the
 * places up to its minimum size carry a large bonus, so that open sections
 * stay open). Children holding two seats of the block keep them. The flow
 * starts from the schedule and cancels negative cycles (flow.c), so a block
 * that is already optimal costs one cycle search. The plugins judge the
 * result as one move, so terms that do not add up child by child (family
 * rules, the ratio, a location's capacity) are still checked exactly.
 *
 * The work is bounded by the block (its sections and the children who chose
 * them), and the block by MAX_SECTIONS. */
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "search.h"

#define MAX_SECTIONS  24
#define CHOICE_BLOCKS 60 /* percent of random blocks built from a child's choices */
#define OPEN_BLOCKS   20 /* percent of blocks around a cancelled section, forced open */
#define MAX_CHILDREN  2048
#define KEEP_OPEN     ((int64_t) 1 << 40) /* bonus per place up to a section's minimum */
#define MAX_WORK      4000000             /* arc relaxations per block */

typedef struct ra_child {
    dp_id child;
    dp_grant held; /* the child's grant in the block, section DP_NONE when none */
    uint32_t arc0; /* its section arcs are [arc0, arc0 + n_arcs) in ra_arcs */
    uint32_t n_arcs;
} ra_child;

/* What a child's seat is worth, remembered until the child's grants or any
 * session's time change (the plugins that look across children can make it
 * stale meanwhile; the final evaluation of the whole move is exact). */
typedef struct ra_memo {
    uint64_t stamp; /* engine commit count + 1 when worked out, 0: never */
    dp_id held;     /* the block section the child held then, or DP_NONE */
    bool ok;        /* feasible */
    int64_t value;
} ra_memo;

typedef struct ra_arc {
    dp_option to;
    uint32_t flow_arc;
} ra_arc;

struct dp_reassign {
    dp_flow flow;
    uint32_t *sec_gen; /* [n_sections]: == gen when in the block */
    uint32_t *sec_idx; /* [n_sections]: its index in the block */
    uint32_t *child_gen;
    uint32_t gen;
    dp_id block[MAX_SECTIONS];
    uint32_t n_block;
    int32_t room[MAX_SECTIONS];    /* places left for the free children */
    int32_t need[MAX_SECTIONS];    /* of those, places needed to keep the minimum */
    int32_t loc_cap[MAX_SECTIONS]; /* per location node: children it may take */
    ra_child *children;            /* [MAX_CHILDREN] */
    uint32_t n_children;
    ra_arc *arcs;
    uint32_t n_arcs, cap_arcs;
    uint32_t capacity_plugin;
    bool by_time;                    /* every block section meets at one time: locations count */
    bool opening;                    /* block[0] is a cancelled section forced open */
    uint32_t loc_node[MAX_SECTIONS]; /* the section's location node, or UINT32_MAX */
    ra_memo *option_memo;            /* [n_options]: the option's value for the child */
    ra_memo *leave_memo;             /* [n_children]: the value of leaving its block seat */
};

static uint32_t plugin_index(const dp_engine *e, const char *name)
{
    for (uint32_t i = 0; i < e->n_plugins; i++)
        if (strcmp(e->plugins[i]->name, name) == 0)
            return i;
    return UINT32_MAX;
}

bool dp__reassign_init(dp_search *s)
{
    const dp_model *m = s->m;
    dp_reassign *ra = calloc(1, sizeof *ra);

    if (!ra)
        return false;
    ra->sec_gen = calloc((size_t) m->n_sections + 1, sizeof *ra->sec_gen);
    ra->sec_idx = calloc((size_t) m->n_sections + 1, sizeof *ra->sec_idx);
    ra->child_gen = calloc((size_t) m->n_children + 1, sizeof *ra->child_gen);
    ra->children = malloc(MAX_CHILDREN * sizeof *ra->children);
    ra->option_memo = calloc((size_t) s->opt0[m->n_children] + 1, sizeof *ra->option_memo);
    ra->leave_memo = calloc((size_t) m->n_children + 1, sizeof *ra->leave_memo);
    ra->capacity_plugin = plugin_index(&s->e, "capacity");
    s->ra = ra;
    if (!ra->sec_gen || !ra->sec_idx || !ra->child_gen || !ra->children || !ra->option_memo ||
        !ra->leave_memo || ra->capacity_plugin == UINT32_MAX) {
        dp__reassign_release(s);
        return false;
    }
    return true;
}

void dp__reassign_release(dp_search *s)
{
    dp_reassign *ra = s->ra;

    if (!ra)
        return;
    dp__flow_release(&ra->flow);
    free(ra->sec_gen);
    free(ra->sec_idx);
    free(ra->child_gen);
    free(ra->children);
    free(ra->arcs);
    free(ra->option_memo);
    free(ra->leave_memo);
    free(ra);
    s->ra = NULL;
}

static bool in_block(const dp_reassign *ra, dp_id sec)
{
    return ra->sec_gen[sec] == ra->gen;
}

/* A random session of a random child's grant, or DP_NONE. */
static dp_id random_session(dp_search *s)
{
    const dp_model *m = s->m;
    dp_engine *e = &s->e;
    dp_id sec = DP_NONE;

    for (int tries = 0; tries < 8 && sec == DP_NONE; tries++) {
        dp_id c = s->active[dp__rand(s, s->n_active)];
        if (e->child_n[c] > 0)
            sec = e->child_grants[c][dp__rand(s, e->child_n[c])].section;
    }
    if (sec == DP_NONE || m->sections[sec].n_sessions == 0)
        return DP_NONE;
    return m->sections[sec].session0 + dp__rand(s, m->sections[sec].n_sessions);
}

static void add_to_block(dp_reassign *ra, const dp_model *m, dp_id t)
{
    ra->sec_gen[t] = ra->gen;
    ra->sec_idx[t] = ra->n_block;
    ra->room[ra->n_block] = m->sections[t].max_size;
    ra->need[ra->n_block] = m->sections[t].min_size;
    ra->block[ra->n_block++] = t;
}

static void start_block(dp_reassign *ra)
{
    ra->gen++;
    ra->n_block = 0;
}

/* Adds the running sections of activity a, while the block has room. */
static void add_running_of(const dp_search *s, dp_reassign *ra, dp_id a)
{
    const dp_activity *act = &s->m->activities[a];

    for (uint32_t t = act->section0; t < act->section0 + act->n_sections; t++)
        if (s->e.section_count[t] > 0 && ra->n_block < MAX_SECTIONS)
            add_to_block(ra, s->m, t);
}

/* The other kind of block: the running sections of every activity a random
 * child chose. Two children trading activities that meet at different times
 * (one gives up judo for drama, the other the reverse) is one exchange here. */
static bool pick_choice_block(dp_search *s, dp_reassign *ra)
{
    const dp_model *m = s->m;
    dp_id c = s->active[dp__rand(s, s->n_active)];
    const dp_child *ch = &m->children[c];

    start_block(ra);
    for (uint32_t i = 0; i < ch->n_choices; i++)
        add_running_of(s, ra, m->choices[ch->choice0 + i].activity);
    return ra->n_block > 1;
}

/* Does a session of section t meet on day, overlapping [t0, t1)? */
static bool meets_during(const dp_search *s, dp_id t, int day, int t0, int t1)
{
    const dp_section *st = &s->m->sections[t];

    for (uint32_t j = st->session0; j < st->session0 + st->n_sessions; j++) {
        int d, a0, a1;
        dp_session_span(s->m, j, s->e.session_slot[j], &d, &a0, &a1);
        if (d == day && a0 < t1 && t0 < a1)
            return true;
    }
    return false;
}

/* Adds the running sections meeting during session k that a child of the
 * block could trade seats with, breadth first from the block's sections:
 * every child with an option in a block section brings the sections of its
 * other options that meet then. On a large centre hundreds of sections meet
 * at one time, most of them in other neighbourhoods with no child in common:
 * a block of those, picked at random, moves nobody (5,000 children at 1.5M
 * moves: 99.38% of CBC's bound with random blocks, 99.45% with these). Lists
 * are entered at a random place so that blocks vary. */
static void add_overlapping(dp_search *s, dp_reassign *ra, dp_id k)
{
    const dp_model *m = s->m;
    const dp_engine *e = &s->e;
    int day, t0, t1;

    dp_session_span(m, k, e->session_slot[k], &day, &t0, &t1);
    for (uint32_t q = 0; q < ra->n_block && ra->n_block < MAX_SECTIONS; q++) {
        dp_id sec = ra->block[q];
        uint32_t n = s->sec_opt0[sec + 1] - s->sec_opt0[sec], first = n ? dp__rand(s, n) : 0;
        for (uint32_t i = 0; i < n && ra->n_block < MAX_SECTIONS; i++) {
            dp_id c =
                m->choices[s->opts[s->sec_opt[s->sec_opt0[sec] + (first + i) % n]].choice].child;
            for (uint32_t j = s->opt0[c]; j < s->opt0[c + 1] && ra->n_block < MAX_SECTIONS; j++) {
                dp_id t = s->opts[j].section;
                if (e->section_count[t] > 0 && !in_block(ra, t) && meets_during(s, t, day, t0, t1))
                    add_to_block(ra, m, t);
            }
        }
    }
}

/* The block: the running sections with a session that overlaps session k,
 * reached from k's own section through the children they share. */
static bool pick_block(dp_search *s, dp_reassign *ra, dp_id k)
{
    start_block(ra);
    add_to_block(ra, s->m, s->m->sessions[k].section);
    add_overlapping(s, ra, k);
    return ra->n_block > 1;
}

/* The third kind: a random cancelled section, forced open (the bonus on its
 * places up to the minimum makes the flow fill them whenever it can), with
 * its running siblings and the running sections meeting at its times. No
 * seat-by-seat move opens a section, and rr.c's greedy rebuild around one
 * rarely finds the best way to make room for it. */
static bool pick_open_block(dp_search *s, dp_reassign *ra)
{
    const dp_model *m = s->m;
    dp_id x = DP_NONE;

    for (int t = 0; t < 8 && x == DP_NONE && s->n_fill_sections; t++) {
        dp_id y = s->fill_sections[dp__rand(s, s->n_fill_sections)];
        if (s->e.section_count[y] == 0 &&
            s->sec_opt0[y + 1] - s->sec_opt0[y] >= m->sections[y].min_size)
            x = y;
    }
    if (x == DP_NONE)
        return false;
    start_block(ra);
    add_to_block(ra, m, x);
    add_running_of(s, ra, m->sections[x].activity);
    const dp_section *sx = &m->sections[x];
    for (uint32_t k = sx->session0; k < sx->session0 + sx->n_sessions; k++)
        add_overlapping(s, ra, k);
    return true;
}

/* Value change of the pending move with capacity and minimum size ignored
 * (the flow keeps them), or false when another plugin refuses it. */
static bool eval_free(dp_search *s, int64_t *dv)
{
    dp_engine *e = &s->e;
    uint32_t cap = s->ra->capacity_plugin, mn = s->min_size_plugin;

    if (!dp__mv_eval(e, dv))
        return false;
    *dv += e->relax[cap] * e->mv_hard[cap];
    if (mn != UINT32_MAX)
        *dv += e->relax[mn] * e->mv_hard[mn];
    return true;
}

/* The child's grant in the block (section DP_NONE when none); false when it
 * holds more than one. */
static bool held_grant(const dp_search *s, dp_id c, dp_grant *held)
{
    const dp_engine *e = &s->e;

    *held = (dp_grant){DP_NONE, DP_NONE};
    for (uint8_t i = 0; i < e->child_n[c]; i++) {
        dp_grant g = e->child_grants[c][i];
        if (!in_block(s->ra, g.section))
            continue;
        if (held->section != DP_NONE)
            return false;
        *held = g;
    }
    return true;
}

/* A child who cannot take part keeps its seats: fewer places for the others. */
static void hold_seats(dp_search *s, dp_id c)
{
    dp_reassign *ra = s->ra;
    const dp_engine *e = &s->e;

    for (uint8_t i = 0; i < e->child_n[c]; i++) {
        dp_id t = e->child_grants[c][i].section;
        if (in_block(ra, t)) {
            ra->room[ra->sec_idx[t]]--;
            ra->need[ra->sec_idx[t]]--;
        }
    }
}

static int add_arc(dp_reassign *ra, dp_option to)
{
    if (ra->n_arcs == ra->cap_arcs) {
        uint32_t n = ra->cap_arcs ? 2 * ra->cap_arcs : 256;
        ra_arc *a = realloc(ra->arcs, n * sizeof *a);
        if (!a)
            return -1;
        ra->arcs = a;
        ra->cap_arcs = n;
    }
    ra->arcs[ra->n_arcs++] = (ra_arc){to, 0};
    return 0;
}

/* Whether a memo about child c still holds for the seat it holds now. */
static bool memo_holds(const dp_search *s, const ra_memo *mm, dp_id c, dp_id held)
{
    const dp_engine *e = &s->e;

    return mm->stamp != 0 && e->child_changed[c] < mm->stamp && e->slots_changed < mm->stamp &&
           mm->held == held;
}

static void memo_set(const dp_search *s, ra_memo *mm, dp_id held, bool ok, int64_t value)
{
    *mm = (ra_memo){s->e.n_commits + 1, held, ok, value};
}

/* The value of child c leaving its block seat, with the memo's help; false
 * when it cannot leave (a pin, a series). */
static bool leave_value(dp_search *s, dp_id c, dp_grant held, int64_t *value)
{
    ra_memo *mm = &s->ra->leave_memo[c];

    if (!memo_holds(s, mm, c, held.section)) {
        int64_t dv = 0;
        dp__mv_begin(&s->e);
        dp__mv_assign(&s->e, held.choice, DP_NONE);
        bool ok = eval_free(s, &dv);
        s->ra_work++;
        memo_set(s, mm, held.section, ok, dv);
    }
    *value = mm->value;
    return mm->ok;
}

/* The value of child c taking option i instead of its block seat (if any). */
static bool option_value(dp_search *s, dp_id c, dp_grant held, uint32_t i, int64_t *value)
{
    ra_memo *mm = &s->ra->option_memo[i];
    dp_option o = s->opts[i];

    if (!memo_holds(s, mm, c, held.section)) {
        int64_t dv = 0;
        dp__mv_begin(&s->e);
        if (held.section != DP_NONE && held.choice != o.choice)
            dp__mv_assign(&s->e, held.choice, DP_NONE);
        dp__mv_assign(&s->e, o.choice, o.section);
        bool ok = eval_free(s, &dv);
        s->ra_work++;
        memo_set(s, mm, held.section, ok, dv);
    }
    *value = mm->value;
    return mm->ok;
}

/* Values every seat of the block for child c (relative to c holding none of
 * them) and records the child; false when out of memory. */
static bool value_child(dp_search *s, dp_id c, int64_t **values, uint32_t *cap_values)
{
    dp_reassign *ra = s->ra;
    dp_engine *e = &s->e;
    dp_grant held;
    int64_t base = 0, dv;

    if (!held_grant(s, c, &held)) {
        hold_seats(s, c);
        return true;
    }
    if (held.section != DP_NONE) {
        if (!leave_value(s, c, held, &base)) {
            hold_seats(s, c);
            return true;
        }
    } else if (e->child_n[c] >= s->m->centre.max_activities) {
        return true;
    }
    if (ra->n_children == MAX_CHILDREN) {
        if (held.section != DP_NONE)
            hold_seats(s, c);
        return true;
    }
    ra_child *rc = &ra->children[ra->n_children];
    *rc = (ra_child){c, held, ra->n_arcs, 0};
    for (uint32_t i = s->opt0[c]; i < s->opt0[c + 1]; i++) {
        dp_option o = s->opts[i];
        dp_id now = e->choice_section[o.choice];
        if (!in_block(ra, o.section) || (now != DP_NONE && !in_block(ra, now)))
            continue; /* not a seat of the block, or an activity held elsewhere */
        if (o.section == held.section)
            dv = 0;
        else if (!option_value(s, c, held, i, &dv))
            continue;
        if (add_arc(ra, o) != 0)
            return false;
        if (ra->n_arcs > *cap_values) {
            int64_t *v = realloc(*values, (size_t) ra->cap_arcs * sizeof *v);
            if (!v)
                return false;
            *values = v;
            *cap_values = ra->cap_arcs;
        }
        (*values)[ra->n_arcs - 1] = dv - base;
        rc->n_arcs++;
    }
    if (rc->n_arcs > 0)
        ra->n_children++;
    else if (held.section != DP_NONE)
        hold_seats(s, c);
    return true;
}

/* Whether sec's location has room for its minimum beside the children there
 * now while it meets: then the location node, which counts conservatively,
 * would only get in the way of the opening (the final evaluation is exact). */
static bool room_for_opening(const dp_search *s, dp_id sec)
{
    const dp_model *m = s->m;
    const dp_engine *e = &s->e;
    dp_id loc = m->sections[sec].location;
    int32_t cap = m->locations[loc].capacity, used = 0;

    if (cap == DP_UNLIMITED)
        return true;
    for (uint32_t i = s->rr_loc_sec0[loc]; i < s->rr_loc_sec0[loc + 1]; i++) {
        dp_id t = s->rr_loc_sec[i];
        if (t != sec && e->section_count[t] > 0 && dp__meet_together(s, t, sec))
            used += (int32_t) e->section_count[t];
    }
    return cap - used >= (int32_t) m->sections[sec].min_size;
}

/* A location with a capacity (children at once) that several block sections
 * share: when every block section meets at one time (or, in a block around a
 * section forced open, for that section's location and the block sections
 * there meeting with it), the flow takes it into account through a node
 * between those sections and the sink, whose capacity is what the others
 * there leave (conservatively: every running section outside the block that
 * meets with one of them counts in full, and so do the children held in
 * place). Never less than the free children there now, so the schedule as it
 * is stays a feasible flow. Returns the number of nodes, numbered from
 * `first`. */
static uint32_t location_nodes(dp_search *s, uint32_t first)
{
    dp_reassign *ra = s->ra;
    const dp_model *m = s->m;
    const dp_engine *e = &s->e;
    uint32_t n = 0;

    for (uint32_t b = 0; b < ra->n_block; b++)
        ra->loc_node[b] = UINT32_MAX;
    if ((!ra->by_time && !ra->opening) || !s->rr_loc_sec0 ||
        (ra->opening && room_for_opening(s, ra->block[0])))
        return 0;
    /* A block around a section forced open meets at many times: only the
     * opened section's location counts, with the block sections there that
     * meet with it (in a full room, seats for the newcomers come from them). */
    uint32_t n_anchors = ra->by_time ? ra->n_block : 1;
    for (uint32_t b = 0; b < n_anchors; b++) {
        dp_id loc = m->sections[ra->block[b]].location;
        int32_t cap = m->locations[loc].capacity, used = 0, now = 0;
        if (cap == DP_UNLIMITED || ra->loc_node[b] != UINT32_MAX)
            continue;
        for (uint32_t c = b; c < ra->n_block; c++) {
            dp_id t = ra->block[c];
            if (m->sections[t].location != loc ||
                (!ra->by_time && c != b && !dp__meet_together(s, t, ra->block[b])))
                continue;
            ra->loc_node[c] = first + n;
            int32_t held = (int32_t) m->sections[t].max_size - ra->room[c];
            used += held;
            now += (int32_t) e->section_count[t] - held;
        }
        for (uint32_t i = s->rr_loc_sec0[loc]; i < s->rr_loc_sec0[loc + 1]; i++) {
            dp_id t = s->rr_loc_sec[i];
            if (e->section_count[t] == 0 || in_block(ra, t))
                continue;
            for (uint32_t c = b; c < ra->n_block; c++)
                if (ra->loc_node[c] == first + n && dp__meet_together(s, t, ra->block[c])) {
                    used += (int32_t) e->section_count[t];
                    break;
                }
        }
        ra->loc_cap[n++] = cap - used > now ? cap - used : now;
    }
    return n;
}

/* Source 0, sink 1, children 2 .., then the block's sections; an arc from
 * the sink back to the source closes the circulation. The schedule as it is
 * is the initial flow; cancelling negative cycles then finds the best. */
static bool solve_flow(dp_search *s, const int64_t *values)
{
    dp_reassign *ra = s->ra;
    dp_flow *f = &ra->flow;
    uint32_t sec0 = 2 + ra->n_children;
    uint32_t to_min[MAX_SECTIONS], to_rest[MAX_SECTIONS];

    uint32_t n_loc = location_nodes(s, sec0 + ra->n_block);
    uint32_t loc_arc[MAX_SECTIONS];

    if (dp__flow_reset(f, sec0 + ra->n_block + n_loc) != 0)
        return false;
    uint32_t back = dp__flow_arc(f, 1, 0, INT32_MAX / 2, 0);
    if (back == UINT32_MAX)
        return false;
    for (uint32_t i = 0; i < n_loc; i++)
        if ((loc_arc[i] = dp__flow_arc(f, sec0 + ra->n_block + i, 1, ra->loc_cap[i], 0)) ==
            UINT32_MAX)
            return false;
    for (uint32_t b = 0; b < ra->n_block; b++) {
        int32_t room = ra->room[b] > 0 ? ra->room[b] : 0;
        int32_t need = ra->need[b] > 0 ? ra->need[b] : 0;
        uint32_t to = ra->loc_node[b] != UINT32_MAX ? ra->loc_node[b] : 1;
        if (need > room)
            need = room;
        to_min[b] = dp__flow_arc(f, sec0 + b, to, need, -KEEP_OPEN);
        to_rest[b] = dp__flow_arc(f, sec0 + b, to, room - need, 0);
        if (to_min[b] == UINT32_MAX || to_rest[b] == UINT32_MAX)
            return false;
    }
    for (uint32_t i = 0; i < ra->n_children; i++) {
        ra_child *rc = &ra->children[i];
        uint32_t in = dp__flow_arc(f, 0, 2 + i, 1, 0);
        if (in == UINT32_MAX)
            return false;
        for (uint32_t a = rc->arc0; a < rc->arc0 + rc->n_arcs; a++) {
            uint32_t b = ra->sec_idx[ra->arcs[a].to.section];
            ra->arcs[a].flow_arc = dp__flow_arc(f, 2 + i, sec0 + b, 1, -values[a]);
            if (ra->arcs[a].flow_arc == UINT32_MAX)
                return false;
            if (ra->arcs[a].to.section != rc->held.section)
                continue;
            /* The child's seat now: one unit around the circulation, into
             * the section's minimum first. */
            uint32_t out = f->arcs[to_min[b]].cap > 0 ? to_min[b] : to_rest[b];
            if (f->arcs[out].cap <= 0)
                return false; /* more members than places: leave it alone */
            dp__flow_push(f, in, 1);
            dp__flow_push(f, ra->arcs[a].flow_arc, 1);
            dp__flow_push(f, out, 1);
            if (ra->loc_node[b] != UINT32_MAX)
                dp__flow_push(f, loc_arc[ra->loc_node[b] - sec0 - ra->n_block], 1);
            dp__flow_push(f, back, 1);
        }
    }
    return dp__flow_cancel(f, MAX_WORK) > 0;
}

/* Pends the flow's assignment; false when it equals the schedule. */
static bool pend_result(dp_search *s)
{
    dp_reassign *ra = s->ra;
    dp_engine *e = &s->e;
    bool changed = false;

    dp__mv_begin(e);
    for (uint32_t i = 0; i < ra->n_children; i++) {
        const ra_child *rc = &ra->children[i];
        dp_option to = {DP_NONE, DP_NONE};
        for (uint32_t a = rc->arc0; a < rc->arc0 + rc->n_arcs; a++)
            if (dp__flow_on(&ra->flow, ra->arcs[a].flow_arc) > 0)
                to = ra->arcs[a].to;
        if (to.section == rc->held.section)
            continue;
        if (rc->held.section != DP_NONE && rc->held.choice != to.choice)
            dp__mv_assign(e, rc->held.choice, DP_NONE);
        if (to.section != DP_NONE)
            dp__mv_assign(e, to.choice, to.section);
        changed = true;
    }
    return changed;
}

bool dp__reassign_move(dp_search *s, int64_t *dv)
{
    dp_reassign *ra = s->ra;
    dp_engine *e = &s->e;
    int64_t *values = NULL;
    uint32_t cap_values = 0;
    bool ok = false;

    if (!ra)
        return false;
    /* Every call counts, found block or not: the local search gives the
     * reassignment a share of the work, and a centre where blocks are rare
     * (most sections cancelled) must not spend every move looking for one. */
    s->ra_work += 2;
    uint32_t kind = dp__rand(s, 100);
    ra->by_time = false;
    ra->opening = kind < OPEN_BLOCKS;
    if (kind < OPEN_BLOCKS) {
        if (!pick_open_block(s, ra))
            return false;
    } else if (kind < OPEN_BLOCKS + (100 - OPEN_BLOCKS) * CHOICE_BLOCKS / 100) {
        if (!pick_choice_block(s, ra))
            return false;
    } else {
        dp_id session = random_session(s);
        if (session == DP_NONE || !pick_block(s, ra, session))
            return false;
        ra->by_time = true;
    }
    uint32_t cap = ra->capacity_plugin, mn = s->min_size_plugin;
    int64_t saved_cap = e->relax[cap], saved_min = mn != UINT32_MAX ? e->relax[mn] : 0;
    dp__engine_relax(e, cap, 1);
    if (mn != UINT32_MAX)
        dp__engine_relax(e, mn, 1);
    ra->n_children = 0;
    ra->n_arcs = 0;
    bool built = true;
    /* Members first: each holds a seat, whether or not it is still one of
     * the child's options (a pin, a warm start). */
    for (uint32_t b = 0; b < ra->n_block && built; b++) {
        dp_id t = ra->block[b];
        for (uint32_t i = 0; i < e->section_count[t] && built; i++) {
            dp_id c = s->m->choices[e->members[e->member0[t] + i]].child;
            if (ra->child_gen[c] == ra->gen)
                continue;
            ra->child_gen[c] = ra->gen;
            built = value_child(s, c, &values, &cap_values);
        }
    }
    for (uint32_t b = 0; b < ra->n_block && built; b++) {
        dp_id t = ra->block[b];
        for (uint32_t i = s->sec_opt0[t]; i < s->sec_opt0[t + 1] && built; i++) {
            dp_id c = s->m->choices[s->opts[s->sec_opt[i]].choice].child;
            if (ra->child_gen[c] == ra->gen)
                continue;
            ra->child_gen[c] = ra->gen;
            built = value_child(s, c, &values, &cap_values);
        }
    }
    dp__engine_relax(e, cap, saved_cap);
    if (mn != UINT32_MAX)
        dp__engine_relax(e, mn, saved_min);
    /* Visiting a child and its arcs in the flow cost about a quarter of an
     * evaluation each. */
    s->ra_work += (ra->n_children + ra->n_arcs) / 4 + 1;
    if (built && ra->n_children > 0 && solve_flow(s, values) && pend_result(s))
        ok = dp__mv_eval(e, dv);

    free(values);
    return ok;
}
