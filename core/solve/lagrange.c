/* core/solve/lagrange.c - a Lagrangian upper bound of the standard
 * objective.
 *
 * bound.c lets every child take its best activities as if no section were
 * ever full; on a busy centre that bound is 5% above what any schedule can
 * reach, so it says little to a planner and never stops the search. Here the
 * constraints that tie children together are priced instead of dropped:
 *
 *   - a section's maximum size (price lam[s] per seat),
 *   - a section's minimum size when it runs (credit mu[s] per seat),
 *   - a location's capacity in children at once (price rho per child in each
 *     elementary interval of the week, dagplan/timeline.h),
 *   - a location's rooms and a leader's one session at a time (price sigma
 *     per running section in each interval).
 *
 * With prices fixed, each child takes the bundle of options (at most
 * max_activities, one per choice, pairwise compatible) that is worth most
 * after paying for its seats, and each section runs when
 * lam*max - mu*min - sigma > 0. The sum of those maxima plus the prices of
 * the capacities is an upper bound of every schedule's standard objective
 * (weak duality: any schedule pays no more than the capacities' prices). The
 * rules and stability terms are never positive, and the constraints left out
 * (the ratio, Lua rules, pins) only make schedules scarcer, so the bound
 * holds with them too. Subgradient steps (Polyak's, against the best schedule known)
 * lower the prices' bound; the least one found is kept.
 *
 * A child's options are those the search has (each fits the child alone);
 * two of them go together unless they clash in time or walking distance
 * (plugins/overlap), and a triple whose pairs fit is allowed, which can only
 * raise the bound. A section with a candidate time counts, in the location
 * and leader constraints, only in the intervals it holds at every one of its
 * times, and clashes with another only when they clash at every combination
 * of their times: constraints left out only raise the bound too.
 *
 * Measured on generated centres (bench/README.md): 0.3-0.9% above the
 * optimum CBC proves at 300 and 1,000 children, where bound.c's is 5-9%
 * above; at 5,000 children 1.0% above CBC's bound (CBC's own LP relaxation:
 * 1.4%). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/timeline.h"
#include "search.h"

/* A child with more options or bundles keeps bound.c's price-free value
 * (which bounds it too): the bundles of all children stay within memory
 * whatever the centre (64 options and 8 activities would be billions). */
#define MAX_OPTS_PER_CHILD    24
#define MAX_BUNDLES_PER_CHILD 512
#define MAX_DEPTH             8
#define STALL                 10 /* iterations without a lower bound before the step halves */

struct dp_lagrange {
    /* Bundles of each child: [b0[c], b0[c+1]); children with too many
     * options have none and a fixed value instead. */
    uint32_t *b0;
    uint32_t *b_opt;   /* [n_bundles * depth] */
    uint8_t *b_n;      /* [n_bundles] */
    int64_t *b_value;  /* [n_bundles] */
    int64_t fixed_sum; /* price-free values of the children without bundles */
    uint32_t depth;
    /* Intervals of the week (dagplan/timeline.h): the locations' first,
     * then the leaders'. A section covers, while it runs, the intervals
     * [iv0[s], iv0[s+1]) of iv; kid_cap[iv] is how many children may be
     * there at once (-1: any), run_cap[iv] how many sections may run there
     * at once (-1: any). */
    uint32_t *iv0, *iv;
    uint32_t n_iv;      /* intervals of both timelines */
    int32_t *kid_cap;   /* [n_iv]: children at once, or -1 (unlimited) */
    int32_t *run_cap;   /* [n_iv]: sections at once, or -1 */
    dp_timeline *tl[2]; /* by location, by leader */
};

typedef struct grow_buf {
    uint32_t n, cap; /* bundles */
    uint32_t child0; /* the first bundle of the child being enumerated */
    uint32_t depth;
    uint32_t *opt;
    uint8_t *n_of;
    int64_t *value;
} grow_buf;

static bool push_bundle(grow_buf *g, const uint32_t *o, uint32_t n, int64_t value)
{
    if (g->n == g->cap) {
        uint32_t cap = g->cap ? 2 * g->cap : 1024;
        uint32_t *opt = realloc(g->opt, (size_t) cap * g->depth * sizeof *opt);
        if (opt)
            g->opt = opt;
        uint8_t *n_of = realloc(g->n_of, cap);
        if (n_of)
            g->n_of = n_of;
        int64_t *value_of = realloc(g->value, (size_t) cap * sizeof *value_of);
        if (value_of)
            g->value = value_of;
        if (!opt || !n_of || !value_of)
            return false;
        g->cap = cap;
    }
    memcpy(&g->opt[(size_t) g->n * g->depth], o, n * sizeof *o);
    g->n_of[g->n] = (uint8_t) n;
    g->value[g->n] = value;
    g->n++;
    return true;
}

