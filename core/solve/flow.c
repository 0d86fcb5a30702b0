/* core/solve/flow.c - min-cost circulation by cycle cancelling (see
 * flow.h). */
#include "flow.h"

#include <stdlib.h>
#include <string.h>

#define NO_ARC UINT32_MAX

static int grow(void **p, uint32_t *cap, uint32_t want, size_t size)
{
    if (want <= *cap)
        return 0;
    uint32_t n = *cap ? *cap : 64;
    while (n < want)
        n *= 2;
    void *q = realloc(*p, (size_t) n * size);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

int dp__flow_reset(dp_flow *f, uint32_t n_nodes)
{
    uint32_t cap = f->cap_nodes;

    if (n_nodes > cap) {
        uint32_t n = cap ? cap : 64;
        while (n < n_nodes)
            n *= 2;
        uint32_t *first = realloc(f->first, (size_t) n * sizeof *first);
        if (first)
            f->first = first;
        int64_t *dist = realloc(f->dist, (size_t) n * sizeof *dist);
        if (dist)
            f->dist = dist;
        uint32_t *via = realloc(f->via, (size_t) n * sizeof *via);
        if (via)
            f->via = via;
        /* The queue is circular and holds each node at most once. */
        uint32_t *queue = realloc(f->queue, (size_t) n * sizeof *queue);
        if (queue)
            f->queue = queue;
        uint32_t *steps = realloc(f->steps, (size_t) n * sizeof *steps);
        if (steps)
            f->steps = steps;
        uint8_t *queued = realloc(f->queued, (size_t) n * sizeof *queued);
        if (queued)
            f->queued = queued;
        if (!first || !dist || !via || !queue || !steps || !queued)
            return -1;
        f->cap_nodes = n;
    }
    f->n_nodes = n_nodes;
    f->n_arcs = 0;
    for (uint32_t i = 0; i < n_nodes; i++)
        f->first[i] = NO_ARC;
    return 0;
}

uint32_t dp__flow_arc(dp_flow *f, uint32_t from, uint32_t to, int32_t cap, int64_t cost)
{
    if (grow((void **) &f->arcs, &f->cap_arcs, f->n_arcs + 2, sizeof *f->arcs) != 0)
        return NO_ARC;
    uint32_t a = f->n_arcs;
    f->arcs[a] = (dp_flow_arc){to, f->first[from], cap, cost};
    f->first[from] = a;
    f->arcs[a + 1] = (dp_flow_arc){from, f->first[to], 0, -cost};
    f->first[to] = a + 1;
    f->n_arcs += 2;
    return a;
}

/* A node on a cycle of the predecessor graph (the `via` arcs), or
 * UINT32_MAX. Such a cycle is always a negative cycle of the residual graph.
 * Walks every chain once, marking its nodes with the walk's number. */
static uint32_t predecessor_cycle(dp_flow *f)
{
    uint32_t n = f->n_nodes;

    for (uint32_t i = 0; i < n; i++)
        f->steps[i] = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = i;
        while (f->steps[v] == 0) {
            f->steps[v] = i + 1;
            if (f->via[v] == NO_ARC)
                break;
            v = f->arcs[f->via[v] ^ 1].to;
        }
        if (f->steps[v] == i + 1 && f->via[v] != NO_ARC)
            return v; /* this walk came back to one of its own nodes */
    }
    return UINT32_MAX;
}

/* A negative cycle of the residual graph: Bellman-Ford from a virtual node
 * joined to every node, queue-based (SPFA), looking for a cycle among the
 * predecessors after every n relaxations (Tarjan's observation: one shows up
 * long before some path reaches n arcs). Returns a node on the cycle (walk it
 * by `via`), UINT32_MAX when there is none, or UINT32_MAX - 1 when the work
 * budget ran out. */
static uint32_t find_cycle(dp_flow *f, uint64_t *work)
{
    uint32_t n = f->n_nodes, head = 0, len = n, since = 0;

    for (uint32_t i = 0; i < n; i++) {
        f->dist[i] = 0;
        f->via[i] = NO_ARC;
        f->queued[i] = 1;
        f->queue[i] = i;
    }
    while (len > 0) {
        uint32_t u = f->queue[head];
        head = head + 1 == n ? 0 : head + 1;
        len--;
        f->queued[u] = 0;
        for (uint32_t a = f->first[u]; a != NO_ARC; a = f->arcs[a].next) {
            const dp_flow_arc *arc = &f->arcs[a];
            if (arc->cap <= 0 || f->dist[u] + arc->cost >= f->dist[arc->to])
                continue;
            if (*work == 0)
                return UINT32_MAX - 1;
            (*work)--;
            uint32_t v = arc->to;
            f->dist[v] = f->dist[u] + arc->cost;
            f->via[v] = a;
            if (++since >= n) {
                since = 0;
                uint32_t c = predecessor_cycle(f);
                if (c != UINT32_MAX)
                    return c;
            }
            if (!f->queued[v]) {
                f->queued[v] = 1;
                uint32_t tail = head + len;
                f->queue[tail >= n ? tail - n : tail] = v;
                len++;
            }
        }
    }
    return predecessor_cycle(f);
}

int dp__flow_cancel(dp_flow *f, uint64_t max_work)
{
    uint64_t work = max_work;
    int cancelled = 0;

    for (;;) {
        uint32_t start = find_cycle(f, &work);
        if (start == UINT32_MAX)
            return cancelled;
        if (start == UINT32_MAX - 1)
            return -1;
        int64_t cost = 0;
        int32_t push = INT32_MAX;
        uint32_t v = start, len = 0;
        do {
            if (f->via[v] == NO_ARC || ++len > f->n_nodes)
                return -1; /* not a cycle after all */
            const dp_flow_arc *arc = &f->arcs[f->via[v]];
            cost += arc->cost;
            if (arc->cap < push)
                push = arc->cap;
            v = f->arcs[f->via[v] ^ 1].to;
        } while (v != start);
        if (cost >= 0 || push <= 0)
            return -1; /* not a gain after all: give up rather than loop */
        v = start;
        do {
            dp__flow_push(f, f->via[v], push);
            v = f->arcs[f->via[v] ^ 1].to;
        } while (v != start);
        cancelled++;
    }
}

void dp__flow_release(dp_flow *f)
{
    free(f->first);
    free(f->arcs);
    free(f->dist);
    free(f->via);
    free(f->queue);
    free(f->steps);
    free(f->queued);
    memset(f, 0, sizeof *f);
}
