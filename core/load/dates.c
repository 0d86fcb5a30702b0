/* core/load/dates.c - summer and holiday programmes (issue 8): the optional
 * sections.csv column `dates`, the optional choices.csv column `week`, and
 * what dp_load_centre_week keeps of them for the week it loads.
 *
 * `dates` lists the day ranges a section meets in, `|`-separated
 * (`2027-07-05..2027-07-09|2027-07-19..2027-07-23`; one day may be written
 * alone). In a loaded week only the session times on those days are kept,
 * as closures drop theirs (core/closures.c), so a camp simply does not meet
 * in the weeks outside its dates. The weekly template ignores dates.
 *
 * `week` (YYYY-Www) makes a choice count in that week only: families choose
 * per week. A camp whose range runs over several weeks is booked as a whole,
 * so a choice made in any week of such a range counts in all of its weeks
 * (it is "carried"), which lets the camps plugin keep the child in it. */
#include "load_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"

#define MAX_RANGES 64 /* ranges of one section */

static int compare_ranges(const void *pa, const void *pb)
{
    const dp_date_range *a = pa, *b = pb;

    return a->from_day < b->from_day ? -1 : a->from_day > b->from_day;
}

/* Parses one `FROM..TO` or `DAY` of len bytes; false when it is neither. */
static bool parse_range(const char *s, size_t len, dp_date_range *r)
{
    const char *dots = NULL;

    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == '.' && s[i + 1] == '.') {
            dots = s + i;
            break;
        }
    if (!dots)
        return dp_date_parse(s, len, &r->from_day) == 0 && dp_date_parse(s, len, &r->to_day) == 0;
    size_t left = (size_t) (dots - s);
    return dp_date_parse(s, left, &r->from_day) == 0 &&
           dp_date_parse(dots + 2, len - left - 2, &r->to_day) == 0;
}

void dp__section_dates(dp__table *t, int ci, dp_section *s)
{
    dp__loader *ld = t->ld;
    const dp__csv_field *f = dp__field(t, ci);
    dp_date_range list[MAX_RANGES];
    uint32_t n = 0;
    char q[64], a[16], b[16], c[16];

    s->range0 = s->n_ranges = 0;
    if (!f->len)
        return;
    for (const char *p = f->s, *end = f->s + f->len; p <= end;) {
        const char *bar = memchr(p, '|', (size_t) (end - p));
        const char *stop = bar ? bar : end;
        int plen = stop - p > 40 ? 40 : (int) (stop - p);
        snprintf(q, sizeof q, "%.*s%s", plen, p, stop - p > 40 ? "..." : "");
        if (n == MAX_RANGES) {
            dp__report(t, DP_SEV_ERROR, f->line, f->col, "expected at most %d date ranges",
                       MAX_RANGES);
            return;
        }
        if (!parse_range(p, (size_t) (stop - p), &list[n])) {
            dp__report(t, DP_SEV_ERROR, f->line, f->col,
                       "expected date ranges YYYY-MM-DD..YYYY-MM-DD separated by '|' (e.g. "
                       "2027-07-05..2027-07-09|2027-07-19..2027-07-23), got '%s'",
                       q);
            return;
        }
        if (list[n].to_day < list[n].from_day) {
            dp__report(t, DP_SEV_ERROR, f->line, f->col,
                       "date range '%s' ends before it starts: expected FROM..TO with TO on or "
                       "after FROM",
                       q);
            return;
        }
        n++;
        p = stop + 1;
    }
    qsort(list, n, sizeof *list, compare_ranges);
    for (uint32_t i = 1; i < n; i++)
        if (list[i].from_day <= list[i - 1].to_day) {
            dp_date_format(list[i - 1].from_day, a);
            dp_date_format(list[i - 1].to_day, b);
            dp_date_format(list[i].from_day, c);
            dp__report(t, DP_SEV_ERROR, f->line, f->col,
                       "date ranges overlap (%s..%s and the one from %s): expected ranges that "
                       "do not share a day",
                       a, b, c);
            return;
        }
    if (!dp__grow((void **) &ld->ranges, &ld->cap_ranges, ld->n_ranges + n, sizeof *ld->ranges)) {
        dp__oom(ld);
        return;
    }
    memcpy(ld->ranges + ld->n_ranges, list, n * sizeof *list);
    s->range0 = ld->n_ranges;
    s->n_ranges = n;
    ld->n_ranges += n;
}