typedef struct enum_ctx {
    const dp_search *s;
    dp_id c;
    uint32_t first, n;      /* the child's options [first, first + n) */
    const uint64_t *compat; /* [n]: bit j: option first+j fits with it */
    uint32_t pick[MAX_DEPTH];
    dp_grant grant[MAX_DEPTH]; /* the same as grants */
    grow_buf *g;
    bool ok;       /* false: out of memory */
    bool too_many; /* more than MAX_BUNDLES_PER_CHILD bundles */
} enum_ctx;

static void enumerate(enum_ctx *x, uint32_t from, uint32_t depth, uint64_t allowed)
{
    for (uint32_t i = from; i < x->n && x->ok && !x->too_many; i++) {
        if (!(allowed >> i & 1))
            continue;
        dp_option o = x->s->opts[x->first + i];
        x->pick[depth] = x->first + i;
        x->grant[depth] = (dp_grant){o.choice, o.section};
        if (x->g->n - x->g->child0 >= MAX_BUNDLES_PER_CHILD) {
            x->too_many = true;
            return;
        }
        x->ok = push_bundle(x->g, x->pick, depth + 1,
                            dp__child_value(x->s->m, x->c, x->grant, (int) depth + 1));
        if (depth + 1 < x->g->depth)
            enumerate(x, i + 1, depth + 1, allowed & x->compat[i]);
    }
}

#define MAX_TIME_COMBOS   1024 /* beyond: the pair is taken to fit */
#define MAX_PAIR_SESSIONS 8

/* Whether child c can hold sections a and b together at some times of their
 * sessions: no clash in time or walking distance (plugins/overlap) at one
 * combination of their candidate times at least. */
static bool pair_fits(const dp_search *s, dp_id c, dp_option a, dp_option b)
{
    const dp_model *m = s->m;
    dp_session_change sc[MAX_PAIR_SESSIONS];
    uint32_t n_sc = 0, combos = 1;
    dp_grant g[2] = {{a.choice, a.section}, {b.choice, b.section}};
    dp_child_change cc = {.child = c, .after = g, .n_after = 2};

    for (int side = 0; side < 2; side++) {
        const dp_section *x = &m->sections[side ? b.section : a.section];
        for (uint32_t k = x->session0; k < x->session0 + x->n_sessions; k++) {
            if (m->sessions[k].n_slots == 1)
                continue;
            if (n_sc == MAX_PAIR_SESSIONS || combos > MAX_TIME_COMBOS / m->sessions[k].n_slots)
                return true;
            combos *= m->sessions[k].n_slots;
            sc[n_sc++] = (dp_session_change){k, s->e.session_slot[k], m->sessions[k].slot0};
        }
    }
    /* Every combination in turn, like an odometer over the sessions' times. */
    for (uint32_t t = 0; t < combos; t++) {
        dp_move mv = {.children = &cc, .n_children = 1, .sessions = sc, .n_sessions = n_sc};
        dp_delta d = {0, 0};
        for (uint32_t i = 0, rest = t; i < n_sc; i++) {
            const dp_session *ks = &m->sessions[sc[i].session];
            sc[i].slot_after = ks->slot0 + rest % ks->n_slots;
            rest /= ks->n_slots;
        }
        dp_plugin_overlap.delta(NULL, &s->e.view, &mv, &d);
        if (d.hard == 0)
            return true;
    }
    return false;
}

/* Pairs of the child's options that can be held together: different
 * choices whose sections fit together (pair_fits). Other rules about one
 * child's pairs (Lua rules) are left out: allowing more bundles can only
 * raise the bound. */
static void probe_pairs(const dp_search *s, dp_id c, uint64_t *compat)
{
    uint32_t first = s->opt0[c], n = s->opt0[c + 1] - first;

    for (uint32_t i = 0; i < n; i++)
        compat[i] = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++) {
            dp_option a = s->opts[first + i], b = s->opts[first + j];
            if (a.choice != b.choice && pair_fits(s, c, a, b)) {
                compat[i] |= (uint64_t) 1 << j;
                compat[j] |= (uint64_t) 1 << i;
            }
        }
}

