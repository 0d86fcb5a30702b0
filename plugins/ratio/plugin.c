/* plugins/ratio/plugin.c - FORMAT.md section 3 item 8 in the search: with
 * rota.csv, the professionals rostered at the home location (minus those
 * away escorting) keep the childcare ratio at every minute, within the 3-hour
 * rule (care.h says how).
 *
 * State: the care model and the counts of the current schedule (children per
 * unit, interval and age; escorts per interval; per-interval sums) and per
 * day the minutes below ratio, below half and not allowed. A move's delta
 * visits only what it touches: for each listed child, the intervals of its
 * away spans before and after; for each listed section, the intervals of its
 * sessions' away spans (escorts). Its cost is proportional to the move.
 *
 * The plugin is relaxed in the search (dp_plugin.relax): the empty schedule
 * may already break the ratio (children stay at the centre), and the search
 * must be able to pass through schedules that break it on its way to one that
 * keeps it. The search only ever keeps a best schedule without violations.
 * Without rota.csv the plugin has no state and costs nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care.h"
#include "dagplan/plugin.h"
#include "dagplan/time.h"

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
} iv_entry;

typedef struct ratio_state {
    dp_care c;
    dp_care_count k;
    int64_t below[DP_N_DAYS], half[DP_N_DAYS], bad[DP_N_DAYS];
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
    int64_t d_below[DP_N_DAYS], d_half[DP_N_DAYS], d_bad[DP_N_DAYS]; /* of the scratch */
    uint64_t scratch_fp;                                             /* its move's fingerprint */
    bool scratch_valid; /* the scratch holds the last evaluated move */
} ratio_state;

static void ratio_free(void *state)
{
    ratio_state *st = state;

    if (!st)
        return;
    dp__care_count_release(&st->k);
    dp__care_release(&st->c);
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

static void tally_days(ratio_state *st)
{
    const dp_care *c = &st->c;

    for (int d = 0; d < DP_N_DAYS; d++) {
        st->below[d] = st->half[d] = st->bad[d] = 0;
        for (uint32_t iv = c->day_iv0[d]; iv < c->day_iv0[d + 1]; iv++) {
            bool b, h, x;
            int64_t len = c->iv_to[iv] - c->iv_from[iv];
            dp__care_classify(c, &st->k.sum[iv], iv, st->k.escorts[iv], &b, &h, &x);
            st->below[d] += b ? len : 0;
            st->half[d] += h ? len : 0;
            st->bad[d] += x ? len : 0;
        }
    }
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
    if (dp__care_count_alloc(&st->c, &st->k) != DP_OK || !st->aw_before || !st->aw_after ||
        !st->civ || !st->ui_stamp || !st->ui_idx || !st->iv_stamp || !st->iv_idx) {
        ratio_free(st);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the childcare ratio");
    }
    dp__care_count(&st->c, v->choice_section, v->session_slot, &st->k);
    tally_days(st);
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
        st->stamp = 1;
    }
    st->n_ue = st->n_ie = 0;
    st->oom = false;
    st->scratch_valid = false;
    memset(st->d_below, 0, sizeof st->d_below);
    memset(st->d_half, 0, sizeof st->d_half);
    memset(st->d_bad, 0, sizeof st->d_bad);
    for (uint32_t i = 0; i < mv->n_children; i++)
        child_delta(st, v, mv, &mv->children[i]);
    for (uint32_t i = 0; i < mv->n_sections; i++)
        section_delta(st, v, mv, &mv->sections[i]);
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
        }
    }
    for (uint32_t i = 0; i < st->n_ie; i++) {
        const iv_entry *e = &st->ie[i];
        dp_care_sums s1 = st->k.sum[e->iv];
        int32_t e0 = st->k.escorts[e->iv], e1 = e0 + e->d_escorts;
        bool b0, h0, x0, b1, h1, x1;
        int64_t len = c->iv_to[e->iv] - c->iv_from[e->iv];
        int d = c->iv_day[e->iv];
        sums_plus(&s1, &e->d_sum);
        dp__care_classify(c, &st->k.sum[e->iv], e->iv, e0, &b0, &h0, &x0);
        dp__care_classify(c, &s1, e->iv, e1, &b1, &h1, &x1);
        st->d_below[d] += len * (b1 - b0);
        st->d_half[d] += len * (h1 - h0);
        st->d_bad[d] += len * (x1 - x0);
    }
    int64_t delta = 0;
    for (int d = 0; d < DP_N_DAYS; d++) {
        if (!st->d_below[d] && !st->d_half[d] && !st->d_bad[d])
            continue;
        delta += dp__care_day_hard(c, d, st->below[d] + st->d_below[d], st->half[d] + st->d_half[d],
                                   st->bad[d] + st->d_bad[d]) -
                 dp__care_day_hard(c, d, st->below[d], st->half[d], st->bad[d]);
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
        sums_plus(&st->k.sum[e->iv], &e->d_sum);
        st->k.escorts[e->iv] += e->d_escorts;
    }
    for (int d = 0; d < DP_N_DAYS; d++) {
        st->below[d] += st->d_below[d];
        st->half[d] += st->d_half[d];
        st->bad[d] += st->d_bad[d];
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

    out->score = 0;
    out->hard = 0;
    if (!st || dp__care_count_alloc(&st->c, &k) != DP_OK)
        return;
    dp__care_count(&st->c, v->choice_section, v->session_slot, &k);
    out->hard = dp__care_hard(&st->c, &k);
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
    dp_move mv = {&cc, 1, sc, n_sc, NULL, 0};
    int64_t worse = evaluate(st, v, &mv);
    st->scratch_valid = false; /* a hypothetical move: never committed */
    if (worse <= 0)
        return 0;
    uint32_t iv = worst_interval(st);
    if (iv == UINT32_MAX)
        return 0;
    const dp_care *c = &st->c;
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
};
