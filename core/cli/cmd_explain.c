/* core/cli/cmd_explain.c - `dagplan explain DIR --child ID`: the child's week
 * and, for every wish, what it got or why not.
 *
 * The explanation is asked from the plugins against the schedule, so it is
 * recomputed: the centre is solved again with the seed of the stored current
 * version (solves are deterministic), and when the result differs from the
 * stored schedule (the data changed since) the command says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "dagplan/escorts.h"
#include "dagplan/solve.h"
#include "dagplan/time.h"
#include "rules_report.h"

static const char help[] =
    "Usage: dagplan explain DIR --child ID [--week YYYY-Www] [--db FILE]\n\n"
    "Shows the child's week: its available time, school hours, and for every wish\n"
    "(by rank) the section it got or the reasons it did not get it, as of the\n"
    "current stored schedule of that week (or of the weekly template).\n";

static void print_week(const dp_model *m, const dp_child *c)
{
    char a[8], b[8];

    printf("  available:");
    for (uint32_t w = c->window0; w < c->window0 + c->n_windows; w++) {
        dp_time_format(m->windows[w].from_min, a);
        dp_time_format(m->windows[w].to_min, b);
        printf(" %s %s-%s%s", dp_day_name(m->windows[w].day), a, b,
               m->windows[w].care ? " (childcare)" : "");
    }
    printf("\n");
}

/* Who walks with the group to session k and back (docs/ratio.md). */
static void print_escort(const dp_model *m, const dp_escorts *e, dp_id k)
{
    int from, to;
    const dp_id *staff;
    unsigned n = dp_escorts_of_session(e, k, &from, &to, &staff);
    char a[8], b[8];

    if (!n)
        return;
    dp_time_format(from, a);
    dp_time_format(to, b);
    printf(" (escorted %s-%s by", a, b);
    for (unsigned i = 0; i < n; i++)
        printf("%s %s", i ? "," : "",
               staff[i] == DP_NONE ? "(nobody free named)" : m->staff[staff[i]].name);
    printf(")");
}

static void print_grant(const dp_model *m, const dp_solution *sol, const dp_escorts *e, dp_id sec)
{
    const dp_section *s = &m->sections[sec];
    const uint32_t *slot = dp_solution_session_slots(sol);
    char a[8], b[8];

    printf("granted: %s at %s,", s->id, m->locations[s->location].name);
    for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
        const dp_slot *sl = &m->slots[slot[k]];
        dp_time_format(sl->start_min, a);
        dp_time_format(sl->start_min + m->sessions[k].minutes, b);
        printf(" %s %s-%s", dp_day_name(sl->day), a, b);
        print_escort(m, e, k);
    }
    printf("\n");
}

static void print_child(const dp_model *m, const dp_solution *sol, dp_id cid)
{
    const dp_child *c = &m->children[cid];
    const dp_id *cs = dp_solution_choice_sections(sol);
    dp_escorts *e = NULL;

    if (dp_escorts_new(m, cs, dp_solution_session_slots(sol), &e, NULL) != DP_OK)
        e = NULL; /* out of memory: no escort names */
    printf("%s %s (group %d, priority %d)\n", c->id, c->first_name, c->group, c->priority);
    print_week(m, c);
    if (c->n_choices == 0)
        printf("  no wishes in choices.csv\n");
    for (uint32_t i = c->choice0; i < c->choice0 + c->n_choices; i++) {
        const dp_choice *ch = &m->choices[i];
        printf("  wish %d, %s (%s): ", ch->rank, m->activities[ch->activity].name,
               m->activities[ch->activity].id);
        if (cs[i] != DP_NONE) {
            print_grant(m, sol, e, cs[i]);
            continue;
        }
        uint32_t n;
        const char *const *r = dp_solution_reasons(sol, i, &n);
        printf("not granted\n");
        for (uint32_t j = 0; j < n; j++)
            printf("      - %s\n", r[j]);
    }
    dp_escorts_free(e);
}

int dp__cmd_explain(int argc, char **argv)
{
    dp_opt opts[] = {DP_OPT("child", true), DP_OPT("week", true), DP_OPT("db", true)};
    size_t n_opts = sizeof opts / sizeof *opts;
    dp_args args;
    dp_model *m = NULL;
    dp_store *store = NULL;
    dp_solution *sol = NULL;
    dp_store_version info;
    dp_error err = {0};
    int status = 1;

    if (dp__args_parse(argc, argv, opts, n_opts, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        return 0;
    }
    const char *child = dp__args_get(opts, n_opts, "child")->value;
    const char *week = dp__args_get(opts, n_opts, "week")->value;
    int y = 0, w = 0;
    if (args.n_positional != 1 || !child ||
        (week && dp_isoweek_parse(week, strlen(week), &y, &w) != 0)) {
        fputs(help, stderr);
        return 2;
    }
    if (dp__cli_load_week("explain", args.positional[0], y, w, &m) != 0)
        return 1;
    dp_id cid = dp_model_find(m, DP_KIND_CHILD, child, strlen(child));
    if (cid == DP_NONE) {
        fprintf(stderr, "dagplan explain: no child '%s' in %s/children.csv\n", child,
                args.positional[0]);
        goto done;
    }
    if (dp__cli_open_store("explain", args.positional[0], dp__args_get(opts, n_opts, "db")->value,
                           &store) != 0)
        goto done;
    if (dp_store_get_version(store, week ? week : "", 0, &info, NULL, &err) != DP_OK) {
        fprintf(stderr, "dagplan explain: %s; run 'dagplan solve' first\n", err.msg);
        goto done;
    }
    /* The stored schedule itself is the warm start (with the week's closures
     * applied), so the plugins explain that schedule, not a fresh one. */
    char desc[160];
    if (dp__cli_baseline("explain", args.positional[0], dp__args_get(opts, n_opts, "db")->value,
                         week ? info.week : "", y, week ? w : 0, false, m, desc,
                         sizeof desc) != 0 ||
        (week && dp_model_apply_closures(m, y, w, NULL, &err) != DP_OK))
        goto done;
    dp_solve_options o;
    dp_solve_options_init(&o);
    o.seed = info.seed;
    o.warm_start = m->baseline.section;
    o.time_limit_s = 0; /* construction only: from the stored schedule */
    dp__cli_rules_date(m, week != NULL, y, w);
    if (dp_solve(m, &o, &sol, &err) != DP_OK) {
        if (!dp__cli_rules_failed("explain", m))
            dp_error_print(&err, stderr, false);
        goto done;
    }
    if (dp__cli_rules_check("explain", m, sol) != 0)
        goto done;
    const dp_id *cs = dp_solution_choice_sections(sol);
    uint32_t differ = m->baseline.n_dropped;
    for (dp_id ch = 0; m->baseline.section && ch < m->n_choices; ch++)
        differ += cs[ch] != m->baseline.section[ch];
    if (differ)
        printf("note: the centre's data changed since version %u was stored (%u assignments "
               "differ); this explains the schedule as it would be now\n",
               info.number, differ);
    print_child(m, sol, cid);
    status = 0;
done:
    dp_solution_free(sol);
    dp_store_close(store);
    dp_model_free(m);
    return status;
}
