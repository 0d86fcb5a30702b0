/* plugins/ratio/plugin.c - FORMAT.md section 3 item 8 in the search: with
 * rota.csv, the professionals rostered at the home location (minus those
 * away escorting) keep the childcare ratio at every minute, within the 3-hour
 * rule (care.h says how).
 *
 * State: the care model and the counts of the current schedule (children per
 * unit, interval and age; escorts per interval; per-interval sums), the
 * verdict of every interval with the escorts named person by person
 * (naming.h: a walk takes one professional for all of it), and per day the
 * minutes below ratio, below half, not allowed and of walks without an
 * escort. A move's delta visits only what it touches: for each listed child,
 * the intervals of its away spans before and after; for each listed section,
 * the intervals of its sessions' away spans (escorts); and the clusters of
 * walks in which it changes a walk or a requirement are named again (unless
 * it changes only requirements and the names provably stay: same_names). Where
 * nobody walks, the named verdict is the counted one (care.h).
 *
 * The plugin is relaxed in the search (dp_plugin.relax): the empty schedule
 * may already break the ratio (children stay at the centre), and the search
 * must be able to pass through schedules that break it on its way to one that
 * keeps it. The search only ever keeps a best schedule without violations.
 * Without rota.csv the plugin has no state and costs nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/plugin.h"
#include "dagplan/time.h"
#include "naming.h"

/* Points per minute of violation while the search passes through an
 * unlawful schedule: more than any one child's wishes are worth. */
#define RATIO_RELAX 1000

typedef struct ui_entry {
    uint32_t ui;                /* unit * n_iv + interval */
    uint32_t u, iv;             /* the unit and the interval (no division in the loop) */
    int16_t d[DP_RATIO_N_AGES]; /* change of the counts */
    int req_after;              /* required after the move */
} ui_entry;

typedef struct iv_entry {
    uint32_t iv;
    int32_t d_escorts;
    dp_care_sums d_sum;
    uint8_t flags_after; /* the verdict after the move, outside the clusters named again */
} iv_entry;

typedef struct ratio_state {
    dp_care c;
    dp_care_count k;
    dp_care_namer w;
    /* per day, with the escorts named (naming.h) */
    int64_t below[DP_N_DAYS], half[DP_N_DAYS], bad[DP_N_DAYS], unnamed[DP_N_DAYS];
    uint8_t *flags;   /* [n_iv] DP_CARE_BELOW | _HALF | _BAD of each interval */
    uint16_t *unn;    /* [n_iv] escort places nobody is named for */
    uint16_t *cov;    /* [n_iv * DP_CARE_COV_MAX] the places over each interval (naming.h) */
    uint8_t *cov_n;   /* [n_iv] */
    dp_id *esc_secs;  /* escorted sections meeting away */
    dp_id *lead_secs; /* sections led by a professional rostered at home */
    uint32_t n_esc_secs, n_lead_secs;
    /* scratch of one evaluation */
    int16_t *aw_before, *aw_after; /* [n_iv] away-span cover of one child */
    uint32_t *civ;                 /* [n_iv] intervals touched by one child */
    uint32_t n_civ;
    uint32_t *ui_stamp, *ui_idx; /* [n_units * n_iv] */
    uint32_t *iv_stamp, *iv_idx; /* [n_iv] */
    uint32_t stamp;
    ui_entry *ue;
    uint32_t n_ue, cap_ue;
    iv_entry *ie;
    uint32_t n_ie, cap_ie;
    bool oom; /* a scratch list could not grow: the delta is unknown */
    int64_t d_below[DP_N_DAYS], d_half[DP_N_DAYS], d_bad[DP_N_DAYS], d_unnamed[DP_N_DAYS];
    bool renamed[DP_N_DAYS];    /* days whose walks the move may change */
    bool lead_moved[DP_N_DAYS]; /* days where a leading professional changes */
    bool duty_moved[DP_N_DAYS]; /* days where a walk or a leading professional changes */
    uint32_t *same_stamp;       /* [n_iv] == stamp: the naming stays, the verdict is new */
    uint16_t *new_cov;          /* [n_iv * DP_CARE_COV_MAX] */
    uint8_t *new_cov_n;         /* [n_iv] */
    uint32_t *hull_stamp;       /* [n_iv] == stamp: in a cluster named again */
    uint8_t *new_flags;         /* [n_iv] the verdict there after the move */
    uint16_t *new_unn;          /* [n_iv] */
    uint32_t *hulls;            /* pairs iv0, iv1 of the clusters named again */
    uint32_t n_hulls, cap_hulls;
    uint32_t *first; /* [n_sessions + 1] clusters of a day */
    /* the inputs of a day named again: its requirements, sums and escorts
     * after the move, its duties, leading spans and places */
    int16_t *req_day;
    dp_care_sums *sum_day;
    int32_t *esc_day;
    dp_care_duty *duties;
    dp_care_lead *leads;
    dp_id *places;
    uint32_t cap_duties, cap_leads, cap_places;
    uint64_t scratch_fp; /* its move's fingerprint */
    bool scratch_valid;  /* the scratch holds the last evaluated move */
} ratio_state;

static void ratio_free(void *state)
{
    ratio_state *st = state;
    if (!st)
        return;
    dp__care_count_release(&st->k);
    dp__care_namer_release(&st->w);
    dp__care_release(&st->c);
    free(st->esc_secs);
    free(st->flags);
    free(st->unn);
    free(st->cov);
    free(st->cov_n);
    free(st->same_stamp);
    free(st->new_cov);
    free(st->new_cov_n);
    free(st->hull_stamp);
    free(st->new_flags);
    free(st->new_unn);
    free(st->hulls);
    free(st->first);
    free(st->lead_secs);
    free(st->req_day);
    free(st->sum_day);
    free(st->esc_day);
    free(st->duties);
    free(st->leads);
    free(st->places);
    free(st->aw_before);
    free(st->aw_after);
    free(st->civ);
    free(st->ui_stamp);
    free(st->ui_idx);
    free(st->iv_stamp);
    free(st->iv_idx);
    free(st->ue);
    free(st->ie);
    free(st);
}

