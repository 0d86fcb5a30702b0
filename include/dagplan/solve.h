/* dagplan/solve.h - solving a centre's week: assign children to sections and
 * sessions to times so that every hard constraint holds and the objective
 * (FORMAT.md section 2) is as high as possible.
 *
 * The solver constructs a schedule greedily (children with higher priority and
 * fewer options first) and improves it by late-acceptance local search over
 * grant, move, swap, eject, revoke, fill/cancel-section and session-time
 * moves. It stops on criteria measured in work (moves without improvement, a
 * move budget, or the objective reaching its upper bound), so the same seed
 * gives the same schedule; the time limit is only a safety cap, and when it
 * cuts the search short the solution says so. */
#ifndef DAGPLAN_SOLVE_H
#define DAGPLAN_SOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "dagplan/error.h"
#include "dagplan/model.h"
#include "dagplan/plugin.h"

/* Why the search stopped. */
typedef enum dp_stop {
    DP_STOP_CONVERGED = 0, /* no improvement within the idle budget */
    DP_STOP_BOUND,         /* the objective reached its upper bound: optimal */
    DP_STOP_MOVES,         /* the move budget was spent */
    DP_STOP_TIME,          /* the time limit cut the search short */
    DP_STOP_INTERRUPTED,   /* *interrupt was set (Ctrl-C) */
    DP_STOP_CONSTRUCTION   /* time limit 0: construction only */
} dp_stop;

/* Progress, reported about ten times a second of work. */
typedef struct dp_progress {
    uint64_t moves; /* moves evaluated so far */
    int64_t best;   /* best objective found */
    int64_t bound;  /* upper bound of the objective */
    double seconds; /* wall time so far */
} dp_progress;

typedef void (*dp_progress_fn)(void *ud, const dp_progress *p);

/* Idle budget of a warm-started search (issue 7): this many moves plus
 * DP_WARM_IDLE_PER_CHANGE per change the edit made (a baseline grant that is
 * gone or no longer fits, a choice the baseline did not know), at most the
 * cold budget. */
#define DP_WARM_IDLE_MOVES      20000
#define DP_WARM_IDLE_PER_CHANGE 1000

typedef struct dp_solve_options {
    uint64_t seed;         /* random seed (same seed, same schedule) */
    double time_limit_s;   /* safety cap in seconds; 0: construction only */
    uint64_t max_moves;    /* move budget, 0: automatic (size-dependent) */
    uint64_t idle_moves;   /* stop after this many moves without improvement, 0: automatic */
    uint32_t verify_every; /* check incremental == full every N moves, 0: never */
    const dp_plugin *const *plugins; /* NULL-terminated; NULL: dp_builtin_plugins */
    dp_progress_fn progress;         /* may be NULL */
    void *progress_ud;               /* passed to progress */
    const volatile int *interrupt;   /* may be NULL; nonzero stops the search (set it
                                      * with dp_interrupt_set) */
    /* Warm start (issue 7): [n_choices], the section each choice starts in
     * (DP_NONE: none), usually m->baseline.section; NULL: start empty. Before
     * construction the solve places the model's pins and the fixed
     * participants of series under way (failing with DP_EINPUT naming the
     * pins.csv or choices.csv line when one breaks another hard rule), then
     * every warm-start grant that still fits; construction and the search go
     * on from there, so a small edit is repaired locally. With idle_moves 0
     * the idle budget then follows the size of the edit (DP_WARM_IDLE_MOVES). */
    const dp_id *warm_start;
    /* Searches run at once, each on its own thread with its own engine and
     * plugin states: search i uses seed + i, and the best schedule wins
     * (fewest hard violations, then the highest total, then the lowest i).
     * 0 or 1: one search on the calling thread. Unless the time limit cuts a
     * search, the result is the same for the same seed and thread count, and
     * never worse than with fewer threads. Only search 0 reports progress.
     * With custom Lua rules every search but the first runs on its own copy
     * of the model's rules (centre.lua run again in a fresh Lua state); a
     * custom rule failing in any search fails the solve (dp_rules_status). */
    uint32_t threads;
} dp_solve_options;

