/* plugins/ratio/ratio_nl_daycare.c - Dutch daycare (dagopvang, 0-4 years):
 * Besluit kwaliteit kinderopvang, Bijlage 1 under a.
 *
 * The law applies, in this order: Tabel 1 for the age band from the youngest
 * to the oldest class present (with the footnotes that cap the number of
 * 0-year-olds in some cells); when a 0-year-old is present the weighted sum
 * n0/3 + (n1/5 + n2/6 + n3/8) / 1.2, rounded up, if that asks more; and the
 * rule that a group never needs fewer professionals than the same group with
 * one child fewer.
 *
 * The one-child-fewer rule, applied recursively, means: the requirement is
 * the maximum over every sub-group (any children removed) of what Tabel 1 and
 * the formula ask for that sub-group. Both are monotone (more children or more
 * babies never need fewer professionals within one band, and the formula only
 * grows), so that maximum is reached by the formula on the whole group and,
 * per band (a, b) whose end classes are present, by Tabel 1 on all children
 * of classes a..b. That gives the exact recursive answer in at most 10 table
 * lookups and no allocation; tests/unit/test_ratio.c checks it against the
 * literal recursion on every group of up to 16 children. */
#include "ratio_impl.h"

#include <stdint.h>

#define NO_CAP 255 /* a cell without a footnote: no cap on 0-year-olds */

/* One cell of Tabel 1: pros professionals may care for at most max_children,
 * of whom at most max_babies aged 0 (footnotes 1-4). */
typedef struct cell {
    uint8_t pros;         /* professionals */
    uint8_t max_children; /* children in the group */
    uint8_t max_babies;   /* 0-year-olds among them; NO_CAP = no footnote */
} cell;

/* One row of Tabel 1, the band from class lo to class hi. */
typedef struct band {
    uint8_t n_cells; /* cells in order of professionals, then group size */
    cell cells[6];   /* the row */
} band;

/* Tabel 1, indexed [lo][hi] by the youngest and oldest class present. The
 * split cells of 0-3 and 0-4 with 3 professionals are three cells each. */
static const band table1[DP__RATIO_N_CLASSES][DP__RATIO_N_CLASSES] = {
    [0][0] = {4, {{1, 3, NO_CAP}, {2, 6, NO_CAP}, {3, 9, NO_CAP}, {4, 12, NO_CAP}}},
    [1][1] = {4, {{1, 5, NO_CAP}, {2, 10, NO_CAP}, {3, 15, NO_CAP}, {4, 16, NO_CAP}}},
    [2][2] = {2, {{1, 8, NO_CAP}, {2, 16, NO_CAP}}},
    [3][3] = {2, {{1, 8, NO_CAP}, {2, 16, NO_CAP}}},
    [0][1] = {4, {{1, 4, NO_CAP}, {2, 8, NO_CAP}, {3, 14, 8}, {4, 16, 8}}},
    [0][2] = {6, {{1, 5, NO_CAP}, {2, 10, NO_CAP}, {3, 13, 8}, {3, 14, 4}, {3, 15, 3}, {4, 16, 8}}},
    [0][3] = {6, {{1, 5, NO_CAP}, {2, 12, NO_CAP}, {3, 14, 8}, {3, 15, 5}, {3, 16, 3}, {4, 16, 8}}},
    [1][2] = {3, {{1, 6, NO_CAP}, {2, 11, NO_CAP}, {3, 16, NO_CAP}}},
    [1][3] = {3, {{1, 7, NO_CAP}, {2, 13, NO_CAP}, {3, 16, NO_CAP}}},
    [2][3] = {2, {{1, 8, NO_CAP}, {2, 16, NO_CAP}}},
};

/* The most 0-year-olds in any group of mixed ages. Footnote 1 puts this cap
 * on the largest cell of every mixed row with babies, and the formula asks
 * that largest cell's professionals for any group with 9 babies and older
 * children, so such a group fits no cell it needs (docs/ratio.md). */
#define MIXED_MAX_BABIES 8

/* Returns the professionals Tabel 1 asks for n children, babies of them aged
 * 0, in band lo..hi; 0 when no cell of the row fits. */
static unsigned table_lookup(unsigned lo, unsigned hi, unsigned n, unsigned babies)
{
    const band *b = &table1[lo][hi];

    if (lo == 0 && hi > 0 && babies > MIXED_MAX_BABIES)
        return 0;
    for (unsigned i = 0; i < b->n_cells; i++)
        if (n <= b->cells[i].max_children && babies <= b->cells[i].max_babies)
            return b->cells[i].pros;
    return 0;
}

static unsigned band_max(unsigned lo, unsigned hi)
{
    const band *b = &table1[lo][hi];
    return b->cells[b->n_cells - 1].max_children;
}

/* The most 0-year-olds any cell of the row allows for n children. */
static unsigned band_max_babies(unsigned lo, unsigned hi, unsigned n)
{
    const band *b = &table1[lo][hi];
    unsigned best = 0;

    for (unsigned i = 0; i < b->n_cells; i++)
        if (n <= b->cells[i].max_children && b->cells[i].max_babies > best)
            best = b->cells[i].max_babies;
    return lo == 0 && hi > 0 && best > MIXED_MAX_BABIES ? MIXED_MAX_BABIES : best;
}

