/* core/load/checks.c - checks that span rows or files, and the grouping of
 * the model's flat arrays into per-entity runs.
 *
 * Windows are sorted by (child, day, from), choices by (child, rank) and
 * sessions by section, each ties broken by file order so that the result does
 * not depend on qsort. Overlaps, repeated or missing ranks and repeated
 * activities are then adjacent in the sorted order, which keeps every check
 * O(n log n) even for a hostile file. */
#include "load_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"

typedef struct window_key {
    dp_window w;  /* the window */
    uint32_t col; /* column of its 'from' */
    uint32_t idx; /* file order */
} window_key;

static int compare_windows(const void *pa, const void *pb)
{
    const window_key *a = pa, *b = pb;

    if (a->w.child != b->w.child)
        return a->w.child < b->w.child ? -1 : 1;
    if (a->w.day != b->w.day)
        return a->w.day < b->w.day ? -1 : 1;
    if (a->w.from_min != b->w.from_min)
        return a->w.from_min < b->w.from_min ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void report_overlap(dp__loader *ld, const window_key *k, const dp_window *prev)
{
    char a[8], b[8], c[8], d[8];

    dp_time_format(k->w.from_min, a);
    dp_time_format(k->w.to_min, b);
    dp_time_format(prev->from_min, c);
    dp_time_format(prev->to_min, d);
    dp__report_file(ld, DP_SEV_ERROR, "availability.csv", k->w.line, k->col,
                    "window %s-%s of child '%s' on %s overlaps the window %s-%s at line %u: "
                    "expected separate windows",
                    a, b, ld->m->children[k->w.child].id, dp_day_name(k->w.day), c, d, prev->line);
}

void dp__check_windows(dp__loader *ld)
{
    dp_model *m = ld->m;
    uint32_t n = m->n_windows;
    window_key *keys = malloc((n ? n : 1) * sizeof *keys);

    if (!keys) {
        dp__oom(ld);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        keys[i] = (window_key){m->windows[i], ld->window_col[i], i};
    qsort(keys, n, sizeof *keys, compare_windows);
    const dp_window *reach = NULL; /* the window of this child and day ending last */
    for (uint32_t i = 0; i < n; i++) {
        m->windows[i] = keys[i].w;
        dp_child *c = &m->children[keys[i].w.child];
        if (c->n_windows++ == 0)
            c->window0 = i;
        if (i > 0 && reach && reach->child == keys[i].w.child && reach->day == keys[i].w.day &&
            keys[i].w.from_min < reach->to_min)
            report_overlap(ld, &keys[i], reach);
        if (!reach || reach->child != keys[i].w.child || reach->day != keys[i].w.day ||
            keys[i].w.to_min > reach->to_min)
            reach = &m->windows[i];
    }
    free(keys);
}

typedef struct choice_key {
    dp_choice c;       /* the choice */
    uint32_t rank_col; /* column of its rank */
    uint32_t act_col;  /* column of its activity */
    uint32_t idx;      /* file order */
} choice_key;

static int compare_by_activity(const void *pa, const void *pb)
{
    const choice_key *a = pa, *b = pb;

    if (a->c.child != b->c.child)
        return a->c.child < b->c.child ? -1 : 1;
    if (a->c.activity != b->c.activity)
        return a->c.activity < b->c.activity ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int compare_by_rank(const void *pa, const void *pb)
{
    const choice_key *a = pa, *b = pb;

    if (a->c.child != b->c.child)
        return a->c.child < b->c.child ? -1 : 1;
    if (a->c.rank != b->c.rank)
        return a->c.rank < b->c.rank ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void check_repeated_activities(dp__loader *ld, const choice_key *k, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        if (k[i].c.child != k[i - 1].c.child || k[i].c.activity != k[i - 1].c.activity)
            continue;
        dp__report_file(ld, DP_SEV_ERROR, "choices.csv", k[i].c.line, k[i].act_col,
                        "activity '%s' is chosen twice by child '%s' (first at line %u)",
                        ld->m->activities[k[i].c.activity].id, ld->m->children[k[i].c.child].id,
                        k[i - 1].c.line);
    }
}

/* Ranks of one child, sorted: must be exactly 1..n. */
static void check_ranks(dp__loader *ld, const choice_key *k, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        bool first = i == 0 || k[i].c.child != k[i - 1].c.child;
        unsigned want = first ? 1u : k[i - 1].c.rank + 1u;
        const char *id = ld->m->children[k[i].c.child].id;
        if (!first && k[i].c.rank == k[i - 1].c.rank)
            dp__report_file(ld, DP_SEV_ERROR, "choices.csv", k[i].c.line, k[i].rank_col,
                            "rank %u of child '%s' is also given at line %u: expected ranks "
                            "1..n, each once",
                            k[i].c.rank, id, k[i - 1].c.line);
        else if (k[i].c.rank != want)
            dp__report_file(ld, DP_SEV_ERROR, "choices.csv", k[i].c.line, k[i].rank_col,
                            "rank %u of child '%s' leaves out rank %u: expected ranks 1..n "
                            "without gaps",
                            k[i].c.rank, id, want);
    }
}

void dp__check_choices(dp__loader *ld)
{
    dp_model *m = ld->m;
    uint32_t n = m->n_choices;
    choice_key *keys = malloc((n ? n : 1) * sizeof *keys);

    if (!keys) {
        dp__oom(ld);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        keys[i] = (choice_key){m->choices[i], ld->choice_col[2 * i], ld->choice_col[2 * i + 1], i};
    qsort(keys, n, sizeof *keys, compare_by_activity);
    check_repeated_activities(ld, keys, n);
    qsort(keys, n, sizeof *keys, compare_by_rank);
    /* A choice carried in from another week of a multi-week camp (dates.c)
     * keeps its own week's rank: the ranks of this week's own choices are
     * checked, those first in the sorted keys' order. */
    uint32_t n_own = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!ld->choice_carried || !ld->choice_carried[keys[i].idx])
            n_own++;
    if (n_own == n) {
        check_ranks(ld, keys, n);
    } else {
        choice_key *own = malloc((n_own ? n_own : 1) * sizeof *own);
        if (!own) {
            free(keys);
            dp__oom(ld);
            return;
        }
        for (uint32_t i = 0, j = 0; i < n; i++)
            if (!ld->choice_carried[keys[i].idx])
                own[j++] = keys[i];
        check_ranks(ld, own, n_own);
        free(own);
    }
    for (uint32_t i = 0; i < n; i++) {
        m->choices[i] = keys[i].c;
        dp_child *c = &m->children[keys[i].c.child];
        if (c->n_choices++ == 0)
            c->choice0 = i;
    }
    free(keys);
}

static int compare_sessions(const void *pa, const void *pb)
{
    const dp__sess_tmp *a = pa, *b = pb;

    if (a->s.section != b->s.section)
        return a->s.section < b->s.section ? -1 : 1;
    return a->file_idx < b->file_idx ? -1 : a->file_idx > b->file_idx;
}

/* The longest window of any child in each school group. */
static void longest_windows(const dp_model *m, int longest[DP_MAX_GROUP + 1])
{
    memset(longest, 0, (DP_MAX_GROUP + 1) * sizeof *longest);
    for (uint32_t i = 0; i < m->n_windows; i++) {
        const dp_window *w = &m->windows[i];
        int g = m->children[w->child].group, len = w->to_min - w->from_min;
        if (g >= 0 && len > longest[g])
            longest[g] = len;
    }
}

static void check_session_length(dp__loader *ld, const dp__sess_tmp *st, const int *longest)
{
    const dp_model *m = ld->m;
    dp_id act = m->sections[st->s.section].activity;
    int most = 0;

    if (act == DP_NONE)
        return;
    const dp_activity *a = &m->activities[act];
    for (int g = a->min_group; g <= a->max_group; g++)
        most = longest[g] > most ? longest[g] : most;
    /* With no eligible child available at all there is nothing to compare. */
    if (most > 0 && st->s.minutes > most)
        dp__report_file(ld, DP_SEV_ERROR, "sessions.csv", st->s.line, st->min_col,
                        "a session of %u minutes is longer than every availability window of "
                        "the children in groups %d-%d (the longest is %d minutes)",
                        st->s.minutes, a->min_group, a->max_group, most);
}

void dp__check_sessions(dp__loader *ld)
{
    dp_model *m = ld->m;
    uint32_t n = ld->n_sess;
    int longest[DP_MAX_GROUP + 1];

    longest_windows(m, longest);
    m->sessions = dp__arena_array(ld->mm->arena, n, sizeof *m->sessions);
    m->slots = dp__arena_array(ld->mm->arena, ld->n_tmp_slots, sizeof *m->slots);
    if (!m->sessions || !m->slots) {
        dp__oom(ld);
        return;
    }
    if (n)
        qsort(ld->sess, n, sizeof *ld->sess, compare_sessions);
    for (uint32_t i = 0; i < n; i++) {
        const dp__sess_tmp *st = &ld->sess[i];
        check_session_length(ld, st, longest);
        dp_session *s = &m->sessions[i];
        *s = st->s;
        s->slot0 = m->n_slots;
        memcpy(&m->slots[m->n_slots], &ld->tmp_slots[st->s.slot0], s->n_slots * sizeof *m->slots);
        m->n_slots += s->n_slots;
        dp_section *sec = &m->sections[s->section];
        if (sec->n_sessions++ == 0)
            sec->session0 = i;
    }
    m->n_sessions = n;
    /* A section without a session never meets: the solver grants it to
     * nobody, and the planner should know why. (Not after errors: a broken
     * session row would show up twice.) */
    for (dp_id s = 0; s < m->n_sections && dp_diags_n_errors(ld->diags) == 0; s++)
        if (m->sections[s].n_sessions == 0)
            dp__report_file(ld, DP_SEV_WARNING, "sections.csv", m->sections[s].line, 1,
                            "section '%s' has no session in sessions.csv: it never meets and "
                            "no child is assigned to it",
                            m->sections[s].id);
}

static void fill_names(dp__loader *ld, dp_kind kind, dp_names *out)
{
    const dp_intern *t = &ld->mm->ids[kind];

    out->n = t->n;
    out->name = dp__arena_array(ld->mm->arena, t->n ? t->n : 1, sizeof *out->name);
    if (!out->name) {
        dp__oom(ld);
        return;
    }
    for (uint32_t i = 0; i < t->n; i++)
        out->name[i] = t->names[i];
}

void dp__finish_names(dp__loader *ld)
{
    fill_names(ld, DP_KIND_THEME, &ld->m->themes);
    fill_names(ld, DP_KIND_FAMILY, &ld->m->families);
    fill_names(ld, DP_KIND_NEIGHBOURHOOD, &ld->m->neighbourhoods);
    fill_names(ld, DP_KIND_CARE_GROUP, &ld->m->care_groups);
}
