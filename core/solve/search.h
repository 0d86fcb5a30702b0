/* core/solve/search.h - the search's private state, shared by the search
 * phases (construction, repair, local search) and the solution builder.
 * Not installed. */
#ifndef DAGPLAN_SEARCH_H
#define DAGPLAN_SEARCH_H

#include <stdint.h>
#include <time.h>

#include "dagplan/solve.h"
#include "engine.h"

/* A (choice, section) pair a child could be granted. */
typedef struct dp_option {
    dp_id choice;
    dp_id section;
} dp_option;

typedef struct dp_search {
    dp_engine e;
    const dp_model *m;
    const dp_solve_options *o;
    uint64_t rng;       /* xorshift state */
    dp_option *opts;    /* all options, grouped by child */
    uint32_t *opt0;     /* [n_children + 1]: child c's options are [opt0[c], opt0[c+1]) */
    uint32_t *sec_opt;  /* option indices grouped by section */
    uint32_t *sec_opt0; /* [n_sections + 1]: section s's are [sec_opt0[s], sec_opt0[s+1]) */
    dp_id *active;      /* children with at least one option */
    uint32_t n_active;
    dp_id *cand_sessions; /* sessions with more than one slot */
    uint32_t n_cand_sessions;
    dp_id *fill_sections; /* sections with min_size > 1 or candidates */
    uint32_t n_fill_sections;
    uint32_t min_size_plugin; /* index of min_size among the plugins, or UINT32_MAX */
    /* Best schedule found with every constraint kept. */
    int64_t best;
    bool found;          /* a best was recorded (else best_* is the empty schedule) */
    dp_id *best_choice;  /* [n_choices] */
    uint32_t *best_slot; /* [n_sessions] */
    int64_t bound;
    int64_t construction; /* objective after construction and repair */
    uint64_t moves, accepted;
    struct timespec t0;
    dp_stop stop;
    dp_id protect; /* a section whose members dp__try_grant never drops, or DP_NONE */
    /* The least value change the caller of a move will accept: the local
     * search's late-acceptance threshold while it proposes a move, else
     * INT64_MIN (every feasible move counts). Moves judge their final
     * variant against it (dp__mv_judge), so a move that would be dropped
     * anyway skips the plugins that cannot lift it. */
    int64_t floor;
    const char *verify_failed; /* plugin whose delta and full evaluation disagree */
    /* Ruin and recreate's scratch marks (rr.c). */
    uint32_t *rr_child_seen; /* [n_children] */
    uint32_t *rr_sec_seen;   /* [n_sections] */
    uint32_t rr_gen;
    uint32_t *rr_loc_sec0, *rr_loc_sec;     /* sections by location (CSR) */
    uint32_t *rr_staff_sec0, *rr_staff_sec; /* sections by leader (CSR) */
    /* Ejection chains' scratch (chain.c). */
    struct chain_step *ch_step; /* [n_sections]: how the search entered it */
    uint32_t *ch_sec_seen;      /* [n_sections] */
    uint32_t *ch_child_seen;    /* [n_children] */
    uint32_t ch_gen;
    dp_grant *ch_best; /* [DP_CHAIN_MAX_PEND]: the best path's assignments */
    uint32_t n_ch_best;
    struct dp_reassign *ra; /* reassign.c's scratch, NULL when unavailable */
    uint64_t ra_work;       /* its work so far, in plugin evaluations */
    struct dp_lagrange *lg; /* lagrange.c's bundles and intervals, NULL when not used */
    /* Targets of the chain move, refreshed now and then (local.c). */
    dp_id *uncovered, *hungry;
    uint32_t n_uncovered, n_hungry;
} dp_search;

/* Uniform random number in [0, n). */
uint32_t dp__rand(dp_search *s, uint32_t n);

/* Seconds since the search started. */
double dp__search_seconds(const dp_search *s);

/* Records the engine's schedule as the best when it keeps every constraint
 * and beats the best so far. */
void dp__search_note_best(dp_search *s);

/* Puts the best schedule back into the engine. */
dp_status dp__search_restore_best(dp_search *s, dp_error *err);

/* Upper bounds of the standard objective. bound.c: each child's best on its
 * own (dp__child_bound: one child). lagrange.c: with the seats of sections,
 * the children and sections at once at locations and the leaders priced (see
 * there): dp__lagrange_prepare once the options are built (NULL when it does
 * not apply or memory runs out), then dp__lagrange_bound with the best
 * objective of a schedule known (INT64_MAX when memory runs out). */
