/* core/solve/solve.c - dp_solve: build the search, run its phases, and turn
 * the best schedule into a dp_solution with explanations.
 *
 * Options are the (choice, section) pairs a child could ever hold: the child
 * chose the activity, its group is eligible, and, for sections whose sessions
 * have fixed times, the section fits the child's week on its own. Filtering
 * them once keeps the search from proposing moves that can never work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

#define LAGRANGE_STEPS 300 /* subgradient steps of the Lagrangian bound */

void dp_solve_options_init(dp_solve_options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->time_limit_s = 10.0;
}

static bool has_fixed_times(const dp_model *m, dp_id sec)
{
    const dp_section *s = &m->sections[sec];

    for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++)
        if (m->sessions[k].n_slots > 1)
            return false;
    return true;
}

/* Can child take (choice, section) on its own in an empty schedule? */
static bool option_alone_ok(dp_search *s, dp_id choice, dp_id sec)
{
    int64_t dv;

    dp__mv_begin(&s->e);
    dp__mv_assign(&s->e, choice, sec);
    return dp__mv_eval(&s->e, &dv);
}

static dp_status index_options_by_section(dp_search *s)
{
    const dp_model *m = s->m;
    uint32_t n = s->opt0[m->n_children];

    s->sec_opt = malloc(((size_t) n + 1) * sizeof *s->sec_opt);
    s->sec_opt0 = calloc((size_t) m->n_sections + 2, sizeof *s->sec_opt0);
    if (!s->sec_opt || !s->sec_opt0)
        return DP_ENOMEM;
    for (uint32_t i = 0; i < n; i++)
        s->sec_opt0[s->opts[i].section + 1]++;
    for (dp_id sec = 0; sec < m->n_sections; sec++)
        s->sec_opt0[sec + 1] += s->sec_opt0[sec];
    uint32_t *fill = calloc((size_t) m->n_sections + 1, sizeof *fill);
    if (!fill)
        return DP_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        dp_id sec = s->opts[i].section;
        s->sec_opt[s->sec_opt0[sec] + fill[sec]++] = i;
    }
    free(fill);
    return DP_OK;
}

static dp_status build_options(dp_search *s)
{
    const dp_model *m = s->m;
    size_t cap = 0;

    for (dp_id ch = 0; ch < m->n_choices; ch++)
        cap += m->activities[m->choices[ch].activity].n_sections;
    s->opts = malloc((cap + 1) * sizeof *s->opts);
    s->opt0 = calloc((size_t) m->n_children + 2, sizeof *s->opt0);
    s->active = malloc(((size_t) m->n_children + 1) * sizeof *s->active);
    if (!s->opts || !s->opt0 || !s->active)
        return DP_ENOMEM;
    uint32_t n = 0;
    for (dp_id c = 0; c < m->n_children; c++) {
        const dp_child *child = &m->children[c];
        s->opt0[c] = n;
        for (uint32_t ch = child->choice0; ch < child->choice0 + child->n_choices; ch++) {
            const dp_activity *a = &m->activities[m->choices[ch].activity];
            for (uint32_t sec = a->section0; sec < a->section0 + a->n_sections; sec++)
                if (m->sections[sec].n_sessions > 0 && /* else it does not meet */
                    (!has_fixed_times(m, sec) || option_alone_ok(s, ch, sec)))
                    s->opts[n++] = (dp_option){ch, sec};
        }
        if (n > s->opt0[c])
            s->active[s->n_active++] = c;
    }
    s->opt0[m->n_children] = n;
    return index_options_by_section(s);
}

