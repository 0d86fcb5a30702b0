/* core/solve/engine.h - the solver's schedule state and move machinery.
 *
 * The engine owns the schedule (which section each choice is granted in,
 * section sizes and members, each child's grants, each session's slot) and the
 * plugins' states. The search builds a move with mv_assign/mv_slot, asks
 * mv_eval what it would change, and commits it or drops it. Every plugin is
 * strict (a move that raises its violations is refused) unless it is given a
 * relax weight, in which case its violations cost that many points each in
 * the search's value instead (used for min_size: a new section fills up one
 * child at a time). Not installed. */
#ifndef DAGPLAN_ENGINE_H
#define DAGPLAN_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "dagplan/plugin.h"

/* One overwritten value: a choice's section or a session's slot. */
typedef struct dp_undo {
    dp_id what;    /* choice or session */
    uint32_t prev; /* its section (DP_NONE: not granted) or slot before */
    bool is_slot;
} dp_undo;

typedef struct dp_engine {
    const dp_model *m;
    dp_state_view view;            /* what plugins see; points at the arrays below */
    dp_id *choice_section;         /* [n_choices] */
    uint32_t *section_count;       /* [n_sections] */
    uint32_t *session_slot;        /* [n_sessions] */
    dp_grant *grants;              /* [n_choices]: child c's grants start at choice0 */
    const dp_grant **child_grants; /* [n_children] */
    uint8_t *child_n;              /* [n_children] */
    dp_id *members;                /* [sum of max_size]: choice ids per section */
    uint32_t *member0;             /* [n_sections] */
    uint32_t *member_pos;          /* [n_choices]: position in its section's members */

    const dp_plugin *const *plugins; /* borrowed, n_plugins of them */
    void **pstate;                   /* [n_plugins] */
    uint32_t n_plugins;
    uint32_t *live; /* plugins not idle (dagplan/plugin.h), in order: those a move asks */
    uint32_t n_live;
    /* [n_plugins]: the plugin's gain() (dagplan/plugin.h), NULL when it has
     * none or was built for ABI 3. */
    int64_t (**gain)(void *state, const dp_state_view *v, const dp_move *mv);
    uint8_t *kind;           /* [n_plugins]: dp__mv_judge's class when not relaxed */
    uint32_t *class_list[3]; /* the live plugins by dp__mv_judge's class now */
    uint32_t n_class[3];
    int64_t *relax;           /* [n_plugins]: 0 strict, else points per violation */
    int64_t *p_hard;          /* [n_plugins]: current violations */
    int64_t term[DP_N_TERMS]; /* current objective per term */

    /* The move being built. */
    dp_grant *pend; /* pending (choice, new section), each choice once */
    uint32_t n_pend, cap_pend;
    /* [n_choices]: pend_at[ch] is ch's index in pend when pend_gen[ch] ==
     * gen (the move's generation), so that assigning and digesting a move of
     * many children costs no scan of pend per child. */
    uint32_t *pend_gen, *pend_at;
    uint32_t gen;
    /* [n_children], while digest runs: the child's index in mv_children,
     * then where its next new grant goes in mv_after. */
    uint32_t *child_at;
    dp_session_change *mv_sessions;
    uint32_t n_mv_sessions, cap_mv_sessions;
    dp_child_change *mv_children;
    uint32_t n_mv_children, cap_mv_children;
    dp_grant *mv_after; /* grant buffer for children's after-lists */
    uint32_t n_mv_after, cap_mv_after;
    dp_section_change *mv_sections;
    uint32_t n_mv_sections, cap_mv_sections;
    uint32_t *child_stamp;   /* [n_children]: == stamp when listed in this move */
    uint32_t *section_stamp; /* [n_sections] */
    uint32_t *section_idx;   /* [n_sections]: index in mv_sections when stamped */
    uint32_t stamp;
    /* Commits so far, and when each child's grants (or any session's time)
     * last changed: lets a move cache what it learnt about a child. */
    uint64_t n_commits;
    uint64_t *child_changed; /* [n_children] */
    uint64_t slots_changed;
    dp_move mv;       /* the digest */
    int64_t *mv_hard; /* [n_plugins] deltas of the last evaluation */
    int64_t mv_term[DP_N_TERMS];
    bool mv_digested;
    bool mv_partial; /* judged below a floor: some plugins were not asked */

    /* Undo log: while `logging`, every commit records what it overwrote, so
     * that a compound move made of many commits can be taken back. */
    dp_undo *undo;
    uint32_t n_undo, cap_undo;
    bool logging;
    bool undo_lost; /* the log could not grow: rollback is impossible */
} dp_engine;

