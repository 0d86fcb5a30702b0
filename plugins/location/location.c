/* plugins/location/location.c - FORMAT.md section 3, item 6 (locations): at one
 * time a location hosts at most `rooms` running sessions and `capacity`
 * children. A cancelled section (no children) uses no room.
 *
 * State: a timeline of each location's elementary intervals with counters of
 * running sessions and children. A violation is one interval over rooms or one
 * child over capacity in one interval. */
#include <stdio.h>
#include <stdlib.h>

#include "dagplan/usage.h"

static int64_t excess(const dp_model *m, const dp_timeline *tl, uint32_t iv, int32_t run,
                      int32_t kids)
{
    const dp_location *l = &m->locations[dp_timeline_resource(tl, iv)];
    int64_t bad = run > l->rooms ? run - l->rooms : 0;

    if (l->capacity != DP_UNLIMITED && kids > l->capacity)
        bad += kids - l->capacity;
    return bad;
}

/* Counts usage per resource: the one each session uses. */
static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    const dp_model *m = v->m;
    dp_id *res = malloc(((size_t) m->n_sessions + 1) * sizeof *res);

    if (!res)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
    for (dp_id k = 0; k < m->n_sessions; k++)
        res[k] = m->sections[m->sessions[k].section].location;
    dp_status rc = dp_usage_plugin_new(v, m->n_locations, res, excess, state, err);
    free(res);
    if (rc != DP_OK)
        return rc;
    /* Sizes matter only at a location with a capacity; elsewhere only rooms
     * (running or not) count. (Children are then not counted there at all,
     * so a capacity check must never read those counters.) */
    dp_usage *u = &((dp_usage_plugin *) *state)->u;
    u->size_blind = malloc((size_t) m->n_sections + 1);
    if (u->size_blind)
        for (dp_id s = 0; s < m->n_sections; s++)
            u->size_blind[s] = m->locations[m->sections[s].location].capacity == DP_UNLIMITED;
    return DP_OK;
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    dp_usage_plugin *ls = state;
    const dp_model *m = v->m;
    const dp_section *s = &m->sections[section];
    const dp_location *l = &m->locations[s->location];
    int opening = v->section_count[section] == 0;

    (void) choice;
    for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
        uint32_t first, end;
        dp_timeline_range(ls->tl, v->session_slot[k], &first, &end);
        for (uint32_t iv = first; iv < end; iv++) {
            if (opening && ls->u.run[iv] >= l->rooms) {
                snprintf(buf, len, "%s (%s) has no free room when %s meets", l->name, l->id, s->id);
                return 1;
            }
            if (l->capacity != DP_UNLIMITED && ls->u.kids[iv] >= l->capacity) {
                snprintf(buf, len, "%s (%s) is at its capacity of %d children when %s meets",
                         l->name, l->id, (int) l->capacity, s->id);
                return 1;
            }
        }
    }
    return 0;
}

const dp_plugin dp_plugin_location = {
    .abi = DP_PLUGIN_ABI,
    .name = "location",
    .term = DP_TERM_NONE,
    .init = init,
    .free = dp_usage_plugin_free,
    .delta = dp_usage_plugin_delta,
    .apply = dp_usage_plugin_apply,
    .full = dp_usage_plugin_full,
    .explain = explain,
};
