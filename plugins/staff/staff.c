/* plugins/staff/staff.c - FORMAT.md section 3, item 6 (staff): a staff member
 * leads at most one running session at a time. Sections without a staff member
 * and cancelled sections take no part.
 *
 * State: a timeline per staff member of the intervals its sections could
 * meet in, with a counter of running sessions; one violation per interval and
 * session over one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/usage.h"

static int64_t excess(const dp_model *m, const dp_timeline *tl, uint32_t iv, int32_t run,
                      int32_t kids)
{
    (void) m;
    (void) tl;
    (void) iv;
    (void) kids;
    return run > 1 ? run - 1 : 0;
}

/* Counts usage per resource: the one each session uses. */
static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    const dp_model *m = v->m;
    dp_id *res = malloc(((size_t) m->n_sessions + 1) * sizeof *res);

    if (!res)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
    for (dp_id k = 0; k < m->n_sessions; k++)
        res[k] = m->sections[m->sessions[k].section].staff;
    dp_status rc = dp_usage_plugin_new(v, m->n_staff, res, excess, state, err);
    free(res);
    if (rc != DP_OK)
        return rc;
    /* A leader is busy whatever the size of the group. */
    dp_usage *u = &((dp_usage_plugin *) *state)->u;
    u->size_blind = malloc((size_t) m->n_sections + 1);
    if (u->size_blind)
        memset(u->size_blind, 1, (size_t) m->n_sections + 1);
    return DP_OK;
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    dp_usage_plugin *ss = state;
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
    .free = dp_usage_plugin_free,
    .delta = dp_usage_plugin_delta,
    .apply = dp_usage_plugin_apply,
    .full = dp_usage_plugin_full,
    .explain = explain,
};
