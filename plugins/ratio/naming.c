/* plugins/ratio/naming.c - naming the escorts day by day and the ratio with
 * the named people away (naming.h). */
#include "naming.h"

#include <stdlib.h>
#include <string.h>

#include "dagplan/plugin.h"

void dp__care_namer_release(dp_care_namer *w)
{
    free(w->person_staff);
    free(w->person_of);
    free(w->role);
    free(w->cand0);
    free(w->cand);
    free(w->ded);
    free(w->flt);
    free(w->def);
    free(w->sur);
    free(w->hd);
    free(w->hs);
    free(w->pend);
    free(w->walk_end);
    free(w->cand_float);
    free(w->s0);
    free(w->h0);
    memset(w, 0, sizeof *w);
}

/* Candidates per slot: people with a role at every interval of its away
 * span (a function of the rota alone), in the order of the naming.s
 * tie-breaks: fewer floating intervals first, then the staff.csv line. */
static dp_status build_candidates(dp_care_namer *w)
{
    const dp_care *c = w->c;
    const dp_model *m = c->m;
    size_t n = 0, cap = 64;

    w->cand0 = malloc(((size_t) m->n_slots + 1) * sizeof *w->cand0);
    w->cand = malloc(cap * sizeof *w->cand);
    w->cand_float = malloc(cap * sizeof *w->cand_float);
    if (!w->cand0 || !w->cand || !w->cand_float)
        return DP_ENOMEM;
    for (uint32_t sl = 0; sl < m->n_slots; sl++) {
        w->cand0[sl] = (uint32_t) n;
        uint32_t a = c->away0[sl], b = c->away1[sl];
        for (uint32_t p = 0; p < w->n_people && a < b; p++) {
            bool all = true;
            uint32_t fl = 0;
            for (uint32_t iv = a; iv < b && all; iv++) {
                all = w->role[(size_t) p * c->n_iv + iv] != DP_CARE_ROLE_NONE;
                fl += w->role[(size_t) p * c->n_iv + iv] == DP_CARE_ROLE_FLOAT;
            }
            if (!all)
                continue;
            if (n == cap) {
                uint32_t *q = realloc(w->cand, 2 * cap * sizeof *q);
                if (!q)
                    return DP_ENOMEM;
                w->cand = q;
                q = realloc(w->cand_float, 2 * cap * sizeof *q);
                if (!q)
                    return DP_ENOMEM;
                w->cand_float = q;
                cap *= 2;
            }
            /* in order of floating intervals, then of people (insertion) */
            size_t at = n++;
            while (at > w->cand0[sl] && w->cand_float[at - 1] > fl) {
                w->cand[at] = w->cand[at - 1];
                w->cand_float[at] = w->cand_float[at - 1];
                at--;
            }
            w->cand[at] = p;
            w->cand_float[at] = fl;
        }
    }
    w->cand0[m->n_slots] = (uint32_t) n;
    return DP_OK;
}