static int64_t day_hard(const ratio_state *st, int d, int64_t below, int64_t half, int64_t bad,
                        int64_t unnamed)
{
    return dp__care_day_hard(&st->c, d, below, half, bad) + unnamed;
}

/* The per-day verdict of the counts in st->k for the schedule of v. */
static dp_status tally_days(ratio_state *st, const dp_state_view *v)
{
    dp_care_week wk;

    if (dp__care_week_name(&st->w, &st->k, v->choice_section, v->session_slot, &wk) != DP_OK)
        return DP_ENOMEM;
    for (int d = 0; d < DP_N_DAYS; d++) {
        st->below[d] = wk.below[d];
        st->half[d] = wk.half[d];
        st->bad[d] = wk.bad[d];
        st->unnamed[d] = wk.unnamed[d];
    }
    memcpy(st->flags, wk.flags, st->c.n_iv * sizeof *st->flags);
    memcpy(st->unn, wk.unn, st->c.n_iv * sizeof *st->unn);
    memcpy(st->cov, wk.cov, st->c.n_iv * DP_CARE_COV_MAX * sizeof *st->cov);
    memcpy(st->cov_n, wk.cov_n, st->c.n_iv * sizeof *st->cov_n);
    dp__care_week_release(&wk);
    return DP_OK;
}

static dp_status ratio_init(void **state, const dp_state_view *v, dp_error *err)
{
    ratio_state *st;

    *state = NULL;
    if (!v->m->has_rota)
        return DP_OK;
    st = calloc(1, sizeof *st);
    if (!st)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the childcare ratio");
    if (dp__care_init(&st->c, v->m, err) != DP_OK) {
        free(st);
        return DP_ENOMEM;
    }
    size_t n_iv = st->c.n_iv, n_ui = (size_t) st->c.n_units * n_iv;
    st->aw_before = calloc(n_iv + 1, sizeof *st->aw_before);
    st->aw_after = calloc(n_iv + 1, sizeof *st->aw_after);
    st->civ = malloc((n_iv + 1) * sizeof *st->civ);
    st->ui_stamp = calloc(n_ui + 1, sizeof *st->ui_stamp);
    st->ui_idx = calloc(n_ui + 1, sizeof *st->ui_idx);
    st->iv_stamp = calloc(n_iv + 1, sizeof *st->iv_stamp);
    st->iv_idx = calloc(n_iv + 1, sizeof *st->iv_idx);
    st->req_day = calloc(n_ui + 1, sizeof *st->req_day);
    st->sum_day = calloc(n_iv + 1, sizeof *st->sum_day);
    st->esc_day = calloc(n_iv + 1, sizeof *st->esc_day);
    st->flags = calloc(n_iv + 1, sizeof *st->flags);
    st->unn = calloc(n_iv + 1, sizeof *st->unn);
    st->cov = calloc(n_iv * DP_CARE_COV_MAX + 1, sizeof *st->cov);
    st->cov_n = calloc(n_iv + 1, sizeof *st->cov_n);
    st->same_stamp = calloc(n_iv + 1, sizeof *st->same_stamp);
    st->new_cov = calloc(n_iv * DP_CARE_COV_MAX + 1, sizeof *st->new_cov);
    st->new_cov_n = calloc(n_iv + 1, sizeof *st->new_cov_n);
    st->hull_stamp = calloc(n_iv + 1, sizeof *st->hull_stamp);
    st->new_flags = calloc(n_iv + 1, sizeof *st->new_flags);
    st->new_unn = calloc(n_iv + 1, sizeof *st->new_unn);
    st->first = calloc((size_t) v->m->n_sessions + 2, sizeof *st->first);
    st->esc_secs = malloc(((size_t) v->m->n_sections + 1) * sizeof *st->esc_secs);
    st->lead_secs = malloc(((size_t) v->m->n_sections + 1) * sizeof *st->lead_secs);
    if (dp__care_count_alloc(&st->c, &st->k) != DP_OK || !st->aw_before || !st->aw_after ||
        !st->civ || !st->ui_stamp || !st->ui_idx || !st->iv_stamp || !st->iv_idx || !st->req_day ||
        !st->sum_day || !st->esc_day || !st->esc_secs || !st->lead_secs || !st->flags || !st->unn ||
        !st->hull_stamp || !st->cov || !st->cov_n || !st->same_stamp || !st->new_cov ||
        !st->new_cov_n || !st->new_flags || !st->new_unn || !st->first ||
        dp__care_namer_init(&st->w, &st->c) != DP_OK) {
        ratio_free(st);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the childcare ratio");
    }
    for (dp_id s = 0; s < v->m->n_sections; s++) {
        dp_id lead = v->m->sections[s].staff;
        if (st->c.escorted[s])
            st->esc_secs[st->n_esc_secs++] = s;
        if (lead != DP_NONE && st->w.person_of[lead] != DP_NONE)
            st->lead_secs[st->n_lead_secs++] = s;
    }
    dp__care_count(&st->c, v->choice_section, v->session_slot, &st->k);
    if (tally_days(st, v) != DP_OK) {
        ratio_free(st);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the childcare ratio");
    }
    *state = st;
    return DP_OK;
}

