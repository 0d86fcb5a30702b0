/* dagplan/plugin.h - the interface through which constraints and objective
 * terms take part in solving.
 *
 * A plugin is a const struct of function pointers with an abi field (like
 * SQLite's VFS iVersion). The solver owns the schedule state (which section
 * each choice is granted in, section sizes, the chosen time of each session)
 * and proposes moves. A move is handed to every plugin already digested: the
 * children whose grants change (their grants before and after), the sections
 * whose size changes, and the sessions whose time changes. When a session's
 * time changes, every child in its section is listed among the children, even
 * if its grants stay the same, so child-level plugins re-check those children
 * against the new time. A plugin's delta() therefore costs what the move
 * touches, never the whole schedule.
 *
 * Each plugin answers in two currencies: hard violations (a count; the solver
 * never accepts a move that raises it) and score (the objective's points,
 * FORMAT.md section 2, in the term the plugin names). full() recomputes both
 * from scratch, so a debug build can check the incremental bookkeeping; it
 * must agree with the sum of all deltas applied since init.
 *
 * Later plugins (Lua rules, childcare ratios, stability) join through the same
 * struct: a rule's state lives in the plugin's own state pointer. */
#ifndef DAGPLAN_PLUGIN_H
#define DAGPLAN_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "dagplan/error.h"
#include "dagplan/model.h"

#define DP_PLUGIN_ABI 4 /* raise when the struct or the view changes */
/* The oldest ABI the solver still accepts: a plugin built for ABI 3 lacks
 * gain() and is always evaluated in full. */
#define DP_PLUGIN_ABI_MIN 3

/* One granted choice: the child's choice (index in model->choices) and the
 * section it is granted in. */
typedef struct dp_grant {
    dp_id choice;  /* index in model->choices */
    dp_id section; /* index in model->sections */
} dp_grant;

/* The current schedule, read-only for plugins. Arrays are indexed by the
 * model's dense ids and stay valid while the solve runs. */
typedef struct dp_state_view {
    const dp_model *m;                   /* the model being solved */
    const dp_id *choice_section;         /* [n_choices]: granted section or DP_NONE */
    const uint32_t *section_count;       /* [n_sections]: children in the section */
    const uint32_t *session_slot;        /* [n_sessions]: chosen option, an index in m->slots */
    const dp_grant *const *child_grants; /* [n_children]: the child's grants */
    const uint8_t *child_n_grants;       /* [n_children]: how many */
    const dp_id *section_members;        /* children of section s start at member0[s] */
    const uint32_t *member0;             /* [n_sections]: first member slot of s (choice ids) */
    /* The solve's seed (dp_solve_options.seed), for plugins that draw random
     * numbers (the Lua rules' math.random): the same seed must give the same
     * schedule. Added without raising DP_PLUGIN_ABI (the engine owns the view;
     * a plugin that does not read it is unaffected). dp_solve sets it once
     * the engine is set up: init() and the first full() may still see 0, so
     * read it in delta(), apply() and later full() calls. */
    uint64_t seed;
} dp_state_view;

/* The grants of one child before and after a move. */
typedef struct dp_child_change {
    dp_id child;            /* the child */
    const dp_grant *before; /* its grants before the move */
    uint8_t n_before;
    const dp_grant *after; /* its grants after the move */
    uint8_t n_after;
} dp_child_change;

/* A section whose size changes (or whose sessions move). */
typedef struct dp_section_change {
    dp_id section;         /* the section */
    uint32_t count_before; /* children before the move */
    uint32_t count_after;  /* children after */
} dp_section_change;

/* A session whose chosen time changes. */
typedef struct dp_session_change {
    dp_id session;        /* the session */
    uint32_t slot_before; /* index in m->slots before */
    uint32_t slot_after;  /* index in m->slots after */
} dp_session_change;

/* A digested move. Every array is borrowed for the duration of one call. */
typedef struct dp_move {
    const dp_child_change *children; /* children whose grants change or must be re-checked */
    uint32_t n_children;
    const dp_section_change *sections; /* sections whose size changes or whose sessions move */
    uint32_t n_sections;
    const dp_session_change *sessions; /* sessions whose time changes */
    uint32_t n_sessions;
    /* Names the digested move: the solver gives every move it digests a new
     * serial (never 0), and the same move keeps its serial through delta()
     * and the apply() that commits it. A plugin may therefore keep what its
     * last delta() computed and reuse it in apply() when the serials match,
     * instead of computing it again; a move with serial 0 (one a caller
     * built by hand) names nothing and must be evaluated in full. Added
     * without raising DP_PLUGIN_ABI (appended; a plugin that does not read
     * it is unaffected). */
    uint64_t serial;
} dp_move;

