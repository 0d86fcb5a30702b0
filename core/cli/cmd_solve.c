/* core/cli/cmd_solve.c - `dagplan solve DIR`: load, solve, store the schedule
 * as a new version, print a summary, optionally write the schedule JSON.
 *
 * Nothing is stored when the solve fails or is interrupted: the version is
 * added in one transaction after the solve, and the JSON file is written by
 * rename, so the last good schedule survives any failure. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "dagplan/escorts.h"
#include "dagplan/export.h"
#include "dagplan/solve.h"
#include "dagplan/staffing.h"
#include "dagplan/time.h"
#include "rules_report.h"
#include "solve_opts.h"

static const char help[] =
    "Usage: dagplan solve DIR [--week YYYY-Www] [--seed N] [--time-limit SEC]\n"
    "                         [--json FILE] [--db FILE] [--max-moves N] [--quiet]\n"
    "                         [--from-scratch] [--verify-every N] [--threads N]\n\n"
    "Plans the week of the centre in DIR: assigns children to sections of the\n"
    "activities they chose and picks times for sessions with candidate times, so\n"
    "that every hard rule holds and the objective is as high as possible. The\n"
    "schedule is stored as a new version in the centre's store and summarised.\n\n"
    "  --week YYYY-Www   the ISO week to plan (dates in the JSON); default: a weekly\n"
    "                    template with no dates\n"
    "  --seed N          random seed; the same seed gives the same schedule (default 1)\n"
    "  --time-limit SEC  safety cap on the search in seconds (default 10); the search\n"
    "                    normally stops earlier on its own; 0 means construction only\n"
    "  --json FILE       also write the schedule JSON (FORMAT.md section 5) to FILE\n"
    "  --db FILE         the store (default DIR/dagplan.db)\n"
    "  --max-moves N     move budget of the local search (default: by size)\n"
    "  --quiet           print no summary\n"
    "  --from-scratch    ignore stored schedules: no baseline, no stability term,\n"
    "                    no warm start, series not held (see docs/weeks.md)\n"
    "  --verify-every N  debugging: every N moves compare every plugin's\n"
    "                    incremental score with a full evaluation; a difference\n"
    "                    fails the solve\n"
    "  --threads N       run N searches (with --seed S: seeds S, S+1, ...) and keep\n"
    "                    the best schedule; the same seed and N give the same\n"
    "                    schedule, never worse than with fewer threads; at once,\n"
    "                    each search with its own Lua state for centre.lua's\n"
    "                    rules (default 1, at most 64)\n\n"
    "The solve starts from the current version of the week (or of the latest\n"
    "week before it) and repairs it locally; every assignment of it that changes\n"
    "costs the stability penalty of centre.lua. pins.csv pins and forbids hold.\n\n"
    "DIR may be a municipality directory (centre directories one level down): see\n"
    "'dagplan solve CITYDIR --help' and docs/municipality.md.\n\n"
    "Exit status: 0 solved and stored, 1 the data or the solve failed (nothing is\n"
    "stored), 2 wrong usage.\n";

static volatile int interrupted;

static void on_signal(int sig)
{
    (void) sig;
    dp_interrupt_set(&interrupted);
}

static void print_progress(void *ud, const dp_progress *p)
{
    (void) ud;
    fprintf(stderr, "\rsolving: %llu moves, best %lld of at most %lld, %.1f s   ",
            (unsigned long long) p->moves, (long long) p->best, (long long) p->bound, p->seconds);
}

typedef struct solve_args {
    const char *dir, *json, *db;
    dp_week week;
    char week_text[16];
    dp_solve_options o;
    bool quiet, from_scratch;
    char baseline[160];   /* description of the baseline */
    uint32_t n_cancelled; /* sessions cancelled by closures */
} solve_args;

