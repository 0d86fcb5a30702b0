/* tests/unit/test_rules.c - the rule library (core/rules/rules.c, plugins/rules,
 * include/dagplan/rules.h) below the command line:
 *   - rules compile into the model with their names, kinds and lines;
 *   - the reference date switches rule.reserve's until_date and ages;
 *   - a solve keeps hard rules and dp_rules_evaluate agrees with the score;
 *   - dp_rules_reload swaps the rules only when the new script is valid
 *     (syntax error, bad argument, changed settings keep the old rules);
 *   - a custom rule cannot declare rules or call centre{} while solving;
 *   - math.random in a custom rule follows the solve's seed;
 *   - a copy of the rules for a parallel search (dp__rules_clone) has the
 *     same rules and selections, and a Lua state of its own;
 *   - rule.mix penalises only what the section's pool of applicants allows
 *     better (a pool from one neighbourhood: no penalty);
 *   - the child rules' incremental aggregates (plugins/rules: child_eval)
 *     and mix's counters agree with a recomputation from scratch after commits, after moves
 *     evaluated and not committed, after a commit of a move other than the
 *     one evaluated last, and after the engine rolls commits back; a move
 *     whose after-lists are in another order than the solver's has the
 *     same delta;
 *   - scripts/lua/dagplan.lua (the editor definitions) is valid Lua and
 *     describes every rule kind. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dagplan/load.h"
#include "dagplan/rules.h"
#include "dagplan/solve.h"
#include "dagplan/time.h"
#include "harness.h"
#include "rules/rules.h"
#include "solve/engine.h"

static char dir[256];

static const char settings[] = "centre {\n"
                               "  id = \"tiny\",\n"
                               "  name = \"IKC De Kleine Vlinder\",\n"
                               "  timezone = \"Europe/Amsterdam\",\n"
                               "  country = \"NL\",\n"
                               "  home = \"ikc\",\n"
                               "  max_activities = 2,\n"
                               "}\n";

/* Writes at/centre.lua: the centre's settings `base`, then `rules`. */
static void write_centre(const char *at, const char *base, const char *rules)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/centre.lua", at);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(base, f);
    fputs(rules, f);
    fclose(f);
}

static void write_script(const char *rules)
{
    write_centre(dir, settings, rules);
}

static dp_model *load(dp_diags *d)
{
    dp_model *m = NULL;
    dp_error err = {0};

    if (dp_load_centre(dir, d, &m, &err) != DP_OK)
        return NULL;
    return m;
}

/* load(), failing the test (with the loader's diagnostics) when it fails. */
static dp_model *load_checked(dp_diags *d)
{
    dp_model *m = load(d);

    CHECK(m != NULL);
    if (!m)
        dp_diags_print(d, stderr);
    return m;
}

static void setup(void)
{
    char cmd[1024];

    snprintf(dir, sizeof dir, "/tmp/dp_test_rules_%ld", (long) getpid());
    /* Without its rota: tiny's rota does not meet the childcare ratio. */
    snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s/tiny %s && rm %s/rota.csv", dir, DP_TEST_DATA,
             dir, dir);
    CHECK(system(cmd) == 0);
}

static void test_compile(void)
{
    dp_diags *d = dp_diags_new();
    dp_rule_info r;

    write_script("rule.not_after{name = \"laat\", groups = {1, 2}, time = \"16:00\", hard = "
                 "true}\n"
                 "rule.theme_once{name = \"breed\", weight = 30}\n");
    dp_model *m = load_checked(d);
    if (!m) {
        dp_diags_free(d);
        return;
    }
    CHECK(dp_rules_count(m) == 2);
    dp_rules_info(m, 0, &r);
    CHECK_STR(r.name, "laat");
    CHECK_STR(r.kind, "not_after");
    CHECK(r.line == 9 && r.hard && r.weight == 0);
    dp_rules_info(m, 1, &r);
    CHECK_STR(r.kind, "theme_once");
    CHECK(r.line == 10 && !r.hard && r.weight == 30);
    dp_model_free(m);

    /* No rules: no rules object at all. */
    write_script("");
    m = load(d);
    CHECK(m != NULL && dp_rules_count(m) == 0 && m->rules == NULL);
    dp_model_free(m);
    dp_diags_free(d);
}

static void test_reference_date(void)
{
    dp_diags *d = dp_diags_new();

    write_script("rule.reserve{name = \"r\", activity = \"judo\", places = 2, min_priority = 2, "
                 "until_date = \"2027-02-01\", hard = true}\n"
                 "rule.theme_once{name = \"vijf\", ages = 5, weight = 1}\n");
    dp_model *m = load_checked(d);
    if (!m) {
        dp_diags_free(d);
        return;
    }
    const dp_rule *res = &m->rules->rules[0], *age = &m->rules->rules[1];
    dp_rules_set_date(m, dp_date_from_civil(2027, 1, 25));
    CHECK(res->active);
    dp_rules_set_date(m, dp_date_from_civil(2027, 2, 1));
    CHECK(!res->active);
    /* c02 was born 2019-03-02: 5 from 2024-03-02 until 2025-03-01. */
    dp_id c02 = dp_model_find(m, DP_KIND_CHILD, "c02", 3);
    dp_rules_set_date(m, dp_date_from_civil(2024, 3, 1));
    CHECK(!age->child_sel[c02]);
    dp_rules_set_date(m, dp_date_from_civil(2024, 3, 2));
    CHECK(age->child_sel[c02]);
    dp_rules_set_date(m, dp_date_from_civil(2025, 3, 1));
    CHECK(age->child_sel[c02]);
    dp_rules_set_date(m, dp_date_from_civil(2025, 3, 2));
    CHECK(!age->child_sel[c02]);
    dp_model_free(m);
    dp_diags_free(d);
}