static int grow(void **p, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    uint32_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, (size_t) n * size);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static iv_entry *iv_get(ratio_state *st, uint32_t iv)
{
    if (st->iv_stamp[iv] == st->stamp)
        return &st->ie[st->iv_idx[iv]];
    if (grow((void **) &st->ie, &st->cap_ie, st->n_ie + 1, sizeof *st->ie) != 0) {
        st->oom = true;
        return NULL;
    }
    st->iv_stamp[iv] = st->stamp;
    st->iv_idx[iv] = st->n_ie;
    iv_entry *e = &st->ie[st->n_ie++];
    memset(e, 0, sizeof *e);
    e->iv = iv;
    return e;
}

static ui_entry *ui_get(ratio_state *st, uint32_t u, uint32_t iv)
{
    uint32_t ui = u * st->c.n_iv + iv;

    if (st->ui_stamp[ui] == st->stamp)
        return &st->ue[st->ui_idx[ui]];
    if (!iv_get(st, iv) ||
        grow((void **) &st->ue, &st->cap_ue, st->n_ue + 1, sizeof *st->ue) != 0) {
        st->oom = true;
        return NULL;
    }
    st->ui_stamp[ui] = st->stamp;
    st->ui_idx[ui] = st->n_ue;
    ui_entry *e = &st->ue[st->n_ue++];
    memset(e, 0, sizeof *e);
    e->ui = ui;
    e->u = u;
    e->iv = iv;
    return e;
}

/* Whether the move changes the time of a session of section sec. */
static bool section_moves(const dp_state_view *v, const dp_move *mv, dp_id sec)
{
    for (uint32_t i = 0; i < mv->n_sessions; i++)
        if (v->m->sessions[mv->sessions[i].session].section == sec &&
            mv->sessions[i].slot_before != mv->sessions[i].slot_after)
            return true;
    return false;
}

/* Whether grant x is in the list and keeps its times: the same before and
 * after the move. */
static bool grant_kept(const dp_state_view *v, const dp_move *mv, const dp_grant *list, uint8_t n,
                       dp_grant x)
{
    for (uint8_t i = 0; i < n; i++)
        if (list[i].choice == x.choice && list[i].section == x.section)
            return !section_moves(v, mv, x.section);
    return false;
}

/* Marks the away spans of the grants of g that change (kept == false) in aw,
 * listing new intervals in civ; or, for the grants that are kept (kept ==
 * true), adds them to both sides but only on intervals already listed (they
 * are the same before and after, so they matter only where they overlap a
 * change). after: use the move's slots. */
static void mark_away(ratio_state *st, const dp_state_view *v, const dp_move *mv, const dp_grant *g,
                      uint8_t n, const dp_grant *other, uint8_t n_other, int after, bool kept,
                      int16_t *aw)
{
    const dp_model *m = v->m;

    for (uint8_t i = 0; i < n; i++) {
        if (grant_kept(v, mv, other, n_other, g[i]) != kept)
            continue;
        const dp_section *sec = &m->sections[g[i].section];
        for (uint32_t k = sec->session0; k < sec->session0 + sec->n_sessions; k++) {
            uint32_t sl = dp_move_slot(v, mv, k, after);
            for (uint32_t iv = st->c.away0[sl]; iv < st->c.away1[sl]; iv++) {
                if (kept) {
                    if (st->aw_before[iv] || st->aw_after[iv]) {
                        st->aw_before[iv]++;
                        st->aw_after[iv]++;
                    }
                    continue;
                }
                if (!st->aw_before[iv] && !st->aw_after[iv])
                    st->civ[st->n_civ++] = iv;
                aw[iv]++;
            }
        }
    }
}

static void child_delta(ratio_state *st, const dp_state_view *v, const dp_move *mv,
                        const dp_child_change *cc)
{
    const dp_care *c = &st->c;
    dp_id u = c->child_unit[cc->child];

    if (u == DP_NONE)
        return;
    st->n_civ = 0;
    mark_away(st, v, mv, cc->before, cc->n_before, cc->after, cc->n_after, 0, false, st->aw_before);
    mark_away(st, v, mv, cc->after, cc->n_after, cc->before, cc->n_before, 1, false, st->aw_after);
    if (st->n_civ == 0)
        return;
    mark_away(st, v, mv, cc->before, cc->n_before, cc->after, cc->n_after, 0, true, NULL);
    for (uint32_t i = 0; i < st->n_civ; i++) {
        uint32_t iv = st->civ[i];
        bool was = st->aw_before[iv] == 0, is = st->aw_after[iv] == 0;
        st->aw_before[iv] = st->aw_after[iv] = 0;
        if (was == is || !dp__care_window_covers(c, cc->child, iv))
            continue;
        ui_entry *e = ui_get(st, u, iv);
        if (e) {
            int16_t *x = &e->d[c->age[(size_t) cc->child * DP_N_DAYS + c->iv_day[iv]]];
            *x = (int16_t) (*x + (is ? 1 : -1));
        }
    }
}

