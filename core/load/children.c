/* core/load/children.c - children.csv, availability.csv and choices.csv:
 * who takes part, when, and what they wish.
 *
 * Windows and choices are read in file order; checks.c sorts and groups them
 * by child. Each keeps the column needed to report it later (the window's
 * 'from', the choice's rank and activity) in a parallel temporary array. */
#include "load_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"

enum { C_ID, C_NAME, C_GROUP, C_BIRTH, C_FAMILY, C_HOOD, C_PRIO, C_CARE, C_N };

static const dp__col child_cols[C_N] = {
    {"id", true},      {"name", true},           {"group", true},     {"birth_date", false},
    {"family", false}, {"neighbourhood", false}, {"priority", false}, {"care_group", false}};

static dp_id optional_name(dp__table *t, int ci, dp_kind kind)
{
    const char *s;
    uint32_t len;

    if (!dp__get_text(t, ci, "a name", &s, &len) || len == 0)
        return DP_NONE;
    return dp__intern_name(t->ld, kind, s, len);
}

static const char *first_word(dp__loader *ld, const char *name)
{
    size_t start = 0, end;

    while (name[start] == ' ')
        start++;
    end = start;
    while (name[end] && name[end] != ' ')
        end++;
    const char *s = dp__model_strdup(ld->mm, name + start, end - start);
    if (!s) {
        dp__oom(ld);
        return "";
    }
    return s;
}

static void child_row(dp__table *t, dp_child *c)
{
    long group = -1, prio = 0; /* group -1: invalid, no follow-on checks */
    int32_t birth = DP_NO_BIRTH_DATE;

    c->name = dp__get_str(t, C_NAME, "a display name");
    c->first_name = first_word(t->ld, c->name);
    dp__get_int(t, C_GROUP, "a school group", 0, DP_MAX_GROUP, &group);
    dp__get_date(t, C_BIRTH, &birth);
    c->family = optional_name(t, C_FAMILY, DP_KIND_FAMILY);
    c->neighbourhood = optional_name(t, C_HOOD, DP_KIND_NEIGHBOURHOOD);
    dp__get_int(t, C_PRIO, "a priority", 0, 3, &prio);
    c->care_group = optional_name(t, C_CARE, DP_KIND_CARE_GROUP);
    c->group = (int8_t) group;
    c->priority = (uint8_t) prio;
    c->birth_days = birth;
}

void dp__load_children(dp__loader *ld)
{
    dp__table t;
    dp_model *m = ld->m;

    if (dp__table_open(ld, &t, "children.csv", child_cols, C_N, true) == DP_OK && t.ok) {
        m->children = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *m->children);
        if (!m->children)
            dp__oom(ld);
        while (m->children && dp__table_next(&t)) {
            dp_id k = dp__entity_id(&t, C_ID, DP_KIND_CHILD, "child id");
            if (k == DP_NONE)
                continue;
            m->children[k].id = ld->mm->ids[DP_KIND_CHILD].names[k];
            m->children[k].line = t.csv.fields[0].line;
            child_row(&t, &m->children[k]);
            m->n_children = k + 1;
        }
    }
    ld->broken[DP_KIND_CHILD] = !t.ok || t.partial;
    /* Care groups, families and neighbourhoods are named only in children.csv. */
    ld->broken[DP_KIND_CARE_GROUP] = ld->broken[DP_KIND_CHILD];
    dp__table_close(&t);
}

enum { V_CHILD, V_DAY, V_FROM, V_TO, V_CARE, V_HOLIDAY, V_N };

static const dp__col window_cols[V_N] = {{"child", true}, {"day", true},   {"from", true},
                                         {"to", true},    {"care", false}, {"holiday", false}};

