/* core/solve/solve.c - dp_solve: build the search, run its phases, and turn
 * the best schedule into a dp_solution with explanations.
 *
 * Options are the (choice, section) pairs a child could ever hold: the child
 * chose the activity, its group is eligible, and, for sections whose sessions
 * have fixed times, the section fits the child's week on its own. Filtering
 * them once keeps the search from proposing moves that can never work. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/rules.h"
#include "rules/rules.h"
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
    /* Without a recorded best the search never met every hard rule (rules.c:
     * a hard rule the empty schedule breaks, such as rule.at_least_one, that
     * the data or the search did not let it meet), and the empty schedule
     * breaks it more. The search's own schedule, the closest it came, stands:
     * its score counts the violations and the command line fails the solve
     * naming the rule (docs/rules.md, "Hard rules the data cannot meet"). */
    if (!dp__mv_eval(e, &dv)) {
        if (!s->found) {
            /* Only hard rules may stay broken so (the command line names
             * them); any other constraint fails here, by name. */
            for (uint32_t i = 0; i < e->n_plugins; i++)
                if (e->p_hard[i] != 0 && strcmp(e->plugins[i]->name, "rules") != 0)
                    return DP_FAIL(err, DP_EINPUT, NULL,
                                   "the search found no schedule that keeps the hard constraint "
                                   "'%s' (the closest breaks it %lld times); nothing was stored",
                                   e->plugins[i]->name, (long long) e->p_hard[i]);
            return DP_OK;
        }
        return DP_FAIL(err, DP_EINTERNAL, NULL,
                       "the best schedule no longer evaluates as feasible");
    }
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

/* A hard rule that no schedule can meet for some child fails the solve at
 * once, naming the rule, its line and the child, instead of a search that
 * cannot end well. Options are every (choice, section) a child could ever
 * hold, so this is exact for the rules one grant meets: rule.at_least_one (a
 * selected child who chose one of the rule's activities, none of which it
 * can hold: its group, its week for sections with fixed times, or another
 * hard rule) and rule.pin (the pinned section is not among the child's
 * options). With diags, every such rule and child is added there instead
 * (dp_solve_check_rules, `dagplan check`). Hard rules the data allow but the
 * search does not meet are reported by the command line after the solve
 * (core/cli/rules_report.c). */
static dp_status hard_rules_reachable(const dp_search *s, dp_diags *diags, dp_error *err)
{
    const dp_model *m = s->m;
    const dp_rules *rs = m->rules;
    dp_error found = {0}, *to = diags ? &found : err;

    for (uint32_t i = 0; rs && i < rs->n; i++) {
        const dp_rule *r = &rs->rules[i];
        if (!r->hard || (r->kind != DP_RULE_AT_LEAST_ONE && r->kind != DP_RULE_PIN))
            continue;
        for (dp_id c = 0; c < m->n_children; c++) {
            const dp_child *ch = &m->children[c];
            bool asked = false, met = false;
            dp_id wish = DP_NONE;
            if (r->kind == DP_RULE_PIN) {
                if (c != r->child)
                    continue;
                asked = true;
                for (uint32_t k = s->opt0[c]; k < s->opt0[c + 1] && !met; k++)
                    met = s->opts[k].section == r->section;
            } else {
                if (!dp__rule_selects(r, c))
                    continue;
                for (uint32_t k = ch->choice0; k < ch->choice0 + ch->n_choices && !asked; k++)
                    if (dp__rule_act(r, m->choices[k].activity)) {
                        asked = true;
                        wish = m->choices[k].activity;
                    }
                for (uint32_t k = s->opt0[c]; k < s->opt0[c + 1] && !met; k++)
                    met = dp__rule_act(r, m->choices[s->opts[k].choice].activity);
            }
            if (!asked || met)
                continue;
            dp_loc at = {"centre.lua", r->line, 0};
            if (r->kind == DP_RULE_PIN)
                DP_FAIL(to, DP_ERULE, &at,
                        "hard rule '%s' cannot hold: child '%s' can never have section '%s' "
                        "(its wishes, group, week or another hard rule)%s",
                        r->name, ch->id, m->sections[r->section].id,
                        diags ? "" : "; nothing was stored");
            else
                DP_FAIL(to, DP_ERULE, &at,
                        "hard rule '%s' cannot hold for child '%s': it can have none of the "
                        "rule's activities it chose (such as '%s': its group, its week or "
                        "another hard rule)%s",
                        r->name, ch->id, m->activities[wish].id,
                        diags ? "" : "; nothing was stored");
            if (!diags)
                return DP_ERULE;
            if (dp_diags_add_error(diags, &found) != DP_OK)
                return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
        }
    }
    return DP_OK;
}

