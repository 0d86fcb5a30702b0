/* core/closures.c - applying closures.csv to the week being planned (issue
 * 7): see dp_model_apply_closures in dagplan/model.h.
 *
 * The model is rewritten in place, once, before solving: school hours of the
 * closure days are removed, every child's windows are rebuilt (its regular
 * windows on open days, its holiday windows on holiday and study days,
 * nothing on closed days), candidate times on closure days are dropped, and
 * sessions left without a time are removed (their sections keep their other
 * sessions). New arrays come from the model's arena; ids of children,
 * sections and slots do not change, session ids may (sessions stay grouped
 * by section). */
#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"
#include "model_impl.h"

static int compare_windows(const void *pa, const void *pb)
{
    const dp_window *a = pa, *b = pb;

    if (a->child != b->child)
        return a->child < b->child ? -1 : 1;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return a->from_min < b->from_min ? -1 : a->from_min > b->from_min;
}

static dp_status rebuild_windows(dp_model *m, dp_arena *arena)
{
    size_t cap = (size_t) m->n_windows + m->n_holiday_windows + 1;
    dp_window *w = dp__arena_array(arena, cap, sizeof *w);
    uint32_t n = 0;

    if (!w)
        return DP_ENOMEM;
    for (uint32_t i = 0; i < m->n_windows; i++)
        if (!m->day_closure[m->windows[i].day])
            w[n++] = m->windows[i];
    for (uint32_t i = 0; i < m->n_holiday_windows; i++) {
        uint8_t k = m->day_closure[m->holiday_windows[i].day];
        if (k == DP_CLOSURE_HOLIDAY || k == DP_CLOSURE_STUDYDAY)
            w[n++] = m->holiday_windows[i];
    }
    qsort(w, n, sizeof *w, compare_windows);
    for (dp_id c = 0; c < m->n_children; c++)
        m->children[c].n_windows = 0;
    for (uint32_t i = 0; i < n; i++) {
        dp_child *c = &m->children[w[i].child];
        if (c->n_windows++ == 0)
            c->window0 = i;
    }
    m->windows = w;
    m->n_windows = n;
    return DP_OK;
}

/* Drops the candidate times on closure days that the activity does not meet
 * on; returns the sessions left without a time. */
static uint32_t drop_slots(dp_model *m)
{
    uint32_t cancelled = 0;

    for (dp_id k = 0; k < m->n_sessions; k++) {
        dp_session *s = &m->sessions[k];
        const dp_activity *a = &m->activities[m->sections[s->section].activity];
        uint32_t n = 0;
        for (uint32_t i = 0; i < s->n_slots; i++) {
            uint8_t kind = m->day_closure[m->slots[s->slot0 + i].day];
            if (!kind || (kind != DP_CLOSURE_CLOSED && a->on_holiday_run))
                m->slots[s->slot0 + n++] = m->slots[s->slot0 + i];
        }
        s->n_slots = n;
        cancelled += n == 0;
    }
    return cancelled;
}

static dp_status remove_sessions(dp_model *m, dp_arena *arena)
{
    dp_session *ks = dp__arena_array(arena, (size_t) m->n_sessions + 1, sizeof *ks);
    uint32_t n = 0;

    if (!ks)
        return DP_ENOMEM;
    for (dp_id sec = 0; sec < m->n_sections; sec++) {
        dp_section *s = &m->sections[sec];
        uint32_t first = n;
        for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++)
            if (m->sessions[k].n_slots)
                ks[n++] = m->sessions[k];
        s->session0 = first;
        s->n_sessions = n - first;
    }
    m->sessions = ks;
    m->n_sessions = n;
    return DP_OK;
}

dp_status dp_model_apply_closures(dp_model *m, int year, int week, uint32_t *n_cancelled,
                                  dp_error *err)
{
    dp__model *mm = dp__model_of(m);
    int32_t monday = dp_isoweek_monday(year, week);
    bool any = false;

    if (n_cancelled)
        *n_cancelled = 0;
    memset(m->day_closure, 0, sizeof m->day_closure);
    for (uint32_t i = 0; i < m->n_closures; i++)
        for (int d = 0; d < DP_N_DAYS; d++)
            if (monday + d >= m->closures[i].from_day && monday + d <= m->closures[i].to_day) {
                m->day_closure[d] = (uint8_t) m->closures[i].kind;
                any = true;
            }
    if (!any)
        return DP_OK;
    for (int g = 0; g <= DP_MAX_GROUP; g++)
        for (int d = 0; d < DP_N_DAYS; d++)
            if (m->day_closure[d])
                memset(&m->school[g][d], 0, sizeof m->school[g][d]);
    if (rebuild_windows(m, mm->arena) != DP_OK)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory applying the closures");
    uint32_t cancelled = drop_slots(m);
    if (cancelled && remove_sessions(m, mm->arena) != DP_OK)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory applying the closures");
    if (n_cancelled)
        *n_cancelled = cancelled;
    return DP_OK;
}
