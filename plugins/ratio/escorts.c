/* plugins/ratio/escorts.c - naming the escorts of a schedule (escorts.h).
 *
 * The ratio plugin counts escorts as a number per interval: dedicated
 * professionals with more than their care group needs go first, then the
 * floating ones (care.h). Here the same accounting is done person by person.
 * Per interval we keep what the plugin keeps (the dedicated professionals
 * per unit, the floating ones, the sum of the units' deficits and surpluses)
 * plus `pend`, the escort places not yet given to anyone:
 *   short = max(0, deficit + max(0, pend - surplus) - floating)
 * which before any naming is exactly the plugin's shortfall. Naming person p
 * for a duty takes p away for every interval of its span: pend drops by one,
 * and p's own place in the count (a floating professional, or one dedicated
 * to unit u, which raises u's deficit when u had nobody to spare) goes. A
 * candidate's cost is the minutes by which that raises the shortfall: zero
 * for a professional the ratio does not need at any moment of the walk.
 *
 * Because the plugin's count lets different people cover one escort place
 * at different moments while a walk takes one person for the whole span,
 * the named choice can fall short where the count did not; the final check
 * (violation_min) says whether it does, with the 3-hour rule applied as the
 * plugin applies it. */
#include <stdlib.h>
#include <string.h>

#include "care.h"
#include "dagplan/escorts.h"

#define ROLE_NONE  (-2) /* not rostered at home then */
#define ROLE_FLOAT (-1) /* rostered for any group */

typedef struct duty {
    dp_id session;
    uint8_t day;
    uint16_t from, to; /* away span, minutes */
    uint32_t iv0, iv1; /* its intervals */
    uint32_t need;     /* escorts */
    uint32_t staff0;   /* its first entry in staff[] */
} duty;

struct dp_escorts {
    uint32_t n_sessions;
    uint32_t *duty_of; /* [n_sessions] duty index, UINT32_MAX: none */
    duty *duties;
    uint32_t n_duties;
    dp_id *staff; /* the escorts of every duty */
    dp_escorts_totals totals;
};

/* Work state of the naming. */
typedef struct namer {
    const dp_care *c;
    const dp_care_count *k;
    uint32_t n_people;
    dp_id *person_staff;             /* [n_people] staff index */
    int32_t *role;                   /* [n_people * n_iv] ROLE_NONE, ROLE_FLOAT or unit */
    uint8_t *busy;                   /* [n_people * n_iv] on a duty or leading a session */
    int32_t *ded;                    /* [n_units * n_iv] dedicated professionals still at home */
    int32_t *flt, *def, *sur, *pend; /* [n_iv] */
} namer;

void dp_escorts_free(dp_escorts *e)
{
    if (!e)
        return;
    free(e->duty_of);
    free(e->duties);
    free(e->staff);
    free(e);
}

static int cmp_duty(const void *a, const void *b)
{
    const duty *x = a, *y = b;

    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    if (x->to != y->to)
        return x->to < y->to ? -1 : 1;
    return (x->session > y->session) - (x->session < y->session);
}

static int32_t short_of(const namer *w, uint32_t iv)
{
    int32_t esc = w->pend[iv] > w->sur[iv] ? w->pend[iv] - w->sur[iv] : 0;
    int32_t x = w->def[iv] + esc - w->flt[iv];

    return x > 0 ? x : 0;
}

/* Takes person p away (sign +1) or back (-1) at interval iv for an escort
 * place. */
static void take(namer *w, uint32_t p, uint32_t iv, int sign)
{
    const dp_care *c = w->c;
    int32_t r = w->role[(size_t) p * c->n_iv + iv];

    w->pend[iv] -= sign;
    if (r == ROLE_FLOAT) {
        w->flt[iv] -= sign;
        return;
    }
    size_t ui = (size_t) r * c->n_iv + iv;
    int req = w->k->req[ui];
    int32_t before = w->ded[ui], after = before - sign;
    if (req < 0) {
        w->sur[iv] += after - before;
    } else {
        w->def[iv] += (req > after ? req - after : 0) - (req > before ? req - before : 0);
        w->sur[iv] += (after > req ? after - req : 0) - (before > req ? before - req : 0);
    }
    w->ded[ui] = after;
}