static void section_delta(ratio_state *st, const dp_state_view *v, const dp_move *mv,
                          const dp_section_change *sc)
{
    const dp_model *m = v->m;
    const dp_section *sec = &m->sections[sc->section];

    if (!st->c.escorted[sc->section])
        return;
    int32_t eb = (int32_t) dp__care_escorts(&st->c, sc->count_before);
    int32_t ea = (int32_t) dp__care_escorts(&st->c, sc->count_after);
    for (uint32_t k = sec->session0; k < sec->session0 + sec->n_sessions; k++) {
        uint32_t sb = dp_move_slot(v, mv, k, 0), sa = dp_move_slot(v, mv, k, 1);
        if (sb == sa && eb == ea)
            continue;
        /* the duty changes: its day is named again */ if (eb)
            st->renamed[m->slots[sb].day] = st->duty_moved[m->slots[sb].day] = true;
        if (ea)
            st->renamed[m->slots[sa].day] = st->duty_moved[m->slots[sa].day] = true;
        for (uint32_t iv = st->c.away0[sb]; iv < st->c.away1[sb] && eb; iv++) {
            iv_entry *e = iv_get(st, iv);
            if (e)
                e->d_escorts -= eb;
        }
        for (uint32_t iv = st->c.away0[sa]; iv < st->c.away1[sa] && ea; iv++) {
            iv_entry *e = iv_get(st, iv);
            if (e)
                e->d_escorts += ea;
        }
    }
}

/* Whether the move changes the counted values of the interval. */
static bool iv_changed(const iv_entry *e)
{
    const dp_care_sums *x = &e->d_sum;

    return e->d_escorts || x->deficit || x->surplus || x->req || x->n_bad || x->half_deficit ||
           x->half_surplus;
}

/* A professional leading a section gets busy or free, or leads at another
 * time: the days concerned are named again (a leader walks nobody). */
static void mark_leads(ratio_state *st, const dp_state_view *v, const dp_move *mv)
{
    const dp_model *m = v->m;

    for (uint32_t i = 0; i < mv->n_sections; i++) {
        const dp_section_change *sc = &mv->sections[i];
        const dp_section *sec = &m->sections[sc->section];
        if (sec->staff == DP_NONE || st->w.person_of[sec->staff] == DP_NONE)
            continue;
        bool cb = sc->count_before > 0, ca = sc->count_after > 0;
        for (uint32_t k = sec->session0; k < sec->session0 + sec->n_sessions; k++) {
            uint32_t sb = dp_move_slot(v, mv, k, 0), sa = dp_move_slot(v, mv, k, 1);
            if (cb == ca && sb == sa)
                continue;
            if (cb)
                st->renamed[m->slots[sb].day] = st->lead_moved[m->slots[sb].day] =
                    st->duty_moved[m->slots[sb].day] = true;
            if (ca)
                st->renamed[m->slots[sa].day] = st->lead_moved[m->slots[sa].day] =
                    st->duty_moved[m->slots[sa].day] = true;
        }
    }
}

static void sums_plus(dp_care_sums *a, const dp_care_sums *d);

/* The common case: the move changes requirements during walks of day d but
 * no walk. When at each such interval every place over it was the first
 * free candidate at no cost and still costs nothing, the names stay
 * (naming.h, dp__care_renamed_same) and only those intervals' verdicts are
 * new: sets them (flags_after, same_stamp) and the day's d_below, d_half,
 * d_bad. Otherwise changes nothing and returns false: name again. */
static bool same_names(ratio_state *st, int d)
{
    const dp_care *c = &st->c;

    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < st->n_ie; i++) {
            iv_entry *e = &st->ie[i];
            uint32_t iv = e->iv;
            if (c->iv_day[iv] != d || !st->k.escorts[iv] || !iv_changed(e))
                continue;
            if (pass == 1) {
                int64_t len = c->iv_to[iv] - c->iv_from[iv];
                int fa = e->flags_after, fb = st->flags[iv];
                st->d_below[d] += len * ((fa & DP_CARE_BELOW) - (fb & DP_CARE_BELOW));
                st->d_half[d] += len * ((fa & DP_CARE_HALF) - (fb & DP_CARE_HALF)) / DP_CARE_HALF;
                st->d_bad[d] += len * ((fa & DP_CARE_BAD) - (fb & DP_CARE_BAD)) / DP_CARE_BAD;
                st->same_stamp[iv] = st->stamp;
                continue;
            }
            dp_care_sums s1 = st->k.sum[iv];
            sums_plus(&s1, &e->d_sum);
            for (uint32_t u = 0; u < c->n_units; u++) {
                size_t ui = (size_t) u * c->n_iv + iv;
                st->req_day[ui] = st->ui_stamp[ui] == st->stamp
                                      ? (int16_t) st->ue[st->ui_idx[ui]].req_after
                                      : st->k.req[ui];
            }
            if (!dp__care_renamed_same(&st->w, iv, st->req_day, &s1, st->k.escorts[iv],
                                       &st->cov[(size_t) iv * DP_CARE_COV_MAX], st->cov_n[iv],
                                       &e->flags_after))
                return false;
        }
    return true;
}

static void *grown(void *p, uint32_t *cap, uint32_t need, size_t size, bool *oom)
{
    if (grow(&p, cap, need, size) != 0)
        *oom = true;
    return p;
}

/* Names day d's escorts again with the move applied (the scratch) and sets
 * the day's d_below, d_half, d_bad, d_unnamed. */