/* The first part of search_run: the engine and the plugins on m, and every
 * child's options (what it could ever hold). */
static dp_status search_setup(dp_search *s, const dp_model *m, dp_solve_options *o, dp_error *err)
{
    dp_status rc;

    memset(s, 0, sizeof *s);
    s->m = m;
    s->o = o;
    s->protect = DP_NONE;
    s->floor = INT64_MIN;
    s->rng = o->seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
    if (!s->rng)
        s->rng = 1;
    clock_gettime(CLOCK_MONOTONIC, &s->t0);
    rc = dp__engine_init(&s->e, m, o->plugins ? o->plugins : dp_builtin_plugins, o->seed, err);
    if (rc != DP_OK)
        return rc;
    /* Plugins that may start broken (the childcare ratio) are relaxed. */
    for (uint32_t i = 0; i < s->e.n_plugins; i++)
        dp__engine_relax(&s->e, i, s->e.plugins[i]->relax);
    /* Options are judged one child at a time: a section's minimum cannot
     * hold then, so min_size is relaxed while they are built. */
    if (build_lists(s) != DP_OK)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory setting up the search");
    if (s->min_size_plugin != UINT32_MAX)
        dp__engine_relax(&s->e, s->min_size_plugin, 1);
    if (build_options(s) != DP_OK)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory setting up the search");
    return DP_OK;
}

/* Sets up search s on m and runs it to its best schedule (left in the
 * engine); s is released by the caller. o is the caller's own copy: a warm
 * start without an idle budget gets one here. Without priced, only the cheap
 * bound is computed. */
static dp_status search_run(dp_search *s, const dp_model *m, dp_solve_options *o, bool priced,
                            dp_error *err)
{
    bool warm_budget = o->warm_start && !o->idle_moves;
    dp_status rc = search_setup(s, m, o, err);

    if (rc != DP_OK)
        return rc;
    /* Only the first phase: the frozen copy's times are one timetable of
     * many, and its schedule is adopted only when better (adopt_frozen). */
    rc = priced ? hard_rules_reachable(s, NULL, err) : DP_OK;
    if (rc != DP_OK)
        return rc;
    s->bound = dp__objective_bound(m, s);
    s->lg = priced ? dp__lagrange_prepare(s) : NULL;
    if (s->min_size_plugin != UINT32_MAX)
        dp__engine_relax(&s->e, s->min_size_plugin, 0);
    dp__initial_timetable(s);
    rc = dp__warm_start(s, err); /* warm.c: pins, series, warm start (issue 7) */
    /* A warm start is already a local optimum of nearly the same centre: the
     * search only repairs around the edit, with an idle budget that grows
     * with the edit (issue 7). */
    if (rc == DP_OK && warm_budget)
        o->idle_moves = warm_idle_budget(s);
    if (rc == DP_OK)
        rc = run_phases(s, err);
    return rc;
}

