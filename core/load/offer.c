/* core/load/offer.c - the offering: staff.csv, activities.csv, sections.csv,
 * sessions.csv and rota.csv.
 *
 * Sections must end up grouped by activity, and a section's dense id is its
 * index, so sections are read in file order (interned then, to find
 * duplicates), stably sorted by activity, and interned again in that order
 * before sessions.csv refers to them. Sessions keep their candidate times in
 * a temporary slot list until checks.c groups them by section. */
#include "load_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"

enum { ST_ID, ST_NAME, ST_ROLE, ST_BKR, ST_MAX, ST_N };

static const dp__col staff_cols[ST_N] = {
    {"id", true}, {"name", true}, {"role", false}, {"bkr", false}, {"max_minutes", false}};

static void staff_row(dp__table *t, dp_staff *s)
{
    static const char *const roles[] = {"", "pm", "teacher", "coach", "volunteer"};
    const dp__csv_field *f = dp__field(t, ST_ROLE);
    long v = DP_UNLIMITED;
    char q[64];

    s->name = dp__get_str(t, ST_NAME, "a display name");
    s->role = DP_ROLE_OTHER;
    for (int r = 1; r < 5; r++)
        if (strcmp(f->s, roles[r]) == 0)
            s->role = (dp_role) r;
    if (f->len && s->role == DP_ROLE_OTHER)
        dp__report(t, DP_SEV_WARNING, f->line, f->col,
                   "unknown role '%s': expected pm, teacher, coach or volunteer",
                   dp__quote(f, q, sizeof q));
    dp__get_flag(t, ST_BKR, &s->bkr);
    dp__get_int(t, ST_MAX, "weekly minutes", 0, 7 * DP_MINUTES_DAY, &v);
    s->max_minutes = (int32_t) v;
}

void dp__load_staff(dp__loader *ld)
{
    dp__table t;
    dp_model *m = ld->m;

    if (dp__table_open(ld, &t, "staff.csv", staff_cols, ST_N, false) == DP_OK && t.ok) {
        m->staff = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *m->staff);
        if (!m->staff)
            dp__oom(ld);
        while (m->staff && dp__table_next(&t)) {
            dp_id k = dp__entity_id(&t, ST_ID, DP_KIND_STAFF, "staff id");
            if (k == DP_NONE)
                continue;
            m->staff[k].id = ld->mm->ids[DP_KIND_STAFF].names[k];
            m->staff[k].line = t.csv.fields[0].line;
            staff_row(&t, &m->staff[k]);
            m->n_staff = k + 1;
        }
    }
    /* An absent staff.csv is complete (no staff); an unreadable one is not. */
    ld->broken[DP_KIND_STAFF] = t.buf && (!t.ok || t.partial);
    dp__table_close(&t);
}

enum {
    A_ID,
    A_NAME,
    A_THEME,
    A_PROVIDER,
    A_MING,
    A_MAXG,
    A_MINS,
    A_MAXS,
    A_ESCORT,
    A_WEEKS,
    A_STARTS,
    A_ON_HOLIDAY,
    A_OVERNIGHT,
    A_N
};

static const dp__col activity_cols[A_N] = {
    {"id", true},        {"name", true},      {"theme", true},     {"provider", false},
    {"min_group", true}, {"max_group", true}, {"min_size", false}, {"max_size", true},
    {"escort", false},   {"weeks", false},    {"starts", false},   {"on_holiday", false},
    {"overnight", false}};

/* A series (issue 7): weeks (a course of N weeks) and starts (its first ISO
 * week, YYYY-Www) come together or not at all. */
static void series_fields(dp__table *t, dp_activity *a)
{
    const dp__csv_field *fw = dp__field(t, A_WEEKS), *fs = dp__field(t, A_STARTS);
    long weeks = 0;
    int y, w;
    char q[64];

    if (!fw->len && !fs->len)
        return;
    if (!dp__get_int(t, A_WEEKS, "a number of weeks", 1, 53, &weeks))
        return;
    if (!fw->len) {
        dp__report(t, DP_SEV_ERROR, fw->line, fw->col,
                   "expected the number of weeks of the series that starts in %s",
                   dp__quote(fs, q, sizeof q));
        return;
    }
    if (!fs->len || dp_isoweek_parse(fs->s, fs->len, &y, &w) != 0) {
        dp__report(t, DP_SEV_ERROR, fs->line, fs->col,
                   "expected the first week of the series as YYYY-Www (e.g. 2027-W03), got '%s'",
                   dp__quote(fs, q, sizeof q));
        return;
    }
    a->series_weeks = (uint16_t) weeks;
    a->series_start = dp_isoweek_monday(y, w);
}