void dp__sections_dates_done(dp__loader *ld)
{
    dp_model *m = ld->m;

    m->date_ranges =
        dp__arena_array(ld->mm->arena, ld->n_ranges ? ld->n_ranges : 1, sizeof *m->date_ranges);
    if (!m->date_ranges) {
        dp__oom(ld);
        return;
    }
    if (ld->n_ranges)
        memcpy(m->date_ranges, ld->ranges, ld->n_ranges * sizeof *ld->ranges);
    m->n_date_ranges = ld->n_ranges;
}

/* Whether some section of activity a has one range that meets both the week
 * of Monday w1 and the week of Monday w2. */
static bool one_range_holds(const dp_model *m, dp_id a, int32_t w1, int32_t w2)
{
    const dp_activity *act = &m->activities[a];

    for (uint32_t s = act->section0; s < act->section0 + act->n_sections; s++) {
        const dp_section *sec = &m->sections[s];
        for (uint32_t i = sec->range0; i < sec->range0 + sec->n_ranges; i++) {
            const dp_date_range *r = &m->date_ranges[i];
            if (r->from_day <= w1 + 6 && r->to_day >= w1 && r->from_day <= w2 + 6 &&
                r->to_day >= w2)
                return true;
        }
    }
    return false;
}

bool dp__choice_week(dp__table *t, int ci, dp_id activity, bool *ok, bool *carried)
{
    const dp__csv_field *f = dp__field(t, ci);
    int32_t loaded = t->ld->src->week_monday;
    int y, w;
    char q[64];

    *carried = false;
    if (!f->len)
        return true;
    if (dp_isoweek_parse(f->s, f->len, &y, &w) != 0) {
        dp__report(t, DP_SEV_ERROR, f->line, f->col,
                   "expected the week of the choice as YYYY-Www (e.g. 2027-W28), got '%s'",
                   dp__quote(f, q, sizeof q));
        *ok = false;
        return false;
    }
    int32_t monday = dp_isoweek_monday(y, w);
    if (!loaded || activity == DP_NONE || t->ld->broken[DP_KIND_SECTION])
        return false;
    if (monday == loaded)
        return true;
    *carried = one_range_holds(t->ld->m, activity, monday, loaded);
    return *carried;
}

/* Drops the candidate times of sessions of dated sections that fall outside
 * their dates in the loaded week; removes sessions left without one. */
void dp__select_week(dp__loader *ld)
{
    dp_model *m = ld->m;
    int32_t monday = ld->src->week_monday;
    uint32_t n = 0;

    if (!monday || !m->n_date_ranges || dp_diags_n_errors(ld->diags) > 0)
        return;
    for (dp_id sec = 0; sec < m->n_sections; sec++) {
        dp_section *s = &m->sections[sec];
        uint32_t first = n;
        for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
            dp_session ses = m->sessions[k];
            uint32_t kept = 0;
            for (uint32_t i = 0; i < ses.n_slots; i++) {
                int32_t day = monday + m->slots[ses.slot0 + i].day;
                bool in = s->n_ranges == 0;
                for (uint32_t r = s->range0; r < s->range0 + s->n_ranges && !in; r++)
                    in = day >= m->date_ranges[r].from_day && day <= m->date_ranges[r].to_day;
                if (in)
                    m->slots[ses.slot0 + kept++] = m->slots[ses.slot0 + i];
            }
            ses.n_slots = kept;
            if (kept)
                m->sessions[n++] = ses; /* n <= k: moving down in place is safe */
        }
        s->session0 = first;
        s->n_sessions = n - first;
    }
    m->n_sessions = n;
}
