/* tests/unit/test_plugins.c - every built-in plugin's delta() against full():
 * on random move sequences (grant, revoke, move to another section, swap,
 * compound moves, session-time changes, grants that break eligibility), the
 * change a move's delta announces must equal full(after) - full(before), in
 * hard violations and in score, and the running totals must equal full() at
 * the end. A plugin with gain() must never bound a move's score below its
 * delta's.
 *
 * Each plugin runs in an engine (core/solve/engine.h) of its own, relaxed so
 * that it never refuses a move (its violations are then also exercised),
 * together with the strict capacity plugin, which keeps sections within their
 * max_size as the engine's member lists require. Models: tests/data/tiny (a
 * hand-made centre with a rota, candidate times, a capacity and a min_size
 * override) and a generated 300-child centre with candidate times and a tight
 * rota (the childcare ratio plugin). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dagplan/load.h"
#include "dagplan/plugin.h"
#include "dagplan/schedule.h"
#include "dagplan/time.h"
#include "harness.h"
#include "solve/engine.h"

#define N_MOVES 4000

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (uint32_t) (rng_state % n) : 0;
}

static dp_model *load(const char *dir)
{
    dp_diags *d = dp_diags_new();
    dp_model *m = NULL;
    dp_error err = {0};

    if (dp_load_centre(dir, d, &m, &err) != DP_OK) {
        dp_diags_print(d, stderr);
        m = NULL;
    }
    dp_diags_free(d);
    return m;
}

/* Whether moves keep grants eligible (a section of the choice's activity):
 * for the rules plugin, whose index relies on the strict eligibility
 * constraint (plugins/rules/rules.c, child_can_change). */
static bool eligible_only;

/* A random section for choice q: usually of its activity, sometimes none,
 * rarely any section at all (an eligibility violation). */
static dp_id random_section(const dp_model *m, dp_id q)
{
    const dp_activity *a = &m->activities[m->choices[q].activity];
    uint32_t r = rnd(100);

    if (r < 20)
        return DP_NONE;
    if (r < 25 && !eligible_only)
        return rnd(m->n_sections);
    return a->section0 + rnd(a->n_sections);
}

static bool has_room(const dp_engine *e, dp_id s)
{
    return s == DP_NONE || e->section_count[s] < e->m->sections[s].max_size;
}

/* Swaps the sections of two granted choices of one activity, the one going
 * into a section with room first (the engine commits in that order). */
static void build_swap(dp_engine *e)
{
    const dp_model *m = e->m;
    dp_id a = rnd(m->n_choices), b = DP_NONE;

    for (uint32_t t = 0; t < 50 && b == DP_NONE; t++) {
        dp_id c = rnd(m->n_choices);
        if (c != a && m->choices[c].activity == m->choices[a].activity &&
            e->choice_section[c] != e->choice_section[a])
            b = c;
    }
    if (b == DP_NONE)
        return;
    dp_id sa = e->choice_section[a], sb = e->choice_section[b];
    if (has_room(e, sb)) {
        dp__mv_assign(e, a, sb);
        dp__mv_assign(e, b, sa);
    } else if (has_room(e, sa)) {
        dp__mv_assign(e, b, sa);
        dp__mv_assign(e, a, sb);
    }
}

static void build_slot(dp_engine *e)
{
    const dp_model *m = e->m;
    dp_id k = rnd(m->n_sessions);

    for (uint32_t t = 0; t < 20 && m->sessions[k].n_slots < 2; t++)
        k = rnd(m->n_sessions);
    const dp_session *ks = &m->sessions[k];
    dp__mv_slot(e, k, ks->slot0 + rnd(ks->n_slots), true);
    if (rnd(2)) { /* and a grant in the same move */
        dp_id q = rnd(m->n_choices);
        dp__mv_assign(e, q, random_section(m, q));
    }
}