/* Candidate times, second phase. The search timetables and assigns at once,
 * and while sessions may move it assigns less precisely than on a fixed
 * timetable: options are not filtered by the week (a session may still move
 * into it), and slot moves take their share (cand300-s2 of gen-instance:
 * 48,196 where a fixed-time solve of the very timetable it found reaches
 * 48,229-48,239). So the best timetable is frozen into a copy of the model (every
 * session at its chosen time) and solved again as a fixed-time centre from
 * scratch (warm-started from the first phase's schedule, it stayed in that
 * schedule's local optimum), within what is left of the time limit. The copy
 * shares every array but the sessions; slot indices stay those of m.
 * Returns DP_OK with *used false when there is nothing to do. */
static dp_status frozen_run(dp_search *s1, dp_search *s2, dp_model *frozen, dp_solve_options *o2,
                            bool *used, dp_error *err)
{
    const dp_model *m = s1->m;
    double left = s1->o->time_limit_s - dp__search_seconds(s1);

    *used = false;
    if (s1->n_cand_sessions == 0 || s1->o->time_limit_s <= 0 || left <= 0 ||
        s1->stop == DP_STOP_INTERRUPTED || s1->stop == DP_STOP_TIME || s1->stop == DP_STOP_BOUND ||
        s1->stop == DP_STOP_MOVES || (s1->o->max_moves && s1->moves >= s1->o->max_moves) ||
        s1->best == INT64_MIN || dp_interrupted(s1->o->interrupt))
        return DP_OK;
    dp_session *sessions = malloc(((size_t) m->n_sessions + 1) * sizeof *sessions);
    if (!sessions)
        return DP_OK; /* the first phase's schedule stands */
    memcpy(sessions, m->sessions, m->n_sessions * sizeof *sessions);
    for (dp_id k = 0; k < m->n_sessions; k++) {
        sessions[k].slot0 = s1->e.session_slot[k];
        sessions[k].n_slots = 1;
    }
    *frozen = *m;
    frozen->sessions = sessions;
    *o2 = *s1->o;
    o2->time_limit_s = left;
    /* o2 keeps the idle budget: automatic, the planner's, or that of a warm
     * start (a re-solve after an edit stays a local repair in both phases). */
    if (o2->max_moves) /* what the first phase left of the budget */
        o2->max_moves -= s1->moves;
    *used = true;
    return search_run(s2, frozen, o2, false, err);
}

/* Takes the second phase's schedule into the first search when it is better,
 * judged by the first search's plugins: they see the centre as it is (a rule
 * like mix weighs a section against the children who could have come at any
 * of its times, and the frozen copy knows only one). The timetable is the
 * same, so only grants change. */
static dp_status adopt_frozen(dp_search *s, const dp_search *s2, dp_error *err)
{
    dp_engine *e = &s->e;
    int64_t dv;

    s->moves += s2->moves;
    s->accepted += s2->accepted;
    if (s2->stop == DP_STOP_INTERRUPTED || s2->stop == DP_STOP_TIME)
        s->stop = s2->stop; /* Ctrl-C or the time limit speak for the whole */
    dp__mv_begin(e);
    for (dp_id ch = 0; ch < s->m->n_choices; ch++)
        if (e->choice_section[ch] != s2->best_choice[ch] &&
            dp__mv_assign(e, ch, s2->best_choice[ch]) != 0)
            return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
    if (dp__mv_eval(e, &dv) && dv > 0) {
        dp__mv_commit(e);
        dp__search_note_best(s);
    }
    return DP_OK;
}

/* One search, both phases, on the calling thread. */
static dp_status solve_one(const dp_model *m, const dp_solve_options *o, dp_solution **out,
                           dp_error *err)
{
    dp_search s, s2;
    dp_model frozen;
    dp_solve_options o1 = *o, o2;
    bool second = false;
    dp_status rc;

    memset(&s2, 0, sizeof s2);
    rc = search_run(&s, m, &o1, true, err);
    if (rc == DP_OK)
        rc = frozen_run(&s, &s2, &frozen, &o2, &second, err);
    if (rc == DP_OK && second)
        rc = adopt_frozen(&s, &s2, err);
    if (rc == DP_OK)
        rc = dp__solution_build(&s, out, err);
    search_release(&s);
    if (second) {
        search_release(&s2);
        free(frozen.sessions);
    }
    return rc;
}