static void test_solve(void)
{
    dp_diags *d = dp_diags_new();
    dp_solve_options o;
    dp_solution *sol = NULL;
    dp_error err = {0};
    dp_score sc;
    int64_t units[2] = {-1, -1};

    write_script("rule.not_after{name = \"judo laat\", activities = \"judo\", time = \"16:30\", "
                 "hard = true}\n"
                 "rule.max_activities{name = \"een\", max = 1, weight = 7}\n");
    dp_model *m = load(d);
    CHECK(m != NULL);
    if (!m) {
        dp_diags_free(d);
        return;
    }
    dp_solve_options_init(&o);
    o.time_limit_s = 5;
    o.verify_every = 50;
    CHECK(dp_solve(m, &o, &sol, &err) == DP_OK);
    if (sol) {
        CHECK(dp_rules_status(m, &err) == DP_OK);
        CHECK(dp_rules_evaluate(sol, units, &err) == DP_OK);
        CHECK(units[0] == 0);
        dp_solution_score(sol, &sc);
        CHECK(sc.rules == -7 * units[1]);
        CHECK(sc.hard_violations == 0);
    }
    dp_solution_free(sol);
    dp_model_free(m);
    dp_diags_free(d);
}

static void test_reload(void)
{
    dp_diags *d = dp_diags_new();
    dp_error err = {0};
    char path[512];

    write_script("rule.theme_once{name = \"breed\", weight = 30}\n");
    dp_model *m = load(d);
    CHECK(m != NULL);
    if (!m) {
        dp_diags_free(d);
        return;
    }
    snprintf(path, sizeof path, "%s/centre.lua", dir);

    write_script("rule.theme_once{name = \"breed\", weight = 30}\n"
                 "rule.max_activities{name = \"een\", max = 1, weight = 7}\n");
    CHECK(dp_rules_reload(m, path, d, &err) == DP_OK);
    CHECK(dp_rules_count(m) == 2);

    /* Each of these fails and keeps the two rules. */
    static const char *const broken[] = {
        "rule.theme_once{name = \"x\",, weight = 1}\n",       /* syntax */
        "rule.theme_once{name = \"x\", weight = \"veel\"}\n", /* argument */
        "rule.only_for{name = \"x\", activities = \"karate\", groups = 1, hard = true}\n",
        "while true do end\n", /* limit */
    };
    for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
        write_script(broken[i]);
        CHECK(dp_rules_reload(m, path, d, &err) == DP_ERULE);
        CHECK(err.at.line >= 9);
        CHECK(dp_rules_count(m) == 2);
    }
    /* Changed settings: refused. */
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("centre{id = \"tiny\", name = \"Anders\", timezone = \"Europe/Amsterdam\", home = "
              "\"ikc\"}\n",
              f);
        fclose(f);
    }
    CHECK(dp_rules_reload(m, path, d, &err) == DP_ERULE);
    CHECK(strstr(err.msg, "'name' changed") != NULL);
    CHECK(dp_rules_count(m) == 2);

    write_script("");
    CHECK(dp_rules_reload(m, path, d, &err) == DP_OK);
    CHECK(dp_rules_count(m) == 0);
    dp_model_free(m);
    dp_diags_free(d);
}

/* Declaring rules or calling centre{} from a rule function while solving. */
static void test_closed_after_load(void)
{
    static const char *const calls[] = {"rule.theme_once{name = \"x\", weight = 1}",
                                        "centre{id = \"x\"}", "print(\"hallo\")"};
    char script[512];

    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
        dp_diags *d = dp_diags_new();
        dp_solve_options o;
        dp_solution *sol = NULL;
        dp_error err = {0};

        snprintf(script, sizeof script,
                 "rule.custom{name = \"c\", scope = \"child\", weight = 1, check = function(ctx)\n"
                 "  %s\n  return 0\nend}\n",
                 calls[i]);
        write_script(script);
        dp_model *m = load(d);
        CHECK(m != NULL);
        if (!m) {
            dp_diags_free(d);
            continue;
        }
        dp_solve_options_init(&o);
        o.time_limit_s = 1;
        (void) dp_solve(m, &o, &sol, &err);
        if (i < 2) {
            CHECK(dp_rules_status(m, &err) == DP_ERULE);
            CHECK(strstr(err.msg, "can only") != NULL);
        } else {
            CHECK(dp_rules_status(m, &err) == DP_OK); /* print is dropped */
        }
        dp_solution_free(sol);
        dp_model_free(m);
        dp_diags_free(d);
    }
}

/* The penalty of a custom rule that only draws random numbers, evaluated by
 * the rules plugin in a fresh engine whose view carries seed. */
static int64_t random_penalty(const dp_model *m, uint64_t seed)
{
    const dp_plugin *list[] = {&dp_plugin_rules, NULL};
    dp_engine e;
    dp_error err = {0};
    dp_delta d = {0, 0};

    CHECK(dp__engine_init(&e, m, list, 0, &err) == DP_OK);
    e.view.seed = seed; /* as dp_solve does once the engine is set up */
    dp_plugin_rules.full(e.pstate[0], &e.view, &d);
    dp__engine_release(&e);
    return d.score;
}

static void test_random_seed(void)
{
    dp_diags *d = dp_diags_new();

    write_script("rule.custom{name = \"los\", scope = \"section\", weight = 1,\n"
                 "  check = function(ctx) return math.random(0, 1000000) end}\n");
    dp_model *m = load(d);
    CHECK(m != NULL);
    if (!m) {
        dp_diags_free(d);
        return;
    }
    /* The same seed draws the same numbers, also after a solve with another
     * seed; another seed draws others (five sections: the sums differ). */
    int64_t a = random_penalty(m, 7), b = random_penalty(m, 8), c = random_penalty(m, 7);
    CHECK(a == c);
    CHECK(a != b);
    CHECK(a < 0); /* minus the sum of the draws: the rule was evaluated */

    /* Two solves with the same seed give the same schedule and score. */
    dp_solution *s1 = NULL, *s2 = NULL;
    dp_solve_options o;
    dp_error err = {0};
    dp_solve_options_init(&o);
    o.seed = 11;
    o.time_limit_s = 600; /* a safety cap only: a solve cut short by time (asan on a */
    o.max_moves = 20000;  /* busy machine) would differ; the move budget ends it */
    CHECK(dp_solve(m, &o, &s1, &err) == DP_OK);
    CHECK(dp_solve(m, &o, &s2, &err) == DP_OK);
    if (s1 && s2) {
        dp_score x, y;
        dp_solution_score(s1, &x);
        dp_solution_score(s2, &y);
        CHECK(x.total == y.total && x.rules == y.rules);
        CHECK(memcmp(dp_solution_choice_sections(s1), dp_solution_choice_sections(s2),
                     m->n_choices * sizeof(dp_id)) == 0);
    }
    dp_solution_free(s1);
    dp_solution_free(s2);
    dp_model_free(m);
    dp_diags_free(d);
}