static void build_move(dp_engine *e)
{
    const dp_model *m = e->m;
    uint32_t kind = rnd(10);

    dp__mv_begin(e);
    if (kind < 5) {
        dp_id q = rnd(m->n_choices);
        dp__mv_assign(e, q, random_section(m, q));
    } else if (kind < 7) {
        build_swap(e);
    } else if (kind < 9) {
        build_slot(e);
    } else { /* a compound move: several grants of one child or of anyone */
        dp_id c = m->choices[rnd(m->n_choices)].child;
        const dp_child *ch = &m->children[c];
        for (uint32_t i = 0; i < ch->n_choices; i++)
            dp__mv_assign(e, ch->choice0 + i, random_section(m, ch->choice0 + i));
    }
}

/* Whether the engine can commit the pending grants in their order without a
 * section going over max_size in between (dp__mv_commit moves one choice at a
 * time; see test_swap_full_sections for the case it gets wrong). */
static bool commit_order_safe(const dp_engine *e, int64_t *count)
{
    bool safe = true;

    for (uint32_t j = 0; j < e->n_pend; j++) {
        dp_id from = e->choice_section[e->pend[j].choice], to = e->pend[j].section;
        if (from == to)
            continue;
        if (from != DP_NONE)
            count[from]--;
        if (to != DP_NONE && ++count[to] > e->m->sections[to].max_size)
            safe = false;
    }
    for (uint32_t j = 0; j < e->n_pend; j++) { /* restore */
        dp_id from = e->choice_section[e->pend[j].choice], to = e->pend[j].section;
        if (from != DP_NONE)
            count[from] = e->section_count[from];
        if (to != DP_NONE)
            count[to] = e->section_count[to];
    }
    return safe;
}

/* Runs N_MOVES random moves with plugin p; returns the moves checked and in
 *changed those whose delta was not zero. */
static unsigned exercise(const dp_model *m, const dp_plugin *p, unsigned *changed)
{
    const dp_plugin *list[3] = {p, &dp_plugin_capacity, NULL};
    int64_t *count = calloc((size_t) m->n_sections + 1, sizeof *count);
    dp_engine e;
    dp_error err = {0};
    unsigned checked = 0;

    if (p == &dp_plugin_capacity)
        list[1] = NULL;
    eligible_only = p == &dp_plugin_rules;
    CHECK(dp__engine_init(&e, m, list, 0, &err) == DP_OK);
    dp__engine_relax(&e, 0, 1);
    for (unsigned i = 0; i < N_MOVES; i++) {
        dp_delta before, after, d;
        int64_t value;
        build_move(&e);
        p->full(e.pstate[0], &e.view, &before);
        if (!commit_order_safe(&e, count) || !dp__mv_eval(&e, &value))
            continue; /* over a section's max_size: not committed */
        p->delta(e.pstate[0], &e.view, &e.mv, &d);
        CHECK(d.hard == e.mv_hard[0]);
        /* gain() bounds the score from above (dagplan/plugin.h). */
        if (p->gain && p->gain(e.pstate[0], &e.view, &e.mv) < d.score) {
            fprintf(stderr, "%s: move %u: gain %lld below delta's score %lld\n", p->name, i,
                    (long long) p->gain(e.pstate[0], &e.view, &e.mv), (long long) d.score);
            CHECK(!"gain >= delta's score");
            break;
        }
        /* An idle plugin is never asked (dagplan/plugin.h): its answer must
         * be that nothing changes. */
        if (p->idle && p->idle(e.pstate[0], &e.view))
            CHECK(d.hard == 0 && d.score == 0);
        dp__mv_commit(&e);
        p->full(e.pstate[0], &e.view, &after);
        if (after.hard - before.hard != d.hard || after.score - before.score != d.score) {
            fprintf(stderr,
                    "%s: move %u: delta (%lld, %lld), full went (%lld, %lld) -> (%lld, %lld)\n",
                    p->name, i, (long long) d.hard, (long long) d.score, (long long) before.hard,
                    (long long) before.score, (long long) after.hard, (long long) after.score);
            CHECK(!"delta == full(after) - full(before)");
            break;
        }
        checked++;
        *changed += d.hard != 0 || d.score != 0;
    }
    CHECK(dp__engine_verify(&e) == NULL);
    dp__engine_release(&e);
    free(count);
    return checked;
}