dp_status dp__care_namer_init(dp_care_namer *w, const dp_care *c)
{
    const dp_model *m = c->m;
    size_t n_iv = c->n_iv;

    memset(w, 0, sizeof *w);
    w->c = c;
    w->person_of = malloc(((size_t) m->n_staff + 1) * sizeof *w->person_of);
    w->person_staff = malloc(((size_t) m->n_staff + 1) * sizeof *w->person_staff);
    if (!w->person_of || !w->person_staff)
        goto oom;
    for (dp_id s = 0; s < m->n_staff; s++)
        w->person_of[s] = DP_NONE;
    for (uint32_t r = 0; r < m->n_rota; r++) {
        const dp_rota *ro = &m->rota[r];
        if (ro->location == c->home && m->staff[ro->staff].bkr)
            w->person_of[ro->staff] = 0; /* numbered below, in staff order */
    }
    for (dp_id s = 0; s < m->n_staff; s++)
        if (w->person_of[s] != DP_NONE) {
            w->person_of[s] = w->n_people;
            w->person_staff[w->n_people++] = s;
        }
    size_t pn = (size_t) w->n_people * n_iv + 1;
    w->role = malloc(pn * sizeof *w->role);
    w->walk_end = calloc((size_t) w->n_people + 1, sizeof *w->walk_end);
    w->ded = malloc(((size_t) c->n_units * n_iv + 1) * sizeof *w->ded);
    w->flt = malloc((n_iv + 1) * sizeof *w->flt);
    w->def = malloc((n_iv + 1) * sizeof *w->def);
    w->sur = malloc((n_iv + 1) * sizeof *w->sur);
    w->hd = malloc((n_iv + 1) * sizeof *w->hd);
    w->hs = malloc((n_iv + 1) * sizeof *w->hs);
    w->pend = malloc((n_iv + 1) * sizeof *w->pend);
    w->s0 = malloc((n_iv + 1) * sizeof *w->s0);
    w->h0 = malloc(n_iv + 1);
    if (!w->role || !w->walk_end || !w->ded || !w->flt || !w->def || !w->sur || !w->hd || !w->hs ||
        !w->pend || !w->s0 || !w->h0)
        goto oom;
    for (size_t i = 0; i + 1 < pn; i++)
        w->role[i] = DP_CARE_ROLE_NONE;
    /* A person's role at an interval: the first of their rows covering it
     * (care.c counts overlapping rows of one person twice; docs/ratio.md). */
    for (uint32_t r = 0; r < m->n_rota; r++) {
        const dp_rota *ro = &m->rota[r];
        if (ro->location != c->home || !m->staff[ro->staff].bkr)
            continue;
        dp_id u = ro->care_group == DP_NONE ? DP_NONE : c->cg_unit[ro->care_group];
        uint32_t a = dp__care_iv_at(c, ro->day, ro->from_min);
        uint32_t b = dp__care_iv_at(c, ro->day, ro->to_min);
        for (uint32_t iv = a; iv < b; iv++) {
            int32_t *x = &w->role[(size_t) w->person_of[ro->staff] * n_iv + iv];
            if (*x == DP_CARE_ROLE_NONE)
                *x = u == DP_NONE ? DP_CARE_ROLE_FLOAT : (int32_t) u;
        }
    }
    if (build_candidates(w) != DP_OK)
        goto oom;
    return DP_OK;
oom:
    dp__care_namer_release(w);
    return DP_ENOMEM;
}

static int cmp_duty(const void *a, const void *b)
{
    const dp_care_duty *x = a, *y = b;

    if (x->iv0 != y->iv0)
        return x->iv0 < y->iv0 ? -1 : 1;
    if (x->iv1 != y->iv1)
        return x->iv1 < y->iv1 ? -1 : 1;
    return (x->session > y->session) - (x->session < y->session);
}

static inline int32_t pos(int32_t x)
{
    return x > 0 ? x : 0;
}

static inline int32_t short_of(const dp_care_namer *w, uint32_t iv)
{
    return pos(w->def[iv] + pos(w->pend[iv] - w->sur[iv]) - w->flt[iv]);
}

/* Below half at interval iv with shortfall sh and need (care.h): at the
 * location, or some group whatever the floating professionals do. */
static inline bool half_of(const dp_care_namer *w, uint32_t iv, int32_t sh, int32_t need)
{
    return (need > 0 && need - sh < (need + 1) / 2) ||
           w->hd[iv] + pos(w->pend[iv] - w->hs[iv]) > w->flt[iv];
}

/* Takes person p away (sign +1) or back (-1) at interval iv for a place. */
static void take(dp_care_namer *w, uint32_t p, uint32_t iv, int sign)
{
    const dp_care *c = w->c;
    int32_t r = w->role[(size_t) p * c->n_iv + iv];

    w->pend[iv] -= sign;
    if (r == DP_CARE_ROLE_FLOAT) {
        w->flt[iv] -= sign;
        return;
    }
    size_t ui = (size_t) r * c->n_iv + iv;
    int32_t req = w->req[ui], before = w->ded[ui], after = before - sign;
    w->ded[ui] = after;
    if (req < 0) {
        w->sur[iv] += after - before;
        w->hs[iv] += after - before;
        return;
    }
    int32_t h = (req + 1) / 2;
    w->def[iv] += pos(req - after) - pos(req - before);
    w->sur[iv] += pos(after - req) - pos(before - req);
    w->hd[iv] += pos(h - after) - pos(h - before);
    w->hs[iv] += pos(after - h) - pos(before - h);
}