/* dp__rules_clone (core/rules/clone.c): a copy with its own Lua state has the
 * same rules in the same order, selects the same children on the same
 * reference date and evaluates a custom rule the same way; a parallel solve
 * returns a solution of the caller's model. Rules without a Lua state have
 * nothing to copy. A custom rule that fails makes dp_solve fail with the
 * rule's error. */
static void test_clone(void)
{
    dp_diags *d = dp_diags_new();
    dp_error err = {0};

    write_script("rule.reserve{name = \"r\", activity = \"judo\", places = 2, min_priority = 2, "
                 "until_date = \"2027-02-01\", hard = true}\n"
                 "rule.theme_once{name = \"vijf\", ages = 5, weight = 1}\n"
                 "rule.custom{name = \"los\", scope = \"section\", weight = 1,\n"
                 "  check = function(ctx) return math.random(0, 1000000) end}\n");
    dp_model *m = load_checked(d);
    if (!m) {
        dp_diags_free(d);
        return;
    }
    dp_rules_set_date(m, dp_date_from_civil(2024, 3, 2)); /* c02 is 5, r is active */
    dp_rules *copy = NULL;
    CHECK(dp__rules_clone(m->rules, m, &copy, &err) == DP_OK);
    if (!copy) {
        dp_model_free(m);
        dp_diags_free(d);
        return;
    }
    CHECK(copy->n == m->rules->n && copy->ref_days == m->rules->ref_days);
    CHECK(copy->sb != NULL && copy->sb != m->rules->sb);
    for (uint32_t i = 0; i < copy->n && i < m->rules->n; i++) {
        const dp_rule *a = &m->rules->rules[i], *b = &copy->rules[i];
        CHECK(a->kind == b->kind && a->line == b->line && a->active == b->active);
        CHECK_STR(a->name, b->name);
        CHECK((a->child_sel == NULL) == (b->child_sel == NULL));
        if (a->child_sel && b->child_sel)
            CHECK(memcmp(a->child_sel, b->child_sel, m->n_children) == 0);
    }
    CHECK(copy->rules[1].child_sel[dp_model_find(m, DP_KIND_CHILD, "c02", 3)]);
    dp_model own = *m;
    own.rules = copy;
    CHECK(random_penalty(&own, 7) == random_penalty(m, 7));
    CHECK(random_penalty(&own, 8) == random_penalty(m, 8));
    dp_rules_free(copy);

    /* Two searches at once: the second on its own copy. */
    dp_solve_options o;
    dp_solution *sol = NULL;
    dp_solve_options_init(&o);
    o.threads = 2;
    o.time_limit_s = 600;
    o.max_moves = 5000;
    CHECK(dp_solve(m, &o, &sol, &err) == DP_OK);
    CHECK(sol && dp_solution_model(sol) == m);
    CHECK(dp_rules_status(m, &err) == DP_OK);
    dp_solution_free(sol);
    dp_model_free(m);

    /* A custom rule that fails fails the solve with its own error, with one
     * search or several (then in every search's copy). */
    write_script("rule.custom{name = \"stuk\", scope = \"child\", weight = 1,\n"
                 "  check = function(ctx) error(\"kapot\") end}\n");
    m = load(d);
    CHECK(m != NULL);
    for (uint32_t threads = 1; m && threads <= 3; threads += 2) {
        o.threads = threads;
        sol = NULL;
        memset(&err, 0, sizeof err);
        CHECK(dp_solve(m, &o, &sol, &err) == DP_ERULE);
        CHECK(sol == NULL);
        CHECK(strstr(err.msg, "rule.custom 'stuk' (line 9) failed while solving: ") != NULL);
        CHECK(err.at.line == 10 && err.at.file && strcmp(err.at.file, "centre.lua") == 0);
        CHECK(dp_rules_status(m, NULL) == DP_ERULE);
        dp_solution_free(sol);
    }
    dp_model_free(m);

    /* Declarative rules only: no Lua state, nothing to copy. */
    write_script("rule.theme_once{name = \"breed\", weight = 30}\n");
    m = load(d);
    CHECK(m != NULL);
    if (m) {
        copy = NULL;
        CHECK(!dp__rules_use_lua(m));
        CHECK(dp__rules_clone(m->rules, m, &copy, &err) == DP_EINTERNAL && copy == NULL);
        dp_model_free(m);
    }
    dp_diags_free(d);
}

/* Child rules of every kind with an aggregate (and theme_once, which keeps
 * its units; and mix, whose counter rows apply() takes from delta() the
 * same way), each with its own weight so that two wrong aggregates cannot
 * hide each other in the rules term. */
static const char agg_rules[] =
    "rule.max_minutes{name = 'mmd', max = 40, per = 'day', weight = 1}\n"
    "rule.max_minutes{name = 'mmw', max = 60, days = {'tue', 'wed', 'thu'}, weight = 3}\n"
    "rule.max_activities{name = 'mad', max = 1, per = 'day', weight = 7}\n"
    "rule.max_activities{name = 'maw', max = 1, weight = 11}\n"
    "rule.not_after{name = 'na', time = '16:00', weight = 13}\n"
    "rule.not_before{name = 'nb', time = '15:40', days = {'tue', 'thu'}, weight = 17}\n"
    "rule.at_least_one{name = 'al', activities = 'judo', weight = 19}\n"
    "rule.only_for{name = 'of', activities = 'gitaar', groups = {5, 6, 7, 8}, weight = 23}\n"
    "rule.pin{name = 'pn', child = 'c02', section = 'judo-a', weight = 29}\n"
    "rule.forbid{name = 'fb', child = 'c03', section = 'gitaar-a', weight = 31}\n"
    "rule.theme_once{name = 'to', weight = 37}\n"
    "rule.mix{name = 'mx', by = 'neighbourhood', max_share = 0.5, weight = 41}\n";

