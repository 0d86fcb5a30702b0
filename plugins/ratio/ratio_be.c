/* plugins/ratio/ratio_be.c - Flemish ratios (country = "BE-VL").
 *
 * Care for babies and toddlers (kinderopvang van baby's en peuters): one
 * carer (kinderbegeleider) for at most 8 children present, two together for
 * at most 18, and one per 14 while the children sleep. We read "two for 18"
 * as the largest group the rule describes, so a group of more than 18 is
 * reported as not allowed (split it); docs/ratio.md says which parts of this
 * we could not verify against the decree's text.
 *
 * Out-of-school care (buitenschoolse opvang): one carer per 14 children, with
 * no group maximum in our reading (also marked unverified in docs/ratio.md). */
#include "ratio_impl.h"

#define BE_MAX_GROUP     18 /* two carers together */
#define BE_PER_CARER     8  /* children per carer while awake */
#define BE_PER_CARER_NAP 14 /* children per carer while all sleep */
#define BE_BSO_PER_CARER 14 /* out-of-school care */

#define BE_2027_PER_CARER_BABIES 5 /* from 2027: a group of babies only */
#define BE_2027_PER_CARER_MIXED  7 /* from 2027: babies with older children */

int dp__ratio_be_daycare(unsigned n, bool nap, dp_ratio_verdict *v)
{
    unsigned req;

    dp__ratio_say(v, "Care for babies and toddlers (BE-VL): %u children%s.", n,
                  nap ? " during nap time" : "");
    if (n > BE_MAX_GROUP) {
        dp__ratio_say(v,
                      " Not allowed: two carers may together care for at most %u children; "
                      "this group has %u.",
                      BE_MAX_GROUP, n);
        return dp__ratio_forbid(v, BE_MAX_GROUP);
    }
    if (nap) {
        req = (n + BE_PER_CARER_NAP - 1) / BE_PER_CARER_NAP;
        dp__ratio_say(v, " While they sleep one carer may watch %u: %u %s.", BE_PER_CARER_NAP, req,
                      req == 1 ? "carer" : "carers");
    } else {
        req = n == 0 ? 0 : n <= BE_PER_CARER ? 1 : 2;
        dp__ratio_say(v, " One carer for at most %u, two for at most %u: %u %s.", BE_PER_CARER,
                      BE_MAX_GROUP, req, req == 1 ? "carer" : "carers");
    }
    return dp__ratio_allow(v, req, BE_MAX_GROUP);
}

/* From 1 January 2027 (announced in the Flemish policy note; docs/ratio.md
 * cites the sources and what is unverified): one carer per 5 babies in a
 * group of babies only, one per 7 in a group mixing babies with older
 * children, and 1 for 8 / 2 for 18 unchanged for groups without babies. A
 * baby is a child under 1 (our reading: ages are whole years here). The
 * nap relaxation is not applied: we found nothing on whether it remains. */
int dp__ratio_be_daycare_2027(unsigned babies, unsigned n, bool nap, dp_ratio_verdict *v)
{
    unsigned req;

    if (babies == 0 && !nap)
        return dp__ratio_be_daycare(n, false, v);
    dp__ratio_say(v,
                  "Care for babies and toddlers (BE-VL, from 1 January 2027): %u children, %u of "
                  "them under 1.",
                  n, babies);
    if (n > BE_MAX_GROUP) {
        dp__ratio_say(v, " Not allowed: a living group has at most %u children; this one has %u.",
                      BE_MAX_GROUP, n);
        return dp__ratio_forbid(v, BE_MAX_GROUP);
    }
    if (babies == 0) {
        req = n == 0 ? 0 : n <= BE_PER_CARER ? 1 : 2;
        dp__ratio_say(v, " One carer for at most %u, two for at most %u", BE_PER_CARER,
                      BE_MAX_GROUP);
    } else if (babies == n) {
        req = (n + BE_2027_PER_CARER_BABIES - 1) / BE_2027_PER_CARER_BABIES;
        dp__ratio_say(v, " Babies only: one carer per %u", BE_2027_PER_CARER_BABIES);
    } else {
        req = (n + BE_2027_PER_CARER_MIXED - 1) / BE_2027_PER_CARER_MIXED;
        dp__ratio_say(v, " Babies with older children: one carer per %u", BE_2027_PER_CARER_MIXED);
    }
    dp__ratio_say(v, "%s: %u %s.", nap ? " (no nap-time relaxation from 2027 in our reading)" : "",
                  req, req == 1 ? "carer" : "carers");
    return dp__ratio_allow(v, req, BE_MAX_GROUP);
}

int dp__ratio_be_bso(unsigned n, dp_ratio_verdict *v)
{
    unsigned req = (n + BE_BSO_PER_CARER - 1) / BE_BSO_PER_CARER;

    dp__ratio_say(v, "Out-of-school care (BE-VL): %u children, one carer per %u: %u %s.", n,
                  BE_BSO_PER_CARER, req, req == 1 ? "carer" : "carers");
    return dp__ratio_allow(v, req, 0);
}