/* The shortfall and the half verdict at interval iv if person p also left
 * (what take(w, p, iv, +1) would give, without writing). */
static inline void if_taken(const dp_care_namer *w, uint32_t p, uint32_t iv, int32_t need,
                            int32_t *sh, bool *half)
{
    const dp_care *c = w->c;
    int32_t r = w->role[(size_t) p * c->n_iv + iv];
    int32_t def = w->def[iv], sur = w->sur[iv], hd = w->hd[iv], hs = w->hs[iv];
    int32_t flt = w->flt[iv], pend = w->pend[iv] - 1;

    if (r == DP_CARE_ROLE_FLOAT) {
        flt--;
    } else {
        size_t ui = (size_t) r * c->n_iv + iv;
        int32_t req = w->req[ui], d = w->ded[ui];
        if (req < 0) {
            sur--;
            hs--;
        } else {
            if (d <= req) /* the group loses one it needs */
                def++;
            else
                sur--;
            if (d <= (req + 1) / 2)
                hd++;
            else
                hs--;
        }
    }
    *sh = pos(def + pos(pend - sur) - flt);
    *half = (need > 0 && need - *sh < (need + 1) / 2) || hd + pos(pend - hs) > flt;
}

/* Whether candidate p is free for the whole of duty t: duties come in time
 * order, so an earlier walk of p blocks t when it ends after t starts;
 * leading a session blocks where it overlaps. */
static bool free_for(const dp_care_namer *w, const dp_care_range *r, const dp_care_duty *t,
                     uint32_t p)
{
    if (w->walk_end[p] > t->iv0)
        return false;
    for (uint32_t i = 0; i < r->n_leads; i++)
        if (r->leads[i].person == p && r->leads[i].iv0 < t->iv1 && t->iv0 < r->leads[i].iv1)
            return false;
    return true;
}

/* What naming p for duty t would cost: minutes newly below half, and the
 * rise of professionals-short x minutes (w->s0, w->h0: the verdicts before).
 * Both are never negative: one person fewer never helps. */
static void cost_of(const dp_care_namer *w, const dp_care_range *r, const dp_care_duty *t,
                    uint32_t p, int64_t *half, int64_t *shortfall)
{
    const dp_care *c = w->c;

    *half = *shortfall = 0;
    for (uint32_t iv = t->iv0; iv < t->iv1; iv++) {
        int64_t len = c->iv_to[iv] - c->iv_from[iv];
        int32_t s1;
        bool h1;
        if_taken(w, p, iv, r->sum[iv].req + r->escorts[iv], &s1, &h1);
        *half += (h1 && !w->h0[iv]) ? len : 0;
        *shortfall += (int64_t) (s1 - w->s0[iv]) * len;
    }
}

static void range_init(dp_care_namer *w, const dp_care_range *r)
{
    const dp_care *c = w->c;
    uint32_t a = r->iv0, b = r->iv1;

    w->req = r->req;
    for (uint32_t u = 0; u < c->n_units; u++) {
        const uint16_t *src = &c->dedicated[(size_t) u * c->n_iv];
        int32_t *dst = &w->ded[(size_t) u * c->n_iv];
        for (uint32_t iv = a; iv < b; iv++)
            dst[iv] = src[iv];
    }
    for (uint32_t iv = a; iv < b; iv++) {
        w->flt[iv] = c->floating[iv];
        w->def[iv] = r->sum[iv].deficit;
        w->sur[iv] = r->sum[iv].surplus;
        w->hd[iv] = r->sum[iv].half_deficit;
        w->hs[iv] = r->sum[iv].half_surplus;
        w->pend[iv] = r->escorts[iv];
        r->unn[iv] = 0;
        if (r->cov_n)
            r->cov_n[iv] = 0;
    }
    for (uint32_t i = 0; i < r->n_duties; i++)
        for (uint32_t x = w->cand0[r->duties[i].slot]; x < w->cand0[r->duties[i].slot + 1]; x++)
            w->walk_end[w->cand[x]] = 0;
}