/* The cost of naming p for duty d: minutes the shortfall rises by (INT64_MAX
 * when p is not rostered or busy for part of the span); *floating: the
 * intervals in which p is a floating professional. */
static int64_t cost_of(namer *w, const duty *d, uint32_t p, int64_t *floating)
{
    const dp_care *c = w->c;
    int64_t cost = 0;

    *floating = 0;
    for (uint32_t iv = d->iv0; iv < d->iv1; iv++) {
        size_t pi = (size_t) p * c->n_iv + iv;
        if (w->role[pi] == ROLE_NONE || w->busy[pi])
            return INT64_MAX;
    }
    for (uint32_t iv = d->iv0; iv < d->iv1; iv++) {
        int32_t before = short_of(w, iv);
        take(w, p, iv, +1);
        cost += (int64_t) (short_of(w, iv) - before) * (c->iv_to[iv] - c->iv_from[iv]);
        take(w, p, iv, -1);
        *floating += w->role[(size_t) p * c->n_iv + iv] == ROLE_FLOAT;
    }
    return cost;
}

static dp_status namer_init(namer *w, const dp_care *c, const dp_care_count *k,
                            const uint32_t *section_count, const uint32_t *session_slot)
{
    const dp_model *m = c->m;
    size_t n_iv = c->n_iv;
    dp_id *person_of = malloc(((size_t) m->n_staff + 1) * sizeof *person_of);

    memset(w, 0, sizeof *w);
    w->c = c;
    w->k = k;
    w->person_staff = malloc(((size_t) m->n_staff + 1) * sizeof *w->person_staff);
    if (!person_of || !w->person_staff) {
        free(person_of);
        return DP_ENOMEM;
    }
    for (dp_id s = 0; s < m->n_staff; s++)
        person_of[s] = DP_NONE;
    for (uint32_t r = 0; r < m->n_rota; r++) {
        const dp_rota *ro = &m->rota[r];
        if (ro->location != c->home || !m->staff[ro->staff].bkr || person_of[ro->staff] != DP_NONE)
            continue;
        person_of[ro->staff] = 0; /* numbered below, in staff order */
    }
    for (dp_id s = 0; s < m->n_staff; s++)
        if (person_of[s] != DP_NONE) {
            person_of[s] = w->n_people;
            w->person_staff[w->n_people++] = s;
        }
    size_t pn = (size_t) w->n_people * n_iv + 1;
    w->role = malloc(pn * sizeof *w->role);
    w->busy = calloc(pn, 1);
    w->ded = malloc(((size_t) c->n_units * n_iv + 1) * sizeof *w->ded);
    w->flt = malloc((n_iv + 1) * sizeof *w->flt);
    w->def = malloc((n_iv + 1) * sizeof *w->def);
    w->sur = malloc((n_iv + 1) * sizeof *w->sur);
    w->pend = malloc((n_iv + 1) * sizeof *w->pend);
    if (!w->role || !w->busy || !w->ded || !w->flt || !w->def || !w->sur || !w->pend) {
        free(person_of);
        return DP_ENOMEM;
    }
    for (size_t i = 0; i + 1 < pn; i++)
        w->role[i] = ROLE_NONE;
    /* A person's role at an interval: the first of their rows covering it
     * (the plugin counts overlapping rows of one person twice; docs). */
    for (uint32_t r = 0; r < m->n_rota; r++) {
        const dp_rota *ro = &m->rota[r];
        if (ro->location != c->home || !m->staff[ro->staff].bkr)
            continue;
        dp_id u = ro->care_group == DP_NONE ? DP_NONE : c->cg_unit[ro->care_group];
        uint32_t a = dp__care_iv_at(c, ro->day, ro->from_min);
        uint32_t b = dp__care_iv_at(c, ro->day, ro->to_min);
        for (uint32_t iv = a; iv < b; iv++) {
            int32_t *x = &w->role[(size_t) person_of[ro->staff] * n_iv + iv];
            if (*x == ROLE_NONE)
                *x = u == DP_NONE ? ROLE_FLOAT : (int32_t) u;
        }
    }
    /* Leaders of running sessions are busy for the session's away span. */
    for (dp_id s = 0; s < m->n_sections; s++) {
        const dp_section *sec = &m->sections[s];
        if (sec->staff == DP_NONE || person_of[sec->staff] == DP_NONE || !section_count[s])
            continue;
        for (uint32_t x = sec->session0; x < sec->session0 + sec->n_sessions; x++) {
            uint32_t sl = session_slot[x];
            for (uint32_t iv = c->away0[sl]; iv < c->away1[sl]; iv++)
                w->busy[(size_t) person_of[sec->staff] * n_iv + iv] = 1;
        }
    }
    free(person_of);
    for (size_t i = 0; i < (size_t) c->n_units * n_iv; i++)
        w->ded[i] = c->dedicated[i];
    for (uint32_t iv = 0; iv < n_iv; iv++) {
        w->flt[iv] = c->floating[iv];
        w->def[iv] = k->sum[iv].deficit;
        w->sur[iv] = k->sum[iv].surplus;
        w->pend[iv] = k->escorts[iv];
    }
    return DP_OK;
}