/* The intervals of section sec's sessions in timeline t, offset by base;
 * writes them at out (when not NULL) and returns how many. */
static uint32_t section_intervals(const dp_lagrange *lg, const dp_model *m, int t, uint32_t base,
                                  dp_id sec, uint32_t *out)
{
    const dp_section *x = &m->sections[sec];
    uint32_t n = 0;

    for (uint32_t k = x->session0; k < x->session0 + x->n_sessions; k++) {
        /* The intervals the session covers at every one of its times: the
         * section holds them whatever the timetable (a session's intervals
         * are a run of the resource's week, in time order). */
        const dp_session *ks = &m->sessions[k];
        uint32_t first = 0, end = UINT32_MAX;
        for (uint32_t o = ks->slot0; o < ks->slot0 + ks->n_slots; o++) {
            uint32_t f, e;
            dp_timeline_range(lg->tl[t], o, &f, &e);
            first = f > first ? f : first;
            end = e < end ? e : end;
        }
        for (uint32_t iv = first; iv < end; iv++) {
            if (lg->kid_cap[base + iv] < 0 && lg->run_cap[base + iv] < 0)
                continue;
            if (out)
                out[n] = base + iv;
            n++;
        }
    }
    return n;
}

static bool build_intervals(dp_lagrange *lg, const dp_model *m)
{
    dp_id *res = malloc(((size_t) m->n_sessions + 1) * sizeof *res);
    dp_error err = {0};
    bool ok = res != NULL;

    for (int t = 0; ok && t < 2; t++) {
        for (dp_id k = 0; k < m->n_sessions; k++) {
            const dp_section *x = &m->sections[m->sessions[k].section];
            res[k] = t == 0 ? x->location : x->staff;
        }
        ok = dp_timeline_new(m, t == 0 ? m->n_locations : m->n_staff, res, &lg->tl[t], &err) ==
             DP_OK;
    }
    free(res);
    if (!ok)
        return false;
    uint32_t n_loc = dp_timeline_size(lg->tl[0]);
    lg->n_iv = n_loc + dp_timeline_size(lg->tl[1]);
    lg->kid_cap = malloc(((size_t) lg->n_iv + 1) * sizeof *lg->kid_cap);
    lg->run_cap = malloc(((size_t) lg->n_iv + 1) * sizeof *lg->run_cap);
    lg->iv0 = calloc((size_t) m->n_sections + 1, sizeof *lg->iv0);
    if (!lg->kid_cap || !lg->run_cap || !lg->iv0)
        return false;
    for (uint32_t iv = 0; iv < lg->n_iv; iv++) {
        if (iv < n_loc) {
            const dp_location *l = &m->locations[dp_timeline_resource(lg->tl[0], iv)];
            lg->kid_cap[iv] = l->capacity == DP_UNLIMITED ? -1 : (int32_t) l->capacity;
            lg->run_cap[iv] = l->rooms;
        } else {
            lg->kid_cap[iv] = -1;
            lg->run_cap[iv] = 1; /* a leader leads one session at a time */
        }
    }
    uint32_t total = 0;
    for (dp_id sec = 0; sec < m->n_sections; sec++) {
        lg->iv0[sec] = total;
        total += section_intervals(lg, m, 0, 0, sec, NULL);
        if (m->sections[sec].staff != DP_NONE)
            total += section_intervals(lg, m, 1, n_loc, sec, NULL);
    }
    lg->iv0[m->n_sections] = total;
    lg->iv = malloc(((size_t) total + 1) * sizeof *lg->iv);
    if (!lg->iv)
        return false;
    for (dp_id sec = 0; sec < m->n_sections; sec++) {
        uint32_t at = lg->iv0[sec];
        at += section_intervals(lg, m, 0, 0, sec, &lg->iv[at]);
        if (m->sections[sec].staff != DP_NONE)
            section_intervals(lg, m, 1, n_loc, sec, &lg->iv[at]);
    }
    return true;
}