static dp_status build_lists(dp_search *s)
{
    const dp_model *m = s->m;

    s->cand_sessions = malloc(((size_t) m->n_sessions + 1) * sizeof *s->cand_sessions);
    s->fill_sections = malloc(((size_t) m->n_sections + 1) * sizeof *s->fill_sections);
    s->best_choice = malloc(((size_t) m->n_choices + 1) * sizeof *s->best_choice);
    s->best_slot = malloc(((size_t) m->n_sessions + 1) * sizeof *s->best_slot);
    if (!s->cand_sessions || !s->fill_sections || !s->best_choice || !s->best_slot)
        return DP_ENOMEM;
    for (dp_id k = 0; k < m->n_sessions; k++)
        if (m->sessions[k].n_slots > 1)
            s->cand_sessions[s->n_cand_sessions++] = k;
    for (dp_id sec = 0; sec < m->n_sections; sec++)
        if (m->sections[sec].min_size > 1)
            s->fill_sections[s->n_fill_sections++] = sec;
    s->min_size_plugin = UINT32_MAX;
    for (uint32_t i = 0; i < s->e.n_plugins; i++)
        if (s->e.plugins[i] == &dp_plugin_min_size)
            s->min_size_plugin = i;
    for (dp_id ch = 0; ch < m->n_choices; ch++)
        s->best_choice[ch] = DP_NONE;
    for (dp_id k = 0; k < m->n_sessions; k++)
        s->best_slot[k] = m->sessions[k].slot0;
    s->best = 0;
    return DP_OK;
}

dp_status dp__search_restore_best(dp_search *s, dp_error *err)
{
    dp_engine *e = &s->e;
    const dp_model *m = s->m;
    int64_t dv;

    /* One move from the current schedule to the best: slots first (without
     * listing members), then every choice whose section differs. */
    dp__mv_begin(e);
    for (dp_id k = 0; k < m->n_sessions; k++)
        if (e->session_slot[k] != s->best_slot[k] && dp__mv_slot(e, k, s->best_slot[k], false))
            return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
    for (dp_id ch = 0; ch < m->n_choices; ch++)
        if (e->choice_section[ch] != s->best_choice[ch] && dp__mv_assign(e, ch, s->best_choice[ch]))
            return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
    /* Children of sections whose times move must be re-checked too. */
    for (dp_id k = 0; k < m->n_sessions; k++)
        if (e->session_slot[k] != s->best_slot[k]) {
            dp_id sec = m->sessions[k].section;
            for (uint32_t i = 0; i < e->section_count[sec]; i++) {
                dp_id ch = e->members[e->member0[sec] + i];
                if (s->best_choice[ch] == e->choice_section[ch] && dp__mv_assign(e, ch, sec))
                    return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
            }
        }
    if (!dp__mv_eval(e, &dv))
        return DP_FAIL(err, DP_EINTERNAL, NULL,
                       "the best schedule no longer evaluates as feasible");
    dp__mv_commit(e);
    return DP_OK;
}

static void search_release(dp_search *s)
{
    dp__engine_release(&s->e);
    dp__lagrange_free(s->lg);
    free(s->opts);
    free(s->opt0);
    free(s->sec_opt);
    free(s->sec_opt0);
    free(s->active);
    free(s->cand_sessions);
    free(s->fill_sections);
    free(s->best_choice);
    free(s->best_slot);
    dp__rr_release(s);
    dp__reassign_release(s);
    dp__chain_release(s);
    free(s->uncovered);
    free(s->hungry);
}

static dp_status run_phases(dp_search *s, dp_error *err)
{
    dp__construct(s);
    dp__repair_min_size(s);
    dp__search_note_best(s);
    s->construction = s->best;
    if (s->lg) {
        /* Priced against the construction's schedule (lagrange.c); a few
         * hundred steps come within a few points of where more would. */
        int64_t lb = dp__lagrange_bound(s->lg, s, s->best > 0 ? s->best : 0, LAGRANGE_STEPS);
        if (lb < s->bound)
            s->bound = lb;
    }
    if (s->o->time_limit_s > 0) {
        dp__local_search(s);
        if (s->verify_failed)
            return DP_FAIL(err, DP_EINTERNAL, NULL,
                           "plugin %s: incremental evaluation differs from a full one after %llu "
                           "moves (a bug: please report it with the centre directory and seed)",
                           s->verify_failed, (unsigned long long) s->moves);
        dp_status rc = dp__search_restore_best(s, err);
        if (rc != DP_OK)
            return rc;
        dp__polish(s);
    } else {
        s->stop = DP_STOP_CONSTRUCTION;
    }
    if (s->best >= s->bound && s->stop != DP_STOP_INTERRUPTED && s->stop != DP_STOP_TIME)
        s->stop = DP_STOP_BOUND;
    return dp__search_restore_best(s, err);
}