static void namer_release(namer *w)
{
    free(w->person_staff);
    free(w->role);
    free(w->busy);
    free(w->ded);
    free(w->flt);
    free(w->def);
    free(w->sur);
    free(w->pend);
}

/* Gives every place of every duty (in time order) to the cheapest free
 * candidate. */
static void name_all(namer *w, dp_escorts *e)
{
    const dp_care *c = w->c;

    for (uint32_t i = 0; i < e->n_duties; i++) {
        duty *d = &e->duties[i];
        for (uint32_t j = 0; j < d->need; j++) {
            uint32_t best = UINT32_MAX;
            int64_t best_cost = INT64_MAX, best_float = 0;
            for (uint32_t p = 0; p < w->n_people; p++) {
                int64_t fl, cost = cost_of(w, d, p, &fl);
                if (cost == INT64_MAX)
                    continue;
                if (best == UINT32_MAX || cost < best_cost ||
                    (cost == best_cost && fl < best_float)) {
                    best = p;
                    best_cost = cost;
                    best_float = fl;
                }
            }
            if (best == UINT32_MAX)
                continue; /* stays DP_NONE */
            e->staff[d->staff0 + j] = w->person_staff[best];
            for (uint32_t iv = d->iv0; iv < d->iv1; iv++) {
                take(w, best, iv, +1);
                w->busy[(size_t) best * c->n_iv + iv] = 1;
            }
        }
    }
}

/* Whether some group is left with fewer than half its need at interval iv
 * with the named escorts away: the floating professionals still at home
 * must cover every group's shortfall below half, and the unnamed places
 * beyond the dedicated professionals above half (as dp__care_classify). */
static bool group_below_half(const namer *w, uint32_t iv)
{
    const dp_care *c = w->c;
    int32_t hd = 0, hs = 0;

    for (uint32_t u = 0; u < c->n_units; u++) {
        size_t ui = (size_t) u * c->n_iv + iv;
        int req = w->k->req[ui];
        int32_t d = w->ded[ui], h = (req + 1) / 2;
        if (req < 0) {
            hs += d;
            continue;
        }
        hd += h > d ? h - d : 0;
        hs += d > h ? d - h : 0;
    }
    return hd + (w->pend[iv] > hs ? w->pend[iv] - hs : 0) > w->flt[iv];
}

/* Minutes over the 3-hour rule with the named escorts away and the unnamed
 * places still needed (pend). */
static int64_t final_check(const namer *w)
{
    const dp_care *c = w->c;
    int64_t total = 0;

    for (int d = 0; d < DP_N_DAYS; d++) {
        int64_t below = 0, half = 0, bad = 0;
        for (uint32_t iv = c->day_iv0[d]; iv < c->day_iv0[d + 1]; iv++) {
            int64_t len = c->iv_to[iv] - c->iv_from[iv];
            int32_t sh = short_of(w, iv), need = w->k->sum[iv].req + w->k->escorts[iv];
            below += sh > 0 ? len : 0;
            half += (need > 0 && need - sh < (need + 1) / 2) || group_below_half(w, iv) ? len : 0;
            bad += w->k->sum[iv].n_bad > 0 ? len : 0;
        }
        total += dp__care_day_hard(c, d, below, half, bad);
    }
    return total;
}

