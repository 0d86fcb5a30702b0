/* plugins/json/json.c - the schedule JSON of FORMAT.md section 5.
 *
 * Order is fixed so that the same solution gives byte-identical output:
 * sessions by section and session, assignments and unassigned choices by child
 * and rank. No wall-clock value is written. */
#include <stdio.h>
#include <stdlib.h>

#include "dagplan/escorts.h"
#include "dagplan/export.h"
#include "dagplan/rules.h"
#include "dagplan/staffing.h"
#include "dagplan/time.h"

/* "escorts" of an escorted session meeting away (docs/ratio.md): the away
 * span and who walks with the children; an added key. */
static void write_escorts(dp_buf *b, const dp_model *m, const dp_escorts *e, dp_id k)
{
    int from, to;
    const dp_id *staff;
    unsigned n = dp_escorts_of_session(e, k, &from, &to, &staff);
    char a[8], z[8];

    if (!n)
        return;
    dp_time_format(from, a);
    dp_time_format(to, z);
    dp_buf_printf(b,
                  ", \"escorts\": {\"from\": \"%s\", \"to\": \"%s\", \"needed\": %u, \"staff\": [",
                  a, z, n);
    for (unsigned i = 0, first = 1; i < n; i++) {
        if (staff[i] == DP_NONE)
            continue;
        dp_buf_puts(b, first ? "" : ", ");
        first = 0;
        dp_buf_json_string(b, m->staff[staff[i]].id);
    }
    dp_buf_puts(b, "]}");
}

static void write_session(dp_buf *b, const dp_model *m, const dp_solution *sol, const dp_week *wk,
                          const dp_escorts *e, dp_id k, bool first)
{
    const dp_session *ks = &m->sessions[k];
    const dp_section *s = &m->sections[ks->section];
    const dp_slot *sl = &m->slots[dp_solution_session_slots(sol)[k]];
    char start[8], end[8], date[16];

    dp_time_format(sl->start_min, start);
    dp_time_format(sl->start_min + ks->minutes, end);
    dp_buf_puts(b, first ? "\n    {" : ",\n    {");
    dp_buf_puts(b, "\"section\": ");
    dp_buf_json_string(b, s->id);
    dp_buf_puts(b, ", \"activity\": ");
    dp_buf_json_string(b, m->activities[s->activity].id);
    dp_buf_printf(b, ", \"day\": \"%s\", \"date\": ", dp_day_name(sl->day));
    if (wk && wk->is_set) {
        dp_date_format(dp_isoweek_monday(wk->year, wk->week) + sl->day, date);
        dp_buf_json_string(b, date);
    } else {
        dp_buf_puts(b, "null");
    }
    dp_buf_printf(b, ", \"start\": \"%s\", \"end\": \"%s\", \"location\": ", start, end);
    dp_buf_json_string(b, m->locations[s->location].id);
    dp_buf_puts(b, ", \"staff\": ");
    dp_buf_json_string(b, s->staff == DP_NONE ? NULL : m->staff[s->staff].id);
    if (m->activities[s->activity].overnight) /* issue 8: only then, so other output is unchanged */
        dp_buf_puts(b, ", \"overnight\": true");
    dp_buf_printf(b, ", \"cancelled\": %s, \"children\": %u",
                  dp_solution_section_counts(sol)[ks->section] ? "false" : "true",
                  dp_solution_section_counts(sol)[ks->section]);
    write_escorts(b, m, e, k);
    dp_buf_puts(b, "}");
}

static void write_choices(dp_buf *b, const dp_model *m, const dp_solution *sol, bool granted)
{
    const dp_id *cs = dp_solution_choice_sections(sol);
    bool first = true;

    for (dp_id ch = 0; ch < m->n_choices; ch++) {
        const dp_choice *c = &m->choices[ch];
        if ((cs[ch] != DP_NONE) != granted)
            continue;
        dp_buf_puts(b, first ? "\n    {\"child\": " : ",\n    {\"child\": ");
        first = false;
        dp_buf_json_string(b, m->children[c->child].id);
        dp_buf_puts(b, ", \"activity\": ");
        dp_buf_json_string(b, m->activities[c->activity].id);
        if (granted) {
            dp_buf_puts(b, ", \"section\": ");
            dp_buf_json_string(b, m->sections[cs[ch]].id);
            dp_buf_printf(b, ", \"rank\": %d}", c->rank);
            continue;
        }
        uint32_t n;
        const char *const *r = dp_solution_reasons(sol, ch, &n);
        dp_buf_printf(b, ", \"rank\": %d, \"reasons\": [", c->rank);
        for (uint32_t i = 0; i < n; i++) {
            if (i)
                dp_buf_puts(b, ", ");
            dp_buf_json_string(b, r[i]);
        }
        dp_buf_puts(b, "]}");
    }
    dp_buf_puts(b, first ? "]" : "\n  ]");
}

/* "rule_results": each rule of centre.lua with its violations and penalty
 * (only when the centre has rules). */