static void exercise_all(const dp_model *m, const char *what)
{
    for (size_t i = 0; dp_builtin_plugins[i]; i++) {
        unsigned changed = 0, n = exercise(m, dp_builtin_plugins[i], &changed);
        printf("  %-16s %s: %u moves checked, %u of them changed its totals\n",
               dp_builtin_plugins[i]->name, what, n, changed);
        CHECK(n > N_MOVES / 4);
        if (strcmp(what, "generated") == 0) /* tiny is too small for some */
            CHECK(changed > 0);
    }
}

static void test_tiny(void)
{
    dp_model *m = load(DP_TEST_DATA "/tiny");

    CHECK(m != NULL);
    if (m)
        exercise_all(m, "tiny");
    dp_model_free(m);
}

/* Local rules of every kind (docs/rules.md), so that the rules plugin has
 * something to do on the generated centre; the pin names the first wish of
 * the first child with one. */
static const char rules_lua[] =
    "rule.not_after{name = 'na', groups = {1, 2, 3}, time = '16:15', hard = true}\n"
    "rule.not_before{name = 'nb', time = '15:00', days = {'wed', 'fri'}, weight = 3}\n"
    "rule.max_activities{name = 'ma', max = 1, per = 'day', weight = 50}\n"
    "rule.max_minutes{name = 'mm', max = 100, weight = 2}\n"
    "rule.max_minutes{name = 'mmd', max = 60, per = 'day', hard = true, days = {'tue'}}\n"
    "rule.theme_once{name = 'to', weight = 30}\n"
    "rule.at_least_one{name = 'al', min_priority = 1, themes = {'taal', 'lezen', 'sport'}, "
    "weight = 40}\n"
    "rule.siblings{name = 'ss', weight = 20}\n"
    "rule.siblings{name = 'sd', together = 'day', weight = 5}\n"
    "rule.mix{name = 'mx', by = 'neighbourhood', max_share = 0.6, weight = 10}\n"
    "rule.mix{name = 'mp', by = 'priority', weight = 4}\n"
    "rule.only_for{name = 'of', themes = {'sport'}, groups = {5, 6, 7, 8}, weight = 9}\n"
    "rule.apart{name = 'ap', children = {'c0001', 'c0002', 'c0003', 'c0004'}, weight = 60}\n"
    "rule.custom{name = 'cc', scope = 'child', weight = 7, check = function(ctx)\n"
    "  local p = 0\n"
    "  if ctx.n >= 2 then p = p + 1 end\n"
    "  if ctx:sessions_on('tue') > 1 then p = p + 2 end\n"
    "  if ctx:has_theme('sport') and ctx.priority > 0 then p = p + 1 end\n"
    "  return p\n"
    "end}\n"
    "rule.custom{name = 'cs', scope = 'section', weight = 3, check = function(ctx)\n"
    "  if ctx.size > 0 and ctx:day(1) == 'wed' then return ctx:count('priority', 0) end\n"
    "  return 0\n"
    "end}\n";

static dp_model *load(const char *dir);

static void add_rules(const char *dir)
{
    char path[512];
    dp_model *m = load(dir);
    FILE *f;

    snprintf(path, sizeof path, "%s/centre.lua", dir);
    f = fopen(path, "a");
    CHECK(f != NULL && m != NULL);
    if (!f || !m) {
        if (f)
            fclose(f);
        dp_model_free(m);
        return;
    }
    fputs(rules_lua, f);
    for (dp_id c = 0; c < m->n_children; c++) {
        if (m->children[c].n_choices == 0)
            continue;
        const dp_activity *a = &m->activities[m->choices[m->children[c].choice0].activity];
        if (a->n_sections)
            fprintf(f, "rule.pin{name = 'pn', child = '%s', section = '%s', hard = true}\n",
                    m->children[c].id, m->sections[a->section0].id);
        break;
    }
    fprintf(f,
            "rule.reserve{name = 'rs', activity = '%s', places = 2, min_priority = 1, hard = "
            "true}\n",
            m->activities[0].id);
    fclose(f);
    dp_model_free(m);
}