int64_t dp__objective_bound(const dp_model *m, const dp_search *s);
int64_t dp__child_bound(const dp_model *m, const dp_search *s, dp_id c);
/* The standard objective (coverage, breadth, rank) of child c holding the
 * grants g[0..n). */
int64_t dp__child_value(const dp_model *m, dp_id c, const dp_grant *g, int n);
typedef struct dp_lagrange dp_lagrange;
dp_lagrange *dp__lagrange_prepare(const dp_search *s);
int64_t dp__lagrange_bound(dp_lagrange *lg, const dp_search *s, int64_t lower, uint32_t iterations);
void dp__lagrange_free(dp_lagrange *lg);
void dp__lagrange_construct(dp_lagrange *lg, dp_search *s, const dp_id *order, uint32_t n);

/* Phases (search.c, construct.c). */
void dp__initial_timetable(dp_search *s); /* timetable.c */
void dp__construct(dp_search *s);
void dp__repair_min_size(dp_search *s);
void dp__local_search(dp_search *s);
void dp__polish(dp_search *s);

/* Tries to grant option o with the side moves it needs (dropping a grant of
 * the child, ejecting and relocating a member of a full section, dropping a
 * clashing grant). Leaves the best evaluated variant pending in the engine and
 * returns true with its value change, or false when none is feasible. */
bool dp__try_grant(dp_search *s, dp_option o, int64_t *dv, bool allow_eject);

/* Pending moves: add up to `want` children who chose the section's activity
 * (true when any could be added); revoke every member of a section. */
bool dp__build_fill(dp_search *s, dp_id sec, uint32_t want);
void dp__build_cancel(dp_search *s, dp_id sec);

/* Grants a child's options in rank order while each one raises the value. */
void dp__greedy_child(dp_search *s, dp_id c);

/* Ejection chains (chain.c): grants child c one more option in a full
 * section by shifting a path of other children along (each member on the path
 * moves to another of its options or leaves, keeping another activity).
 * Leaves the best feasible path pending and returns true with its value
 * change; false when none was found. Needs dp__chain_init. */
#define DP_CHAIN_MAX_PEND 256
bool dp__chain_grant(dp_search *s, dp_id c, int64_t *dv);
bool dp__chain_init(dp_search *s);
void dp__chain_release(dp_search *s);

/* Ruin and recreate (rr.c): takes a related part of the schedule apart and
 * rebuilds it, every commit logged since *mark. Returns true with the
 * objective change (the schedule keeps every constraint); the caller keeps it
 * (dp__engine_keep) or takes it back (dp__engine_rollback). Returns false
 * when nothing was done or it was already taken back. */
bool dp__ruin_recreate_move(dp_search *s, int64_t *dv, uint32_t *mark);
/* Whether sections a and b meet at overlapping times (current slots). */
bool dp__meet_together(const dp_search *s, dp_id a, dp_id b);
bool dp__rr_init(dp_search *s); /* false: not available (no min_size, or OOM) */
void dp__rr_release(dp_search *s);

/* Exact reassignment of a block of seats (reassign.c): takes the sections
 * meeting at the same time as a random session, or those of a random child's
 * choices, and gives their seats to the children who chose them by a min-cost
 * flow, every other grant kept. Leaves the result pending and returns true
 * with its value change; false when nothing changed or the plugins refuse it.
 */
typedef struct dp_reassign dp_reassign;
bool dp__reassign_move(dp_search *s, int64_t *dv);
bool dp__reassign_init(dp_search *s); /* false: not available (out of memory) */
void dp__reassign_release(dp_search *s);

/* Records that sol is the best of `threads` parallel searches, found by
 * search `thread`; stop, when not NULL, replaces its stop reason (another
 * search was cut short). solution.c. */
void dp__solution_set_threads(dp_solution *sol, uint32_t threads, uint32_t thread,
                              const dp_stop *stop);

/* Makes sol refer to m: a search with its own copy of the rules ran on a
 * shallow copy of m (solve.c). solution.c. */
void dp__solution_set_model(dp_solution *sol, const dp_model *m);

/* Judges a move's final variant against the caller's floor (s->floor):
 * true when it is feasible and worth at least the floor. */
static inline bool dp__judge_final(dp_search *s, int64_t *dv)
{
    return dp__mv_judge(&s->e, s->floor, false, dv) == DP_MV_OK;
}

#endif