/* A change in the plugin's currencies. */
typedef struct dp_delta {
    int64_t hard;  /* hard violations (negative: fewer) */
    int64_t score; /* objective points in the plugin's term */
} dp_delta;

typedef enum dp_term {
    DP_TERM_NONE = 0, /* a pure constraint: score always 0 */
    DP_TERM_COVERAGE,
    DP_TERM_BREADTH,
    DP_TERM_RANK,
    DP_TERM_RULES,
    DP_TERM_STABILITY,
    DP_N_TERMS
} dp_term;

typedef struct dp_plugin {
    int abi;          /* DP_PLUGIN_ABI */
    const char *name; /* short name, e.g. "capacity" */
    dp_term term;     /* which objective term score deltas belong to */

    /* Creates the plugin's state for a solve of v->m (the schedule is empty:
     * no grants, every session at its first option). May be NULL when the
     * plugin has no state. */
    dp_status (*init)(void **state, const dp_state_view *v, dp_error *err);
    void (*free)(void *state); /* NULL-safe; may be NULL */

    /* The change the move would make. Must not modify anything. */
    void (*delta)(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out);

    /* The move was accepted: update the plugin's own bookkeeping. Called
     * before the solver updates v, so v still shows the state before the move.
     * May be NULL for plugins that keep no incremental state. */
    void (*apply)(void *state, const dp_state_view *v, const dp_move *mv);

    /* Hard violations and score of the whole current schedule, from scratch. */
    void (*full)(void *state, const dp_state_view *v, dp_delta *out);

    /* Why the child cannot be granted `choice` in `section` in the current
     * schedule: writes one sentence a planner can act on into buf (len bytes)
     * and returns 1, or returns 0 when this plugin does not object. May be
     * NULL. */
    int (*explain)(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len);

    /* 0: strict (the search never accepts a move that raises the plugin's
     * violations; the empty schedule must keep the constraint). Otherwise the
     * points each violation costs while the search passes through schedules
     * that break it; the search still only keeps a best schedule without
     * violations. For constraints the empty schedule may already break, such
     * as the childcare ratio (ABI 2). */
    int64_t relax;

    /* Nonzero when, for this model, delta() always gives {0, 0} and apply()
     * changes nothing (no pins, no series, no rules, ...): the solver then
     * calls neither, and a move costs nothing for a plugin that has nothing
     * to check. Asked once, after init(); full() and explain() are still
     * called. May be NULL: never idle (ABI 3). */
    int (*idle)(void *state, const dp_state_view *v);
    /* An upper bound of delta()'s score for mv, much cheaper than delta():
     * O(what the move touches), computing no penalty. The search rejects most
     * moves it evaluates; when the other plugins' value plus this bound
     * already falls below what the search would accept, it skips delta()
     * (and apply() never follows). It must never be below the true score: a
     * bound too low changes the search, and the tests compare schedules with
     * and without it. May be NULL: delta() is always called (ABI 4). Plugins
     * with term DP_TERM_NONE that are strict need none: their score is 0 and
     * their violations can only keep a move out. */
    int64_t (*gain)(void *state, const dp_state_view *v, const dp_move *mv);
} dp_plugin;

/* idle() of a plugin whose init() leaves a NULL state when the model gives
 * it nothing to check. */
static inline int dp_idle_without_state(void *state, const dp_state_view *v)
{
    (void) v;
    return state == NULL;
}

/* Weight of a child in the objective: 1 + priority. */
static inline int64_t dp_child_weight(const dp_model *m, dp_id child)
{
    return 1 + (int64_t) m->children[child].priority;
}

/* The slot of a session after the move (after != 0) or before it. */
static inline uint32_t dp_move_slot(const dp_state_view *v, const dp_move *mv, dp_id session,
                                    int after)
{
    for (uint32_t i = 0; i < mv->n_sessions; i++)
        if (mv->sessions[i].session == session)
            return after ? mv->sessions[i].slot_after : mv->sessions[i].slot_before;
    return v->session_slot[session];
}

