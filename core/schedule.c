/* core/schedule.c - see dagplan/schedule.h.
 *
 * The text is read by the JSON reader of core/json.c (strict, depth-limited);
 * the schedule's fields are then picked from the tree. Unknown keys are
 * ignored, so schedules with extra keys still read. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dagplan/schedule.h"
#include "dagplan/time.h"
#include "json.h"
#include "model_impl.h"

struct sched_impl {
    dp_schedule pub;  /* must stay first */
    dp_arena *arena;  /* the arrays of pub */
    dp_json_doc *doc; /* the strings pub points at */
};

static bool is(const dp_json *v, dp_json_type t)
{
    return v && v->type == t;
}

static dp_status bad(dp_error *err, const char *what)
{
    dp_loc at = {"schedule.json", 0, 0};
    return DP_FAIL(err, DP_EINPUT, &at, "expected %s", what);
}

static dp_status pick(struct sched_impl *s, const dp_json *root, dp_error *err)
{
    dp_schedule *p = &s->pub;
    const dp_json *fmt = dp__json_get(root, "format"), *as = dp__json_get(root, "assignments"),
                  *un = dp__json_get(root, "unassigned"), *score = dp__json_get(root, "score"), *v;

    if (!is(root, DP_JSON_OBJECT))
        return bad(err, "a JSON object");
    if (!is(fmt, DP_JSON_STRING) || strncmp(fmt->str, "dagplan-schedule/", 17) != 0)
        return bad(err, "\"format\": \"dagplan-schedule/1\"");
    if (!is(as, DP_JSON_ARRAY))
        return bad(err, "an \"assignments\" array");
    p->centre = dp__json_get_str(root, "centre") ? dp__json_get_str(root, "centre") : "";
    p->week = dp__json_get_str(root, "week") ? dp__json_get_str(root, "week") : "";
    if (is(v = dp__json_get(score, "total"), DP_JSON_NUMBER))
        p->total = (int64_t) v->number;
    if (is(v = dp__json_get(score, "stability"), DP_JSON_NUMBER))
        p->stability = (int64_t) v->number;
    p->assignments = dp__arena_array(s->arena, as->len + 1, sizeof *p->assignments);
    if (!p->assignments)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading a schedule");
    for (size_t i = 0; i < as->len; i++) {
        const dp_json *o = &as->items[i];
        dp_sched_assignment *a = &p->assignments[p->n_assignments++];
        a->child = dp__json_get_str(o, "child");
        a->activity = dp__json_get_str(o, "activity");
        a->section = dp__json_get_str(o, "section");
        if (!a->child || !a->activity || !a->section)
            return bad(err, "child, activity and section in every assignment");
        a->rank = is(v = dp__json_get(o, "rank"), DP_JSON_NUMBER) ? (int) v->number : 0;
    }
    if (!is(un, DP_JSON_ARRAY))
        return DP_OK;
    p->unassigned = dp__arena_array(s->arena, un->len + 1, sizeof *p->unassigned);
    if (!p->unassigned)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading a schedule");
    for (size_t i = 0; i < un->len; i++) {
        const dp_json *o = &un->items[i], *r = dp__json_get(o, "reasons");
        dp_sched_unassigned *u = &p->unassigned[p->n_unassigned++];
        u->child = dp__json_get_str(o, "child");
        u->activity = dp__json_get_str(o, "activity");
        if (!u->child || !u->activity)
            return bad(err, "child and activity in every unassigned choice");
        u->rank = is(v = dp__json_get(o, "rank"), DP_JSON_NUMBER) ? (int) v->number : 0;
        if (is(r, DP_JSON_ARRAY) && r->len) {
            const char **list = dp__arena_array(s->arena, r->len, sizeof *list);
            if (!list)
                return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading a schedule");
            for (size_t k = 0; k < r->len; k++)
                if (is(&r->items[k], DP_JSON_STRING))
                    list[u->n_reasons++] = r->items[k].str;
            u->reasons = list;
        }
    }
    return DP_OK;
}