static void rename_day(ratio_state *st, const dp_state_view *v, const dp_move *mv, int d)
{
    const dp_care *c = &st->c;
    const dp_model *m = v->m;
    uint32_t a = c->day_iv0[d], b = c->day_iv0[d + 1], n_duties = 0, n_leads = 0, places = 0;
    if (a == b)
        return;
    if (!st->duty_moved[d] && same_names(st, d))
        return;
    for (uint32_t u = 0; u < c->n_units; u++)
        memcpy(&st->req_day[(size_t) u * c->n_iv + a], &st->k.req[(size_t) u * c->n_iv + a],
               (b - a) * sizeof *st->req_day);
    memcpy(&st->sum_day[a], &st->k.sum[a], (b - a) * sizeof *st->sum_day);
    memcpy(&st->esc_day[a], &st->k.escorts[a], (b - a) * sizeof *st->esc_day);
    for (uint32_t i = 0; i < st->n_ue; i++)
        if (c->iv_day[st->ue[i].iv] == d)
            st->req_day[st->ue[i].ui] = (int16_t) st->ue[i].req_after;
    for (uint32_t i = 0; i < st->n_ie; i++) {
        const iv_entry *e = &st->ie[i];
        if (c->iv_day[e->iv] != d)
            continue;
        sums_plus(&st->sum_day[e->iv], &e->d_sum);
        st->esc_day[e->iv] += e->d_escorts;
    }
    for (uint32_t i = 0; i < st->n_esc_secs; i++) {
        dp_id s = st->esc_secs[i];
        uint32_t n = dp_move_count(v, mv, s, 1);
        if (!n)
            continue;
        const dp_section *sec = &m->sections[s];
        for (uint32_t k = sec->session0; k < sec->session0 + sec->n_sessions; k++) {
            uint32_t sl = dp_move_slot(v, mv, k, 1);
            if (m->slots[sl].day != d || c->away0[sl] == c->away1[sl])
                continue;
            st->duties =
                grown(st->duties, &st->cap_duties, n_duties + 1, sizeof *st->duties, &st->oom);
            if (st->oom)
                return;
            uint32_t need = dp__care_escorts(c, n);
            st->duties[n_duties++] = (dp_care_duty){k, sl, c->away0[sl], c->away1[sl], need, 0};
            places += need;
        }
    }
    for (uint32_t i = 0; i < st->n_lead_secs; i++) {
        dp_id s = st->lead_secs[i];
        if (!dp_move_count(v, mv, s, 1))
            continue;
        const dp_section *sec = &m->sections[s];
        for (uint32_t k = sec->session0; k < sec->session0 + sec->n_sessions; k++) {
            uint32_t sl = dp_move_slot(v, mv, k, 1);
            if (m->slots[sl].day != d || c->away0[sl] == c->away1[sl])
                continue;
            st->leads = grown(st->leads, &st->cap_leads, n_leads + 1, sizeof *st->leads, &st->oom);
            if (st->oom)
                return;
            st->leads[n_leads++] =
                (dp_care_lead){st->w.person_of[sec->staff], c->away0[sl], c->away1[sl]};
        }
    }
    st->places = grown(st->places, &st->cap_places, places + 1, sizeof *st->places, &st->oom);
    if (st->oom)
        return;
    /* Name again each cluster of walks the move touches: one with an
     * interval whose counts or escorts change, or all of the day's when a
     * leading professional changes. */
    uint32_t n_cl = dp__care_clusters(st->duties, n_duties, st->first);
    for (uint32_t i = 0; i < n_cl; i++) {
        dp_care_duty *t = &st->duties[st->first[i]];
        uint32_t n = st->first[i + 1] - st->first[i], lo = t[0].iv0, hi = 0;
        for (uint32_t j = 0; j < n; j++)
            hi = t[j].iv1 > hi ? t[j].iv1 : hi;
        bool touched = st->lead_moved[d];
        for (uint32_t iv = lo; iv < hi && !touched; iv++)
            touched = st->iv_stamp[iv] == st->stamp && iv_changed(&st->ie[st->iv_idx[iv]]);
        if (!touched)
            continue;
        dp_care_range r = {
            .iv0 = lo,
            .iv1 = hi,
            .req = st->req_day,
            .sum = st->sum_day,
            .escorts = st->esc_day,
            .duties = t,
            .n_duties = n,
            .leads = st->leads,
            .n_leads = n_leads,
            .staff = st->places,
            .flags = st->new_flags,
            .unn = st->new_unn,
            .cov = st->new_cov,
            .cov_n = st->new_cov_n,
        };
        dp__care_name_range(&st->w, &r);
        for (uint32_t iv = lo; iv < hi; iv++) {
            int64_t len = c->iv_to[iv] - c->iv_from[iv];
            int nb = st->new_flags[iv], ob = st->flags[iv];
            st->d_below[d] += len * ((nb & DP_CARE_BELOW) - (ob & DP_CARE_BELOW));
            st->d_half[d] += len * ((nb & DP_CARE_HALF) - (ob & DP_CARE_HALF)) / DP_CARE_HALF;
            st->d_bad[d] += len * ((nb & DP_CARE_BAD) - (ob & DP_CARE_BAD)) / DP_CARE_BAD;
            st->d_unnamed[d] += len * (st->new_unn[iv] - st->unn[iv]);
            st->hull_stamp[iv] = st->stamp;
        }
        st->hulls =
            grown(st->hulls, &st->cap_hulls, 2 * st->n_hulls + 2, sizeof *st->hulls, &st->oom);
        if (st->oom)
            return;
        st->hulls[2 * st->n_hulls] = lo;
        st->hulls[2 * st->n_hulls + 1] = hi;
        st->n_hulls++;
    }
}

static void sums_plus(dp_care_sums *a, const dp_care_sums *d)
{
    a->deficit += d->deficit;
    a->surplus += d->surplus;
    a->req += d->req;
    a->n_bad += d->n_bad;
    a->half_deficit += d->half_deficit;
    a->half_surplus += d->half_surplus;
}

/* Evaluates the move into the scratch lists and returns the change of the
 * violation minutes; with commit, also writes it into the state. */
/* A fingerprint of a digested move, so that apply() can tell whether the
 * scratch of the last delta() describes it (the engine commits the move it
 * evaluated last; anything else is recomputed). */