static char gen_dir[256]; /* the generated centre, "" when generation failed */

static void generate(void)
{
    char cmd[1024];

    snprintf(gen_dir, sizeof gen_dir, "/tmp/dp_test_plugins_%ld", (long) getpid());
    snprintf(cmd, sizeof cmd,
             "python3 %s/../shared/tools/gen-instance --out %s --children 300 --seed 7 "
             "--candidates --rota tight >/dev/null",
             DP_SOURCE_DIR, gen_dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot generate a centre: %s\n", cmd);
        gen_dir[0] = 0;
        return;
    }
    add_rules(gen_dir);
}

/* Issue 8 on the generated model: the first section of every third activity
 * is a camp under way in 2027-W11 (2027-03-08..2027-03-19), of every fifth
 * one a dated section that does not meet this week (its sessions gone), and
 * every fourth activity has an overnight stay. */
static dp_date_range summer_ranges[2] = {{0, 0}, {0, 0}};

static void add_summer_state(dp_model *m)
{
    int32_t monday = dp_isoweek_monday(2027, 11);

    summer_ranges[0] = (dp_date_range){monday - 7, monday + 4};
    summer_ranges[1] = (dp_date_range){monday + 14, monday + 18};
    m->date_ranges = summer_ranges;
    m->n_date_ranges = 2;
    for (dp_id a = 0; a < m->n_activities; a++) {
        dp_activity *act = &m->activities[a];
        act->overnight = a % 4 == 1;
        if (act->n_sections == 0)
            continue;
        dp_section *s = &m->sections[act->section0];
        if (a % 3 == 0) {
            s->range0 = 0;
            s->n_ranges = 1;
        } else if (a % 5 == 2) {
            s->range0 = 1;
            s->n_ranges = 1;
            s->n_sessions = 0;
        }
    }
    CHECK(dp_model_section_underway(m, m->activities[0].section0));
}

/* Gives the generated model what the week plugins (pins, series, stability;
 * issue 7) act on: a baseline (every third choice in its activity's first
 * section), pins and forbids, and a series under way in its second week. */
static dp_pin week_pins[8];

static void add_week_state(dp_model *m)
{
    dp_sched_assignment *as = calloc((size_t) m->n_choices + 1, sizeof *as);
    dp_schedule base = {.centre = m->centre.id, .week = "2027-W11"};
    dp_error err = {0};
    uint32_t n_pins = 0;

    if (!as)
        return;
    for (dp_id ch = 0; ch < m->n_choices; ch++) {
        const dp_choice *c = &m->choices[ch];
        const dp_activity *a = &m->activities[c->activity];
        if (a->n_sections == 0)
            continue;
        if (ch % 3 == 0)
            as[base.n_assignments++] = (dp_sched_assignment){m->children[c->child].id, a->id,
                                                             m->sections[a->section0].id, c->rank};
        if (ch % 97 == 1 && n_pins < 8) {
            week_pins[n_pins] =
                (dp_pin){c->child, a->section0, ch, n_pins % 2 == 1, "", 2 + n_pins};
            n_pins++;
        }
    }
    base.assignments = as;
    m->pins = week_pins;
    m->n_pins = n_pins;
    m->activities[m->choices[0].activity].series_weeks = 3;
    m->activities[m->choices[0].activity].series_start = dp_isoweek_monday(2027, 10);
    CHECK(dp_model_set_baseline(m, 2027, 11, &base, &err) == DP_OK);
    CHECK(m->baseline.locked != NULL);
    free(as);
    add_summer_state(m);
}

