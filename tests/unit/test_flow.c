/* tests/unit/test_flow.c - the min-cost circulation of the solver's exact
 * block reassignment (core/solve/flow.c) against brute force.
 *
 * Random small transportation problems of the shape reassign.c builds: each
 * child takes at most one seat, each section has places, some of them up to
 * a minimum carrying a large bonus; values may be negative. Every assignment
 * is enumerated to find the best; the flow, started from an empty or from a
 * random feasible assignment, must reach the same value. A tiny work budget
 * must give up (-1) and leave a feasible flow. */
#include "harness.h"
#include "solve/flow.h"

#include <stdint.h>
#include <string.h>

#define MAX_C 7
#define MAX_S 3
#define BONUS ((int64_t) 1 << 30)

typedef struct problem {
    int n_c, n_s;
    int room[MAX_S], need[MAX_S];
    int ok[MAX_C][MAX_S];
    int64_t value[MAX_C][MAX_S];
} problem;

/* Objective of an assignment (seat[c] = section or -1): values plus the bonus
 * for each place filled up to a section's minimum. */
static int64_t objective(const problem *p, const int *seat, bool *feasible)
{
    int count[MAX_S] = {0};
    int64_t v = 0;

    *feasible = true;
    for (int c = 0; c < p->n_c; c++) {
        if (seat[c] < 0)
            continue;
        if (!p->ok[c][seat[c]])
            *feasible = false;
        count[seat[c]]++;
        v += p->value[c][seat[c]];
    }
    for (int s = 0; s < p->n_s; s++) {
        if (count[s] > p->room[s])
            *feasible = false;
        v += BONUS * (count[s] < p->need[s] ? count[s] : p->need[s]);
    }
    return v;
}

static int64_t brute_force(const problem *p)
{
    int seat[MAX_C];
    int64_t best = INT64_MIN;
    long total = 1;

    for (int c = 0; c < p->n_c; c++)
        total *= p->n_s + 1;
    for (long code = 0; code < total; code++) {
        long x = code;
        for (int c = 0; c < p->n_c; c++) {
            seat[c] = (int) (x % (p->n_s + 1)) - 1;
            x /= p->n_s + 1;
        }
        bool feasible;
        int64_t v = objective(p, seat, &feasible);
        if (feasible && v > best)
            best = v;
    }
    return best;
}

/* Source 0, sink 1, children 2.., sections after; start from `seat`. */
static int64_t solve(const problem *p, const int *seat, uint64_t budget, int *result, int *rc)
{
    dp_flow f;
    uint32_t arc[MAX_C][MAX_S], to_min[MAX_S], to_rest[MAX_S];
    uint32_t sec0 = 2 + (uint32_t) p->n_c;

    memset(&f, 0, sizeof f);
    CHECK(dp__flow_reset(&f, sec0 + (uint32_t) p->n_s) == 0);
    uint32_t back = dp__flow_arc(&f, 1, 0, 1000, 0);
    for (int s = 0; s < p->n_s; s++) {
        to_min[s] = dp__flow_arc(&f, sec0 + (uint32_t) s, 1, p->need[s], -BONUS);
        to_rest[s] = dp__flow_arc(&f, sec0 + (uint32_t) s, 1, p->room[s] - p->need[s], 0);
    }
    for (int c = 0; c < p->n_c; c++) {
        uint32_t in = dp__flow_arc(&f, 0, 2 + (uint32_t) c, 1, 0);
        for (int s = 0; s < p->n_s; s++) {
            arc[c][s] = UINT32_MAX;
            if (!p->ok[c][s])
                continue;
            arc[c][s] = dp__flow_arc(&f, 2 + (uint32_t) c, sec0 + (uint32_t) s, 1, -p->value[c][s]);
            if (seat[c] == s) {
                uint32_t out = f.arcs[to_min[s]].cap > 0 ? to_min[s] : to_rest[s];
                dp__flow_push(&f, in, 1);
                dp__flow_push(&f, arc[c][s], 1);
                dp__flow_push(&f, out, 1);
                dp__flow_push(&f, back, 1);
            }
        }
    }
    *rc = dp__flow_cancel(&f, budget);
    for (int c = 0; c < p->n_c; c++) {
        result[c] = -1;
        for (int s = 0; s < p->n_s; s++)
            if (arc[c][s] != UINT32_MAX && dp__flow_on(&f, arc[c][s]) > 0) {
                CHECK(result[c] == -1); /* at most one seat */
                result[c] = s;
            }
    }
    dp__flow_release(&f);
    bool feasible;
    int64_t v = objective(p, result, &feasible);
    CHECK(feasible);
    return v;
}

static void random_problem(problem *p)
{
    memset(p, 0, sizeof *p);
    p->n_c = 1 + (int) harness_rand(MAX_C);
    p->n_s = 1 + (int) harness_rand(MAX_S);
    for (int s = 0; s < p->n_s; s++) {
        p->room[s] = (int) harness_rand(4);
        p->need[s] = (int) harness_rand((uint32_t) p->room[s] + 1);
    }
    for (int c = 0; c < p->n_c; c++)
        for (int s = 0; s < p->n_s; s++) {
            p->ok[c][s] = harness_rand(4) != 0;
            p->value[c][s] = (int64_t) harness_rand(40) - 10;
        }
}

/* A random feasible start: children in random order take a random allowed
 * section with room. */
static void random_start(const problem *p, int *seat)
{
    int count[MAX_S] = {0};

    for (int c = 0; c < p->n_c; c++) {
        seat[c] = -1;
        int s = (int) harness_rand((uint32_t) p->n_s);
        if (harness_rand(3) != 0 && p->ok[c][s] && count[s] < p->room[s]) {
            seat[c] = s;
            count[s]++;
        }
    }
}

static void test_flow_matches_brute_force(void)
{
    for (int round = 0; round < 3000; round++) {
        problem p;
        int seat[MAX_C], result[MAX_C], rc;
        random_problem(&p);
        int64_t best = brute_force(&p);
        for (int c = 0; c < MAX_C; c++)
            seat[c] = -1;
        CHECK(solve(&p, seat, UINT64_MAX, result, &rc) == best);
        CHECK(rc >= 0);
        random_start(&p, seat);
        CHECK(solve(&p, seat, UINT64_MAX, result, &rc) == best);
        CHECK(rc >= 0);
    }
}

static void test_flow_budget_keeps_feasible(void)
{
    int gave_up = 0;

    for (int round = 0; round < 300; round++) {
        problem p;
        int seat[MAX_C], result[MAX_C], rc;
        random_problem(&p);
        random_start(&p, seat);
        solve(&p, seat, 3, result, &rc); /* solve() checks feasibility */
        gave_up += rc == -1;
    }
    CHECK(gave_up > 0);
}

int main(void)
{
    RUN(test_flow_matches_brute_force);
    RUN(test_flow_budget_keeps_feasible);
    return harness_report();
}