static void activity_row(dp__table *t, dp_activity *a)
{
    const char *s;
    uint32_t len;
    long ming = 0, maxg = DP_MAX_GROUP, mins = 1, maxs = 1;

    a->name = dp__get_str(t, A_NAME, "a display name");
    a->theme = DP_NONE;
    if (dp__get_text(t, A_THEME, "a theme such as sport or taal", &s, &len))
        a->theme = dp__intern_name(t->ld, DP_KIND_THEME, s, len);
    a->provider = dp__get_str(t, A_PROVIDER, "a provider");
    bool gok = dp__get_int(t, A_MING, "a school group", 0, DP_MAX_GROUP, &ming);
    gok = dp__get_int(t, A_MAXG, "a school group", 0, DP_MAX_GROUP, &maxg) && gok;
    if (gok && ming > maxg)
        dp__report(t, DP_SEV_ERROR, dp__field(t, A_MING)->line, dp__field(t, A_MING)->col,
                   "expected min_group (%ld) at most max_group (%ld)", ming, maxg);
    bool sok = dp__get_int(t, A_MINS, "a minimum size", 1, 9999, &mins);
    sok = dp__get_int(t, A_MAXS, "a maximum size", 1, 9999, &maxs) && sok;
    if (sok && mins > maxs)
        dp__report(t, DP_SEV_ERROR, dp__field(t, A_MINS)->line, dp__field(t, A_MINS)->col,
                   "expected min_size (%ld) at most max_size (%ld)", mins, maxs);
    a->min_group = (int8_t) ming;
    a->max_group = (int8_t) maxg;
    a->min_size = (uint16_t) mins;
    a->max_size = (uint16_t) maxs;
    dp__get_flag(t, A_ESCORT, &a->escort);
    dp__get_flag(t, A_OVERNIGHT, &a->overnight);
    series_fields(t, a);
    const dp__csv_field *fh = dp__field(t, A_ON_HOLIDAY);
    char q[64];
    if (fh->len == 3 && memcmp(fh->s, "run", 3) == 0)
        a->on_holiday_run = true;
    else if (fh->len && !(fh->len == 6 && memcmp(fh->s, "cancel", 6) == 0))
        dp__report(t, DP_SEV_ERROR, fh->line, fh->col,
                   "expected on_holiday cancel or run, got '%s'", dp__quote(fh, q, sizeof q));
}

void dp__load_activities(dp__loader *ld)
{
    dp__table t;
    dp_model *m = ld->m;

    if (dp__table_open(ld, &t, "activities.csv", activity_cols, A_N, true) == DP_OK && t.ok) {
        m->activities = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *m->activities);
        if (!m->activities)
            dp__oom(ld);
        while (m->activities && dp__table_next(&t)) {
            dp_id k = dp__entity_id(&t, A_ID, DP_KIND_ACTIVITY, "activity id");
            if (k == DP_NONE)
                continue;
            m->activities[k].id = ld->mm->ids[DP_KIND_ACTIVITY].names[k];
            m->activities[k].line = t.csv.fields[0].line;
            activity_row(&t, &m->activities[k]);
            m->n_activities = k + 1;
        }
    }
    ld->broken[DP_KIND_ACTIVITY] = !t.ok || t.partial;
    dp__table_close(&t);
}

enum { SE_ID, SE_ACT, SE_LOC, SE_STAFF, SE_MINS, SE_MAXS, SE_DATES, SE_N };

static const dp__col section_cols[SE_N] = {
    {"id", true},        {"activity", true},  {"location", true}, {"staff", false},
    {"min_size", false}, {"max_size", false}, {"dates", false}};

static void check_reachable(dp__table *t, dp_id loc)
{
    const dp_model *m = t->ld->m;
    dp_id home = m->centre.home;

    if (!t->ld->centre_ok || loc == home)
        return;
    if (dp_model_travel(m, home, loc) < 0 || dp_model_travel(m, loc, home) < 0) {
        const dp__csv_field *f = dp__field(t, SE_LOC);
        dp__report(t, DP_SEV_ERROR, f->line, f->col,
                   "location '%s' cannot be reached from the home location '%s': expected a "
                   "travel.csv row between them",
                   m->locations[loc].id, m->locations[home].id);
    }
}

