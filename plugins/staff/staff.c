/* plugins/staff/staff.c - FORMAT.md section 3, item 6 (staff): a staff member
 * leads at most one running session at a time. Sections without a staff member
 * and cancelled sections take no part.
 *
 * State: a timeline per staff member of the intervals its sections could
 * meet in, with a counter of running sessions; one violation per interval and
 * session over one. */
#include <stdio.h>
#include <stdlib.h>

#include "dagplan/usage.h"

typedef struct staff_state {
    dp_timeline *tl;
    dp_usage u;
} staff_state;

static int64_t excess(int32_t run)
{
    return run > 1 ? run - 1 : 0;
}

static void free_state(void *state)
{
    staff_state *ss = state;

    if (!ss)
        return;
    dp_usage_release(&ss->u);
    dp_timeline_free(ss->tl);
    free(ss);
}

static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    const dp_model *m = v->m;
    staff_state *ss = calloc(1, sizeof *ss);
    dp_id *res = malloc(((size_t) m->n_sessions + 1) * sizeof *res);
    dp_status rc;

    if (!ss || !res) {
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
        goto done;
    }
    for (dp_id k = 0; k < m->n_sessions; k++)
        res[k] = m->sections[m->sessions[k].section].staff;
    rc = dp_timeline_new(m, m->n_staff, res, &ss->tl, err);
    if (rc == DP_OK)
        rc = dp_usage_init(&ss->u, ss->tl, err);
    if (rc == DP_OK) {
        dp_usage_recount(&ss->u, v, ss->u.run, ss->u.kids);
        *state = ss;
        ss = NULL;
    }
done:
    free(res);
    free_state(ss);
    return rc;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    staff_state *ss = state;
    dp_usage *u = &ss->u;

    out->hard = 0;
    out->score = 0;
    dp_usage_collect(u, v, mv);
    for (uint32_t i = 0; i < u->n_touched; i++) {
        uint32_t iv = u->touched[i];
        out->hard += excess(u->run[iv] + u->d_run[iv]) - excess(u->run[iv]);
    }
    dp_usage_clear(u);
}

static void apply(void *state, const dp_state_view *v, const dp_move *mv)
{
    staff_state *ss = state;

    dp_usage_collect(&ss->u, v, mv);
    dp_usage_commit(&ss->u);
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    staff_state *ss = state;
    uint32_t n = dp_timeline_size(ss->tl);
    int32_t *run = calloc((size_t) n + 1, sizeof *run);
    int32_t *kids = calloc((size_t) n + 1, sizeof *kids);

    out->hard = 0;
    out->score = 0;
    if (!run || !kids) {
        out->hard = -1; /* cannot verify: reported as a mismatch */
    } else {
        dp_usage_recount(&ss->u, v, run, kids);
        for (uint32_t iv = 0; iv < n; iv++)
            out->hard += excess(run[iv]);
    }
    free(run);
    free(kids);
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    staff_state *ss = state;
    const dp_model *m = v->m;
    const dp_section *s = &m->sections[section];

    (void) choice;
    if (s->staff == DP_NONE || v->section_count[section] > 0)
        return 0;
    for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
        uint32_t first, end;
        dp_timeline_range(ss->tl, v->session_slot[k], &first, &end);
        for (uint32_t iv = first; iv < end; iv++)
            if (ss->u.run[iv] >= 1) {
                snprintf(buf, len, "%s's leader %s is at another session then", s->id,
                         m->staff[s->staff].name);
                return 1;
            }
    }
    return 0;
}

const dp_plugin dp_plugin_staff = {
    .abi = DP_PLUGIN_ABI,
    .name = "staff",
    .term = DP_TERM_NONE,
    .init = init,
    .free = free_state,
    .delta = delta,
    .apply = apply,
    .full = full,
    .explain = explain,
};
