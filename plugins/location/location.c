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

typedef struct location_state {
    dp_timeline *tl;
    dp_usage u;
} location_state;

static int64_t excess(const dp_model *m, const dp_timeline *tl, uint32_t iv, int32_t run,
                      int32_t kids)
{
    const dp_location *l = &m->locations[dp_timeline_resource(tl, iv)];
    int64_t bad = run > l->rooms ? run - l->rooms : 0;

    if (l->capacity != DP_UNLIMITED && kids > l->capacity)
        bad += kids - l->capacity;
    return bad;
}

static void free_state(void *state)
{
    location_state *ls = state;

    if (!ls)
        return;
    dp_usage_release(&ls->u);
    dp_timeline_free(ls->tl);
    free(ls);
}

static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    const dp_model *m = v->m;
    location_state *ls = calloc(1, sizeof *ls);
    dp_id *res = malloc(((size_t) m->n_sessions + 1) * sizeof *res);
    dp_status rc = DP_ENOMEM;

    if (!ls || !res) {
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
        goto done;
    }
    for (dp_id k = 0; k < m->n_sessions; k++)
        res[k] = m->sections[m->sessions[k].section].location;
    rc = dp_timeline_new(m, m->n_locations, res, &ls->tl, err);
    if (rc == DP_OK)
        rc = dp_usage_init(&ls->u, ls->tl, err);
    if (rc == DP_OK) {
        dp_usage_recount(&ls->u, v, ls->u.run, ls->u.kids);
        *state = ls;
        ls = NULL;
    }
done:
    free(res);
    free_state(ls);
    return rc;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    location_state *ls = state;
    dp_usage *u = &ls->u;

    out->hard = 0;
    out->score = 0;
    dp_usage_collect(u, v, mv);
    for (uint32_t i = 0; i < u->n_touched; i++) {
        uint32_t iv = u->touched[i];
        out->hard +=
            excess(v->m, ls->tl, iv, u->run[iv] + u->d_run[iv], u->kids[iv] + u->d_kids[iv]) -
            excess(v->m, ls->tl, iv, u->run[iv], u->kids[iv]);
    }
    dp_usage_clear(u);
}

static void apply(void *state, const dp_state_view *v, const dp_move *mv)
{
    location_state *ls = state;

    dp_usage_collect(&ls->u, v, mv);
    dp_usage_commit(&ls->u);
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    location_state *ls = state;
    uint32_t n = dp_timeline_size(ls->tl);
    int32_t *run = calloc((size_t) n + 1, sizeof *run);
    int32_t *kids = calloc((size_t) n + 1, sizeof *kids);

    out->hard = 0;
    out->score = 0;
    if (!run || !kids) {
        out->hard = -1; /* cannot verify: reported as a mismatch */
    } else {
        dp_usage_recount(&ls->u, v, run, kids);
        for (uint32_t iv = 0; iv < n; iv++)
            out->hard += excess(v->m, ls->tl, iv, run[iv], kids[iv]);
    }
    free(run);
    free(kids);
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    location_state *ls = state;
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
    .free = free_state,
    .delta = delta,
    .apply = apply,
    .full = full,
    .explain = explain,
};