uint32_t dp__care_clusters(dp_care_duty *duties, uint32_t n, uint32_t *first)
{
    uint32_t k = 0, end = 0;

    if (n > 1)
        qsort(duties, n, sizeof *duties, cmp_duty);
    for (uint32_t i = 0; i < n; i++) {
        if (i == 0 || duties[i].iv0 >= end)
            first[k++] = i;
        end = i == 0 || duties[i].iv1 > end ? duties[i].iv1 : end;
    }
    first[k] = n;
    return k;
}

bool dp__care_renamed_same(dp_care_namer *w, uint32_t iv, const int16_t *req, const dp_care_sums *s,
                           int32_t escorts, const uint16_t *cov, uint8_t n, uint8_t *flags)
{
    const dp_care *c = w->c;
    int32_t need = s->req + escorts;

    if (n > DP_CARE_COV_MAX)
        return false;
    w->req = req;
    for (uint32_t u = 0; u < c->n_units; u++)
        w->ded[(size_t) u * c->n_iv + iv] = c->dedicated[(size_t) u * c->n_iv + iv];
    w->flt[iv] = c->floating[iv];
    w->def[iv] = s->deficit;
    w->sur[iv] = s->surplus;
    w->hd[iv] = s->half_deficit;
    w->hs[iv] = s->half_surplus;
    w->pend[iv] = escorts;
    for (uint8_t i = 0; i < n; i++) {
        uint16_t e = cov[i];
        if (e & DP_CARE_COV_CHOSEN)
            return false;
        if (e == 0)
            continue; /* nobody was free: no requirement changes that */
        uint32_t p = (uint32_t) e - 1;
        int32_t s0 = short_of(w, iv), s1;
        bool h0 = half_of(w, iv, s0, need), h1;
        if_taken(w, p, iv, need, &s1, &h1);
        if (s1 > s0 || (h1 && !h0))
            return false;
        take(w, p, iv, +1);
    }
    int32_t sh = short_of(w, iv);
    bool x = sh > 0, h = half_of(w, iv, sh, need), b = s->n_bad > 0;
    *flags = (uint8_t) ((x ? DP_CARE_BELOW : 0) | (h ? DP_CARE_HALF : 0) | (b ? DP_CARE_BAD : 0));
    return true;
}

uint8_t dp__care_flags(const dp_care *c, const dp_care_sums *s, uint32_t iv)
{
    bool x, h, n;

    dp__care_classify(c, s, iv, 0, &x, &h, &n);
    return (uint8_t) ((x ? DP_CARE_BELOW : 0) | (h ? DP_CARE_HALF : 0) | (n ? DP_CARE_BAD : 0));
}

