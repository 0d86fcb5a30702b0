/* dagplan/usage.h - counting how sections use a timeline's intervals.
 *
 * Shared by the plugins whose constraints count usage over time (locations:
 * rooms and children at once; staff: one session at a time; later the
 * childcare ratio). A dp_usage keeps, per elementary interval, how many
 * running (non-cancelled) sessions and how many children use it, and
 * accumulates a move's changes in a scratch list so that a plugin can compare
 * before and after on just the intervals the move touches. */
#ifndef DAGPLAN_USAGE_H
#define DAGPLAN_USAGE_H

#include <stdint.h>

#include "dagplan/plugin.h"
#include "dagplan/timeline.h"

typedef struct dp_usage {
    const dp_timeline *tl; /* borrowed */
    int32_t *run;          /* [n_iv] running sessions */
    int32_t *kids;         /* [n_iv] children at those sessions */
    int32_t *d_run;        /* [n_iv] scratch: change under the move */
    int32_t *d_kids;       /* [n_iv] scratch */
    uint32_t *touched;     /* scratch: intervals with a change */
    uint8_t *listed;       /* [n_iv] scratch: already in touched */
    uint32_t n_touched;
    uint32_t cap_touched;
    /* [n_sections], owned, or NULL: 1 where only running or not counts for
     * the section (its children cannot break a limit), so that a move which
     * only changes its size is skipped. */
    uint8_t *size_blind;
} dp_usage;

/* Allocates the counters (all zero) for tl. */
dp_status dp_usage_init(dp_usage *u, const dp_timeline *tl, dp_error *err);
void dp_usage_release(dp_usage *u);

/* Fills the scratch with the move's changes to every section in mv->sections
 * (sessions at their slots before and after; a section runs when it has
 * children). Returns the number of touched intervals, which stay listed in
 * u->touched until dp_usage_clear. */
uint32_t dp_usage_collect(dp_usage *u, const dp_state_view *v, const dp_move *mv);

/* Adds the scratch into the counters (the move was accepted) and clears it. */
void dp_usage_commit(dp_usage *u);

/* Clears the scratch without committing. */
void dp_usage_clear(dp_usage *u);

/* Recomputes the counters from scratch for the current schedule, into the
 * given arrays (n_iv each, zeroed by the caller). */
void dp_usage_recount(const dp_usage *u, const dp_state_view *v, int32_t *run, int32_t *kids);

/* Violations in interval iv with `run` running sessions and `kids` children. */
typedef int64_t (*dp_excess_fn)(const dp_model *m, const dp_timeline *tl, uint32_t iv, int32_t run,
                                int32_t kids);

/* The whole state of a plugin that counts usage of one kind of resource over
 * time (locations, staff): its timeline, counters and violation function. The
 * dp_usage_plugin_* functions have the shapes of dp_plugin's free, delta,
 * apply and full, so such a plugin only says what a session uses, what a
 * violation is, and how to explain one. */
typedef struct dp_usage_plugin {
    dp_timeline *tl;     /* owned */
    dp_usage u;          /* counters for tl */
    dp_excess_fn excess; /* violations of one interval */
} dp_usage_plugin;

/* Builds the state for v's (empty or not) schedule; session_resource[k] is the
 * resource session k uses (DP_NONE: none) and is borrowed for this call only.
 * On success *state is a dp_usage_plugin. */
dp_status dp_usage_plugin_new(const dp_state_view *v, uint32_t n_resources,
                              const dp_id *session_resource, dp_excess_fn excess, void **state,
                              dp_error *err);
void dp_usage_plugin_free(void *state); /* NULL: no-op */
void dp_usage_plugin_delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out);
void dp_usage_plugin_apply(void *state, const dp_state_view *v, const dp_move *mv);
void dp_usage_plugin_full(void *state, const dp_state_view *v, dp_delta *out);

#endif
