/* core/load/rules.c - the last step of loading a centre: compile the rules
 * that centre.lua declared against the now complete model (core/rules/rules.c),
 * reporting each invalid rule at its line in centre.lua. */
#include "load_impl.h"

#include "rules/rules.h"
#include "rules/sandbox.h"

void dp__load_rules(dp__loader *ld)
{
    dp_error e = {0};
    dp_rules *rs = NULL;
    dp_status rc;

    if (!ld->rules_sb)
        return;
    /* Unknown ids would only repeat what the broken file already says. */
    if (ld->broken[DP_KIND_CHILD] || ld->broken[DP_KIND_ACTIVITY] || ld->broken[DP_KIND_SECTION])
        return;
    rc = dp__rules_compile(&ld->rules_sb, ld->m, "centre.lua", ld->diags, &rs, &e);
    if (rc == DP_ENOMEM) {
        dp__oom(ld);
        return;
    }
    ld->m->rules = rs;
}