/* Builds a random move: one or two choices to a section of their activity
 * or out, sometimes a session to another of its times. */
static void agg_move(dp_engine *e)
{
    const dp_model *m = e->m;

    dp__mv_begin(e);
    for (uint32_t k = 1 + harness_rand(2); k > 0; k--) {
        dp_id q = harness_rand(m->n_choices);
        const dp_activity *a = &m->activities[m->choices[q].activity];
        dp_id sec = harness_rand(5) == 0 || a->n_sections == 0
                        ? DP_NONE
                        : a->section0 + harness_rand(a->n_sections);
        (void) dp__mv_assign(e, q, sec);
    }
    if (harness_rand(4) == 0) {
        dp_id k = harness_rand(m->n_sessions);
        (void) dp__mv_slot(e, k, m->sessions[k].slot0 + harness_rand(m->sessions[k].n_slots), true);
    }
}

/* full() must equal the running rules term. */
static bool agg_agrees(dp_engine *e, const char *what, unsigned step)
{
    dp_delta d = {0, 0};

    dp_plugin_rules.full(e->pstate[0], &e->view, &d);
    if (d.score == e->term[DP_TERM_RULES])
        return true;
    fprintf(stderr, "aggregates, %s at step %u: full() %lld, running total %lld\n", what, step,
            (long long) d.score, (long long) e->term[DP_TERM_RULES]);
    return false;
}

/* The engine's move just evaluated (to value), built again by hand with
 * every child's after-list in reverse order and no serial: the rules
 * plugin finds the grants that come and go by walking the lists in the
 * solver's order (grant_walk); in another order it may take a kept grant as
 * going and coming again, which must give the same delta. */
static bool agg_reversed(dp_engine *e, int64_t value)
{
    const dp_move *mv = &e->mv;
    uint32_t n = 0;
    bool same;

    for (uint32_t i = 0; i < mv->n_children; i++)
        n += mv->children[i].n_after;
    dp_child_change *cc = malloc((mv->n_children + 1) * sizeof *cc);
    dp_grant *g = malloc((n + 1) * sizeof *g);
    if (!cc || !g) {
        free(cc);
        free(g);
        return false;
    }
    n = 0;
    for (uint32_t i = 0; i < mv->n_children; i++) {
        cc[i] = mv->children[i];
        cc[i].after = &g[n];
        for (uint8_t k = mv->children[i].n_after; k-- > 0;)
            g[n++] = mv->children[i].after[k];
    }
    dp_move hand = *mv;
    hand.children = cc;
    hand.serial = 0;
    dp_delta d;
    dp_plugin_rules.delta(e->pstate[0], &e->view, &hand, &d);
    same = d.score == value && d.hard == e->mv_hard[0];
    free(cc);
    free(g);
    return same;
}

/* Random moves against full() with the rules of script (see agg_rules). */
static void run_aggregates(const char *title, const char *script)
{
    const dp_plugin *list[] = {&dp_plugin_rules, NULL};
    dp_diags *d = dp_diags_new();
    dp_engine e;
    dp_error err = {0};
    unsigned committed = 0, dropped = 0, other = 0, undone = 0, changed = 0, reversed = 0;

    write_script(script);
    dp_model *m = load(d);
    CHECK(m != NULL);
    if (!m || dp__engine_init(&e, m, list, 0, &err) != DP_OK) {
        CHECK(!"engine");
        dp_model_free(m);
        dp_diags_free(d);
        return;
    }
    for (unsigned step = 0; step < 4000; step++) {
        int64_t value;
        if (step % 400 == 0) { /* twenty commits, then rolled back by the engine */
            int64_t before = e.term[DP_TERM_RULES];
            uint32_t mark = dp__engine_mark(&e);
            for (unsigned j = 0; j < 20; j++) {
                agg_move(&e);
                if (dp__mv_eval(&e, &value))
                    dp__mv_commit(&e);
            }
            CHECK(dp__engine_rollback(&e, mark));
            CHECK(e.term[DP_TERM_RULES] == before);
            undone++;
            if (!agg_agrees(&e, "rollback", step)) {
                CHECK(!"aggregates == recomputed after a rollback");
                break;
            }
        }
        uint32_t what = harness_rand(10);
        agg_move(&e);
        if (!dp__mv_eval(&e, &value))
            continue;
        if (what < 2) { /* evaluated, not committed: nothing may stay behind */
            dropped++;
            continue;
        }
        if (what == 2) {
            /* Another move evaluated in between (as a plugin's caller may):
             * apply() must not take its values for the committed move. Half
             * of them are built by hand (serial 0), half carry a serial of
             * their own, as a move another engine digested would. */
            dp_id c = (dp_id) harness_rand(m->n_children);
            dp_child_change cc = {c, e.view.child_grants[c], e.view.child_n_grants[c], NULL, 0};
            dp_move mv = {&cc, 1, NULL, 0, NULL, 0, step % 2 ? 0 : UINT64_MAX - step};
            dp_delta dd;
            dp_plugin_rules.delta(e.pstate[0], &e.view, &mv, &dd);
            other++;
        }
        if (what == 3 && !agg_reversed(&e, value)) {
            CHECK(!"the delta of a move whose after-lists are in another order");
            break;
        }
        reversed += what == 3;
        changed += value != 0;
        dp__mv_commit(&e);
        committed++;
        if (!agg_agrees(&e, "commit", step)) {
            CHECK(!"aggregates == recomputed after a commit");
            break;
        }
    }
    printf("  %s: %u commits (%u changed the rules term, %u also judged reversed), %u moves not "
           "committed, %u after another move's delta, %u rollbacks\n",
           title, committed, changed, reversed, dropped, other, undone);
    CHECK(committed > 1000 && changed > 100 && dropped > 100 && other > 100 && undone == 10 &&
          reversed > 100);
    CHECK(dp__engine_verify(&e) == NULL);
    dp__engine_release(&e);
    dp_model_free(m);
    dp_diags_free(d);
}