dp_lagrange *dp__lagrange_prepare(const dp_search *s)
{
    const dp_model *m = s->m;
    uint64_t compat[MAX_OPTS_PER_CHILD];

    dp_lagrange *lg = calloc(1, sizeof *lg);
    if (!lg)
        return NULL;
    grow_buf g = {0};
    g.depth =
        m->centre.max_activities < MAX_DEPTH ? (uint32_t) m->centre.max_activities : MAX_DEPTH;
    if (g.depth == 0)
        g.depth = 1;
    lg->depth = g.depth;
    lg->b0 = malloc(((size_t) m->n_children + 1) * sizeof *lg->b0);
    bool ok = lg->b0 && build_intervals(lg, m);
    for (dp_id c = 0; ok && c < m->n_children; c++) {
        uint32_t n = s->opt0[c + 1] - s->opt0[c];
        lg->b0[c] = g.n;
        if (n == 0 || m->centre.max_activities < 1)
            continue;
        if (n > MAX_OPTS_PER_CHILD) {
            /* Price-free: what bound.c allows such a child. */
            lg->fixed_sum += dp__child_bound(m, s, c);
            continue;
        }
        probe_pairs(s, c, compat);
        enum_ctx x = {
            .s = s, .c = c, .first = s->opt0[c], .n = n, .compat = compat, .g = &g, .ok = true};
        g.child0 = g.n;
        enumerate(&x, 0, 0, ((uint64_t) 1 << n) - 1);
        if (x.ok && x.too_many) {
            g.n = g.child0; /* price-free, as above */
            lg->fixed_sum += dp__child_bound(m, s, c);
        }
        ok = x.ok;
    }
    if (lg->b0)
        lg->b0[m->n_children] = g.n;
    lg->b_opt = g.opt;
    lg->b_n = g.n_of;
    lg->b_value = g.value;
    if (!ok) {
        dp__lagrange_free(lg);
        return NULL;
    }
    return lg;
}

void dp__lagrange_free(dp_lagrange *lg)
{
    if (!lg)
        return;
    free(lg->b0);
    free(lg->b_opt);
    free(lg->b_n);
    free(lg->b_value);
    free(lg->iv0);
    free(lg->iv);
    free(lg->kid_cap);
    free(lg->run_cap);
    dp_timeline_free(lg->tl[0]);
    dp_timeline_free(lg->tl[1]);
    free(lg);
}

