/* core/solve/flow.h - a small min-cost circulation for the solver's exact
 * neighbourhoods. Not installed.
 *
 * The caller builds a graph, pushes a feasible flow (the schedule as it is),
 * and dp__flow_cancel improves it by cancelling negative-cost cycles of the
 * residual graph until none is left, which makes it a cheapest flow. Starting
 * from the schedule matters: near the optimum few cycles are left, where
 * building the flow from zero would take one path per seat. Cycles are found
 * by a queue-based Bellman-Ford (SPFA) from every node at once. */
#ifndef DAGPLAN_FLOW_H
#define DAGPLAN_FLOW_H

#include <stdbool.h>
#include <stdint.h>

typedef struct dp_flow_arc {
    uint32_t to;
    uint32_t next; /* next arc out of the same node, UINT32_MAX at the end */
    int32_t cap;   /* residual capacity */
    int64_t cost;
} dp_flow_arc;

typedef struct dp_flow {
    uint32_t n_nodes, cap_nodes;
    uint32_t *first; /* [n_nodes] first arc out of each node */
    dp_flow_arc *arcs;
    uint32_t n_arcs, cap_arcs;
    /* Scratch of the path search. */
    int64_t *dist;
    uint32_t *via; /* arc the shortest path entered a node by */
    uint32_t *queue;
    uint32_t *steps; /* marks of the cycle check */
    uint8_t *queued;
} dp_flow;

/* Empties the graph and makes room for n nodes (0 .. n-1). -1 when out of
 * memory. */
int dp__flow_reset(dp_flow *f, uint32_t n_nodes);

/* Adds an arc and its reverse; returns the arc's index (the reverse is
 * index ^ 1), or UINT32_MAX when out of memory. */
uint32_t dp__flow_arc(dp_flow *f, uint32_t from, uint32_t to, int32_t cap, int64_t cost);

/* Sends `amount` more along arc a (part of the caller's initial flow). */
static inline void dp__flow_push(dp_flow *f, uint32_t a, int32_t amount)
{
    f->arcs[a].cap -= amount;
    f->arcs[a ^ 1].cap += amount;
}

/* Cancels negative-cost cycles until none is left: the flow then has the
 * least cost of all flows with the same balance at every node. Returns the
 * number of cycles cancelled, or -1 when it gave up after `max_work` arc
 * relaxations (the flow is then still feasible, only not the cheapest). */
int dp__flow_cancel(dp_flow *f, uint64_t max_work);

/* Flow on arc a (an index dp__flow_arc returned). */
static inline int32_t dp__flow_on(const dp_flow *f, uint32_t a)
{
    return f->arcs[a ^ 1].cap;
}

void dp__flow_release(dp_flow *f);

#endif
