/* plugins/ratio/staffing.c - the staffing plan of a schedule (staffing.h):
 * the care model of care.h counted once from scratch, then summarised per
 * 15-minute step (the most any minute of the step needs, the fewest
 * professionals any minute has), and the stretches where a rota falls short.
 */
#include <stdlib.h>
#include <string.h>

#include "dagplan/staffing.h"
#include "dagplan/time.h"
#include "naming.h"

#define STEP_MIN 15

typedef struct step {
    uint8_t day;
    uint16_t start_min;
    uint32_t children; /* most in care at once during the step */
    int32_t need;      /* most professionals needed (units + escorts) */
    int32_t escorts;   /* most escorts */
    int32_t rostered;  /* fewest rostered */
    bool bad;          /* some unit's composition is not allowed */
} step;

struct dp_staffing {
    dp_care c;
    dp_care_count k;
    dp_care_week wk; /* with a rota: the escorts named, the verdict with them away */
    step *steps;
    int16_t *step_req;   /* [n_steps * n_units] most required, -1 not allowed */
    uint16_t *step_kids; /* [n_steps * n_units] most children */
    uint32_t n_steps;
    dp_staffing_totals totals;
};

void dp_staffing_free(dp_staffing *st)
{
    if (!st)
        return;
    dp__care_count_release(&st->k);
    dp__care_week_release(&st->wk);
    dp__care_release(&st->c);
    free(st->steps);
    free(st->step_req);
    free(st->step_kids);
    free(st);
}

static uint32_t iv_children(const dp_staffing *st, uint32_t u, uint32_t iv)
{
    const uint16_t *n = &st->k.cnt[((size_t) u * st->c.n_iv + iv) * DP_RATIO_N_AGES];
    uint32_t total = 0;

    for (int a = 0; a < DP_RATIO_N_AGES; a++)
        total += n[a];
    return total;
}

static int32_t iv_rostered(const dp_care *c, uint32_t iv)
{
    int32_t n = c->floating[iv];

    for (uint32_t u = 0; u < c->n_units; u++)
        n += c->dedicated[(size_t) u * c->n_iv + iv];
    return n;
}

/* Fills step s (already holding day and start) from the intervals of its day
 * that overlap it: the needs of its worst moment (the most professionals
 * needed; the first such), the most children, the fewest rostered. Returns
 * whether anything happens in it. */
static bool fill_step(dp_staffing *st, uint32_t s)
{
    const dp_care *c = &st->c;
    step *p = &st->steps[s];
    int16_t *req = &st->step_req[(size_t) s * c->n_units];
    uint16_t *kids = &st->step_kids[(size_t) s * c->n_units];
    uint32_t worst = UINT32_MAX;
    bool any = false;

    p->rostered = INT32_MAX;
    p->need = -1;
    for (uint32_t iv = c->day_iv0[p->day]; iv < c->day_iv0[p->day + 1]; iv++) {
        if (c->iv_to[iv] <= p->start_min || c->iv_from[iv] >= p->start_min + STEP_MIN)
            continue;
        uint32_t total = 0;
        for (uint32_t u = 0; u < c->n_units; u++) {
            uint32_t n = iv_children(st, u, iv);
            total += n;
            kids[u] = (uint16_t) (n > kids[u] ? n : kids[u]);
        }
        int32_t need = st->k.sum[iv].req + st->k.escorts[iv];
        p->children = total > p->children ? total : p->children;
        p->bad = p->bad || st->k.sum[iv].n_bad > 0;
        if (total == 0 && need == 0)
            continue;
        any = true;
        int32_t r = iv_rostered(c, iv);
        p->rostered = r < p->rostered ? r : p->rostered;
        if (need > p->need) {
            p->need = need;
            worst = iv;
        }
    }
    if (!any) {
        p->need = 0;
        p->rostered = 0;
        return false;
    }
    p->escorts = st->k.escorts[worst];
    for (uint32_t u = 0; u < c->n_units; u++)
        req[u] = st->k.req[(size_t) u * c->n_iv + worst];
    return true;
}

