/* core/usage.c - see dagplan/usage.h. */
#include "dagplan/usage.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

dp_status dp_usage_init(dp_usage *u, const dp_timeline *tl, dp_error *err)
{
    size_t n = (size_t) dp_timeline_size(tl) + 1;

    memset(u, 0, sizeof *u);
    u->tl = tl;
    u->run = calloc(n, sizeof *u->run);
    u->kids = calloc(n, sizeof *u->kids);
    u->d_run = calloc(n, sizeof *u->d_run);
    u->d_kids = calloc(n, sizeof *u->d_kids);
    u->touched = malloc(n * sizeof *u->touched);
    u->listed = calloc(n, 1);
    u->cap_touched = (uint32_t) n;
    if (!u->run || !u->kids || !u->d_run || !u->d_kids || !u->touched || !u->listed) {
        dp_usage_release(u);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for usage counters");
    }
    return DP_OK;
}

void dp_usage_release(dp_usage *u)
{
    free(u->run);
    free(u->kids);
    free(u->d_run);
    free(u->d_kids);
    free(u->touched);
    free(u->listed);
    free(u->size_blind);
    memset(u, 0, sizeof *u);
}

static void add_range(dp_usage *u, uint32_t slot, int32_t run, int32_t kids)
{
    uint32_t first, end;

    dp_timeline_range(u->tl, slot, &first, &end);
    for (uint32_t iv = first; iv < end; iv++) {
        if (!u->listed[iv]) {
            u->listed[iv] = 1;
            u->touched[u->n_touched++] = iv;
        }
        u->d_run[iv] += run;
        u->d_kids[iv] += kids;
    }
}

uint32_t dp_usage_collect(dp_usage *u, const dp_state_view *v, const dp_move *mv)
{
    const dp_model *m = v->m;

    for (uint32_t i = 0; i < mv->n_sections; i++) {
        const dp_section_change *sc = &mv->sections[i];
        const dp_section *s = &m->sections[sc->section];
        int32_t kb = (int32_t) sc->count_before, ka = (int32_t) sc->count_after;
        if (u->size_blind && u->size_blind[sc->section] && (kb > 0) == (ka > 0)) {
            bool moved = false;
            for (uint32_t k = s->session0; k < s->session0 + s->n_sessions && !moved; k++)
                moved = dp_move_slot(v, mv, k, 0) != dp_move_slot(v, mv, k, 1);
            if (!moved)
                continue; /* still running, same times: only its size changed */
        }
        for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
            uint32_t before = dp_move_slot(v, mv, k, 0), after = dp_move_slot(v, mv, k, 1);
            if (before == after) { /* one pass for the difference, the usual case */
                if (kb != ka)
                    add_range(u, after, (ka > 0) - (kb > 0), ka - kb);
                continue;
            }
            if (kb > 0)
                add_range(u, before, -1, -kb);
            if (ka > 0)
                add_range(u, after, 1, ka);
        }
    }
    return u->n_touched;
}

void dp_usage_clear(dp_usage *u)
{
    for (uint32_t i = 0; i < u->n_touched; i++) {
        u->d_run[u->touched[i]] = 0;
        u->d_kids[u->touched[i]] = 0;
        u->listed[u->touched[i]] = 0;
    }
    u->n_touched = 0;
}

void dp_usage_commit(dp_usage *u)
{
    for (uint32_t i = 0; i < u->n_touched; i++) {
        uint32_t iv = u->touched[i];
        u->run[iv] += u->d_run[iv];
        u->kids[iv] += u->d_kids[iv];
    }
    dp_usage_clear(u);
}

void dp_usage_recount(const dp_usage *u, const dp_state_view *v, int32_t *run, int32_t *kids)
{
    const dp_model *m = v->m;

    for (dp_id s = 0; s < m->n_sections; s++) {
        int32_t n = (int32_t) v->section_count[s];
        if (n == 0)
            continue;
        for (uint32_t k = m->sections[s].session0;
             k < m->sections[s].session0 + m->sections[s].n_sessions; k++) {
            uint32_t first, end;
            dp_timeline_range(u->tl, v->session_slot[k], &first, &end);
            for (uint32_t iv = first; iv < end; iv++) {
                run[iv] += 1;
                kids[iv] += n;
            }
        }
    }
}

void dp_usage_plugin_free(void *state)
{
    dp_usage_plugin *up = state;

    if (!up)
        return;
    dp_usage_release(&up->u);
    dp_timeline_free(up->tl);
    free(up);
}

dp_status dp_usage_plugin_new(const dp_state_view *v, uint32_t n_resources,
                              const dp_id *session_resource, dp_excess_fn excess, void **state,
                              dp_error *err)
{
    dp_usage_plugin *up = calloc(1, sizeof *up);
    dp_status rc;

    if (!up)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory");
    up->excess = excess;
    rc = dp_timeline_new(v->m, n_resources, session_resource, &up->tl, err);
    if (rc == DP_OK)
        rc = dp_usage_init(&up->u, up->tl, err);
    if (rc != DP_OK) {
        dp_usage_plugin_free(up);
        return rc;
    }
    dp_usage_recount(&up->u, v, up->u.run, up->u.kids);
    *state = up;
    return DP_OK;
}

void dp_usage_plugin_delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    dp_usage_plugin *up = state;
    dp_usage *u = &up->u;

    out->hard = 0;
    out->score = 0;
    dp_usage_collect(u, v, mv);
    for (uint32_t i = 0; i < u->n_touched; i++) {
        uint32_t iv = u->touched[i];
        out->hard +=
            up->excess(v->m, up->tl, iv, u->run[iv] + u->d_run[iv], u->kids[iv] + u->d_kids[iv]) -
            up->excess(v->m, up->tl, iv, u->run[iv], u->kids[iv]);
    }
    dp_usage_clear(u);
}

void dp_usage_plugin_apply(void *state, const dp_state_view *v, const dp_move *mv)
{
    dp_usage_plugin *up = state;

    dp_usage_collect(&up->u, v, mv);
    dp_usage_commit(&up->u);
}

void dp_usage_plugin_full(void *state, const dp_state_view *v, dp_delta *out)
{
    dp_usage_plugin *up = state;
    uint32_t n = dp_timeline_size(up->tl);
    int32_t *run = calloc((size_t) n + 1, sizeof *run);
    int32_t *kids = calloc((size_t) n + 1, sizeof *kids);

    out->hard = 0;
    out->score = 0;
    if (!run || !kids) {
        out->hard = -1; /* cannot verify: reported as a mismatch */
    } else {
        dp_usage_recount(&up->u, v, run, kids);
        for (uint32_t iv = 0; iv < n; iv++)
            out->hard += up->excess(v->m, up->tl, iv, run[iv], kids[iv]);
    }
    free(run);
    free(kids);
}
