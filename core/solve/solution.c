/* core/solve/solution.c - the result of a solve: the schedule, its score, how
 * the search ran, and for every choice not granted the reasons a planner can
 * act on, asked from the plugins against the final schedule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arena.h"
#include "search.h"

struct dp_solution {
    const dp_model *m;
    dp_arena *arena;         /* owns everything below */
    dp_id *choice_section;   /* [n_choices] */
    uint32_t *session_slot;  /* [n_sessions] */
    uint32_t *section_count; /* [n_sections] */
    const char **reasons;    /* all reasons, grouped by choice */
    uint32_t *reason0;       /* [n_choices + 1] */
    dp_score score;
    dp_solve_stats stats;
};

dp_status dp__solution_build(dp_search *s, dp_solution **out, dp_error *err);

/* Reasons for one unassigned choice: each plugin's objection to each section,
 * without repeats. Returns how many were added to list (at most max). */
static uint32_t explain_choice(dp_search *s, dp_arena *a, dp_id ch, const char **list, uint32_t max)
{
    const dp_model *m = s->m;
    const dp_activity *act = &m->activities[m->choices[ch].activity];
    dp_engine *e = &s->e;
    uint32_t n = 0;
    char buf[320];

    for (uint32_t sec = act->section0; sec < act->section0 + act->n_sections; sec++) {
        if (m->sections[sec].n_sessions == 0 && n < max) {
            /* No session at all (none given, or all on closure days). */
            snprintf(buf, sizeof buf, "%s does not meet this week", m->sections[sec].id);
            list[n] = dp__arena_strndup(a, buf, strlen(buf));
            if (list[n])
                n++;
            continue;
        }
        for (uint32_t p = 0; p < e->n_plugins && n < max; p++) {
            const dp_plugin *pl = e->plugins[p];
            if (!pl->explain || !pl->explain(e->pstate[p], &e->view, ch, sec, buf, sizeof buf))
                continue;
            bool seen = false;
            for (uint32_t i = 0; i < n && !seen; i++)
                seen = strcmp(list[i], buf) == 0;
            if (!seen) {
                list[n] = dp__arena_strndup(a, buf, strlen(buf));
                if (list[n])
                    n++;
            }
            if (pl == &dp_plugin_eligibility)
                return n; /* nothing else matters for an ineligible child */
        }
    }
    if (n == 0 && n < max) {
        snprintf(buf, sizeof buf,
                 "%s could only be granted at a higher cost to other wishes (this is wish %d)",
                 act->id, m->choices[ch].rank);
        if (act->n_sections == 0)
            snprintf(buf, sizeof buf, "%s has no sections", act->id);
        list[n] = dp__arena_strndup(a, buf, strlen(buf));
        if (list[n])
            n++;
    }
    return n;
}

static dp_status build_reasons(dp_search *s, dp_solution *sol)
{
    const dp_model *m = s->m;
    uint32_t cap = 1024, n = 0;
    const char *tmp[32];

    sol->reason0 = dp__arena_array(sol->arena, (size_t) m->n_choices + 1, sizeof *sol->reason0);
    sol->reasons = malloc(cap * sizeof *sol->reasons);
    if (!sol->reason0 || !sol->reasons)
        return DP_ENOMEM;
    for (dp_id ch = 0; ch < m->n_choices; ch++) {
        sol->reason0[ch] = n;
        if (sol->choice_section[ch] != DP_NONE)
            continue;
        uint32_t k = explain_choice(s, sol->arena, ch, tmp, 32);
        if (n + k > cap) {
            cap = 2 * (n + k);
            const char **r = realloc(sol->reasons, cap * sizeof *r);
            if (!r)
                return DP_ENOMEM;
            sol->reasons = r;
        }
        memcpy(&sol->reasons[n], tmp, k * sizeof *tmp);
        n += k;
    }
    sol->reason0[m->n_choices] = n;
    return DP_OK;
}

