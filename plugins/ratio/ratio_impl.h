/* plugins/ratio/ratio_impl.h - shared between the files of the ratio plugin.
 *
 * Each rule set is one function that returns the professionals required (0
 * for an empty group) or DP_RATIO_NOT_ALLOWED. When v is not NULL it also
 * fills the verdict (allowed, required, max_group) and appends its reasons to
 * v->explanation; with v NULL it writes nothing and formats nothing, which is
 * the solver's fast path. Counts have been range-checked by the caller
 * (each <= DP_RATIO_MAX_N), so the integer products below cannot overflow. */
#ifndef DAGPLAN_RATIO_IMPL_H
#define DAGPLAN_RATIO_IMPL_H

#include <stdbool.h>

#include "dagplan/ratio.h"

/* The four daycare age classes of Tabel 1: 0-1, 1-2, 2-3 and 3-4 years. */
#define DP__RATIO_N_CLASSES 4

/* NL daycare, Bijlage 1 under a: Tabel 1, the baby formula and the
 * one-child-fewer rule. n[k] children of age class k. */
int dp__ratio_nl_daycare(const unsigned n[DP__RATIO_N_CLASSES], dp_ratio_verdict *v);

/* NL out-of-school care since 1 July 2024: young = aged 4-6, old = 7-12;
 * location: the count is a whole location (no group maximum). */
int dp__ratio_nl_bso_2024(unsigned young, unsigned old, bool location, dp_ratio_verdict *v);

/* NL out-of-school care, Tabel 2 of 2019, per group. */
int dp__ratio_nl_bso_2019(unsigned young, unsigned old, dp_ratio_verdict *v);

/* BE-VL care for babies and toddlers: n children, nap = all asleep. */
int dp__ratio_be_daycare(unsigned n, bool nap, dp_ratio_verdict *v);

/* BE-VL care for babies and toddlers from 1 January 2027: babies of them
 * under 1 (docs/ratio.md: announced, the decree not read). */
int dp__ratio_be_daycare_2027(unsigned babies, unsigned n, bool nap, dp_ratio_verdict *v);

/* BE-VL out-of-school care: n children. */
int dp__ratio_be_bso(unsigned n, dp_ratio_verdict *v);

/* Appends formatted text to v->explanation (truncating, never overflowing). */
void dp__ratio_say(dp_ratio_verdict *v, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Marks v (when not NULL) as not allowed with max_group, and returns
 * DP_RATIO_NOT_ALLOWED. */
int dp__ratio_forbid(dp_ratio_verdict *v, unsigned max_group);

/* Marks v (when not NULL) as allowed with required and max_group, and
 * returns required. */
int dp__ratio_allow(dp_ratio_verdict *v, unsigned required, unsigned max_group);

/* "professional" or "professionals" for a count. */
const char *dp__ratio_pros(unsigned n);

#endif