void dp__care_name_range(dp_care_namer *w, dp_care_range *r)
{
    const dp_care *c = w->c;
    uint32_t places = 0;

    range_init(w, r);
    r->unnamed = 0;
    for (uint32_t i = 0; i < r->n_duties; i++) {
        dp_care_duty *t = &r->duties[i];
        t->staff0 = places;
        places += t->need;
        for (uint32_t j = 0; j < t->need; j++) {
            uint32_t best = UINT32_MAX, first = UINT32_MAX;
            int64_t bh = 0, bs = 0, bf = 0;
            for (uint32_t iv = t->iv0; iv < t->iv1; iv++) {
                w->s0[iv] = short_of(w, iv);
                w->h0[iv] = half_of(w, iv, w->s0[iv], r->sum[iv].req + r->escorts[iv]);
            }
            for (uint32_t x = w->cand0[t->slot]; x < w->cand0[t->slot + 1]; x++) {
                uint32_t p = w->cand[x];
                int64_t h, s, f = w->cand_float[x];
                if (!free_for(w, r, t, p))
                    continue;
                /* Costs are never negative and the candidates come in the
                 * order of the tie-breaks (floating intervals, then staff
                 * line): nobody after a free one at cost 0 can beat it. */
                if (best != UINT32_MAX && bh == 0 && bs == 0)
                    break;
                first = first == UINT32_MAX ? p : first;
                cost_of(w, r, t, p, &h, &s);
                if (best == UINT32_MAX || h < bh || (h == bh && (s < bs || (s == bs && f < bf)))) {
                    best = p;
                    bh = h;
                    bs = s;
                    bf = f;
                }
            }
            r->staff[t->staff0 + j] = best == UINT32_MAX ? DP_NONE : w->person_staff[best];
            if (r->cov) {
                uint16_t e = (uint16_t) (best == UINT32_MAX ? 0 : best + 1);
                if (best != UINT32_MAX && (best != first || bh != 0 || bs != 0))
                    e |= DP_CARE_COV_CHOSEN;
                for (uint32_t iv = t->iv0; iv < t->iv1; iv++) {
                    uint8_t *n = &r->cov_n[iv];
                    if (*n < DP_CARE_COV_MAX)
                        r->cov[(size_t) iv * DP_CARE_COV_MAX + *n] = e;
                    *n = *n < DP_CARE_COV_MAX ? (uint8_t) (*n + 1) : DP_CARE_COV_OVER;
                }
            }
            if (best == UINT32_MAX) {
                for (uint32_t iv = t->iv0; iv < t->iv1; iv++) {
                    r->unn[iv]++;
                    r->unnamed += c->iv_to[iv] - c->iv_from[iv];
                }
                continue;
            }
            for (uint32_t iv = t->iv0; iv < t->iv1; iv++)
                take(w, best, iv, +1);
            w->walk_end[best] = t->iv1;
        }
    }
    r->below = r->half = r->bad = 0;
    for (uint32_t iv = r->iv0; iv < r->iv1; iv++) {
        int64_t len = c->iv_to[iv] - c->iv_from[iv];
        int32_t sh = short_of(w, iv);
        bool x = sh > 0, h = half_of(w, iv, sh, r->sum[iv].req + r->escorts[iv]),
             n = r->sum[iv].n_bad > 0;
        r->below += x ? len : 0;
        r->half += h ? len : 0;
        r->bad += n ? len : 0;
        r->flags[iv] =
            (uint8_t) ((x ? DP_CARE_BELOW : 0) | (h ? DP_CARE_HALF : 0) | (n ? DP_CARE_BAD : 0));
    }
}

void dp__care_week_release(dp_care_week *wk)
{
    free(wk->duties);
    free(wk->staff);
    free(wk->flags);
    free(wk->unn);
    free(wk->cov);
    free(wk->cov_n);
    memset(wk, 0, sizeof *wk);
}