static uint64_t fingerprint(const dp_move *mv)
{
    uint64_t h = 1469598103934665603ULL;

#define MIX(x) (h = (h ^ (uint64_t) (x)) * 1099511628211ULL)
    MIX(mv->n_children);
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        MIX(cc->child);
        MIX(cc->n_before);
        for (uint8_t j = 0; j < cc->n_before; j++)
            MIX(cc->before[j].section);
        MIX(cc->n_after);
        for (uint8_t j = 0; j < cc->n_after; j++)
            MIX(((uint64_t) cc->after[j].choice << 32) | cc->after[j].section);
    }
    MIX(mv->n_sections);
    for (uint32_t i = 0; i < mv->n_sections; i++) {
        MIX(mv->sections[i].section);
        MIX(((uint64_t) mv->sections[i].count_before << 32) | mv->sections[i].count_after);
    }
    MIX(mv->n_sessions);
    for (uint32_t i = 0; i < mv->n_sessions; i++) {
        MIX(mv->sessions[i].session);
        MIX(((uint64_t) mv->sessions[i].slot_before << 32) | mv->sessions[i].slot_after);
    }
#undef MIX
    return h;
}

/* Evaluates the move into the scratch lists (and st->d_below, d_half,
 * d_bad) and returns the change of the violation minutes. */
static int64_t evaluate(ratio_state *st, const dp_state_view *v, const dp_move *mv)
{
    const dp_care *c = &st->c;

    if (++st->stamp == 0) {
        memset(st->ui_stamp, 0, (size_t) c->n_units * c->n_iv * sizeof *st->ui_stamp);
        memset(st->iv_stamp, 0, c->n_iv * sizeof *st->iv_stamp);
        memset(st->hull_stamp, 0, c->n_iv * sizeof *st->hull_stamp);
        memset(st->same_stamp, 0, c->n_iv * sizeof *st->same_stamp);
        st->stamp = 1;
    }
    st->n_ue = st->n_ie = 0;
    st->oom = false;
    st->scratch_valid = false;
    memset(st->d_below, 0, sizeof st->d_below);
    memset(st->d_half, 0, sizeof st->d_half);
    memset(st->d_bad, 0, sizeof st->d_bad);
    memset(st->d_unnamed, 0, sizeof st->d_unnamed);
    memset(st->renamed, 0, sizeof st->renamed);
    memset(st->lead_moved, 0, sizeof st->lead_moved);
    memset(st->duty_moved, 0, sizeof st->duty_moved);
    for (uint32_t i = 0; i < mv->n_children; i++)
        child_delta(st, v, mv, &mv->children[i]);
    for (uint32_t i = 0; i < mv->n_sections; i++)
        section_delta(st, v, mv, &mv->sections[i]);
    mark_leads(st, v, mv);
    if (st->oom)
        return INT32_MAX; /* unknown: refuse the move rather than guess */
    for (uint32_t i = 0; i < st->n_ue; i++) {
        ui_entry *e = &st->ue[i];
        uint16_t n[DP_RATIO_N_AGES];
        const uint16_t *old = &st->k.cnt[(size_t) e->ui * DP_RATIO_N_AGES];
        for (int a = 0; a < DP_RATIO_N_AGES; a++)
            n[a] = (uint16_t) (old[a] + e->d[a]);
        e->req_after = dp__care_required(c, e->u, n);
        int before = st->k.req[e->ui];
        if (e->req_after != before) {
            iv_entry *ie = &st->ie[st->iv_idx[e->iv]];
            dp__care_sums_add(c, &ie->d_sum, e->u, e->iv, before, -1);
            dp__care_sums_add(c, &ie->d_sum, e->u, e->iv, e->req_after, +1);
            /* during a walk the naming reads the requirement */
            if (st->k.escorts[e->iv] + ie->d_escorts > 0)
                st->renamed[c->iv_day[e->iv]] = true;
        }
    }
    /* The clusters of walks the move touches are named again; every other
     * interval it changes has nobody walking after the move, and there the
     * named verdict is the counted one (naming.h). */
    st->n_hulls = 0;
    for (int d = 0; d < DP_N_DAYS && !st->oom; d++)
        if (st->renamed[d])
            rename_day(st, v, mv, d);
    for (uint32_t i = 0; i < st->n_ie; i++) {
        iv_entry *e = &st->ie[i];
        if (st->hull_stamp[e->iv] == st->stamp || st->same_stamp[e->iv] == st->stamp ||
            !iv_changed(e))
            continue;
        dp_care_sums s1 = st->k.sum[e->iv];
        int64_t len = c->iv_to[e->iv] - c->iv_from[e->iv];
        int d = c->iv_day[e->iv], fb = st->flags[e->iv];
        sums_plus(&s1, &e->d_sum);
        int fa = e->flags_after = dp__care_flags(c, &s1, e->iv);
        st->d_below[d] += len * ((fa & DP_CARE_BELOW) - (fb & DP_CARE_BELOW));
        st->d_half[d] += len * ((fa & DP_CARE_HALF) - (fb & DP_CARE_HALF)) / DP_CARE_HALF;
        st->d_bad[d] += len * ((fa & DP_CARE_BAD) - (fb & DP_CARE_BAD)) / DP_CARE_BAD;
        st->d_unnamed[d] -= len * st->unn[e->iv];
    }
    if (st->oom)
        return INT32_MAX;
    int64_t delta = 0;
    for (int d = 0; d < DP_N_DAYS; d++) {
        if (!st->d_below[d] && !st->d_half[d] && !st->d_bad[d] && !st->d_unnamed[d])
            continue;
        delta += day_hard(st, d, st->below[d] + st->d_below[d], st->half[d] + st->d_half[d],
                          st->bad[d] + st->d_bad[d], st->unnamed[d] + st->d_unnamed[d]) -
                 day_hard(st, d, st->below[d], st->half[d], st->bad[d], st->unnamed[d]);
    }
    st->scratch_fp = fingerprint(mv);
    st->scratch_valid = true;
    return delta;
}