static void section_row(dp__table *t, dp_section *s)
{
    const dp_model *m = t->ld->m;
    long mins = -1, maxs = -1;

    s->activity = s->location = s->staff = DP_NONE;
    dp__get_ref(t, SE_ACT, DP_KIND_ACTIVITY, &s->activity);
    if (dp__get_ref(t, SE_LOC, DP_KIND_LOCATION, &s->location))
        check_reachable(t, s->location);
    dp__get_ref(t, SE_STAFF, DP_KIND_STAFF, &s->staff);
    dp__section_dates(t, SE_DATES, s);
    bool ok = dp__get_int(t, SE_MINS, "a minimum size", 1, 9999, &mins);
    ok = dp__get_int(t, SE_MAXS, "a maximum size", 1, 9999, &maxs) && ok;
    if (!ok || s->activity == DP_NONE)
        return;
    const dp_activity *a = &m->activities[s->activity];
    s->min_size = (uint16_t) (mins >= 0 ? mins : a->min_size);
    s->max_size = (uint16_t) (maxs >= 0 ? maxs : a->max_size);
    /* Without an override the sizes are the activity's, checked there. */
    bool own = mins >= 0 || maxs >= 0;
    if (own && a->min_size <= a->max_size && s->min_size > s->max_size) {
        const dp__csv_field *f = dp__field(t, mins >= 0 ? SE_MINS : SE_MAXS);
        dp__report(t, DP_SEV_ERROR, f->line, f->col,
                   "expected a minimum size (%u) at most the maximum size (%u) of the section",
                   s->min_size, s->max_size);
    }
}

/* The sort key of a section: its activity, then its place in the file. */
typedef struct section_key {
    dp_id activity; /* DP_NONE (a bad row) sorts last */
    uint32_t idx;   /* index in file order */
} section_key;

static int compare_sections(const void *pa, const void *pb)
{
    const section_key *a = pa, *b = pb;

    if (a->activity != b->activity)
        return a->activity < b->activity ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Orders the sections by activity and gives them their final dense ids. */
static void group_sections(dp__loader *ld, dp_section *file_order, uint32_t n)
{
    dp_model *m = ld->m;
    dp_intern *ids = &ld->mm->ids[DP_KIND_SECTION];
    section_key *order = malloc((n ? n : 1) * sizeof *order);

    m->sections = dp__arena_array(ld->mm->arena, n, sizeof *m->sections);
    if (!order || !m->sections) {
        free(order);
        dp__oom(ld);
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        order[i].activity = file_order[i].activity;
        order[i].idx = i;
    }
    /* Indexes are distinct, so this order is total and qsort's instability harmless. */
    qsort(order, n, sizeof *order, compare_sections);
    dp__intern_release(ids);
    dp__intern_init(ids, ld->mm->arena);
    for (uint32_t i = 0; i < n; i++) {
        m->sections[i] = file_order[order[i].idx];
        if (dp__intern_add(ids, m->sections[i].id, strlen(m->sections[i].id), NULL) != i) {
            dp__oom(ld);
            break;
        }
        m->sections[i].id = ids->names[i];
        dp_activity *a =
            m->sections[i].activity != DP_NONE ? &m->activities[m->sections[i].activity] : NULL;
        if (a && a->n_sections++ == 0)
            a->section0 = i;
    }
    m->n_sections = n;
    free(order);
}

void dp__load_sections(dp__loader *ld)
{
    dp__table t;
    dp_section *rows = NULL;
    uint32_t n = 0;

    if (dp__table_open(ld, &t, "sections.csv", section_cols, SE_N, true) == DP_OK && t.ok) {
        rows = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *rows);
        if (!rows)
            dp__oom(ld);
        while (rows && dp__table_next(&t)) {
            dp_id k = dp__entity_id(&t, SE_ID, DP_KIND_SECTION, "section id");
            if (k == DP_NONE)
                continue;
            rows[k].id = ld->mm->ids[DP_KIND_SECTION].names[k];
            rows[k].line = t.csv.fields[0].line;
            section_row(&t, &rows[k]);
            n = k + 1;
        }
    }
    ld->broken[DP_KIND_SECTION] = !t.ok || t.partial;
    dp__table_close(&t);
    dp__sections_dates_done(ld);
    if (ld->fatal == DP_OK)
        group_sections(ld, rows, n);
}