/* The section choice is granted in among list[0..n), or DP_NONE. */
static inline dp_id dp_grant_section(const dp_grant *list, uint8_t n, dp_id choice)
{
    for (uint8_t i = 0; i < n; i++)
        if (list[i].choice == choice)
            return list[i].section;
    return DP_NONE;
}

/* Whether grant g (same choice, same section) is in list[0..n). */
static inline int dp_grant_in(dp_grant g, const dp_grant *list, uint8_t n)
{
    for (uint8_t i = 0; i < n; i++)
        if (list[i].choice == g.choice && list[i].section == g.section)
            return 1;
    return 0;
}

/* Hard violations of one child under the grants g[0..n), for a constraint
 * whose violations follow from each child's own grants (series, camps,
 * overnight stays, pins). state is the plugin's state. Session times are
 * those after the move mv (after != 0) or before it; mv is NULL when the
 * current schedule is counted (full()). */
typedef int64_t (*dp_child_hard_fn)(const void *state, const dp_state_view *v, const dp_move *mv,
                                    int after, dp_id child, const dp_grant *g, uint8_t n);

/* delta() of such a constraint: for every child of the move, its violations
 * after the move minus those before. A NULL state means the constraint has
 * nothing to check in this model: no change. */
static inline void dp_child_hard_delta(const void *state, const dp_state_view *v, const dp_move *mv,
                                       dp_child_hard_fn count, dp_delta *out)
{
    out->hard = 0;
    out->score = 0;
    if (!state)
        return;
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        out->hard += count(state, v, mv, 1, cc->child, cc->after, cc->n_after) -
                     count(state, v, mv, 0, cc->child, cc->before, cc->n_before);
    }
}

/* full() of such a constraint: the violations of every child now. A NULL
 * state counts nothing, as in dp_child_hard_delta(). */
static inline void dp_child_hard_full(const void *state, const dp_state_view *v,
                                      dp_child_hard_fn count, dp_delta *out)
{
    out->hard = 0;
    out->score = 0;
    if (!state)
        return;
    for (dp_id c = 0; c < v->m->n_children; c++)
        out->hard += count(state, v, NULL, 0, c, v->child_grants[c], v->child_n_grants[c]);
}

/* The size of a section after the move (after != 0) or before it. */
static inline uint32_t dp_move_count(const dp_state_view *v, const dp_move *mv, dp_id section,
                                     int after)
{
    for (uint32_t i = 0; i < mv->n_sections; i++)
        if (mv->sections[i].section == section)
            return after ? mv->sections[i].count_after : mv->sections[i].count_before;
    return v->section_count[section];
}

/* Day, start and end (minutes) of a session at slot (an index in m->slots). */
static inline void dp_session_span(const dp_model *m, dp_id session, uint32_t slot, int *day,
                                   int *start_min, int *end_min)
{
    const dp_slot *sl = &m->slots[slot];

    *day = sl->day;
    *start_min = sl->start_min;
    *end_min = sl->start_min + m->sessions[session].minutes;
}

/* The built-in plugins (plugins/<name>/). */
extern const dp_plugin dp_plugin_eligibility;
extern const dp_plugin dp_plugin_availability;
extern const dp_plugin dp_plugin_overlap;
extern const dp_plugin dp_plugin_capacity;
extern const dp_plugin dp_plugin_min_size;
extern const dp_plugin dp_plugin_location;
extern const dp_plugin dp_plugin_staff;
extern const dp_plugin dp_plugin_max_activities;
extern const dp_plugin dp_plugin_coverage;
extern const dp_plugin dp_plugin_breadth;
extern const dp_plugin dp_plugin_rank;
extern const dp_plugin dp_plugin_ratio;     /* FORMAT.md 3.8; no-op without rota.csv */
extern const dp_plugin dp_plugin_pins;      /* pins.csv (issue 7) */
extern const dp_plugin dp_plugin_series;    /* series activities (issue 7) */
extern const dp_plugin dp_plugin_stability; /* the stability term (issue 7) */
extern const dp_plugin dp_plugin_camps;     /* dated sections, camps over weeks (issue 8) */
extern const dp_plugin dp_plugin_overnight; /* camps with overnight stay (issue 8) */
extern const dp_plugin dp_plugin_rules;     /* centre.lua's local rules (dagplan/rules.h) */

/* The standard plugins in the order the solver evaluates them (cheap hard
 * constraints first, so a doomed move is rejected early); NULL-terminated. */
extern const dp_plugin *const dp_builtin_plugins[];

#endif