static void write_rules(dp_buf *b, const dp_solution *sol)
{
    const dp_model *m = dp_solution_model(sol);
    uint32_t n = dp_rules_count(m);
    int64_t *units = n ? calloc(n, sizeof *units) : NULL;
    dp_error err = {0};

    if (!units || dp_rules_evaluate(sol, units, &err) != DP_OK) {
        free(units);
        return;
    }
    dp_buf_puts(b, "  \"rule_results\": [");
    for (uint32_t i = 0; i < n; i++) {
        dp_rule_info r;
        dp_rules_info(m, i, &r);
        dp_buf_puts(b, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
        dp_buf_json_string(b, r.name);
        dp_buf_printf(b,
                      ", \"kind\": \"%s\", \"line\": %u, \"hard\": %s, \"weight\": %lld, "
                      "\"violations\": %lld, \"penalty\": %lld}",
                      r.kind, r.line, r.hard ? "true" : "false", (long long) r.weight,
                      (long long) units[i], (long long) (r.weight * units[i]));
    }
    dp_buf_puts(b, "\n  ],\n");
    free(units);
}

/* The staffing plan of the childcare ratio (docs/ratio.md): an added key. */
static void write_staffing(dp_buf *b, const dp_solution *sol)
{
    dp_staffing *st = NULL;
    dp_error err = {0};

    dp_buf_puts(b, ",\n  \"staffing\": ");
    if (dp_staffing_new(dp_solution_model(sol), dp_solution_choice_sections(sol),
                        dp_solution_session_slots(sol), &st, &err) != DP_OK) {
        dp_buf_puts(b, "null");
        return;
    }
    dp_staffing_write_json(st, b);
    dp_staffing_free(st);
}

void dp_export_json(const dp_solution *sol, const dp_week *week, dp_buf *b)
{
    const dp_model *m = dp_solution_model(sol);
    dp_score sc;
    dp_solve_stats st;
    char wk[16];

    dp_solution_score(sol, &sc);
    dp_solution_stats(sol, &st);
    dp_buf_puts(b, "{\n  \"format\": \"dagplan-schedule/1\",\n  \"centre\": ");
    dp_buf_json_string(b, m->centre.id);
    dp_buf_puts(b, ",\n  \"week\": ");
    if (week && week->is_set) {
        dp_isoweek_format(week->year, week->week, wk);
        dp_buf_json_string(b, wk);
    } else {
        dp_buf_puts(b, "null");
    }
    dp_buf_puts(b, ",\n  \"sessions\": [");
    dp_escorts *esc = NULL;
    dp_error err = {0};
    if (dp_escorts_new(m, dp_solution_choice_sections(sol), dp_solution_session_slots(sol), &esc,
                       &err) != DP_OK)
        esc = NULL; /* out of memory: the sessions without "escorts" */
    for (dp_id k = 0; k < m->n_sessions; k++)
        write_session(b, m, sol, week, esc, k, k == 0);
    dp_escorts_free(esc);
    dp_buf_puts(b, m->n_sessions ? "\n  ],\n  \"assignments\": [" : "],\n  \"assignments\": [");
    write_choices(b, m, sol, true);
    dp_buf_puts(b, ",\n  \"unassigned\": [");
    write_choices(b, m, sol, false);
    write_staffing(b, sol);
    dp_buf_printf(b,
                  ",\n  \"score\": {\"total\": %lld, \"coverage\": %lld, \"breadth\": %lld, "
                  "\"rank\": %lld, \"rules\": %lld, \"stability\": %lld, \"hard_violations\": "
                  "%lld},\n",
                  (long long) sc.total, (long long) sc.coverage, (long long) sc.breadth,
                  (long long) sc.rank, (long long) sc.rules, (long long) sc.stability,
                  (long long) sc.hard_violations);
    write_rules(b, sol);
    dp_buf_printf(b,
                  "  \"search\": {\"stopped\": \"%s\", \"cut_short\": %s, \"moves\": %llu, "
                  "\"upper_bound\": %lld",
                  st.stop == DP_STOP_BOUND          ? "optimal"
                  : st.stop == DP_STOP_TIME         ? "time_limit"
                  : st.stop == DP_STOP_INTERRUPTED  ? "interrupted"
                  : st.stop == DP_STOP_CONSTRUCTION ? "construction_only"
                  : st.stop == DP_STOP_MOVES        ? "move_budget"
                                                    : "converged",
                  st.stop == DP_STOP_TIME || st.stop == DP_STOP_INTERRUPTED ? "true" : "false",
                  (unsigned long long) st.moves, (long long) st.bound);
    /* Parallel searches (dagplan solve --threads): how many, and whose
     * schedule this is; absent for one search, as before. */
    if (st.threads > 1)
        dp_buf_printf(b, ", \"threads\": %u, \"thread\": %u", st.threads, st.thread);
    dp_buf_puts(b, "}\n}\n");
}