static void test_generated(void)
{
    dp_model *m = gen_dir[0] ? load(gen_dir) : NULL;

    CHECK(m != NULL);
    if (m) {
        add_week_state(m);
        exercise_all(m, "generated");
    }
    dp_model_free(m);
}

/* The engine's member lists after swapping two children between two full
 * sections in one move: each section's members must be exactly the choices
 * granted in it (the sections after them full too, so that a write past a
 * section's end would show). */
static void test_swap_full_sections(void)
{
    dp_model *m = gen_dir[0] ? load(gen_dir) : NULL;
    const dp_plugin *none[] = {NULL};
    dp_engine e;
    dp_error err = {0};
    int64_t v;
    dp_id q = 0;

    CHECK(m != NULL && m->n_sections >= 3);
    if (!m || m->n_sections < 3)
        goto done;
    CHECK(dp__engine_init(&e, m, none, 0, &err) == DP_OK);
    for (dp_id s = 0; s < 3; s++) /* fill sections 0, 1, 2 (no plugin objects) */
        for (uint32_t i = 0; i < m->sections[s].max_size && q < m->n_choices; i++) {
            dp__mv_begin(&e);
            dp__mv_assign(&e, q++, s);
            CHECK(dp__mv_eval(&e, &v));
            dp__mv_commit(&e);
        }
    dp_id a = e.members[e.member0[0]], b = e.members[e.member0[1]];
    dp__mv_begin(&e);
    dp__mv_assign(&e, a, 1);
    dp__mv_assign(&e, b, 0);
    CHECK(dp__mv_eval(&e, &v));
    dp__mv_commit(&e);
    for (dp_id s = 0; s < m->n_sections; s++)
        for (uint32_t i = 0; i < e.section_count[s]; i++)
            CHECK(e.choice_section[e.members[e.member0[s] + i]] == s);
    dp__engine_release(&e);
done:
    dp_model_free(m);
}

/* dp__mv_judge against dp__mv_eval, every built-in plugin together (min_size
 * relaxed, as in the search), on random moves and floors around 0: DP_MV_OK
 * exactly when the move is feasible and worth the floor, with the same
 * value; with feasibility first, DP_MV_BELOW only for a feasible move; and a
 * move judged below the floor commits correctly (the engine asks the skipped
 * plugins first). Feasible moves are committed now and then, so that the
 * rules' penalties and the relaxed violations the bounds rest on change. */
static void test_judge(void)
{
    dp_model *m = gen_dir[0] ? load(gen_dir) : NULL;
    int64_t *count = m ? calloc((size_t) m->n_sections + 1, sizeof *count) : NULL;
    unsigned n_ok = 0, n_below = 0, n_refused = 0;
    dp_engine e;
    dp_error err = {0};

    CHECK(m != NULL && count != NULL);
    if (!m || !count)
        goto done;
    add_week_state(m);
    eligible_only = true; /* the rules plugin is among them */
    CHECK(dp__engine_init(&e, m, dp_builtin_plugins, 0, &err) == DP_OK);
    for (uint32_t i = 0; i < e.n_plugins; i++)
        if (e.plugins[i] == &dp_plugin_min_size)
            dp__engine_relax(&e, i, 1);
    for (unsigned i = 0; i < N_MOVES; i++) {
        int64_t floor = (int64_t) rnd(400) - 300, v = 0, jv = 0;
        bool first = rnd(2) == 0;
        build_move(&e);
        if (!commit_order_safe(&e, count))
            continue;
        bool feasible = dp__mv_eval(&e, &v);
        dp_judgement j = dp__mv_judge(&e, floor, first, &jv);
        if (j == DP_MV_OK) {
            CHECK(feasible && jv == v && v >= floor);
            n_ok++;
        } else if (j == DP_MV_BELOW) {
            CHECK(first ? feasible && v < floor : !feasible || v < floor);
            n_below++;
        } else {
            CHECK(!feasible);
            n_refused++;
        }
        if (feasible && rnd(3) == 0)
            dp__mv_commit(&e); /* after a judgement below the floor too */
    }
    printf("  judged %u ok, %u below the floor, %u refused\n", n_ok, n_below, n_refused);
    CHECK(n_ok > 0 && n_below > 0 && n_refused > 0);
    CHECK(dp__engine_verify(&e) == NULL);
    dp__engine_release(&e);
done:
    eligible_only = false;
    free(count);
    dp_model_free(m);
}