/* Creates the engine for m with an empty schedule (every session at its first
 * slot) and initialises the plugins (NULL-terminated list); the view carries
 * the solve's seed from the start (dagplan/plugin.h). */
dp_status dp__engine_init(dp_engine *e, const dp_model *m, const dp_plugin *const *plugins,
                          uint64_t seed, dp_error *err);
void dp__engine_release(dp_engine *e);

/* Sets plugin's relax weight (0: strict). Always through here: the engine
 * sorts its plugins by it. */
void dp__engine_relax(dp_engine *e, uint32_t plugin, int64_t weight);

/* Starts a new move. */
void dp__mv_begin(dp_engine *e);

/* Adds "grant choice in section" (DP_NONE: revoke) to the move. Returns -1
 * when the move's buffers cannot grow (OOM). */
int dp__mv_assign(dp_engine *e, dp_id choice, dp_id section);

/* Adds "session meets at slot" to the move. When members is false the
 * section's children are not listed (used to probe a slot change). */
int dp__mv_slot(dp_engine *e, dp_id session, uint32_t slot, bool members);

/* Evaluates the move. Returns false when a strict plugin's violations would
 * rise (stopping at the first such plugin); otherwise true with *value the
 * change of the search value (objective minus relaxed penalties). */
bool dp__mv_eval(dp_engine *e, int64_t *value);

/* What dp__mv_judge found. */
typedef enum dp_judgement {
    DP_MV_REFUSED, /* a strict plugin's violations would rise */
    DP_MV_BELOW,   /* the move's value change is below the floor (see below) */
    DP_MV_OK       /* every plugin asked: *value is the change, >= floor */
} dp_judgement;

/* Evaluates the move for a caller that will drop it unless its value change
 * is at least `floor` (late acceptance rejects most moves it evaluates). The
 * plugins that can raise the value are asked first; once their sum, plus the
 * gain() bounds of the plugins not yet asked, is below the floor, the rest
 * are not asked at all. With `feasibility_first` the strict constraints are
 * asked first, as dp__mv_eval does, so DP_MV_BELOW means "feasible, but below
 * the floor": for callers that try another variant when one is refused.
 * Without it, DP_MV_BELOW may also hide a refusal, and the strict constraints
 * (most of a move's cost) are skipped too. floor INT64_MIN is dp__mv_eval.
 * A move judged DP_MV_BELOW may still be committed: the commit asks the
 * plugins that were skipped first. */
dp_judgement dp__mv_judge(dp_engine *e, int64_t floor, bool feasibility_first, int64_t *value);

/* Commits the move evaluated last (every plugin's delta computed). */
void dp__mv_commit(dp_engine *e);

/* Starts logging commits and returns a mark to roll back to. */
uint32_t dp__engine_mark(dp_engine *e);

/* Takes back every commit since `mark` in one move and stops logging.
 * Returns false (and changes nothing) when the log was lost to OOM. */
bool dp__engine_rollback(dp_engine *e, uint32_t mark);

/* Stops logging, keeping the changes since the mark. */
void dp__engine_keep(dp_engine *e);

/* Search value: objective minus relaxed penalties. */
int64_t dp__engine_value(const dp_engine *e);

/* Objective (sum of terms). */
int64_t dp__engine_objective(const dp_engine *e);

/* Violations of relaxed plugins (weighted count is the penalty). */
int64_t dp__engine_relaxed(const dp_engine *e);

/* Recomputes every plugin from scratch and compares with the incremental
 * totals. Returns the name of the first plugin that disagrees, or NULL. */
const char *dp__engine_verify(dp_engine *e);

#endif
