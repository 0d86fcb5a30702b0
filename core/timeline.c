/* core/timeline.c - see dagplan/timeline.h.
 *
 * Build: collect every (resource, week minute) boundary of every slot of every
 * session, sort, deduplicate; interval i of a resource runs from boundary i to
 * boundary i + 1. A slot's range is found by binary search once at build. */
#include "dagplan/timeline.h"

#include <stdlib.h>

struct dp_timeline {
    uint32_t n_iv;        /* intervals in total */
    dp_id *iv_resource;   /* [n_iv] */
    int32_t *iv_start;    /* [n_iv] week minute */
    int32_t *iv_end;      /* [n_iv] */
    uint32_t *slot_first; /* [n_slots] */
    uint32_t *slot_end;   /* [n_slots] */
};

typedef struct boundary {
    dp_id resource;
    int32_t at; /* minutes since Monday 00:00 */
} boundary;

static int compare_boundaries(const void *pa, const void *pb)
{
    const boundary *a = pa, *b = pb;

    if (a->resource != b->resource)
        return a->resource < b->resource ? -1 : 1;
    return (a->at > b->at) - (a->at < b->at);
}

static void slot_bounds(const dp_model *m, uint32_t k, uint32_t slot, int32_t *s, int32_t *e)
{
    *s = (int32_t) m->slots[slot].day * DP_MINUTES_DAY + m->slots[slot].start_min;
    *e = *s + m->sessions[k].minutes;
}

/* Index of the interval of resource r starting at `at` (it exists). */
static uint32_t find_iv(const dp_timeline *tl, dp_id r, int32_t at)
{
    uint32_t lo = 0, hi = tl->n_iv;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (tl->iv_resource[mid] < r || (tl->iv_resource[mid] == r && tl->iv_start[mid] < at))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static dp_status build_intervals(dp_timeline *tl, boundary *b, size_t nb)
{
    size_t n = 0;

    qsort(b, nb, sizeof *b, compare_boundaries);
    for (size_t i = 0; i + 1 < nb; i++)
        if (b[i].resource == b[i + 1].resource && b[i].at != b[i + 1].at)
            n++;
    tl->iv_resource = malloc((n ? n : 1) * sizeof *tl->iv_resource);
    tl->iv_start = malloc((n ? n : 1) * sizeof *tl->iv_start);
    tl->iv_end = malloc((n ? n : 1) * sizeof *tl->iv_end);
    if (!tl->iv_resource || !tl->iv_start || !tl->iv_end)
        return DP_ENOMEM;
    for (size_t i = 0; i + 1 < nb; i++) {
        if (b[i].resource != b[i + 1].resource || b[i].at == b[i + 1].at)
            continue;
        tl->iv_resource[tl->n_iv] = b[i].resource;
        tl->iv_start[tl->n_iv] = b[i].at;
        tl->iv_end[tl->n_iv] = b[i + 1].at;
        tl->n_iv++;
    }
    return DP_OK;
}

dp_status dp_timeline_new(const dp_model *m, uint32_t n_resources, const dp_id *session_resource,
                          dp_timeline **out, dp_error *err)
{
    dp_timeline *tl = calloc(1, sizeof *tl);
    boundary *b = malloc(((size_t) m->n_slots * 2 + 1) * sizeof *b);
    size_t nb = 0;
    dp_status rc = DP_ENOMEM;

    (void) n_resources;
    if (!tl || !b)
        goto done;
    tl->slot_first = calloc(m->n_slots + 1, sizeof *tl->slot_first);
    tl->slot_end = calloc(m->n_slots + 1, sizeof *tl->slot_end);
    if (!tl->slot_first || !tl->slot_end)
        goto done;
    for (dp_id k = 0; k < m->n_sessions; k++) {
        if (session_resource[k] == DP_NONE)
            continue;
        for (uint32_t s = m->sessions[k].slot0; s < m->sessions[k].slot0 + m->sessions[k].n_slots;
             s++) {
            int32_t s0, s1;
            slot_bounds(m, k, s, &s0, &s1);
            b[nb++] = (boundary){session_resource[k], s0};
            b[nb++] = (boundary){session_resource[k], s1};
        }
    }
    rc = build_intervals(tl, b, nb);
    if (rc != DP_OK)
        goto done;
    for (dp_id k = 0; k < m->n_sessions; k++) {
        dp_id r = session_resource[k];
        if (r == DP_NONE)
            continue;
        for (uint32_t s = m->sessions[k].slot0; s < m->sessions[k].slot0 + m->sessions[k].n_slots;
             s++) {
            int32_t s0, s1;
            slot_bounds(m, k, s, &s0, &s1);
            tl->slot_first[s] = find_iv(tl, r, s0);
            tl->slot_end[s] = find_iv(tl, r, s1);
            /* find_iv(s1) lands past the last interval of r when s1 is r's last
             * boundary, which is exactly the end we want. */
        }
    }
    *out = tl;
    tl = NULL;
done:
    free(b);
    dp_timeline_free(tl);
    if (rc == DP_ENOMEM)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory building the timeline");
    return rc;
}

void dp_timeline_free(dp_timeline *tl)
{
    if (!tl)
        return;
    free(tl->iv_resource);
    free(tl->iv_start);
    free(tl->iv_end);
    free(tl->slot_first);
    free(tl->slot_end);
    free(tl);
}

uint32_t dp_timeline_size(const dp_timeline *tl)
{
    return tl->n_iv;
}

void dp_timeline_range(const dp_timeline *tl, uint32_t slot, uint32_t *first, uint32_t *end)
{
    *first = tl->slot_first[slot];
    *end = tl->slot_end[slot];
}

dp_id dp_timeline_resource(const dp_timeline *tl, uint32_t iv)
{
    return tl->iv_resource[iv];
}

void dp_timeline_span(const dp_timeline *tl, uint32_t iv, int *start_week_min, int *end_week_min)
{
    *start_week_min = tl->iv_start[iv];
    *end_week_min = tl->iv_end[iv];
}