static int parse(int argc, char **argv, solve_args *a)
{
    dp_opt opts[] = {DP_OPT("week", true),         DP_OPT("seed", true),
                     DP_OPT("time-limit", true),   DP_OPT("json", true),
                     DP_OPT("db", true),           DP_OPT("max-moves", true),
                     DP_OPT("quiet", false),       DP_OPT("from-scratch", false),
                     DP_OPT("verify-every", true), DP_OPT("threads", true)};
    size_t n = sizeof opts / sizeof *opts;
    dp_args args;

    if (dp__args_parse(argc, argv, opts, n, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        exit(0);
    }
    if (args.n_positional != 1) {
        fputs(help, stderr);
        return 2;
    }
    memset(a, 0, sizeof *a);
    dp_solve_options_init(&a->o);
    a->dir = args.positional[0];
    a->json = dp__args_get(opts, n, "json")->value;
    a->db = dp__args_get(opts, n, "db")->value;
    a->quiet = dp__args_get(opts, n, "quiet")->given;
    a->from_scratch = dp__args_get(opts, n, "from-scratch")->given;
    const char *th = dp__args_get(opts, n, "threads")->value;
    if (th) {
        unsigned long long v;
        if (dp__args_uint(th, &v) != 0 || v == 0 || v > 64) {
            fprintf(stderr, "dagplan solve: --threads expects 1 to 64, got '%s'\n", th);
            return 2;
        }
        a->o.threads = (uint32_t) v;
    }
    return dp__solve_opts_read(opts, n, &a->week, a->week_text, &a->o);
}

/* With rota.csv, a schedule that breaks the childcare ratio is never stored:
 * when the search found none that keeps it, say when and where the rota falls
 * short (in the best schedule found, often the one with nobody away). */
static int report_thin_rota(const dp_model *m, const dp_solution *sol)
{
    dp_staffing *st = NULL;
    dp_error err = {0};
    dp_score sc;
    dp_buf b;

    dp_solution_score(sol, &sc);
    if (!m->has_rota || sc.hard_violations == 0)
        return 0;
    if (dp_staffing_new(m, dp_solution_choice_sections(sol), dp_solution_session_slots(sol), &st,
                        &err) != DP_OK) {
        fprintf(stderr, "dagplan solve: ");
        dp_error_print(&err, stderr, false);
        return 1;
    }
    bool anyone = false;
    for (dp_id ch = 0; ch < m->n_choices && !anyone; ch++)
        anyone = dp_solution_choice_sections(sol)[ch] != DP_NONE;
    dp_buf_init(&b);
    dp_staffing_write_breaches(st, &b);
    fprintf(stderr,
            "dagplan solve: %s/rota.csv: the rota is too thin for the childcare ratio: no "
            "schedule found keeps it (FORMAT.md 3.8; docs/ratio.md). Where it falls short %s "
            "(children in care up to, professionals needed up to, rostered at least):\n%.*s"
            "Nothing was stored.\n",
            m->centre.dir,
            anyone ? "in the best schedule found" : "with every child staying in care", (int) b.len,
            b.data ? b.data : "");
    dp_buf_release(&b);
    dp_staffing_free(st);
    return 1;
}

/* With a rota: who walks to the escorted sessions (docs/ratio.md). */
static void print_escorts(const dp_model *m, const dp_solution *sol)
{
    dp_escorts *e = NULL;
    dp_escorts_totals t;
    dp_error err = {0};

    if (dp_escorts_new(m, dp_solution_choice_sections(sol), dp_solution_session_slots(sol), &e,
                       &err) != DP_OK)
        return;
    dp_escorts_get_totals(e, &t);
    if (t.duties)
        printf("  escorts: %u of %u places named (%u professionals; \"escorts\" in the JSON)%s\n",
               t.named, t.duties, t.people,
               t.named < t.duties ? ", the rest: nobody rostered is free for the whole walk" : "");
    if (t.violation_min)
        printf("  warning: with the named escorts away the ratio is broken for %lld minutes "
               "(docs/ratio.md, \"Escort duties\")\n",
               (long long) t.violation_min);
    dp_escorts_free(e);
}

/* The staffing plan (without a rota) or one line on the ratio (with one). */
static void print_staffing(const dp_model *m, const dp_solution *sol)
{
    dp_staffing *st = NULL;
    dp_staffing_totals t;
    dp_error err = {0};
    dp_buf b;

    if (dp_staffing_new(m, dp_solution_choice_sections(sol), dp_solution_session_slots(sol), &st,
                        &err) != DP_OK)
        return;
    dp_staffing_get_totals(st, &t);
    dp_buf_init(&b);
    if (m->has_rota) {
        char at[8];
        dp_time_format(t.peak_start_min, at);
        dp_buf_printf(&b,
                      "  childcare ratio: kept at every minute with the rota (peak need %u "
                      "professionals, %s %s)\n",
                      t.peak, t.peak_day >= 0 ? dp_day_name(t.peak_day) : "-", at);
        if (t.alone_min) {
            dp_buf_puts(&b, "  one professional alone with children (a back-up adult must be "
                            "reachable): ");
            dp_staffing_write_alone(st, &b);
            dp_buf_puts(&b, "\n");
        }
        fwrite(b.data ? b.data : "", 1, b.len, stdout);
        b.len = 0;
        print_escorts(m, sol);
    } else {
        dp_staffing_write_table(st, &b);
    }
    fwrite(b.data ? b.data : "", 1, b.len, stdout);
    dp_buf_release(&b);
    dp_staffing_free(st);
}

/* The baseline and how many of its assignments changed (issue 7). */
static void print_changes(const dp_model *m, const dp_solution *sol, const solve_args *a)
{
    const dp_id *cs = dp_solution_choice_sections(sol);
    unsigned changed = 0, added = 0;

    static const char *const kinds[] = {"", "holiday", "study day", "closed"};
    bool any = false;
    for (int d = 0; d < DP_N_DAYS; d++)
        if (m->day_closure[d]) {
            printf("%s %s %s", any ? "," : "  closures:", dp_day_name(d), kinds[m->day_closure[d]]);
            any = true;
        }
    if (any)
        printf("\n");
    if (a->n_cancelled)
        printf("  sessions cancelled by closures: %u\n", a->n_cancelled);
    printf("  baseline: %s\n", a->baseline);
    if (!m->baseline.section)
        return;
    for (dp_id ch = 0; ch < m->n_choices; ch++) {
        dp_id b = m->baseline.section[ch];
        changed += b != DP_NONE && cs[ch] != b;
        added += b == DP_NONE && cs[ch] != DP_NONE;
    }
    printf("  changes: %u of %u baseline assignments changed (+%u no longer apply), %u new\n",
           changed, m->baseline.n_mapped, m->baseline.n_dropped, added);
}

static void print_summary(const dp_model *m, const dp_solution *sol, const solve_args *a)
{
    const dp_id *cs = dp_solution_choice_sections(sol);
    const uint32_t *count = dp_solution_section_counts(sol);
    unsigned chose[4] = {0}, got[4] = {0}, wished[10] = {0}, granted[10] = {0};
    unsigned cancelled = 0, n_granted = 0;
    dp_score sc;
    dp_solve_stats st;

    for (dp_id c = 0; c < m->n_children; c++) {
        const dp_child *ch = &m->children[c];
        bool any = false;
        if (ch->n_choices == 0)
            continue;
        chose[ch->priority]++;
        for (uint32_t i = ch->choice0; i < ch->choice0 + ch->n_choices; i++) {
            int r = m->choices[i].rank < 9 ? m->choices[i].rank : 9;
            wished[r]++;
            if (cs[i] != DP_NONE) {
                any = true;
                granted[r]++;
                n_granted++;
            }
        }
        got[ch->priority] += any;
    }
    for (dp_id s = 0; s < m->n_sections; s++)
        cancelled += count[s] == 0;
    dp_solution_score(sol, &sc);
    dp_solution_stats(sol, &st);
    printf("%s (%s), %s%s, seed %llu\n", m->centre.name, m->centre.id,
           a->week.is_set ? "week " : "weekly template", a->week.is_set ? a->week_text : "",
           (unsigned long long) a->o.seed);
    printf("  children with an activity, by priority:");
    for (int p = 0; p < 4; p++)
        if (chose[p])
            printf("  %d: %u of %u", p, got[p], chose[p]);
    printf("\n  choices granted: %u of %u; by rank:", n_granted, m->n_choices);
    for (int r = 1; r < 10; r++)
        if (wished[r])
            printf("  %d%s: %u/%u", r, r == 9 ? "+" : "", granted[r], wished[r]);
    printf("\n  sections: %u running, %u cancelled (no children)\n", m->n_sections - cancelled,
           cancelled);
    printf(
        "  score %lld = coverage %lld + breadth %lld + rank %lld + rules %lld + stability %lld\n",
        (long long) sc.total, (long long) sc.coverage, (long long) sc.breadth, (long long) sc.rank,
        (long long) sc.rules, (long long) sc.stability);
    printf("  hard violations: %lld\n", (long long) sc.hard_violations);
    print_changes(m, sol, a);
    print_staffing(m, sol);
    printf("  search: %s after %llu moves in %.2f s (upper bound %lld: no schedule scores more; "
           "this one has %.2f%% of it)\n",
           dp_stop_describe(st.stop), (unsigned long long) st.moves, st.seconds,
           (long long) st.bound, st.bound ? 100.0 * (double) sc.total / (double) st.bound : 100.0);
    if (st.threads > 1)
        printf("  best of %u searches: search %u (seed %llu)\n", st.threads, st.thread,
               (unsigned long long) (a->o.seed + st.thread));
}

static int store_and_write(const solve_args *a, const dp_solution *sol, unsigned *version)
{
    dp_store *store = NULL;
    dp_buf json;
    dp_error err = {0};
    int64_t snap = 0;
    dp_score sc;
    int status = 1;

    dp_buf_init(&json);
    dp_export_json(sol, &a->week, &json);
    if (dp_buf_status(&json, &err) != DP_OK)
        goto done;
    if (dp__cli_open_store("solve", a->dir, a->db, &store) != 0) {
        dp_buf_release(&json);
        return 1;
    }
    dp_solution_score(sol, &sc);
    if (dp_store_snapshot(store, a->dir, dp__input_files, dp__n_input_files, &snap, &err) != DP_OK)
        goto done;
    dp_store_version_new v = {
        a->week.is_set ? a->week_text : "", snap, a->o.seed, sc.total, json.data, 0, "solve"};
    if (dp_store_add_version(store, &v, version, &err) != DP_OK)
        goto done;
    if (a->json && dp_buf_write_file(&json, a->json, &err) != DP_OK)
        goto done;
    status = 0;
done:
    if (status != 0) {
        fprintf(stderr, "dagplan solve: ");
        dp_error_print(&err, stderr, false);
    }
    dp_store_close(store);
    dp_buf_release(&json);
    return status;
}

int dp__cmd_solve(int argc, char **argv)
{
    solve_args a;
    dp_model *m = NULL;
    dp_solution *sol = NULL;
    dp_error err = {0};
    unsigned version = 0;
    int status;

    if (dp__solve_is_city(argc, argv)) /* a municipality: every centre, in parallel */
        return dp__cmd_solve_city(argc, argv);
    if ((status = parse(argc, argv, &a)) != 0)
        return status;
    if (dp__cli_load_week("solve", a.dir, a.week.year, a.week.is_set ? a.week.week : 0, &m) != 0)
        return 1;
    if (dp__cli_baseline("solve", a.dir, a.db, a.week.is_set ? a.week_text : "", a.week.year,
                         a.week.is_set ? a.week.week : 0, a.from_scratch, m, a.baseline,
                         sizeof a.baseline) != 0) {
        dp_model_free(m);
        return 1;
    }
    a.o.warm_start = m->baseline.section;
    if (a.week.is_set &&
        dp_model_apply_closures(m, a.week.year, a.week.week, &a.n_cancelled, &err) != DP_OK) {
        dp_error_print(&err, stderr, false);
        dp_model_free(m);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    a.o.interrupt = &interrupted;
    if (isatty(STDERR_FILENO) && !a.quiet)
        a.o.progress = print_progress;
    dp__cli_rules_date(m, a.week.is_set, a.week.year, a.week.week);
    dp_status rc = dp_solve(m, &a.o, &sol, &err);
    if (a.o.progress)
        fprintf(stderr, "\r%70s\r", "");
    if (dp__cli_rules_failed("solve", m)) {
        status = 1;
    } else if (rc == DP_OK && !dp_interrupted(&interrupted) && report_thin_rota(m, sol) != 0) {
        status = 1;
    } else if (rc != DP_OK) {
        fprintf(stderr, "dagplan solve: ");
        dp_error_print(&err, stderr, false);
        status = 1;
    } else if (dp_interrupted(&interrupted)) {
        fprintf(stderr, "dagplan solve: interrupted; nothing was stored\n");
        status = 1;
    } else if (dp__cli_rules_check("solve", m, sol) != 0) {
        status = 1;
    } else {
        status = store_and_write(&a, sol, &version);
        if (status == 0 && !a.quiet) {
            print_summary(m, sol, &a);
            dp__cli_rules_summary(m, sol);
            printf("  stored as version %u of %s\n", version,
                   a.week.is_set ? a.week_text : "the weekly template");
        }
    }
    dp_solution_free(sol);
    dp_model_free(m);
    return status;
}