static dp_status build(dp_escorts *e, const dp_care *c, const dp_care_count *k,
                       const dp_id *choice_section, const uint32_t *session_slot)
{
    const dp_model *m = c->m;
    uint32_t *count = calloc((size_t) m->n_sections + 1, sizeof *count);
    uint32_t n_places = 0;
    dp_status rc = DP_OK;
    namer w;

    e->n_sessions = m->n_sessions;
    e->duty_of = malloc(((size_t) m->n_sessions + 1) * sizeof *e->duty_of);
    e->duties = calloc((size_t) m->n_sessions + 1, sizeof *e->duties);
    if (!count || !e->duty_of || !e->duties) {
        free(count);
        return DP_ENOMEM;
    }
    for (dp_id i = 0; i < m->n_choices; i++)
        if (choice_section[i] != DP_NONE)
            count[choice_section[i]]++;
    for (dp_id x = 0; x < m->n_sessions; x++) {
        dp_id s = m->sessions[x].section;
        e->duty_of[x] = UINT32_MAX;
        if (!c->escorted[s] || !count[s])
            continue;
        uint32_t sl = session_slot[x];
        int day, from, to;
        dp__care_slot_span(c, sl, &day, &from, &to);
        duty *d = &e->duties[e->n_duties++];
        d->session = x;
        d->day = (uint8_t) day;
        d->from = (uint16_t) from;
        d->to = (uint16_t) to;
        d->iv0 = c->away0[sl];
        d->iv1 = c->away1[sl];
        d->need = dp__care_escorts(c, count[s]);
    }
    qsort(e->duties, e->n_duties, sizeof *e->duties, cmp_duty);
    for (uint32_t i = 0; i < e->n_duties; i++) {
        e->duties[i].staff0 = n_places;
        n_places += e->duties[i].need;
        e->duty_of[e->duties[i].session] = i;
    }
    e->staff = malloc(((size_t) n_places + 1) * sizeof *e->staff);
    if (!e->staff) {
        free(count);
        return DP_ENOMEM;
    }
    for (uint32_t i = 0; i < n_places; i++)
        e->staff[i] = DP_NONE;
    e->totals.duties = n_places;
    if (c->has_rota) {
        rc = namer_init(&w, c, k, count, session_slot);
        if (rc == DP_OK) {
            name_all(&w, e);
            e->totals.violation_min = final_check(&w);
        }
        namer_release(&w);
    }
    free(count);
    if (rc != DP_OK)
        return rc;
    /* Totals: places named, different people. */
    bool *seen = calloc((size_t) m->n_staff + 1, sizeof *seen);
    if (!seen)
        return DP_ENOMEM;
    for (uint32_t i = 0; i < n_places; i++) {
        dp_id s = e->staff[i];
        if (s == DP_NONE)
            continue;
        e->totals.named++;
        e->totals.people += !seen[s];
        seen[s] = true;
    }
    free(seen);
    return DP_OK;
}

dp_status dp_escorts_new(const dp_model *m, const dp_id *choice_section,
                         const uint32_t *session_slot, dp_escorts **out, dp_error *err)
{
    dp_escorts *e = calloc(1, sizeof *e);
    dp_care c;
    dp_care_count k;
    dp_status rc;

    *out = NULL;
    if (!e)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory naming the escorts");
    rc = dp__care_init(&c, m, err);
    if (rc != DP_OK) {
        free(e);
        return rc;
    }
    rc = dp__care_count_alloc(&c, &k);
    if (rc == DP_OK) {
        dp__care_count(&c, choice_section, session_slot, &k);
        rc = build(e, &c, &k, choice_section, session_slot);
    }
    dp__care_count_release(&k);
    dp__care_release(&c);
    if (rc != DP_OK) {
        dp_escorts_free(e);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory naming the escorts");
    }
    *out = e;
    return DP_OK;
}

unsigned dp_escorts_of_session(const dp_escorts *e, dp_id k, int *from, int *to,
                               const dp_id **staff)
{
    if (!e || k >= e->n_sessions || e->duty_of[k] == UINT32_MAX)
        return 0;
    const duty *d = &e->duties[e->duty_of[k]];
    *from = d->from;
    *to = d->to;
    *staff = &e->staff[d->staff0];
    return d->need;
}

void dp_escorts_get_totals(const dp_escorts *e, dp_escorts_totals *out)
{
    *out = e->totals;
}