static dp_status build_steps(dp_staffing *st)
{
    const dp_care *c = &st->c;
    uint32_t cap = DP_N_DAYS * (DP_MINUTES_DAY / STEP_MIN);

    st->steps = calloc(cap, sizeof *st->steps);
    st->step_req = calloc((size_t) cap * c->n_units + 1, sizeof *st->step_req);
    st->step_kids = calloc((size_t) cap * c->n_units + 1, sizeof *st->step_kids);
    if (!st->steps || !st->step_req || !st->step_kids)
        return DP_ENOMEM;
    for (int d = 0; d < DP_N_DAYS; d++) {
        if (c->day_iv0[d] == c->day_iv0[d + 1])
            continue;
        int first = c->iv_from[c->day_iv0[d]] / STEP_MIN * STEP_MIN;
        int last = c->iv_to[c->day_iv0[d + 1] - 1];
        for (int t = first; t < last; t += STEP_MIN) {
            uint32_t s = st->n_steps;
            st->steps[s].day = (uint8_t) d;
            st->steps[s].start_min = (uint16_t) t;
            if (fill_step(st, s)) {
                st->n_steps++;
                continue;
            }
            memset(&st->steps[s], 0, sizeof st->steps[s]); /* reused by the next step */
            memset(&st->step_req[(size_t) s * c->n_units], 0, c->n_units * sizeof *st->step_req);
            memset(&st->step_kids[(size_t) s * c->n_units], 0, c->n_units * sizeof *st->step_kids);
        }
    }
    return DP_OK;
}

/* One professional at home (the escorts gone) with children in care. */
static bool alone_at(const dp_staffing *st, uint32_t iv)
{
    uint32_t kids = 0;

    for (uint32_t u = 0; u < st->c.n_units && !kids; u++)
        kids += iv_children(st, u, iv);
    return st->c.has_rota && kids > 0 && iv_rostered(&st->c, iv) - st->k.escorts[iv] == 1;
}

static void compute_totals(dp_staffing *st)
{
    dp_staffing_totals *t = &st->totals;

    memset(t, 0, sizeof *t);
    t->peak_day = -1;
    t->has_rota = st->c.has_rota;
    for (uint32_t s = 0; s < st->n_steps; s++) {
        const step *p = &st->steps[s];
        if (p->need > 0 && (unsigned) p->need > t->peak) {
            t->peak = (unsigned) p->need;
            t->peak_day = p->day;
            t->peak_start_min = p->start_min;
        }
        t->professional_min += (uint64_t) (p->need > 0 ? p->need : 0) * STEP_MIN;
        t->children_peak = p->children > t->children_peak ? p->children : t->children_peak;
    }
    if (t->has_rota)
        t->violation_min = st->wk.hard;
    for (uint32_t iv = 0; iv < st->c.n_iv; iv++)
        if (alone_at(st, iv))
            t->alone_min += (unsigned) (st->c.iv_to[iv] - st->c.iv_from[iv]);
}

dp_status dp_staffing_new(const dp_model *m, const dp_id *choice_section,
                          const uint32_t *session_slot, dp_staffing **out, dp_error *err)
{
    dp_staffing *st = calloc(1, sizeof *st);

    if (!st)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the staffing plan");
    if (dp__care_init(&st->c, m, err) != DP_OK) {
        free(st);
        return DP_ENOMEM;
    }
    if (dp__care_count_alloc(&st->c, &st->k) != DP_OK)
        goto oom;
    dp__care_count(&st->c, choice_section, session_slot, &st->k);
    if (st->c.has_rota) {
        dp_care_namer w;
        if (dp__care_namer_init(&w, &st->c) != DP_OK)
            goto oom;
        dp_status rc = dp__care_week_name(&w, &st->k, choice_section, session_slot, &st->wk);
        dp__care_namer_release(&w);
        if (rc != DP_OK)
            goto oom;
    }
    if (build_steps(st) != DP_OK)
        goto oom;
    compute_totals(st);
    *out = st;
    return DP_OK;
oom:
    dp_staffing_free(st);
    return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the staffing plan");
}

