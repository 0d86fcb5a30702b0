/* plugins/ratio/escorts.c - naming the escorts of a schedule (escorts.h).
 *
 * The naming itself is naming.c's, the very function whose verdict the
 * ratio plugin's hard count is (plugin.c): what the search accepts is what
 * these names realise. Here it is run once over the whole week and its
 * answer kept per session. */
#include <stdlib.h>
#include <string.h>

#include "dagplan/escorts.h"
#include "naming.h"

typedef struct duty {
    uint16_t from, to; /* away span, minutes */
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

void dp_escorts_free(dp_escorts *e)
{
    if (!e)
        return;
    free(e->duty_of);
    free(e->duties);
    free(e->staff);
    free(e);
}

static dp_status build(dp_escorts *e, const dp_care *c, const dp_care_count *k,
                       const dp_id *choice_section, const uint32_t *session_slot)
{
    const dp_model *m = c->m;
    dp_care_namer w;
    dp_care_week wk;

    e->n_sessions = m->n_sessions;
    e->duty_of = malloc(((size_t) m->n_sessions + 1) * sizeof *e->duty_of);
    if (!e->duty_of || dp__care_namer_init(&w, c) != DP_OK)
        return DP_ENOMEM;
    if (dp__care_week_name(&w, k, choice_section, session_slot, &wk) != DP_OK) {
        dp__care_namer_release(&w);
        return DP_ENOMEM;
    }
    dp__care_namer_release(&w);
    for (dp_id x = 0; x < m->n_sessions; x++)
        e->duty_of[x] = UINT32_MAX;
    e->duties = calloc((size_t) wk.n_duties + 1, sizeof *e->duties);
    e->staff = wk.staff; /* taken over */
    wk.staff = NULL;
    if (!e->duties) {
        dp__care_week_release(&wk);
        return DP_ENOMEM;
    }
    e->n_duties = wk.n_duties;
    for (uint32_t i = 0; i < wk.n_duties; i++) {
        const dp_care_duty *t = &wk.duties[i];
        int day, from, to;
        dp__care_slot_span(c, t->slot, &day, &from, &to);
        e->duties[i] = (duty){(uint16_t) from, (uint16_t) to, t->need, t->staff0};
        e->duty_of[t->session] = i;
    }
    e->totals.duties = wk.n_places;
    /* Without a rota nobody is named: the places stay open, no verdict. */
    if (!c->has_rota)
        for (uint32_t i = 0; i < wk.n_places; i++)
            e->staff[i] = DP_NONE;
    else
        e->totals.violation_min = wk.hard;
    dp__care_week_release(&wk);
    /* Totals: places named, different people. */
    bool *seen = calloc((size_t) m->n_staff + 1, sizeof *seen);
    if (!seen)
        return DP_ENOMEM;
    for (uint32_t i = 0; i < e->totals.duties; i++) {
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