dp_status dp__care_week_name(dp_care_namer *w, const dp_care_count *k, const dp_id *choice_section,
                             const uint32_t *session_slot, dp_care_week *out)
{
    const dp_care *c = w->c;
    const dp_model *m = c->m;
    uint32_t *count = calloc((size_t) m->n_sections + 1, sizeof *count);
    uint32_t n_leads = 0, n_places = 0, *first = NULL;
    dp_care_lead *leads = NULL;

    memset(out, 0, sizeof *out);
    out->duties = calloc((size_t) m->n_sessions + 1, sizeof *out->duties);
    out->flags = calloc((size_t) c->n_iv + 1, 1);
    leads = calloc((size_t) m->n_sessions + 1, sizeof *leads);
    if (!count || !out->duties || !out->flags || !leads)
        goto oom;
    for (dp_id i = 0; i < m->n_choices; i++)
        if (choice_section[i] != DP_NONE)
            count[choice_section[i]]++;
    /* Duties and leading spans, sorted by day (then by the day's naming). */
    for (int day = 0; day < DP_N_DAYS; day++)
        for (dp_id x = 0; x < m->n_sessions; x++) {
            dp_id s = m->sessions[x].section;
            uint32_t sl = session_slot[x];
            if (!count[s] || m->slots[sl].day != day || c->away0[sl] == c->away1[sl])
                continue;
            dp_id lead = m->sections[s].staff;
            if (lead != DP_NONE && w->person_of[lead] != DP_NONE)
                leads[n_leads++] = (dp_care_lead){w->person_of[lead], c->away0[sl], c->away1[sl]};
            if (!c->escorted[s])
                continue;
            dp_care_duty *t = &out->duties[out->n_duties++];
            t->session = x;
            t->slot = sl;
            t->iv0 = c->away0[sl];
            t->iv1 = c->away1[sl];
            t->need = dp__care_escorts(c, count[s]);
            n_places += t->need;
        }
    out->staff = malloc(((size_t) n_places + 1) * sizeof *out->staff);
    if (!out->staff)
        goto oom;
    out->n_places = n_places;
    out->unn = calloc((size_t) c->n_iv + 1, sizeof *out->unn);
    out->cov = calloc((size_t) c->n_iv * DP_CARE_COV_MAX + 1, sizeof *out->cov);
    out->cov_n = calloc((size_t) c->n_iv + 1, sizeof *out->cov_n);
    first = malloc(((size_t) out->n_duties + 1) * sizeof *first);
    if (!out->unn || !out->cov || !out->cov_n || !first)
        goto oom;
    for (uint32_t iv = 0; iv < c->n_iv; iv++) /* where nobody walks */
        out->flags[iv] = dp__care_flags(c, &k->sum[iv], iv);
    uint32_t t0 = 0, l0 = 0, p0 = 0;
    for (int day = 0; day < DP_N_DAYS; day++) {
        uint32_t t1 = t0, l1 = l0;
        while (t1 < out->n_duties && m->slots[out->duties[t1].slot].day == day)
            t1++;
        while (l1 < n_leads && c->iv_day[leads[l1].iv0] == day)
            l1++;
        uint32_t n_cl = dp__care_clusters(&out->duties[t0], t1 - t0, first);
        for (uint32_t i = 0; i < n_cl; i++) {
            dp_care_duty *t = &out->duties[t0 + first[i]];
            uint32_t n = first[i + 1] - first[i], hi = 0;
            for (uint32_t j = 0; j < n; j++)
                hi = t[j].iv1 > hi ? t[j].iv1 : hi;
            dp_care_range r = {
                .iv0 = t[0].iv0,
                .iv1 = hi,
                .req = k->req,
                .sum = k->sum,
                .escorts = k->escorts,
                .duties = t,
                .n_duties = n,
                .leads = &leads[l0],
                .n_leads = l1 - l0,
                .staff = &out->staff[p0],
                .flags = out->flags,
                .unn = out->unn,
                .cov = out->cov,
                .cov_n = out->cov_n,
            };
            dp__care_name_range(w, &r);
            uint32_t base = p0;
            for (uint32_t j = 0; j < n; j++) {
                t[j].staff0 += base;
                p0 += t[j].need;
            }
        }
        for (uint32_t iv = c->day_iv0[day]; iv < c->day_iv0[day + 1]; iv++) {
            int64_t len = c->iv_to[iv] - c->iv_from[iv];
            out->below[day] += out->flags[iv] & DP_CARE_BELOW ? len : 0;
            out->half[day] += out->flags[iv] & DP_CARE_HALF ? len : 0;
            out->bad[day] += out->flags[iv] & DP_CARE_BAD ? len : 0;
            out->unnamed[day] += out->unn[iv] * len;
        }
        out->hard += dp__care_day_hard(c, day, out->below[day], out->half[day], out->bad[day]) +
                     out->unnamed[day];
        t0 = t1;
        l0 = l1;
    }
    free(first);
    free(count);
    free(leads);
    return DP_OK;
oom:
    free(count);
    free(leads);
    free(first);
    dp__care_week_release(out);
    return DP_ENOMEM;
}