unsigned dp_staffing_write_alone(const dp_staffing *st, dp_buf *b)
{
    const dp_care *c = &st->c;
    unsigned n = 0;
    char from[8], to[8];

    for (uint32_t iv = 0; iv < c->n_iv;) {
        if (!alone_at(st, iv)) {
            iv++;
            continue;
        }
        uint32_t e = iv + 1;
        while (e < c->n_iv && c->iv_day[e] == c->iv_day[iv] && c->iv_from[e] == c->iv_to[e - 1] &&
               alone_at(st, e))
            e++;
        dp_time_format(c->iv_from[iv], from);
        dp_time_format(c->iv_to[e - 1], to);
        dp_buf_printf(b, "%s%s %s-%s", n ? ", " : "", dp_day_name(c->iv_day[iv]), from, to);
        n++;
        iv = e;
    }
    return n;
}

void dp_staffing_get_totals(const dp_staffing *st, dp_staffing_totals *out)
{
    *out = st->totals;
    if (st->c.has_rota) {
        dp_buf b;
        dp_buf_init(&b);
        out->n_breaches = dp_staffing_write_breaches(st, &b);
        dp_buf_release(&b);
    }
}

static bool same_needs(const dp_staffing *st, uint32_t a, uint32_t b)
{
    const step *x = &st->steps[a], *y = &st->steps[b];
    size_t n = st->c.n_units;

    return x->day == y->day && x->start_min + STEP_MIN * (b - a) == y->start_min &&
           x->need == y->need && x->escorts == y->escorts && x->rostered == y->rostered &&
           x->bad == y->bad &&
           memcmp(&st->step_req[a * n], &st->step_req[b * n], n * sizeof *st->step_req) == 0;
}

static void write_run(const dp_staffing *st, uint32_t a, uint32_t b, dp_buf *out)
{
    const dp_care *c = &st->c;
    const step *p = &st->steps[a];
    char from[8], to[8];
    uint32_t kids_lo = UINT32_MAX, kids_hi = 0;

    for (uint32_t s = a; s < b; s++) {
        kids_lo = st->steps[s].children < kids_lo ? st->steps[s].children : kids_lo;
        kids_hi = st->steps[s].children > kids_hi ? st->steps[s].children : kids_hi;
    }
    dp_time_format(p->start_min, from);
    dp_time_format(st->steps[b - 1].start_min + STEP_MIN, to);
    dp_buf_printf(out, "    %s %s-%s  children %u", dp_day_name(p->day), from, to, kids_hi);
    if (kids_lo != kids_hi)
        dp_buf_printf(out, " (at least %u)", kids_lo);
    dp_buf_printf(out, "  need %d", p->need);
    const char *sep = " = ";
    for (uint32_t u = 0; u < c->n_units; u++) {
        int r = st->step_req[(size_t) a * c->n_units + u];
        if (r == 0)
            continue;
        if (r < 0)
            dp_buf_printf(out, "%s%s: not allowed", sep, c->units[u].name);
        else
            dp_buf_printf(out, "%s%s %d", sep, c->units[u].name, r);
        sep = " + ";
    }
    if (p->escorts)
        dp_buf_printf(out, "%sescorts %d", sep, p->escorts);
    if (c->has_rota)
        dp_buf_printf(out, "  rostered %d%s", p->rostered, p->rostered < p->need ? " (short)" : "");
    dp_buf_puts(out, "\n");
}