static void test_aggregates(void)
{
    run_aggregates("aggregates", agg_rules);
}

/* The same with six copies of every rule (72 rules, 132 aggregate values):
 * rule masks and value masks of more than one 64-bit word, the general
 * path of the plugin (fewer take a faster one). */
static void test_aggregates_wide(void)
{
    static char script[sizeof agg_rules * 7];
    size_t n = 0;

    for (int k = 0; k < 6; k++) /* each copy's names end in its number */
        for (const char *p = agg_rules; *p; p++) {
            if (p[0] == '\'' && p > agg_rules + 7 && strncmp(p - 7, "name = ", 7) == 0) {
                script[n++] = '\'';
                script[n++] = (char) ('0' + k);
                continue;
            }
            script[n++] = *p;
        }
    script[n] = 0;
    run_aggregates("aggregates, 72 rules", script);
}

/* ------------------------------------------------------------------------ */
/* gain(): an upper bound of delta()'s score (dagplan/plugin.h)              */

#define GAIN_UNKNOWN (INT64_MAX / 4) /* plugins/rules: "cannot bound, evaluate" */

static char gain_dir[256];  /* a generated 300-child centre, "" if generation failed */
static char *gain_base;     /* its own centre.lua */
static char gain_pin[200];  /* rule.pin, rule.forbid, rule.reserve, rule.apart for it */
static char gain_more[600]; /* (named from the model: see gain_setup) */
static dp_id gain_pin_child, gain_pin_choice, gain_pin_section;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t) n + 1)) != NULL) {
        size_t got = fread(buf, 1, (size_t) n, f);
        buf[got] = 0;
    }
    fclose(f);
    return buf;
}

static void write_gain_script(const char *rules)
{
    write_centre(gain_dir, gain_base, rules);
}

static dp_model *load_gain(void)
{
    dp_diags *d = dp_diags_new();
    dp_model *m = NULL;
    dp_error err = {0};

    if (dp_load_centre(gain_dir, d, &m, &err) != DP_OK) {
        dp_diags_print(d, stderr);
        CHECK(!"the gain centre loads");
        m = NULL;
    }
    dp_diags_free(d);
    return m;
}

/* Generates the centre and names, from its model, a child and section for
 * rule.pin and rule.forbid, the first activity for rule.reserve (all but
 * two of its places kept for children with priority), and four children who
 * chose the most chosen activity for rule.apart. */
static void gain_setup(void)
{
    char cmd[1024], path[512];

    snprintf(gain_dir, sizeof gain_dir, "/tmp/dp_test_rules_gain_%ld", (long) getpid());
    snprintf(cmd, sizeof cmd,
             "python3 %s/../shared/tools/gen-instance --out %s --children 300 --seed 7 "
             "--candidates >/dev/null",
             DP_SOURCE_DIR, gain_dir);
    snprintf(path, sizeof path, "%s/centre.lua", gain_dir);
    if (system(cmd) != 0 || !(gain_base = slurp(path))) {
        fprintf(stderr, "cannot generate a centre: %s\n", cmd);
        CHECK(!"generated");
        gain_dir[0] = 0;
        return;
    }
    dp_model *m = load_gain();
    if (!m) {
        gain_dir[0] = 0;
        return;
    }
    dp_id pin = DP_NONE, forbid = DP_NONE, top = 0;
    uint32_t *chosen = calloc(m->n_activities + 1, sizeof *chosen);
    for (dp_id c = 0; c < m->n_children; c++) {
        const dp_child *ch = &m->children[c];
        if (ch->n_choices == 0 || m->activities[m->choices[ch->choice0].activity].n_sections < 2)
            continue;
        if (pin == DP_NONE)
            pin = c;
        else if (forbid == DP_NONE)
            forbid = c;
    }
    for (dp_id q = 0; chosen && q < m->n_choices; q++)
        if (++chosen[m->choices[q].activity] > chosen[top])
            top = m->choices[q].activity;
    CHECK(pin != DP_NONE && forbid != DP_NONE && chosen);
    if (pin != DP_NONE && forbid != DP_NONE && chosen) {
        const dp_activity *pa = &m->activities[m->choices[m->children[pin].choice0].activity];
        const dp_activity *fa = &m->activities[m->choices[m->children[forbid].choice0].activity];
        const dp_activity *a0 = &m->activities[0];
        int32_t cap = 0;
        for (dp_id sec = a0->section0; sec < a0->section0 + a0->n_sections; sec++)
            cap += (int32_t) m->sections[sec].max_size;
        gain_pin_child = pin;
        gain_pin_choice = m->children[pin].choice0;
        gain_pin_section = pa->section0 + 1;
        snprintf(gain_pin, sizeof gain_pin,
                 "rule.pin{name = 'pn', child = '%s', section = '%s', "
                 "weight = 29}\n",
                 m->children[pin].id, m->sections[gain_pin_section].id);
        int n = snprintf(gain_more, sizeof gain_more,
                         "rule.forbid{name = 'fb', child = '%s', section = '%s', weight = 31}\n"
                         "rule.reserve{name = 'rs', activity = '%s', places = %d, min_priority = "
                         "1, weight = 7}\n"
                         "rule.apart{name = 'ap', weight = 60, children = {",
                         m->children[forbid].id, m->sections[fa->section0].id, a0->id,
                         cap > 2 ? cap - 2 : 1);
        for (dp_id q = 0, k = 0; q < m->n_choices && k < 4 && n > 0; q++)
            if (m->choices[q].activity == top && (size_t) n < sizeof gain_more)
                n += snprintf(gain_more + n, sizeof gain_more - (size_t) n, "%s'%s'",
                              k++ ? ", " : "", m->children[m->choices[q].child].id);
        if (n > 0 && (size_t) n < sizeof gain_more)
            snprintf(gain_more + n, sizeof gain_more - (size_t) n, "}}\n");
    }
    free(chosen);
    dp_model_free(m);
}