/* Parallel searches. Nothing is shared but the model, the options' arrays
 * and the interrupt flag, all read-only: each search has its own engine,
 * plugin states and random numbers, so its schedule is the one a solve with
 * its seed alone would find (unless a time limit cuts it), and picking the
 * best in a fixed order keeps the result deterministic.
 *
 * Local rules are part of the model. Declarative ones are only read while
 * solving (dp__rules_solve_begin prepared them), but a custom rule runs in a
 * Lua state, which the plugin reseeds when a search starts and calls into on
 * every move: one state per thread. Search 0 uses the model's own rules;
 * every other search makes its own copy of them (dp__rules_clone: the script
 * run again in a fresh sandbox) on its thread and runs on a shallow copy of
 * the model that points to it. */
typedef struct solve_job {
    const dp_model *m; /* the caller's model */
    bool own_rules;    /* copy the rules first (custom rules, search i > 0) */
    bool in_turn;      /* no thread or no copy: runs on the caller's thread, later */
    dp_solve_options o;
    dp_solution *sol;
    dp_error err;
    dp_status rc;
    bool rule_failed;   /* a custom rule failed in this search: */
    dp_error rule_fail; /* why */
} solve_job;

static void *run_job(void *arg)
{
    solve_job *j = arg;
    const dp_rules *rs = j->m->rules;

    if (j->own_rules && !j->in_turn) {
        dp_rules *copy = NULL;
        dp_error e = {0};
        if (dp__rules_clone(j->m->rules, j->m, &copy, &e) != DP_OK) {
            j->in_turn = true; /* as without a thread: on the model's rules, later */
            return NULL;
        }
        dp_model own = *j->m;
        own.rules = copy;
        j->rc = solve_one(&own, &j->o, &j->sol, &j->err);
        if (j->sol)
            dp__solution_set_model(j->sol, j->m);
        j->rule_failed = dp__rules_failure(copy, &j->rule_fail);
        dp_rules_free(copy);
        return NULL;
    }
    j->rc = solve_one(j->m, &j->o, &j->sol, &j->err);
    j->rule_failed = rs && dp__rules_failure(rs, &j->rule_fail);
    return NULL;
}

/* Whether solution a is better than b: fewer hard violations (a thin rota
 * can leave some), then a higher total. */
static bool better(const dp_solution *a, const dp_solution *b)
{
    dp_score sa, sb;

    dp_solution_score(a, &sa);
    dp_solution_score(b, &sb);
    if (sa.hard_violations != sb.hard_violations)
        return sa.hard_violations < sb.hard_violations;
    return sa.total > sb.total;
}

/* A custom rule that failed fails the solve with its own error (centre.lua:
 * LINE, the rule's name), rather than the one its search ended with: after a
 * failure every move looks infeasible, so the search cannot even restore its
 * best schedule. dp_rules_status(m) keeps reporting it too. */
static dp_status rules_verdict(const dp_model *m, dp_status rc, dp_solution **out, dp_error *err)
{
    if (!m->rules || !dp__rules_failure(m->rules, err))
        return rc;
    if (rc == DP_OK) {
        dp_solution_free(*out);
        *out = NULL;
    }
    return DP_ERULE;
}

dp_status dp_solve_check_rules(const dp_model *m, dp_diags *diags, dp_error *err)
{
    dp_search s;
    dp_solve_options o;
    dp_status rc;

    dp_solve_options_init(&o);
    dp__rules_solve_begin(m);
    rc = search_setup(&s, m, &o, err);
    if (rc == DP_OK)
        rc = hard_rules_reachable(&s, diags, err);
    search_release(&s);
    return rc;
}