dp_status dp__solution_build(dp_search *s, dp_solution **out, dp_error *err);
dp_status dp__warm_start(dp_search *s, dp_error *err);

/* The idle budget of a warm-started search: DP_WARM_IDLE_MOVES plus
 * DP_WARM_IDLE_PER_CHANGE for every change the edit made (baseline grants
 * whose child, choice or section is gone or that no longer fit, and choices
 * the baseline did not know), at most the cold budget. */
static uint64_t warm_idle_budget(const dp_search *s)
{
    const dp_model *m = s->m;
    uint64_t changes = (uint64_t) m->baseline.n_dropped + m->baseline.n_new;
    uint64_t cold = 40 * (uint64_t) s->opt0[m->n_children] + 50000;

    for (dp_id ch = 0; ch < m->n_choices; ch++)
        changes +=
            s->o->warm_start[ch] != DP_NONE && s->e.choice_section[ch] != s->o->warm_start[ch];
    uint64_t budget = DP_WARM_IDLE_MOVES + DP_WARM_IDLE_PER_CHANGE * changes;
    return budget < cold ? budget : cold;
}

dp_status dp_solve(const dp_model *m, const dp_solve_options *o, dp_solution **out, dp_error *err)
{
    dp_search s;
    dp_status rc;

    memset(&s, 0, sizeof s);
    s.m = m;
    /* A warm start is already a local optimum of nearly the same centre: the
     * search only repairs around the edit, with an idle budget that grows
     * with the edit (set after the warm start below; issue 7). */
    dp_solve_options warm_o;
    if (o->warm_start && !o->idle_moves) {
        warm_o = *o;
        o = &warm_o;
    }
    s.o = o;
    s.protect = DP_NONE;
    s.rng = o->seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
    if (!s.rng)
        s.rng = 1;
    clock_gettime(CLOCK_MONOTONIC, &s.t0);
    rc = dp__engine_init(&s.e, m, o->plugins ? o->plugins : dp_builtin_plugins, err);
    if (rc != DP_OK)
        goto done;
    s.e.view.seed = o->seed; /* plugins that draw random numbers (dagplan/plugin.h) */
    /* Plugins that may start broken (the childcare ratio) are relaxed. */
    for (uint32_t i = 0; i < s.e.n_plugins; i++)
        s.e.relax[i] = s.e.plugins[i]->relax;
    /* Options are judged one child at a time: a section's minimum cannot
     * hold then, so min_size is relaxed while they are built. */
    if (build_lists(&s) != DP_OK) {
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory setting up the search");
        goto done;
    }
    if (s.min_size_plugin != UINT32_MAX)
        s.e.relax[s.min_size_plugin] = 1;
    if (build_options(&s) != DP_OK) {
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory setting up the search");
        goto done;
    }
    s.bound = dp__objective_bound(m, &s);
    s.lg = dp__lagrange_prepare(&s);
    if (s.min_size_plugin != UINT32_MAX)
        s.e.relax[s.min_size_plugin] = 0;
    dp__initial_timetable(&s);
    rc = dp__warm_start(&s, err); /* warm.c: pins, series, warm start (issue 7) */
    if (rc == DP_OK && o == &warm_o)
        warm_o.idle_moves = warm_idle_budget(&s);
    if (rc == DP_OK)
        rc = run_phases(&s, err);
    if (rc == DP_OK)
        rc = dp__solution_build(&s, out, err);
done:
    search_release(&s);
    return rc;
}