void dp_staffing_write_table(const dp_staffing *st, dp_buf *b)
{
    const dp_staffing_totals *t = &st->totals;
    char at[8];

    dp_buf_printf(b, "  staffing plan at %s (childcare professionals per 15 minutes):\n",
                  st->c.m->locations[st->c.home].id);
    if (st->n_steps == 0) {
        dp_buf_puts(b, "    nobody in care\n");
        return;
    }
    for (uint32_t a = 0; a < st->n_steps;) {
        uint32_t e = a + 1;
        while (e < st->n_steps && same_needs(st, a, e))
            e++;
        write_run(st, a, e, b);
        a = e;
    }
    dp_time_format(t->peak_start_min, at);
    dp_buf_printf(b, "    peak %u professionals (%s %s); %llu.%02llu professional-hours a week\n",
                  t->peak, t->peak_day >= 0 ? dp_day_name(t->peak_day) : "-", at,
                  (unsigned long long) (t->professional_min / 60),
                  (unsigned long long) (t->professional_min % 60 * 100 / 60));
}

void dp_staffing_write_json(const dp_staffing *st, dp_buf *b)
{
    const dp_care *c = &st->c;
    const dp_staffing_totals *t = &st->totals;
    char at[8];

    dp_buf_puts(b, "{\"location\": ");
    dp_buf_json_string(b, c->m->locations[c->home].id);
    dp_buf_printf(b, ", \"step_minutes\": %d, \"rota\": %s, \"escort_ratio\": %u", STEP_MIN,
                  c->has_rota ? "true" : "false", c->escort_ratio);
    dp_time_format(t->peak_start_min, at);
    dp_buf_printf(b, ", \"peak\": {\"professionals\": %u, \"day\": ", t->peak);
    if (t->peak_day >= 0)
        dp_buf_printf(b, "\"%s\", \"start\": \"%s\"}", dp_day_name(t->peak_day), at);
    else
        dp_buf_puts(b, "null, \"start\": null}");
    dp_buf_printf(b, ", \"professional_minutes\": %llu, \"children_peak\": %u",
                  (unsigned long long) t->professional_min, t->children_peak);
    if (c->has_rota)
        dp_buf_printf(b, ", \"violation_minutes\": %lld, \"alone_minutes\": %u",
                      (long long) t->violation_min, t->alone_min);
    dp_buf_puts(b, ",\n    \"units\": [");
    for (uint32_t u = 0; u < c->n_units; u++) {
        dp_buf_puts(b, u ? ", {\"id\": " : "{\"id\": ");
        dp_buf_json_string(b, c->units[u].name);
        dp_buf_printf(b, ", \"kind\": \"%s\", \"whole_location\": %s}",
                      c->units[u].kind == DP_RATIO_DAYCARE ? "daycare" : "out-of-school care",
                      c->units[u].location ? "true" : "false");
    }
    dp_buf_puts(b, "],\n    \"steps\": [");
    for (uint32_t s = 0; s < st->n_steps; s++) {
        const step *p = &st->steps[s];
        dp_time_format(p->start_min, at);
        dp_buf_printf(b,
                      "%s\n      {\"day\": \"%s\", \"start\": \"%s\", \"children\": %u, "
                      "\"required\": %d, \"escorts\": %d, \"rostered\": ",
                      s ? "," : "", dp_day_name(p->day), at, p->children, p->need, p->escorts);
        if (c->has_rota)
            dp_buf_printf(b, "%d", p->rostered);
        else
            dp_buf_puts(b, "null");
        dp_buf_puts(b, ", \"units\": [");
        for (uint32_t u = 0; u < c->n_units; u++) {
            int r = st->step_req[(size_t) s * c->n_units + u];
            if (r < 0)
                dp_buf_printf(b, "%s{\"children\": %u, \"required\": null}", u ? ", " : "",
                              st->step_kids[(size_t) s * c->n_units + u]);
            else
                dp_buf_printf(b, "%s{\"children\": %u, \"required\": %d}", u ? ", " : "",
                              st->step_kids[(size_t) s * c->n_units + u], r);
        }
        dp_buf_puts(b, "]}");
    }
    dp_buf_puts(b, st->n_steps ? "\n    ]}" : "]}");
}

/* One stretch of consecutive intervals [a, e) of one day that count against
 * the rule. */
