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

int dp__ratio_be_bso(unsigned n, dp_ratio_verdict *v)
{
    unsigned req = (n + BE_BSO_PER_CARER - 1) / BE_BSO_PER_CARER;

    dp__ratio_say(v, "Out-of-school care (BE-VL): %u children, one carer per %u: %u %s.", n,
                  BE_BSO_PER_CARER, req, req == 1 ? "carer" : "carers");
    return dp__ratio_allow(v, req, 0);
}