/* Writes the evaluated move (the scratch) into the state. */
static void commit_scratch(ratio_state *st)
{
    for (uint32_t i = 0; i < st->n_ue; i++) {
        const ui_entry *e = &st->ue[i];
        uint16_t *n = &st->k.cnt[(size_t) e->ui * DP_RATIO_N_AGES];
        for (int a = 0; a < DP_RATIO_N_AGES; a++)
            n[a] = (uint16_t) (n[a] + e->d[a]);
        st->k.req[e->ui] = (int16_t) e->req_after;
    }
    for (uint32_t i = 0; i < st->n_ie; i++) {
        const iv_entry *e = &st->ie[i];
        if (st->same_stamp[e->iv] == st->stamp) {
            st->flags[e->iv] = e->flags_after; /* the same names: only the verdict */
        } else if (st->hull_stamp[e->iv] != st->stamp && iv_changed(e)) {
            st->flags[e->iv] = e->flags_after; /* nobody walks there now */
            st->unn[e->iv] = 0;
            st->cov_n[e->iv] = 0;
        }
        sums_plus(&st->k.sum[e->iv], &e->d_sum);
        st->k.escorts[e->iv] += e->d_escorts;
    }
    for (uint32_t i = 0; i < st->n_hulls; i++) {
        uint32_t a = st->hulls[2 * i], b = st->hulls[2 * i + 1];
        memcpy(&st->flags[a], &st->new_flags[a], (b - a) * sizeof *st->flags);
        memcpy(&st->unn[a], &st->new_unn[a], (b - a) * sizeof *st->unn);
        memcpy(&st->cov[(size_t) a * DP_CARE_COV_MAX], &st->new_cov[(size_t) a * DP_CARE_COV_MAX],
               (b - a) * DP_CARE_COV_MAX * sizeof *st->cov);
        memcpy(&st->cov_n[a], &st->new_cov_n[a], (b - a) * sizeof *st->cov_n);
    }
    for (int d = 0; d < DP_N_DAYS; d++) {
        st->below[d] += st->d_below[d];
        st->half[d] += st->d_half[d];
        st->bad[d] += st->d_bad[d];
        st->unnamed[d] += st->d_unnamed[d];
    }
    st->scratch_valid = false;
}

static void ratio_delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    out->score = 0;
    out->hard = state ? evaluate(state, v, mv) : 0;
}

static void ratio_apply(void *state, const dp_state_view *v, const dp_move *mv)
{
    ratio_state *st = state;

    if (!st)
        return;
    if (!st->scratch_valid || st->scratch_fp != fingerprint(mv))
        evaluate(st, v, mv);
    commit_scratch(st);
}

static void ratio_full(void *state, const dp_state_view *v, dp_delta *out)
{
    ratio_state *st = state;
    dp_care_count k;
    dp_care_week wk;

    out->score = 0;
    out->hard = 0;
    if (!st || dp__care_count_alloc(&st->c, &k) != DP_OK)
        return;
    dp__care_count(&st->c, v->choice_section, v->session_slot, &k);
    if (dp__care_week_name(&st->w, &k, v->choice_section, v->session_slot, &wk) == DP_OK) {
        out->hard = wk.hard;
        dp__care_week_release(&wk);
    } else {
        out->hard = INT32_MAX; /* unknown */
    }
    dp__care_count_release(&k);
}

/* Children in care at interval iv after the evaluated move. */
static uint32_t children_after(const ratio_state *st, uint32_t iv)
{
    const dp_care *c = &st->c;
    uint32_t n = 0;

    for (uint32_t u = 0; u < c->n_units; u++) {
        uint32_t ui = u * c->n_iv + iv;
        for (int a = 0; a < DP_RATIO_N_AGES; a++) {
            int x = st->k.cnt[(size_t) ui * DP_RATIO_N_AGES + (size_t) a];
            if (st->ui_stamp[ui] == st->stamp)
                x += st->ue[st->ui_idx[ui]].d[a];
            n += (uint32_t) x;
        }
    }
    return n;
}

/* The earliest interval the evaluated move makes worse, or UINT32_MAX. */
static uint32_t worst_interval(const ratio_state *st)
{
    const dp_care *c = &st->c;
    uint32_t best = UINT32_MAX;

    for (uint32_t i = 0; i < st->n_ie; i++) {
        const iv_entry *e = &st->ie[i];
        dp_care_sums s1 = st->k.sum[e->iv];
        int32_t e0 = st->k.escorts[e->iv], e1 = e0 + e->d_escorts;
        sums_plus(&s1, &e->d_sum);
        bool b0, h0, x0, b1, h1, x1;
        dp__care_classify(c, &st->k.sum[e->iv], e->iv, e0, &b0, &h0, &x0);
        dp__care_classify(c, &s1, e->iv, e1, &b1, &h1, &x1);
        bool worse =
            dp__care_short(c, &s1, e->iv, e1) > dp__care_short(c, &st->k.sum[e->iv], e->iv, e0) ||
            s1.n_bad > st->k.sum[e->iv].n_bad || (h1 && !h0);
        if (worse && (best == UINT32_MAX || e->iv < best))
            best = e->iv;
    }
    return best;
}

/* The earliest interval of the walks named again whose verdict the evaluated
 * move makes worse (*unnamed: because a place finds nobody), or UINT32_MAX:
 * the refusal is the naming's, not the count's. */