/* Fills o with the defaults: seed 1, time limit 10 s, automatic budgets. */
void dp_solve_options_init(dp_solve_options *o);

/* The hard rules of centre.lua that no schedule can meet, found before any
 * search (what `dagplan check` reports, docs/rules.md "Hard rules the data
 * cannot meet"): for every hard rule.at_least_one a selected child cannot
 * meet with any activity of the rule it chose, and every hard rule.pin whose
 * section the child can never have, an error at centre.lua:LINE naming the
 * rule and the child is added to diags. dp_solve fails on the first of them
 * (DP_ERULE). Returns DP_OK whether or not errors were added; DP_ENOMEM or a
 * plugin's failure to start in err. */
dp_status dp_solve_check_rules(const dp_model *m, dp_diags *diags, dp_error *err);

typedef struct dp_score {
    int64_t total;    /* coverage + breadth + rank + rules + stability */
    int64_t coverage; /* FORMAT.md section 2 */
    int64_t breadth;
    int64_t rank;
    int64_t rules;
    int64_t stability;
    int64_t hard_violations; /* always 0 in a returned solution */
} dp_score;

typedef struct dp_solution dp_solution;

/* Solves m. On success *out is a new solution (free with dp_solution_free);
 * an interrupted solve still returns the best schedule found, with stop
 * DP_STOP_INTERRUPTED, and the caller decides whether to keep it. Errors:
 * DP_ENOMEM, DP_EINTERNAL (a plugin's bookkeeping disagreed with a full
 * evaluation under verify_every), DP_ERULE (a custom rule of centre.lua failed
 * in a search: err names it and its line; dp_rules_status reports it too). */
dp_status dp_solve(const dp_model *m, const dp_solve_options *o, dp_solution **out, dp_error *err);

void dp_solution_free(dp_solution *sol); /* NULL: no-op */

/* The model solved. Borrowed: valid while the model lives. */
const dp_model *dp_solution_model(const dp_solution *sol);

/* [n_choices]: the section each choice is granted in, or DP_NONE. Borrowed. */
const dp_id *dp_solution_choice_sections(const dp_solution *sol);

/* [n_sessions]: the chosen slot (index in m->slots) of each session. Borrowed. */
const uint32_t *dp_solution_session_slots(const dp_solution *sol);

/* [n_sections]: children in each section (0: cancelled). Borrowed. */
const uint32_t *dp_solution_section_counts(const dp_solution *sol);

void dp_solution_score(const dp_solution *sol, dp_score *out);

/* Why choice (an index in m->choices) was not granted: n_out reasons, each a
 * sentence; borrowed until dp_solution_free. NULL with *n_out = 0 when the
 * choice was granted. */
const char *const *dp_solution_reasons(const dp_solution *sol, dp_id choice, uint32_t *n_out);

/* How the search ran. */
typedef struct dp_solve_stats {
    dp_stop stop;         /* why it stopped */
    uint64_t moves;       /* moves evaluated */
    uint64_t accepted;    /* moves committed */
    int64_t construction; /* objective after construction */
    int64_t bound;        /* upper bound of the objective (each child's best) */
    double seconds;       /* wall time */
    uint32_t threads;     /* searches run (dp_solve_options.threads, at least 1) */
    uint32_t thread;      /* the search whose schedule this is (its seed: seed + thread) */
} dp_solve_stats;

void dp_solution_stats(const dp_solution *sol, dp_solve_stats *out);

/* The interrupt flag of dp_solve_options: a signal handler or another thread
 * sets it while searches on other threads read it, so both sides go through
 * these (relaxed atomic accesses; a plain int and volatile alone make that a
 * data race, which ThreadSanitizer reports). */
static inline void dp_interrupt_set(volatile int *flag)
{
    __atomic_store_n(flag, 1, __ATOMIC_RELAXED);
}

static inline bool dp_interrupted(const volatile int *flag)
{
    return flag && __atomic_load_n(flag, __ATOMIC_RELAXED) != 0;
}

/* A short English description of a stop reason. */
const char *dp_stop_describe(dp_stop stop);

#endif