/* Every declarative kind, weighted (a hard rule too: its HARD_STEER points
 * are part of the score); gain_pin and gain_more follow. */
static const char gain_rules[] =
    "rule.not_after{name = 'na', groups = {1, 2, 3}, time = '16:15', weight = 6}\n"
    "rule.not_before{name = 'nb', time = '15:00', days = {'wed', 'fri'}, weight = 3}\n"
    "rule.max_activities{name = 'ma', max = 1, per = 'day', weight = 50}\n"
    "rule.max_activities{name = 'maw', max = 2, weight = 8}\n"
    "rule.max_minutes{name = 'mm', max = 100, weight = 2}\n"
    "rule.max_minutes{name = 'mmd', max = 60, per = 'day', days = {'tue'}, weight = 4}\n"
    "rule.theme_once{name = 'to', weight = 30}\n"
    "rule.at_least_one{name = 'al', min_priority = 1, themes = {'taal', 'lezen', 'sport'}, "
    "weight = 40}\n"
    "rule.at_least_one{name = 'alh', min_priority = 3, themes = {'sport'}, hard = true}\n"
    "rule.siblings{name = 'ss', weight = 20}\n"
    "rule.siblings{name = 'sd', together = 'day', weight = 5}\n"
    "rule.mix{name = 'mx', by = 'neighbourhood', max_share = 0.6, weight = 10}\n"
    "rule.mix{name = 'mp', by = 'priority', weight = 4}\n"
    "rule.only_for{name = 'of', themes = {'sport'}, groups = {5, 6, 7, 8}, weight = 9}\n";

typedef struct gain_stats {
    unsigned moves;   /* moves judged */
    unsigned zero;    /* gain 0 while the schedule holds points */
    unsigned gains;   /* delta's score > 0 */
    unsigned tight;   /* ... and gain equal to it */
    unsigned unknown; /* gain GAIN_UNKNOWN */
    unsigned known;   /* a finite gain */
} gain_stats;

/* What run_gain expects of every move's gain g (s is delta's score). */
enum { GAIN_BOUND, GAIN_WATCHED, GAIN_CUSTOM_GROUPS_1_2, GAIN_ALWAYS_UNKNOWN };

/* Whether the move lists a child of school group 1 or 2. */
static bool move_has_group_1_2(const dp_model *m, const dp_move *mv)
{
    for (uint32_t i = 0; i < mv->n_children; i++)
        if (m->children[mv->children[i].child].group == 1 ||
            m->children[mv->children[i].child].group == 2)
            return true;
    return false;
}

/* Random moves (agg_move; the strict capacity plugin keeps sections within
 * their size) on the gain centre with script's rules, about half of them
 * committed, with rollbacks: for every move the engine digests, gain() must
 * be at least delta()'s score and, as `expect` says, 0 or GAIN_UNKNOWN, or
 * for declarative rules no more than the points the schedule holds. */
static gain_stats run_gain(const char *title, const char *script, int expect, unsigned steps)
{
    const dp_plugin *list[] = {&dp_plugin_capacity, &dp_plugin_rules, NULL};
    gain_stats gs = {0};
    dp_engine e;
    dp_error err = {0};

    if (!gain_dir[0])
        return gs;
    write_gain_script(script);
    dp_model *m = load_gain();
    if (!m || dp__engine_init(&e, m, list, 0, &err) != DP_OK) {
        CHECK(!"engine");
        dp_model_free(m);
        return gs;
    }
    for (unsigned step = 0; step < steps; step++) {
        int64_t value, held = -e.term[DP_TERM_RULES];
        uint32_t mark = step % 500 == 0 ? dp__engine_mark(&e) : 0;
        agg_move(&e);
        bool ok = dp__mv_eval(&e, &value); /* digests the move */
        if (!e.mv_digested)
            continue;
        dp_delta d;
        int64_t g = dp_plugin_rules.gain(e.pstate[1], &e.view, &e.mv);
        dp_plugin_rules.delta(e.pstate[1], &e.view, &e.mv, &d);
        gs.moves++;
        gs.unknown += g == GAIN_UNKNOWN;
        gs.known += g != GAIN_UNKNOWN;
        gs.zero += g == 0 && held > 0;
        gs.gains += d.score > 0;
        gs.tight += d.score > 0 && g == d.score;
        bool good = g >= d.score;
        if (expect == GAIN_BOUND)
            good = good && g <= held;
        else if (expect == GAIN_WATCHED)
            good = good && g == 0;
        else if (expect == GAIN_CUSTOM_GROUPS_1_2)
            good = good && (g == GAIN_UNKNOWN) == move_has_group_1_2(m, &e.mv);
        else
            good = good && g == GAIN_UNKNOWN;
        if (!good) {
            fprintf(stderr, "%s: step %u: gain %lld, delta's score %lld, points held %lld\n", title,
                    step, (long long) g, (long long) d.score, (long long) held);
            CHECK(!"gain() as expected");
            break;
        }
        if (ok && harness_rand(2))
            dp__mv_commit(&e);
        if (step % 500 == 250) /* the commits since the mark, rolled back */
            CHECK(dp__engine_rollback(&e, mark));
        else if (step % 500 == 0)
            dp__engine_keep(&e);
    }
    if (dp__engine_verify(&e) != NULL) {
        fprintf(stderr, "%s: the running totals disagree with full()\n", title);
        CHECK(!"dp__engine_verify");
    }
    if (!dp__rules_points_ok(e.pstate[1])) {
        fprintf(stderr, "%s: the points kept for gain() disagree with the values\n", title);
        CHECK(!"dp__rules_points_ok");
    }
    printf("  %s: %u moves, gain 0 with points held %u, known %u, unknown %u, %u gains (%u "
           "equal to the bound), points held at the end %lld\n",
           title, gs.moves, gs.zero, gs.known, gs.unknown, gs.gains, gs.tight,
           (long long) -e.term[DP_TERM_RULES]);
    dp__engine_release(&e);
    dp_model_free(m);
    return gs;
}

