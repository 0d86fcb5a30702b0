/* core/load/pins.c - pins.csv (optional): a planner's pins and forbids.
 *
 * A row `child,section,action,note` with action `pin` makes the solver grant
 * the child that section; `forbid` keeps the child out of it. Everything that
 * can be decided from the files alone is checked here, at the planner's line:
 * a pin needs the child's choice of the section's activity and a school group
 * the activity admits; a child cannot be pinned to two sections of one
 * activity, pinned and forbidden the same section, pinned to more activities
 * than max_activities, and a section cannot hold more pins than its
 * max_size. What depends on times (school hours, availability, clashes) is
 * checked when the solve places the pins, again naming the line. Runs after
 * the choices are grouped by child. */
#include "load_impl.h"

#include <stdlib.h>
#include <string.h>

enum { P_CHILD, P_SECTION, P_ACTION, P_NOTE, P_N };

static const dp__col pin_cols[P_N] = {
    {"child", true}, {"section", true}, {"action", true}, {"note", false}};

static void pin_row(dp__loader *ld, dp__table *t)
{
    dp_model *m = ld->m;
    dp_pin p = {.child = DP_NONE, .section = DP_NONE, .choice = DP_NONE};
    const dp__csv_field *fa = dp__field(t, P_ACTION), *fs = dp__field(t, P_SECTION);
    char q[64];

    bool ok = dp__get_ref(t, P_CHILD, DP_KIND_CHILD, &p.child);
    ok = dp__get_ref(t, P_SECTION, DP_KIND_SECTION, &p.section) && ok;
    if (fa->len == 3 && memcmp(fa->s, "pin", 3) == 0) {
        p.forbid = false;
    } else if (fa->len == 6 && memcmp(fa->s, "forbid", 6) == 0) {
        p.forbid = true;
    } else {
        if (fa->len) /* an empty required field is already reported */
            dp__report(t, DP_SEV_ERROR, fa->line, fa->col, "expected pin or forbid, got '%s'",
                       dp__quote(fa, q, sizeof q));
        ok = false;
    }
    p.note = dp__get_str(t, P_NOTE, "a note");
    p.line = t->csv.fields[0].line;
    if (!ok)
        return;
    const dp_child *c = &m->children[p.child];
    const dp_section *s = &m->sections[p.section];
    const dp_activity *a = &m->activities[s->activity];
    p.choice = dp_model_choice_of(m, p.child, s->activity);
    /* Summer programmes (issue 8): a pin in a section with dates that does
     * not meet in the loaded week, or of a choice made for another week,
     * applies in other weeks and is left out of this one. */
    if (!p.forbid && ld->src->week_monday && s->n_ranges && s->n_sessions == 0)
        return;
    for (uint32_t i = 0; p.choice == DP_NONE && ld->src->week_monday && i < ld->n_other_week; i++)
        if (ld->other_week[i].child == p.child && ld->other_week[i].activity == s->activity)
            return;
    if (!p.forbid && p.choice == DP_NONE) {
        dp__report(t, DP_SEV_ERROR, fs->line, fs->col,
                   "child '%s' did not choose '%s': a pin needs the child's choice in "
                   "choices.csv",
                   c->id, a->id);
        return;
    }
    if (!p.forbid && (c->group < a->min_group || c->group > a->max_group)) {
        dp__report(t, DP_SEV_ERROR, fs->line, fs->col,
                   "pin contradicts a hard rule: child '%s' is in group %d and '%s' is for "
                   "groups %d-%d",
                   c->id, c->group, a->id, a->min_group, a->max_group);
        return;
    }
    for (uint32_t i = 0; i < m->n_pins; i++) {
        const dp_pin *o = &m->pins[i];
        if (o->child != p.child)
            continue;
        if (o->section == p.section && o->forbid != p.forbid) {
            dp__report(t, DP_SEV_ERROR, fa->line, fa->col,
                       "child '%s' is both pinned to and forbidden '%s' (line %u)", c->id, s->id,
                       o->line);
            return;
        }
        if (o->section == p.section) {
            dp__report(t, DP_SEV_ERROR, fs->line, fs->col,
                       "a repeated %s of child '%s' in '%s' (first at line %u)",
                       p.forbid ? "forbid" : "pin", c->id, s->id, o->line);
            return;
        }
        if (!p.forbid && !o->forbid && m->sections[o->section].activity == s->activity) {
            dp__report(t, DP_SEV_ERROR, fs->line, fs->col,
                       "child '%s' is already pinned to '%s' of the same activity (line %u): a "
                       "child joins one section of an activity",
                       c->id, m->sections[o->section].id, o->line);
            return;
        }
    }
    m->pins[m->n_pins++] = p;
}

/* Limits over all pins: per child max_activities, per section max_size. */
static void check_pin_counts(dp__loader *ld)
{
    dp_model *m = ld->m;
    uint32_t *per_child = calloc((size_t) m->n_children + 1, sizeof *per_child);
    uint32_t *per_section = calloc((size_t) m->n_sections + 1, sizeof *per_section);

    if (!per_child || !per_section) {
        free(per_child);
        free(per_section);
        dp__oom(ld);
        return;
    }
    for (uint32_t i = 0; i < m->n_pins; i++) {
        const dp_pin *p = &m->pins[i];
        if (p->forbid)
            continue;
        if (++per_child[p->child] == (uint32_t) m->centre.max_activities + 1)
            dp__report_file(ld, DP_SEV_ERROR, "pins.csv", p->line, 1,
                            "pin contradicts a hard rule: child '%s' is pinned to more than "
                            "max_activities (%d) activities",
                            m->children[p->child].id, m->centre.max_activities);
        if (++per_section[p->section] == (uint32_t) m->sections[p->section].max_size + 1u)
            dp__report_file(ld, DP_SEV_ERROR, "pins.csv", p->line, 1,
                            "pin contradicts a hard rule: section '%s' holds at most %u children "
                            "and this is pin %u",
                            m->sections[p->section].id, m->sections[p->section].max_size,
                            per_section[p->section]);
    }
    free(per_child);
    free(per_section);
}

void dp__load_pins(dp__loader *ld)
{
    dp__table t;
    dp_model *m = ld->m;

    if (!dp__table_exists(ld, "pins.csv"))
        return;
    if (dp__table_open(ld, &t, "pins.csv", pin_cols, P_N, false) == DP_OK && t.ok && m->children &&
        m->sections) {
        m->pins = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *m->pins);
        if (!m->pins)
            dp__oom(ld);
        while (ld->fatal == DP_OK && dp__table_next(&t))
            pin_row(ld, &t);
        if (ld->fatal == DP_OK && ld->centre_ok)
            check_pin_counts(ld);
    }
    dp__table_close(&t);
}