static void write_stretch(const dp_staffing *st, uint32_t a, uint32_t e, dp_buf *b)
{
    const dp_care *c = &st->c;
    uint32_t kids = 0;
    int32_t need = 0, esc = 0, rostered = INT32_MAX, bad = 0;
    char from[8], to[8];

    for (uint32_t iv = a; iv < e; iv++) {
        uint32_t n = 0;
        for (uint32_t u = 0; u < c->n_units; u++)
            n += iv_children(st, u, iv);
        int32_t nd = st->k.sum[iv].req + st->k.escorts[iv], r = iv_rostered(c, iv);
        kids = n > kids ? n : kids;
        need = nd > need ? nd : need;
        esc = st->k.escorts[iv] > esc ? st->k.escorts[iv] : esc;
        rostered = r < rostered ? r : rostered;
        bad += st->k.sum[iv].n_bad > 0;
    }
    dp_time_format(c->iv_from[a], from);
    dp_time_format(c->iv_to[e - 1], to);
    dp_buf_printf(b, "%s %s-%s at %s: ", dp_day_name(c->iv_day[a]), from, to,
                  c->m->locations[c->home].id);
    if (bad) {
        dp_buf_printf(b, "the %u children in care form a group the ratio rules do not allow\n",
                      kids);
        return;
    }
    dp_buf_printf(b, "%u children in care need %d professional%s", kids, need - esc,
                  need - esc == 1 ? "" : "s");
    if (esc)
        dp_buf_printf(b, " and %d escort%s", esc, esc == 1 ? "" : "s");
    dp_buf_printf(b, "; %d %s rostered\n", rostered, rostered == 1 ? "is" : "are");
}

unsigned dp_staffing_write_breaches(const dp_staffing *st, dp_buf *b)
{
    const dp_care *c = &st->c;
    unsigned lines = 0;

    if (!c->has_rota)
        return 0;
    for (int d = 0; d < DP_N_DAYS; d++) {
        const dp_care_week *wk = &st->wk;
        int64_t below = wk->below[d], half = wk->half[d], bad = wk->bad[d];
        if (dp__care_day_hard(c, d, below, half, bad) + wk->unnamed[d] == 0)
            continue;
        dp_buf_printf(b,
                      "%s: %lld minutes below the childcare ratio at %s, the 3-hour rule allows "
                      "%u this day",
                      dp_day_name(d), (long long) below, c->m->locations[c->home].id, c->budget[d]);
        if (half)
            dp_buf_printf(b, "; %lld minutes with fewer than half the professionals needed",
                          (long long) half);
        if (bad)
            dp_buf_printf(b, "; %lld minutes with a group the rules do not allow", (long long) bad);
        if (wk->unnamed[d])
            dp_buf_printf(b,
                          "; %lld minutes of walks to escorted sessions without a professional "
                          "free for the whole walk",
                          (long long) wk->unnamed[d]);
        dp_buf_puts(b, "\n");
        lines++;
        const uint8_t shown = DP_CARE_BELOW | DP_CARE_BAD;
        for (uint32_t iv = c->day_iv0[d]; iv < c->day_iv0[d + 1];) {
            if (!(wk->flags[iv] & shown) && !wk->unn[iv]) {
                iv++;
                continue;
            }
            uint32_t e = iv + 1;
            int32_t need = st->k.sum[iv].req + st->k.escorts[iv], r = iv_rostered(c, iv);
            while (e < c->day_iv0[d + 1] && c->iv_from[e] == c->iv_to[e - 1] &&
                   st->k.sum[e].req + st->k.escorts[e] == need && iv_rostered(c, e) == r &&
                   st->k.escorts[e] == st->k.escorts[iv] && ((wk->flags[e] & shown) || wk->unn[e]))
                e++;
            dp_buf_puts(b, "  ");
            write_stretch(st, iv, e, b);
            lines++;
            iv = e;
        }
    }
    return lines;
}