static void test_gain(void)
{
    char script[4096];
    gain_stats gs;

    gain_setup();
    if (!gain_dir[0])
        return;
    /* All declarative kinds at once. */
    snprintf(script, sizeof script, "%s%s%s", gain_rules, gain_pin, gain_more);
    gs = run_gain("declarative", script, GAIN_BOUND, 6000);
    CHECK(gs.moves > 4000 && gs.unknown == 0 && gs.zero > 150 && gs.gains > 200 && gs.tight > 3);
    /* Each kind alone: the bound holds, and moves that touch no scope
     * holding points gain 0 (so a bound that is always large fails). */
    const char *rules[64];
    size_t n = 0;
    static char lines[sizeof gain_rules + sizeof gain_pin + sizeof gain_more];
    snprintf(lines, sizeof lines, "%s%s%s", gain_rules, gain_pin, gain_more);
    for (char *p = lines; *p && n < 64;) {
        rules[n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = 0;
        p = nl + 1;
    }
    for (size_t i = 0; i < n; i++) {
        char title[64];
        snprintf(script, sizeof script, "%s\n", rules[i]);
        snprintf(title, sizeof title, "alone: %.40s", rules[i]);
        gs = run_gain(title, script, GAIN_BOUND, 1500);
        CHECK(gs.moves > 1000 && gs.unknown == 0 && gs.zero > 0);
    }
    /* The pinned child granted its section: its whole points come back. */
    write_gain_script(gain_pin);
    dp_model *m = load_gain();
    const dp_plugin *list[] = {&dp_plugin_rules, NULL};
    dp_engine e;
    dp_error err = {0};
    if (m && dp__engine_init(&e, m, list, 0, &err) == DP_OK) {
        int64_t value;
        dp__mv_begin(&e);
        dp__mv_assign(&e, gain_pin_choice, gain_pin_section);
        CHECK(dp__mv_eval(&e, &value) && value == 29);
        CHECK(dp_plugin_rules.gain(e.pstate[0], &e.view, &e.mv) == 29);
        dp__mv_commit(&e);
        dp__mv_begin(&e); /* then nothing is left to gain there */
        dp__mv_assign(&e, gain_pin_choice, gain_pin_section - 1);
        CHECK(dp__mv_eval(&e, &value) && value == -29);
        CHECK(dp_plugin_rules.gain(e.pstate[0], &e.view, &e.mv) == 0);
        dp__engine_release(&e);
    } else {
        CHECK(!"engine");
    }
    dp_model_free(m);
    (void) gain_pin_child;

    /* Watched rules (weight 0) give nothing back: 0 without looking. */
    static char watched[sizeof script];
    size_t k = 0;
    snprintf(script, sizeof script, "%s%s%s", gain_rules, gain_pin, gain_more);
    for (const char *p = script; *p && k + 16 < sizeof watched; p++) {
        bool weight = strncmp(p, "weight = ", 9) == 0, hard = strncmp(p, "hard = true", 11) == 0;
        if (!weight && !hard) {
            watched[k++] = *p;
            continue;
        }
        k += (size_t) snprintf(watched + k, sizeof watched - k, "weight = 0");
        p += weight ? 9 : 11;
        while (weight && *p >= '0' && *p <= '9')
            p++;
        p--;
    }
    watched[k] = 0;
    gs = run_gain("watched", watched, GAIN_WATCHED, 1500);
    CHECK(gs.moves > 1000 && gs.known == gs.moves);

    /* A custom rule for groups 1 and 2: a move that may call it is always
     * evaluated (a check that draws math.random would draw the same numbers
     * with and without gain()), the others are bounded. */
    snprintf(script, sizeof script,
             "%srule.custom{name = 'cg', scope = 'child', groups = {1, 2}, weight = 5,\n"
             "  check = function(ctx) return ctx.n end}\n",
             gain_rules);
    gs = run_gain("custom child rule", script, GAIN_CUSTOM_GROUPS_1_2, 3000);
    CHECK(gs.unknown > 100 && gs.known > 1000 && gs.zero > 100);
    /* A custom section rule may look at every move. */
    snprintf(script, sizeof script,
             "%srule.custom{name = 'cs', scope = 'section', weight = 5,\n"
             "  check = function(ctx) return ctx.size %% 2 end}\n",
             gain_rules);
    gs = run_gain("custom section rule", script, GAIN_ALWAYS_UNKNOWN, 1000);
    CHECK(gs.moves > 500 && gs.known == 0);
}

/* A custom rule that fails while judging a move: gain() neither crashes
 * nor hides it; once the rules failed, every move is evaluated (and
 * refused) and dp_rules_status reports the rule's error. */
static void test_gain_failure(void)
{
    const dp_plugin *list[] = {&dp_plugin_capacity, &dp_plugin_rules, NULL};
    char script[4096];
    dp_engine e;
    dp_error err = {0};
    unsigned before = 0, after = 0, bounded = 0;

    if (!gain_dir[0])
        return;
    snprintf(script, sizeof script,
             "%srule.custom{name = 'kapot', scope = 'child', groups = {5}, weight = 1,\n"
             "  check = function(ctx) if ctx.n >= 2 then error('twee is te veel') end "
             "return 0 end}\n",
             gain_rules);
    write_gain_script(script);
    dp_model *m = load_gain();
    if (!m || dp__engine_init(&e, m, list, 0, &err) != DP_OK) {
        CHECK(!"engine");
        dp_model_free(m);
        return;
    }
    for (unsigned step = 0; step < 3000; step++) {
        int64_t value;
        bool failed = dp_rules_status(m, &err) != DP_OK;
        agg_move(&e);
        bool ok = dp__mv_eval(&e, &value);
        if (!e.mv_digested)
            continue;
        int64_t g = dp_plugin_rules.gain(e.pstate[1], &e.view, &e.mv);
        dp_delta d;
        dp_plugin_rules.delta(e.pstate[1], &e.view, &e.mv, &d);
        CHECK(g >= d.score);
        if (failed) {
            CHECK(g == GAIN_UNKNOWN && d.hard >= 1000000 && !ok);
            after++;
        } else {
            before++;
            bounded += g != GAIN_UNKNOWN;
        }
        if (ok)
            dp__mv_commit(&e);
    }
    printf("  %u moves before the rule failed (%u bounded), %u after\n", before, bounded, after);
    CHECK(before > 10 && bounded > 0 && after > 100);
    CHECK(dp_rules_status(m, &err) == DP_ERULE);
    CHECK(strstr(err.msg, "twee is te veel") != NULL && strstr(err.msg, "'kapot'") != NULL);
    dp__engine_release(&e);
    dp_model_free(m);
}

/* The rules term of tiny with the given gitaar players (child ids) in
 * gitaar-a, from full() after the moves and from the deltas; both must agree. */
static int64_t gitaar_mix(const dp_model *m, const char *const *kids, size_t n)
{
    const dp_plugin *list[] = {&dp_plugin_rules, NULL};
    dp_engine e;
    dp_error err = {0};
    dp_delta d = {0, 0};
    dp_id sec = dp_model_find(m, DP_KIND_SECTION, "gitaar-a", 8);
    dp_id act = m->sections[sec].activity;

    CHECK(dp__engine_init(&e, m, list, 0, &err) == DP_OK);
    for (size_t i = 0; i < n; i++) {
        dp_id c = dp_model_find(m, DP_KIND_CHILD, kids[i], strlen(kids[i]));
        int64_t value;
        for (uint32_t q = m->children[c].choice0;
             q < m->children[c].choice0 + m->children[c].n_choices; q++) {
            if (m->choices[q].activity != act)
                continue;
            dp__mv_begin(&e);
            CHECK(dp__mv_assign(&e, q, sec) == 0);
            CHECK(dp__mv_eval(&e, &value));
            dp__mv_commit(&e);
        }
    }
    dp_plugin_rules.full(e.pstate[0], &e.view, &d);
    CHECK(d.score == e.term[DP_TERM_RULES]);
    dp__engine_release(&e);
    return -d.score;
}

static void test_mix_pool(void)
{
    static const char *const heechterp[] = {"c02", "c09", "c12"};
    static const char *const all4[] = {"c02", "c09", "c12", "c03"};
    char path[300], cmd[2000];
    dp_diags *d = dp_diags_new();

    /* Gitaar's pool: c02, c09, c12 from Heechterp and c03 from Aldlan (all
     * four chose gitaar and can attend gitaar-a). */
    write_script("rule.mix{name = \"m\", by = \"neighbourhood\", activities = \"gitaar\", "
                 "max_share = 0.5, weight = 1}\n");
    dp_model *m = load(d);
    CHECK(m != NULL);
    if (m) {
        /* Three from Heechterp: the pool allows two (one from Aldlan), so one
         * unit; floor(3 x 0.5) = 1 alone would give two. */
        CHECK(gitaar_mix(m, heechterp, 3) == 1);
        /* With c03 as well: three of four is the best the pool allows. */
        CHECK(gitaar_mix(m, all4, 4) == 0);
        dp_model_free(m);
    }
    /* A pool from one neighbourhood only: no penalty at all. */
    snprintf(path, sizeof path, "%s/children.csv", dir);
    snprintf(cmd, sizeof cmd,
             "cp %s %s.orig && sed -i 's/^c03,\\(.*\\),Aldlân,/c03,\\1,Heechterp,/' %s", path, path,
             path);
    CHECK(system(cmd) == 0);
    m = load(d);
    CHECK(m != NULL);
    if (m) {
        dp_id c03 = dp_model_find(m, DP_KIND_CHILD, "c03", 3);
        CHECK(strcmp(m->neighbourhoods.name[m->children[c03].neighbourhood], "Heechterp") == 0);
        CHECK(gitaar_mix(m, heechterp, 3) == 0);
        CHECK(gitaar_mix(m, all4, 4) == 0);
        dp_model_free(m);
    }
    snprintf(cmd, sizeof cmd, "mv %s.orig %s", path, path);
    CHECK(system(cmd) == 0);
    dp_diags_free(d);
}

static void test_meta_file(void)
{
    static const char *const kinds[] = {
        "max_activities", "max_minutes",  "not_before", "not_after", "reserve", "siblings",
        "theme_once",     "at_least_one", "only_for",   "apart",     "pin",     "mix",
        "custom"};
    FILE *f = fopen(DP_SOURCE_DIR "/scripts/lua/dagplan.lua", "rb");
    char *buf = malloc(1 << 16);
    size_t n = 0;
    char want[64];

    CHECK(f != NULL && buf != NULL);
    if (!f || !buf) {
        free(buf);
        if (f)
            fclose(f);
        return;
    }
    n = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    buf[n] = 0;
    CHECK(strncmp(buf, "---@meta", 8) == 0);
    lua_State *L = luaL_newstate();
    CHECK(luaL_loadbufferx(L, buf, n, "=dagplan.lua", "t") == LUA_OK);
    lua_close(L);
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        CHECK_STR(dp__rule_kind_name((dp_rule_kind) i), kinds[i]);
        snprintf(want, sizeof want, "function rule.%s(r) end", kinds[i]);
        CHECK(strstr(buf, want) != NULL);
    }
    free(buf);
}

int main(void)
{
    setup();
    RUN(test_compile);
    RUN(test_reference_date);
    RUN(test_solve);
    RUN(test_reload);
    RUN(test_closed_after_load);
    RUN(test_random_seed);
    RUN(test_clone);
    RUN(test_mix_pool);
    RUN(test_aggregates);
    RUN(test_aggregates_wide);
    RUN(test_gain);
    RUN(test_gain_failure);
    RUN(test_meta_file);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s%s%s", dir, gain_dir[0] ? " " : "", gain_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    free(gain_base);
    return harness_report();
}