static unsigned sum_classes(const unsigned n[DP__RATIO_N_CLASSES], unsigned lo, unsigned hi)
{
    unsigned s = 0;

    for (unsigned k = lo; k <= hi; k++)
        s += n[k];
    return s;
}

/* ceil((48 n0 + 24 n1 + 20 n2 + 15 n3) / 144): n0/3 + (n1/5 + n2/6 + n3/8)/1.2
 * over the common denominator 144. */
static unsigned baby_formula(const unsigned n[DP__RATIO_N_CLASSES], unsigned *num)
{
    unsigned w = 48 * n[0] + 24 * n[1] + 20 * n[2] + 15 * n[3];

    *num = w;
    return (w + 143) / 144;
}

/* Explains why no row of Tabel 1 fits, and returns DP_RATIO_NOT_ALLOWED. */
static int forbid(dp_ratio_verdict *v, unsigned lo, unsigned hi, unsigned total, unsigned n0)
{
    unsigned max = lo == 0 && hi == 0 ? 12 : 16;

    if (!v)
        return DP_RATIO_NOT_ALLOWED;
    if (total > band_max(lo, hi)) {
        dp__ratio_say(v,
                      " Not allowed: a group %s may have at most %u children (Tabel 1); "
                      "this one has %u.",
                      lo == 0 && hi == 0 ? "of only 0-year-olds" : "in daycare", band_max(lo, hi),
                      total);
    } else {
        dp__ratio_say(v,
                      " Not allowed: with %u children in band %u-%u Tabel 1 allows at most %u "
                      "children aged 0 (footnotes), and %u are present.",
                      total, lo, hi + 1, band_max_babies(lo, hi, total), n0);
    }
    return dp__ratio_forbid(v, max);
}

/* The largest requirement of Tabel 1 over the sub-groups with a narrower band
 * (the one-child-fewer rule); *best_lo and *best_hi say which band. */
static unsigned sub_band_max(const unsigned n[DP__RATIO_N_CLASSES], unsigned lo, unsigned hi,
                             unsigned *best_lo, unsigned *best_hi)
{
    unsigned best = 0;

    for (unsigned a = lo; a <= hi; a++) {
        for (unsigned b = a; b <= hi; b++) {
            if (!n[a] || !n[b] || (a == lo && b == hi))
                continue;
            /* A sub-group of an allowed group is allowed (the caps only grow
             * as the band narrows), so the lookup cannot return 0 here. */
            unsigned t = table_lookup(a, b, sum_classes(n, a, b), a == 0 ? n[0] : 0);
            if (t > best) {
                best = t;
                *best_lo = a;
                *best_hi = b;
            }
        }
    }
    return best;
}

static void explain_band(dp_ratio_verdict *v, const unsigned n[DP__RATIO_N_CLASSES], unsigned lo,
                         unsigned hi, unsigned total, unsigned t)
{
    dp__ratio_say(v,
                  "Daycare (NL, Besluit kwaliteit kinderopvang, Bijlage 1): %u children "
                  "(aged 0: %u, 1: %u, 2: %u, 3: %u), age band %u-%u. Tabel 1 asks %u %s.",
                  total, n[0], n[1], n[2], n[3], lo, hi + 1, t, dp__ratio_pros(t));
}

int dp__ratio_nl_daycare(const unsigned n[DP__RATIO_N_CLASSES], dp_ratio_verdict *v)
{
    unsigned lo = 0, hi = DP__RATIO_N_CLASSES - 1;
    unsigned total = sum_classes(n, 0, DP__RATIO_N_CLASSES - 1);

    if (total == 0) {
        dp__ratio_say(v, "An empty group needs no professional.");
        return dp__ratio_allow(v, 0, 16);
    }
    while (!n[lo])
        lo++;
    while (!n[hi])
        hi--;
    unsigned max_group = lo == 0 && hi == 0 ? 12 : 16;
    unsigned t = table_lookup(lo, hi, total, n[0]);
    if (v && t)
        explain_band(v, n, lo, hi, total, t);
    if (!t) {
        if (v)
            dp__ratio_say(v,
                          "Daycare (NL, Besluit kwaliteit kinderopvang, Bijlage 1): %u "
                          "children, age band %u-%u.",
                          total, lo, hi + 1);
        return forbid(v, lo, hi, total, n[0]);
    }
    unsigned req = t;
    if (n[0]) {
        unsigned num = 0, f = baby_formula(n, &num);
        if (v)
            dp__ratio_say(v,
                          " Babies present: (48*%u + 24*%u + 20*%u + 15*%u)/144 = %u/144, "
                          "rounded up %u.",
                          n[0], n[1], n[2], n[3], num, f);
        if (f > req)
            req = f;
    }
    unsigned a = 0, b = 0, s = sub_band_max(n, lo, hi, &a, &b);
    if (s > req) {
        req = s;
        if (v)
            dp__ratio_say(v,
                          " One child fewer may never need more: the %u children of band "
                          "%u-%u alone need %u.",
                          sum_classes(n, a, b), a, b + 1, s);
    }
    if (v)
        dp__ratio_say(v, " Required: %u %s.", req, dp__ratio_pros(req));
    return dp__ratio_allow(v, req, max_group);
}