static void window_row(dp__loader *ld, dp__table *t)
{
    dp_window w = {.child = DP_NONE};
    int day = 0, from = 0, to = 0;

    bool ok = dp__get_ref(t, V_CHILD, DP_KIND_CHILD, &w.child);
    ok = dp__get_day(t, V_DAY, &day) && ok;
    bool times = dp__get_time(t, V_FROM, &from);
    times = dp__get_time(t, V_TO, &to) && times;
    ok = dp__get_flag(t, V_CARE, &w.care) && ok;
    if (times && to <= from) {
        char buf[8];
        dp_time_format(from, buf);
        const dp__csv_field *f = dp__field(t, V_TO);
        dp__report(t, DP_SEV_ERROR, f->line, f->col, "expected 'to' after 'from' (%s), got '%s'",
                   buf, f->s);
        return;
    }
    if (!ok || !times)
        return;
    w.day = (uint8_t) day;
    w.from_min = (uint16_t) from;
    w.to_min = (uint16_t) to;
    w.line = t->csv.fields[0].line;
    bool holiday = false;
    if (!dp__get_flag(t, V_HOLIDAY, &holiday))
        return;
    if (holiday) { /* used only on closure days (issue 7): kept apart */
        ld->m->holiday_windows[ld->m->n_holiday_windows++] = w;
        return;
    }
    ld->window_col[ld->m->n_windows] = dp__field(t, V_FROM)->col;
    ld->m->windows[ld->m->n_windows++] = w;
}

void dp__load_availability(dp__loader *ld)
{
    dp__table t;
    dp_model *m = ld->m;

    if (dp__table_open(ld, &t, "availability.csv", window_cols, V_N, true) == DP_OK && t.ok) {
        m->windows = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *m->windows);
        m->holiday_windows = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *m->windows);
        ld->window_col = calloc(t.max_rows, sizeof *ld->window_col);
        if (!m->windows || !m->holiday_windows || !ld->window_col)
            dp__oom(ld);
        while (ld->fatal == DP_OK && dp__table_next(&t))
            window_row(ld, &t);
    }
    dp__table_close(&t);
}

enum { CH_CHILD, CH_ACT, CH_RANK, CH_WEEK, CH_N };

static const dp__col choice_cols[CH_N] = {
    {"child", true}, {"activity", true}, {"rank", true}, {"week", false}};

static void choice_row(dp__loader *ld, dp__table *t)
{
    dp_model *m = ld->m;
    dp_choice c = {.child = DP_NONE, .activity = DP_NONE};
    long rank = 0;

    bool ok = dp__get_ref(t, CH_CHILD, DP_KIND_CHILD, &c.child);
    ok = dp__get_ref(t, CH_ACT, DP_KIND_ACTIVITY, &c.activity) && ok;
    ok = dp__get_int(t, CH_RANK, "a rank", 1, 255, &rank) && ok;
    bool carried = false;
    bool counts = dp__choice_week(t, CH_WEEK, c.activity, &ok, &carried);
    if (ok && !counts && /* a choice of another week: as if it were not there (pins.c) */
        dp__grow((void **) &ld->other_week, &ld->cap_other_week, ld->n_other_week + 1,
                 sizeof *ld->other_week))
        ld->other_week[ld->n_other_week++] = c;
    if (!ok || !counts)
        return;
    const dp__csv_field *fa = dp__field(t, CH_ACT);
    const dp_child *ch = &m->children[c.child];
    const dp_activity *a = &m->activities[c.activity];
    if (ch->group >= 0 && (ch->group < a->min_group || ch->group > a->max_group))
        dp__report(t, DP_SEV_WARNING, fa->line, fa->col,
                   "child '%s' in group %d chose '%s' for groups %d-%d: the choice cannot be "
                   "granted",
                   ch->id, ch->group, a->id, a->min_group, a->max_group);
    c.rank = (uint8_t) rank;
    c.line = t->csv.fields[0].line;
    ld->choice_col[2 * m->n_choices] = dp__field(t, CH_RANK)->col;
    ld->choice_col[2 * m->n_choices + 1] = fa->col;
    ld->choice_carried[m->n_choices] = carried;
    m->choices[m->n_choices++] = c;
}

void dp__load_choices(dp__loader *ld)
{
    dp__table t;
    dp_model *m = ld->m;

    if (dp__table_open(ld, &t, "choices.csv", choice_cols, CH_N, true) == DP_OK && t.ok) {
        m->choices = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *m->choices);
        ld->choice_col = calloc(t.max_rows, 2 * sizeof *ld->choice_col);
        ld->choice_carried = calloc(t.max_rows, sizeof *ld->choice_carried);
        if (!m->choices || !ld->choice_col || !ld->choice_carried)
            dp__oom(ld);
        while (ld->fatal == DP_OK && dp__table_next(&t))
            choice_row(ld, &t);
    }
    dp__table_close(&t);
}