dp_status dp__solution_build(dp_search *s, dp_solution **out, dp_error *err)
{
    const dp_model *m = s->m;
    dp_solution *sol = calloc(1, sizeof *sol);

    if (!sol || !(sol->arena = dp__arena_new()))
        goto oom;
    sol->m = m;
    sol->choice_section = dp__arena_array(sol->arena, m->n_choices + 1, sizeof(dp_id));
    sol->session_slot = dp__arena_array(sol->arena, m->n_sessions + 1, sizeof(uint32_t));
    sol->section_count = dp__arena_array(sol->arena, m->n_sections + 1, sizeof(uint32_t));
    if (!sol->choice_section || !sol->session_slot || !sol->section_count)
        goto oom;
    memcpy(sol->choice_section, s->e.choice_section, m->n_choices * sizeof(dp_id));
    memcpy(sol->session_slot, s->e.session_slot, m->n_sessions * sizeof(uint32_t));
    memcpy(sol->section_count, s->e.section_count, m->n_sections * sizeof(uint32_t));
    sol->score.coverage = s->e.term[DP_TERM_COVERAGE];
    sol->score.breadth = s->e.term[DP_TERM_BREADTH];
    sol->score.rank = s->e.term[DP_TERM_RANK];
    sol->score.rules = s->e.term[DP_TERM_RULES];
    sol->score.stability = s->e.term[DP_TERM_STABILITY];
    sol->score.total = dp__engine_objective(&s->e);
    for (uint32_t i = 0; i < s->e.n_plugins; i++)
        sol->score.hard_violations += s->e.p_hard[i];
    sol->stats = (dp_solve_stats){.stop = s->stop,
                                  .moves = s->moves,
                                  .accepted = s->accepted,
                                  .construction = s->construction,
                                  .bound = s->bound,
                                  .seconds = dp__search_seconds(s),
                                  .threads = 1};
    if (build_reasons(s, sol) != DP_OK)
        goto oom;
    *out = sol;
    return DP_OK;
oom:
    dp_solution_free(sol);
    return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory building the solution");
}

void dp_solution_free(dp_solution *sol)
{
    if (!sol)
        return;
    free(sol->reasons);
    dp__arena_free(sol->arena);
    free(sol);
}

const dp_model *dp_solution_model(const dp_solution *sol)
{
    return sol->m;
}

const dp_id *dp_solution_choice_sections(const dp_solution *sol)
{
    return sol->choice_section;
}

const uint32_t *dp_solution_session_slots(const dp_solution *sol)
{
    return sol->session_slot;
}

const uint32_t *dp_solution_section_counts(const dp_solution *sol)
{
    return sol->section_count;
}

void dp_solution_score(const dp_solution *sol, dp_score *out)
{
    *out = sol->score;
}

const char *const *dp_solution_reasons(const dp_solution *sol, dp_id choice, uint32_t *n_out)
{
    *n_out = sol->reason0[choice + 1] - sol->reason0[choice];
    return *n_out ? &sol->reasons[sol->reason0[choice]] : NULL;
}

void dp__solution_set_threads(dp_solution *sol, uint32_t threads, uint32_t thread,
                              const dp_stop *stop)
{
    sol->stats.threads = threads;
    sol->stats.thread = thread;
    if (stop)
        sol->stats.stop = *stop;
}

void dp__solution_set_model(dp_solution *sol, const dp_model *m)
{
    sol->m = m;
}

void dp_solution_stats(const dp_solution *sol, dp_solve_stats *out)
{
    *out = sol->stats;
}

const char *dp_stop_describe(dp_stop stop)
{
    switch (stop) {
    case DP_STOP_CONVERGED:
        return "converged (no improvement within the idle budget)";
    case DP_STOP_BOUND:
        return "optimal (reached the upper bound)";
    case DP_STOP_MOVES:
        return "move budget spent";
    case DP_STOP_TIME:
        return "cut short by the time limit";
    case DP_STOP_INTERRUPTED:
        return "interrupted";
    case DP_STOP_CONSTRUCTION:
        return "construction only (time limit 0)";
    }
    return "?";
}