/* dp__mv_judge asks the bounded plugins' gain() only when the value of the
 * others is below the floor (a bound is never negative, so above it cannot
 * matter), and skips their delta() when value plus bound stays below: two
 * stub plugins, one scoring a fixed 5 and one bounded (gain 10, score -3),
 * counting the calls. */
static unsigned n_gain_calls, n_bounded_deltas;

static void stub_score_delta(void *st, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    (void) st, (void) v, (void) mv;
    *out = (dp_delta){0, 5};
}

static void stub_bounded_delta(void *st, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    (void) st, (void) v, (void) mv;
    n_bounded_deltas++;
    *out = (dp_delta){0, -3};
}

static void stub_full(void *st, const dp_state_view *v, dp_delta *out)
{
    (void) st, (void) v;
    *out = (dp_delta){0, 0};
}

static int64_t stub_gain(void *st, const dp_state_view *v, const dp_move *mv)
{
    (void) st, (void) v, (void) mv;
    n_gain_calls++;
    return 10;
}

static void test_judge_gain_asked(void)
{
    static const dp_plugin scoring = {
        DP_PLUGIN_ABI, "stub-score", DP_TERM_RANK, NULL, NULL, stub_score_delta,
        NULL,          stub_full,    NULL,         0,    NULL, NULL};
    static const dp_plugin bounded = {
        DP_PLUGIN_ABI, "stub-bounded", DP_TERM_RULES, NULL, NULL, stub_bounded_delta,
        NULL,          stub_full,      NULL,          0,    NULL, stub_gain};
    static const dp_plugin *const plugins[] = {&scoring, &bounded, NULL};
    dp_model *m = load(DP_TEST_DATA "/tiny");
    dp_engine e;
    dp_error err = {0};
    int64_t v;

    static const struct {
        int64_t floor;
        dp_judgement want;
        unsigned gains, deltas; /* calls expected */
    } cases[] = {
        {2, DP_MV_OK, 0, 1},     /* 5 >= 2: no bound asked; 5 - 3 = 2 */
        {5, DP_MV_BELOW, 0, 1},  /* 5 >= 5: no bound asked; 2 < 5 */
        {12, DP_MV_BELOW, 1, 1}, /* 5 < 12 <= 5 + 10: asked, then evaluated */
        {16, DP_MV_BELOW, 1, 0}, /* 5 + 10 < 16: below on the bound alone */
    };

    CHECK(m != NULL);
    if (!m)
        return;
    CHECK(dp__engine_init(&e, m, plugins, 0, &err) == DP_OK);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        n_gain_calls = n_bounded_deltas = 0;
        dp__mv_begin(&e);
        dp__mv_assign(&e, 0, m->activities[m->choices[0].activity].section0);
        CHECK(dp__mv_judge(&e, cases[i].floor, false, &v) == cases[i].want);
        CHECK(n_gain_calls == cases[i].gains);
        CHECK(n_bounded_deltas == cases[i].deltas);
        if (cases[i].want == DP_MV_OK)
            CHECK(v == 2);
    }
    dp__engine_release(&e);
    dp_model_free(m);
}

int main(void)
{
    char cmd[300];
    int status;

    generate();
    RUN(test_tiny);
    RUN(test_generated);
    RUN(test_swap_full_sections);
    RUN(test_judge);
    RUN(test_judge_gain_asked);
    status = harness_report();
    if (gen_dir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf %s", gen_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", gen_dir);
    }
    return status;
}