dp_status dp_solve(const dp_model *m, const dp_solve_options *o, dp_solution **out, dp_error *err)
{
    uint32_t n = o->threads > 1 ? o->threads : 1;
    bool lua = dp__rules_use_lua(m);

    dp__rules_solve_begin(m);
    if (n == 1)
        return rules_verdict(m, solve_one(m, o, out, err), out, err);
    solve_job *jobs = calloc(n, sizeof *jobs);
    pthread_t *tid = calloc(n, sizeof *tid);
    bool *started = calloc(n, sizeof *started);
    if (!jobs || !tid || !started) {
        free(jobs);
        free(tid);
        free(started);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory starting %u searches", n);
    }
    for (uint32_t i = 0; i < n; i++) {
        jobs[i].m = m;
        jobs[i].o = *o;
        jobs[i].o.threads = 1;
        jobs[i].o.seed = o->seed + i;
        if (i > 0)
            jobs[i].o.progress = NULL;
    }
    /* A thread that cannot start, or a search whose copy of the rules
     * cannot be made (out of memory), runs its search here afterwards, on the
     * model's own rules: the result stays the same, only later. Searches
     * that take turns share the time limit: each gets what the others left,
     * and one that would get nothing does not run (the solve then says it was
     * cut short). */
    struct timespec t0, t1;
    bool cut = false;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (uint32_t i = 1; i < n; i++) {
        jobs[i].own_rules = lua;
        started[i] = pthread_create(&tid[i], NULL, run_job, &jobs[i]) == 0;
        if (!started[i]) /* (a started search may set it itself, so only then) */
            jobs[i].in_turn = true;
    }
    run_job(&jobs[0]);
    for (uint32_t i = 1; i < n; i++)
        if (started[i])
            pthread_join(tid[i], NULL);
    for (uint32_t i = 1; i < n; i++) {
        if (!jobs[i].in_turn)
            continue;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double left = o->time_limit_s - (double) (t1.tv_sec - t0.tv_sec) -
                      (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (o->time_limit_s > 0 && left <= 0) {
            cut = true;
            continue;
        }
        if (o->time_limit_s > 0)
            jobs[i].o.time_limit_s = left;
        run_job(&jobs[i]);
    }
    /* A custom rule that failed in any search fails the solve (the caller
     * asks dp_rules_status): the first failure in search order. */
    for (uint32_t i = 0; i < n; i++)
        if (jobs[i].rule_failed) {
            dp__rules_set_failure(m->rules, &jobs[i].rule_fail);
            break;
        }
    dp_status rc = DP_OK;
    uint32_t best = 0;
    dp_stop stop = DP_STOP_TIME;
    for (uint32_t i = 0; i < n; i++) {
        if (jobs[i].rc != DP_OK) {
            if (rc == DP_OK) {
                rc = jobs[i].rc;
                *err = jobs[i].err;
                /* at.file points into the copied error's own file_buf, not
                 * into the job's, which is freed below. */
                if (err->at.file)
                    err->at.file = err->file_buf;
            }
            continue;
        }
        if (!jobs[i].sol)
            continue; /* not run: no time was left */
        dp_solve_stats st;
        dp_solution_stats(jobs[i].sol, &st);
        if (i > 0 && better(jobs[i].sol, jobs[best].sol))
            best = i;
        /* Ctrl-C or the time limit in any search speaks for the whole. */
        if (st.stop == DP_STOP_INTERRUPTED || st.stop == DP_STOP_TIME) {
            stop = st.stop == DP_STOP_INTERRUPTED ? st.stop : stop;
            cut = true;
        }
    }
    if (rc == DP_OK) {
        *out = jobs[best].sol;
        jobs[best].sol = NULL;
        dp__solution_set_threads(*out, n, best, cut ? &stop : NULL);
    }
    for (uint32_t i = 0; i < n; i++)
        dp_solution_free(jobs[i].sol);
    free(jobs);
    free(tid);
    free(started);
    return rules_verdict(m, rc, out, err);
}
