/* core/solve/warm.c - the start of a solve before construction (issue 7):
 * the planner's pins, the fixed participants of series under way, and the
 * warm-start schedule (usually the baseline: the current version of the same
 * week or of the week before).
 *
 * Pins and series participants are required: each is placed as one grant and
 * a grant that a hard rule refuses fails the solve with that rule's own
 * explanation at the planner's line, instead of being dropped silently. The
 * warm start is best effort: a grant that no longer fits (the child left, the
 * section was cancelled, a window changed) is skipped, and construction,
 * repair and the search fill in around what was kept, which is what makes a
 * re-solve after a small edit a local repair. min_size is relaxed here as in
 * construction; repair settles it afterwards. Kept apart from search.c so the
 * search itself does not change. */
#include <stdio.h>
#include <string.h>

#include "search.h"

/* Why the pending one-grant move (choice, section) was refused: the first
 * strict plugin whose violations it raises, in that plugin's words. */
static void refusal(dp_search *s, dp_id choice, dp_id section, char *buf, size_t len)
{
    dp_engine *e = &s->e;

    snprintf(buf, len, "it breaks a hard rule");
    for (uint32_t i = 0; i < e->n_plugins; i++) {
        const dp_plugin *p = e->plugins[i];
        dp_delta d;
        if (e->relax[i])
            continue;
        p->delta(e->pstate[i], &e->view, &e->mv, &d);
        if (d.hard <= 0)
            continue;
        if (!p->explain || !p->explain(e->pstate[i], &e->view, choice, section, buf, len))
            snprintf(buf, len, "it breaks the %s rule", p->name);
        return;
    }
}

/* Grants choice in section. Returns 1 when committed, 0 when refused (with
 * the reason in why when not NULL), -1 on OOM. */
static int place(dp_search *s, dp_id choice, dp_id section, char *why, size_t len)
{
    int64_t dv;

    if (s->e.choice_section[choice] == section)
        return 1;
    dp__mv_begin(&s->e);
    if (dp__mv_assign(&s->e, choice, section) != 0)
        return -1;
    if (dp__mv_eval(&s->e, &dv)) {
        dp__mv_commit(&s->e);
        return 1;
    }
    if (why)
        refusal(s, choice, section, why, len);
    return 0;
}

static dp_status place_pins(dp_search *s, dp_error *err)
{
    const dp_model *m = s->m;
    char why[320];

    for (uint32_t i = 0; i < m->n_pins; i++) {
        const dp_pin *p = &m->pins[i];
        if (p->forbid || p->choice == DP_NONE)
            continue;
        int r = place(s, p->choice, p->section, why, sizeof why);
        if (r < 0)
            return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory placing the pins");
        if (r == 0) {
            dp_loc at = {"pins.csv", p->line, 1};
            return DP_FAIL(err, DP_EINPUT, &at,
                           "pin of child '%s' in '%s' contradicts a hard rule: %s",
                           m->children[p->child].id, m->sections[p->section].id, why);
        }
    }
    return DP_OK;
}

static dp_status place_series(dp_search *s, dp_error *err)
{
    const dp_model *m = s->m;
    char why[320];

    if (!m->baseline.section)
        return DP_OK;
    for (dp_id ch = 0; ch < m->n_choices; ch++) {
        dp_id sec = m->baseline.section[ch];
        bool camp = sec != DP_NONE && dp_model_section_underway(m, sec); /* issue 8 */
        if (sec == DP_NONE ||
            (!camp && !(m->baseline.locked && m->baseline.locked[m->choices[ch].activity])))
            continue;
        int r = place(s, ch, sec, why, sizeof why);
        if (r < 0)
            return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory placing the series");
        if (r == 0) {
            const dp_choice *c = &m->choices[ch];
            dp_loc at = {"choices.csv", c->line, 1};
            return DP_FAIL(err, DP_EINPUT, &at,
                           "child '%s' can no longer stay in '%s' of the %s '%s': %s; remove "
                           "this choice to let the child leave the %s",
                           m->children[c->child].id, m->sections[sec].id, camp ? "camp" : "series",
                           m->activities[c->activity].id, why, camp ? "camp" : "series");
        }
    }
    return DP_OK;
}

dp_status dp__warm_start(dp_search *s, dp_error *err);

dp_status dp__warm_start(dp_search *s, dp_error *err)
{
    const dp_model *m = s->m;
    const dp_id *ws = s->o->warm_start;
    dp_status rc;

    if (m->n_pins == 0 && !m->baseline.locked && !ws && !m->baseline.section)
        return DP_OK;
    if (s->min_size_plugin != UINT32_MAX)
        dp__engine_relax(&s->e, s->min_size_plugin, 1);
    rc = place_pins(s, err);
    if (rc == DP_OK)
        rc = place_series(s, err);
    for (dp_id ch = 0; rc == DP_OK && ws && ch < m->n_choices; ch++)
        if (ws[ch] != DP_NONE && s->e.choice_section[ch] == DP_NONE &&
            place(s, ch, ws[ch], NULL, 0) < 0)
            rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory placing the warm start");
    if (s->min_size_plugin != UINT32_MAX)
        dp__engine_relax(&s->e, s->min_size_plugin, 0);
    /* With a baseline the objective may start below 0 (every baseline
     * assignment counts as changed until placed): any feasible schedule
     * beats "none found yet". */
    s->best = INT64_MIN;
    return rc;
}