dp_status dp_schedule_parse(const char *json, size_t len, dp_schedule **out, dp_error *err)
{
    struct sched_impl *s = calloc(1, sizeof *s);

    if (!s || !(s->arena = dp__arena_new())) {
        free(s);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading a schedule");
    }
    dp_status rc = dp__json_parse(json, len, "schedule.json", &s->doc, err);
    if (rc == DP_OK)
        rc = pick(s, dp__json_root(s->doc), err);
    if (rc != DP_OK) {
        dp_schedule_free(&s->pub);
        return rc;
    }
    *out = &s->pub;
    return DP_OK;
}

const dp_sched_assignment *dp_schedule_find(const dp_schedule *s, const char *child,
                                            const char *activity)
{
    for (uint32_t i = 0; i < s->n_assignments; i++)
        if (strcmp(s->assignments[i].child, child) == 0 &&
            strcmp(s->assignments[i].activity, activity) == 0)
            return &s->assignments[i];
    return NULL;
}

void dp_schedule_free(dp_schedule *s)
{
    if (!s)
        return;
    struct sched_impl *impl = (struct sched_impl *) s;
    dp__arena_free(impl->arena);
    dp__json_free(impl->doc);
    free(impl);
}

dp_status dp_model_set_baseline(dp_model *m, int year, int week, const dp_schedule *baseline,
                                dp_error *err)
{
    dp__model *mm = dp__model_of(m);

    m->week_monday = week ? dp_isoweek_monday(year, week) : 0;
    memset(&m->baseline, 0, sizeof m->baseline);
    if (!baseline)
        return DP_OK;
    dp_id *section = dp__arena_array(mm->arena, (size_t) m->n_choices + 1, sizeof *section);
    bool *locked = dp__arena_array(mm->arena, (size_t) m->n_activities + 1, sizeof *locked);
    if (!section || !locked)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the baseline");
    for (dp_id c = 0; c < m->n_choices; c++)
        section[c] = DP_NONE;
    for (uint32_t i = 0; i < baseline->n_assignments; i++) {
        const dp_sched_assignment *a = &baseline->assignments[i];
        dp_id child = dp_model_find(m, DP_KIND_CHILD, a->child, strlen(a->child));
        dp_id act = dp_model_find(m, DP_KIND_ACTIVITY, a->activity, strlen(a->activity));
        dp_id sec = dp_model_find(m, DP_KIND_SECTION, a->section, strlen(a->section));
        dp_id ch = child != DP_NONE && act != DP_NONE ? dp_model_choice_of(m, child, act) : DP_NONE;
        if (ch == DP_NONE || sec == DP_NONE || m->sections[sec].activity != act) {
            m->baseline.n_dropped++;
            continue;
        }
        section[ch] = sec;
        m->baseline.n_mapped++;
    }
    /* Choices the baseline knows (granted or explained as not granted). */
    bool *known = calloc((size_t) m->n_choices + 1, sizeof *known);
    if (!known)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the baseline");
    for (dp_id ch = 0; ch < m->n_choices; ch++)
        known[ch] = section[ch] != DP_NONE;
    for (uint32_t i = 0; i < baseline->n_unassigned; i++) {
        const dp_sched_unassigned *u = &baseline->unassigned[i];
        dp_id child = dp_model_find(m, DP_KIND_CHILD, u->child, strlen(u->child));
        dp_id act = dp_model_find(m, DP_KIND_ACTIVITY, u->activity, strlen(u->activity));
        dp_id ch = child != DP_NONE && act != DP_NONE ? dp_model_choice_of(m, child, act) : DP_NONE;
        if (ch != DP_NONE)
            known[ch] = true;
    }
    for (dp_id ch = 0; ch < m->n_choices; ch++)
        m->baseline.n_new += !known[ch];
    free(known);
    bool any_locked = false;
    for (dp_id a = 0; a < m->n_activities; a++) {
        const dp_activity *act = &m->activities[a];
        int32_t k = (m->week_monday - act->series_start) / 7;
        locked[a] = act->series_weeks && m->week_monday && m->week_monday > act->series_start &&
                    k < (int32_t) act->series_weeks;
        any_locked |= locked[a];
    }
    m->baseline.section = section;
    m->baseline.locked = any_locked ? locked : NULL;
    return DP_OK;
}
