/* core/solve/moves.c - the compound moves of the search.
 *
 * A move is built in the engine, evaluated, and left pending for the caller to
 * commit or drop. Compound moves try a few variants (which grant of the child
 * to drop, which member of a full section to eject and where it can go) and
 * keep the best feasible one; every variant is judged by the plugins, so the
 * moves know nothing of the constraints beyond cheap hints (a section's size
 * against its maximum). */
#include "search.h"

/* Sets `choice` back to its current section: a no-op in the pending move. */
static void undo(dp_search *s, dp_id choice)
{
    dp__mv_assign(&s->e, choice, s->e.choice_section[choice]);
}

/* Ejects a member of full section sec (never `keep`) and tries to move it to
 * a sibling section with room. */
static void eject_one(dp_search *s, dp_id sec, dp_id keep)
{
    dp_engine *e = &s->e;
    const dp_model *m = s->m;
    uint32_t n = e->section_count[sec];
    dp_id victim = e->members[e->member0[sec] + dp__rand(s, n)];

    if (victim == keep)
        victim = e->members[e->member0[sec] + (e->member_pos[victim] - e->member0[sec] + 1) % n];
    const dp_activity *a = &m->activities[m->sections[sec].activity];
    dp__mv_assign(e, victim, DP_NONE);
    for (uint32_t i = 0; i < a->n_sections; i++) {
        dp_id alt = a->section0 + (i + dp__rand(s, a->n_sections)) % a->n_sections;
        int64_t dv;
        if (alt == sec || e->section_count[alt] >= m->sections[alt].max_size ||
            e->section_count[alt] == 0)
            continue;
        dp__mv_assign(e, victim, alt);
        if (dp__mv_eval(e, &dv))
            return;
        dp__mv_assign(e, victim, DP_NONE);
    }
}

bool dp__try_grant(dp_search *s, dp_option o, int64_t *dv, bool allow_eject)
{
    dp_engine *e = &s->e;
    const dp_model *m = s->m;
    dp_id child = m->choices[o.choice].child;
    dp_id dropped = DP_NONE;

    dp__mv_begin(e);
    dp__mv_assign(e, o.choice, o.section);
    if (e->section_count[o.section] >= m->sections[o.section].max_size) {
        if (!allow_eject || e->section_count[o.section] == 0)
            return false;
        eject_one(s, o.section, o.choice);
    }
    if (e->choice_section[o.choice] == DP_NONE && e->child_n[child] >= m->centre.max_activities &&
        e->child_n[child] > 0) {
        uint8_t i = (uint8_t) dp__rand(s, e->child_n[child]);
        if (e->child_grants[child][i].section == s->protect)
            i = (uint8_t) ((i + 1) % e->child_n[child]);
        if (e->child_grants[child][i].section == s->protect)
            return false;
        dropped = e->child_grants[child][i].choice;
        dp__mv_assign(e, dropped, DP_NONE);
    }
    /* Feasibility first: only a refusal sends us on to the next variant. */
    dp_judgement j = dp__mv_judge(e, s->floor, true, dv);
    if (j != DP_MV_REFUSED)
        return j == DP_MV_OK;
    /* A clash with another of the child's grants: try dropping each instead. */
    uint8_t n = e->child_n[child];
    for (uint8_t i = 0; i < n; i++) {
        dp_id other = e->child_grants[child][i].choice;
        if (other == o.choice || other == dropped ||
            e->child_grants[child][i].section == s->protect)
            continue;
        if (dropped != DP_NONE)
            undo(s, dropped);
        dp__mv_assign(e, other, DP_NONE);
        j = dp__mv_judge(e, s->floor, true, dv);
        if (j != DP_MV_REFUSED)
            return j == DP_MV_OK;
        undo(s, other);
        if (dropped != DP_NONE)
            dp__mv_assign(e, dropped, DP_NONE);
    }
    return false;
}