static uint32_t worst_walk_interval(const ratio_state *st, bool *unnamed)
{
    uint32_t best = UINT32_MAX;

    for (uint32_t i = 0; i < st->n_hulls; i++)
        for (uint32_t iv = st->hulls[2 * i]; iv < st->hulls[2 * i + 1] && iv < best; iv++) {
            bool u = st->new_unn[iv] > st->unn[iv];
            if (u || (st->new_flags[iv] & ~st->flags[iv])) {
                best = iv;
                *unnamed = u;
            }
        }
    return best;
}

/* Whether every session of the section, walks included, lies in one of the
 * child's windows: otherwise availability explains the refusal, not us. */
static bool fits_windows(const ratio_state *st, dp_id child, dp_id section, const dp_state_view *v)
{
    const dp_model *m = v->m;
    const dp_section *sec = &m->sections[section];
    const dp_child *k = &m->children[child];

    for (uint32_t x = sec->session0; x < sec->session0 + sec->n_sessions; x++) {
        uint32_t sl = v->session_slot[x];
        uint32_t a = st->c.away0[sl], b = st->c.away1[sl];
        bool in = false;
        if (a == b)
            continue;
        for (uint32_t w = k->window0; w < k->window0 + k->n_windows && !in; w++) {
            const dp_window *win = &m->windows[w];
            in = win->day == st->c.iv_day[a] && win->from_min <= st->c.iv_from[a] &&
                 st->c.iv_to[b - 1] <= win->to_min;
        }
        if (!in)
            return false;
    }
    return true;
}

static int ratio_explain(void *state, const dp_state_view *v, dp_id choice, dp_id section,
                         char *buf, size_t len)
{
    ratio_state *st = state;
    const dp_model *m = v->m;

    if (!st)
        return 0;
    dp_id child = m->choices[choice].child;
    dp_grant after[64];
    uint8_t n = 0;
    dp_id old = DP_NONE;
    for (uint8_t i = 0; i < v->child_n_grants[child] && n < 63; i++) {
        dp_grant g = v->child_grants[child][i];
        if (g.choice == choice) {
            old = g.section;
            continue;
        }
        after[n++] = g;
    }
    if (old == section || !fits_windows(st, child, section, v))
        return 0;
    after[n++] = (dp_grant){choice, section};
    dp_child_change cc = {child, v->child_grants[child], v->child_n_grants[child], after, n};
    dp_section_change sc[2] = {{section, v->section_count[section], v->section_count[section] + 1},
                               {old, 0, 0}};
    uint32_t n_sc = 1;
    if (old != DP_NONE)
        sc[n_sc++] = (dp_section_change){old, v->section_count[old], v->section_count[old] - 1};
    dp_move mv = {&cc, 1, sc, n_sc, NULL, 0, 0};
    int64_t worse = evaluate(st, v, &mv);
    st->scratch_valid = false; /* a hypothetical move: never committed */
    if (worse <= 0)
        return 0;
    uint32_t iv = worst_interval(st);
    const dp_care *c = &st->c;
    if (iv == UINT32_MAX) {
        bool unnamed = false;
        char at[8];
        iv = worst_walk_interval(st, &unnamed);
        if (iv == UINT32_MAX)
            return 0;
        dp_time_format(c->iv_from[iv], at);
        if (unnamed)
            snprintf(buf, len,
                     "%s would break the childcare ratio: at %s on %s a walk to an escorted "
                     "session would find no professional rostered at %s who is free from "
                     "leaving to return",
                     m->sections[section].id, at, dp_day_name(c->iv_day[iv]),
                     m->locations[c->home].id);
        else
            snprintf(buf, len,
                     "%s would break the childcare ratio: a walk takes one professional from "
                     "leaving to return, and with the escorts away at %s on %s the %u children "
                     "remaining in care at %s would have fewer professionals than they need",
                     m->sections[section].id, at, dp_day_name(c->iv_day[iv]),
                     children_after(st, iv), m->locations[c->home].id);
        return 1;
    }
    const iv_entry *e = &st->ie[st->iv_idx[iv]];
    dp_care_sums s1 = st->k.sum[iv];
    sums_plus(&s1, &e->d_sum);
    int32_t esc = st->k.escorts[iv] + e->d_escorts;
    uint32_t rostered = c->floating[iv];
    for (uint32_t u = 0; u < c->n_units; u++)
        rostered += c->dedicated[(size_t) u * c->n_iv + iv];
    char at[8];
    dp_time_format(c->iv_from[iv], at);
    const char *home = m->locations[c->home].id, *sec = m->sections[section].id;
    if (s1.n_bad > 0) {
        snprintf(buf, len,
                 "%s would break the childcare ratio: at %s on %s the children remaining in care "
                 "at %s would form a group the ratio rules do not allow",
                 sec, at, dp_day_name(c->iv_day[iv]), home);
        return 1;
    }
    char escorts[48] = "";
    if (esc > 0)
        snprintf(escorts, sizeof escorts, " plus %d escort%s", esc, esc == 1 ? "" : "s");
    snprintf(buf, len,
             "%s would break the childcare ratio: at %s on %s the %u children remaining in care "
             "at %s need %d professional%s%s; %u %s rostered",
             sec, at, dp_day_name(c->iv_day[iv]), children_after(st, iv), home, s1.req,
             s1.req == 1 ? "" : "s", escorts, rostered, rostered == 1 ? "is" : "are");
    return 1;
}

const dp_plugin dp_plugin_ratio = {
    .abi = DP_PLUGIN_ABI,
    .name = "ratio",
    .term = DP_TERM_NONE,
    .init = ratio_init,
    .free = ratio_free,
    .delta = ratio_delta,
    .apply = ratio_apply,
    .full = ratio_full,
    .explain = ratio_explain,
    .relax = RATIO_RELAX,
    .idle = dp_idle_without_state,
};