int64_t dp__lagrange_bound(dp_lagrange *lg, const dp_search *s, int64_t lower, uint32_t iterations)
{
    const dp_model *m = s->m;
    uint32_t n_sec = m->n_sections, n_opt = s->opt0[m->n_children], n_iv = lg->n_iv;
    double *lam = calloc((size_t) n_sec + 1, sizeof *lam);
    double *mu = calloc((size_t) n_sec + 1, sizeof *mu);
    double *rho = calloc((size_t) n_iv + 1, sizeof *rho);     /* per child at once */
    double *sigma = calloc((size_t) n_iv + 1, sizeof *sigma); /* per section at once */
    double *sec_price = malloc(((size_t) n_sec + 1) * sizeof *sec_price);
    double *opt_price = malloc(((size_t) n_opt + 1) * sizeof *opt_price);
    int32_t *seats = malloc(((size_t) n_sec + 1) * sizeof *seats);
    uint8_t *runs = malloc((size_t) n_sec + 1);
    int32_t *iv_kids = malloc(((size_t) n_iv + 1) * sizeof *iv_kids);
    int32_t *iv_runs = malloc(((size_t) n_iv + 1) * sizeof *iv_runs);
    double best = HUGE_VAL, theta = 1.0;
    uint32_t since = 0;

    if (!lam || !mu || !rho || !sigma || !sec_price || !opt_price || !seats || !runs || !iv_kids ||
        !iv_runs)
        iterations = 0;
    for (uint32_t it = 0; it < iterations; it++) {
        double L = (double) lg->fixed_sum;
        /* Sections: the price of a seat, and whether running pays. */
        for (dp_id sec = 0; sec < n_sec; sec++) {
            const dp_section *x = &m->sections[sec];
            double p = lam[sec] - mu[sec], open = lam[sec] * x->max_size - mu[sec] * x->min_size;
            for (uint32_t i = lg->iv0[sec]; i < lg->iv0[sec + 1]; i++) {
                p += rho[lg->iv[i]];
                open -= sigma[lg->iv[i]];
            }
            sec_price[sec] = p;
            seats[sec] = 0;
            runs[sec] = open > 0;
            if (open > 0)
                L += open;
        }
        for (uint32_t o = 0; o < n_opt; o++)
            opt_price[o] = sec_price[s->opts[o].section];
        /* Children: the bundle worth most after paying for its seats. */
        for (dp_id c = 0; c < m->n_children; c++) {
            double top = 0;
            uint32_t arg = UINT32_MAX;
            for (uint32_t b = lg->b0[c]; b < lg->b0[c + 1]; b++) {
                double v = (double) lg->b_value[b];
                const uint32_t *o = &lg->b_opt[(size_t) b * lg->depth];
                for (uint8_t i = 0; i < lg->b_n[b]; i++)
                    v -= opt_price[o[i]];
                if (v > top) {
                    top = v;
                    arg = b;
                }
            }
            L += top;
            if (arg != UINT32_MAX) {
                const uint32_t *o = &lg->b_opt[(size_t) arg * lg->depth];
                for (uint8_t i = 0; i < lg->b_n[arg]; i++)
                    seats[s->opts[o[i]].section]++;
            }
        }
        /* The capacities' prices, and the subgradient: how far each relaxed
         * constraint is broken (positive) or slack (negative). */
        double norm = 0;
        for (uint32_t iv = 0; iv < n_iv; iv++)
            iv_kids[iv] = iv_runs[iv] = 0;
        for (dp_id sec = 0; sec < n_sec; sec++) {
            const dp_section *x = &m->sections[sec];
            double g_lam = seats[sec] - (double) x->max_size * runs[sec];
            double g_mu = (double) x->min_size * runs[sec] - seats[sec];
            norm += (lam[sec] > 0 || g_lam > 0 ? g_lam * g_lam : 0) +
                    (mu[sec] > 0 || g_mu > 0 ? g_mu * g_mu : 0);
            for (uint32_t i = lg->iv0[sec]; i < lg->iv0[sec + 1]; i++) {
                iv_kids[lg->iv[i]] += seats[sec];
                iv_runs[lg->iv[i]] += runs[sec];
            }
        }
        for (uint32_t iv = 0; iv < n_iv; iv++) {
            if (lg->kid_cap[iv] >= 0) {
                double g = iv_kids[iv] - (double) lg->kid_cap[iv];
                L += rho[iv] * lg->kid_cap[iv];
                norm += rho[iv] > 0 || g > 0 ? g * g : 0;
            }
            if (lg->run_cap[iv] >= 0) {
                double g = iv_runs[iv] - (double) lg->run_cap[iv];
                L += sigma[iv] * lg->run_cap[iv];
                norm += sigma[iv] > 0 || g > 0 ? g * g : 0;
            }
        }
        if (L < best - 1e-6) {
            best = L;
            since = 0;
        } else if (++since >= STALL) {
            theta /= 2;
            since = 0;
        }
        if (norm == 0 || best - (double) lower < 1.0)
            break; /* the prices are optimal, or the bound is reached */
        /* Polyak's step towards the best schedule known. */
        double t = theta * (L - (double) lower) / norm;
        for (dp_id sec = 0; sec < n_sec; sec++) {
            const dp_section *x = &m->sections[sec];
            lam[sec] = fmax(0, lam[sec] + t * (seats[sec] - (double) x->max_size * runs[sec]));
            mu[sec] = fmax(0, mu[sec] + t * ((double) x->min_size * runs[sec] - seats[sec]));
        }
        for (uint32_t iv = 0; iv < n_iv; iv++) {
            if (lg->kid_cap[iv] >= 0)
                rho[iv] = fmax(0, rho[iv] + t * (iv_kids[iv] - (double) lg->kid_cap[iv]));
            if (lg->run_cap[iv] >= 0)
                sigma[iv] = fmax(0, sigma[iv] + t * (iv_runs[iv] - (double) lg->run_cap[iv]));
        }
    }
    free(lam);
    free(mu);
    free(rho);
    free(sigma);
    free(sec_price);
    free(opt_price);
    free(seats);
    free(runs);
    free(iv_kids);
    free(iv_runs);
    /* The objective is whole: no schedule exceeds the floor. The sums of
     * doubles may come out a little low (relative error below 1e-12 for a
     * million terms): the margin keeps the bound on the safe side. */
    return best == HUGE_VAL ? INT64_MAX : (int64_t) floor(best + fabs(best) * 1e-9 + 1e-6);
}
