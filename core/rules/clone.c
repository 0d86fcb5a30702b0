/* core/rules/clone.c - a copy of a centre's rules with a Lua state of its own,
 * for a search that runs beside others (dp_solve with --threads).
 *
 * A Lua state is not thread-safe, and a custom rule's state changes while it
 * is used (math.random, the ctx object, the instruction budget), so parallel
 * searches cannot share one. A state cannot be copied either: the copy is
 * built the way the first one was, by running the script that the sandbox
 * kept in a fresh sandbox and compiling its rules against the same model.
 * The script is the same text run with the same seed, so it declares the same
 * rules in the same order (checked: kind, line and name of each), and a rule
 * index means the same rule in every copy. */
#include <string.h>

#include "rules/centre_conf.h"
#include "rules/rules.h"

/* Whether a and b declare the same rules, in the same order. */
static bool same_rules(const dp_rules *a, const dp_rules *b)
{
    if (a->n != b->n)
        return false;
    for (uint32_t i = 0; i < a->n; i++) {
        const dp_rule *x = &a->rules[i], *y = &b->rules[i];
        if (x->kind != y->kind || x->line != y->line || x->hard != y->hard ||
            x->weight != y->weight || strcmp(x->name ? x->name : "", y->name ? y->name : "") != 0)
            return false;
    }
    return true;
}

dp_status dp__rules_clone(const dp_rules *rs, const dp_model *m, dp_rules **out, dp_error *err)
{
    dp_centre_conf conf;
    dp_rules *c = NULL;
    const char *src, *file;
    size_t len = 0;
    dp_status rc;

    *out = NULL;
    src = rs->sb ? dp__sandbox_source(rs->sb, &len) : NULL;
    if (!src)
        return DP_FAIL(err, DP_EINTERNAL, NULL, "the rules keep no script to copy");
    file = dp__sandbox_name(rs->sb);
    /* No diagnostics: the script was checked when the centre was loaded. */
    rc = dp__centre_conf_load_mem(src, len, file, &conf, NULL, err);
    if (rc == DP_OK)
        rc = dp__rules_compile(&conf.sandbox, m, file, NULL, &c, err);
    dp__centre_conf_release(&conf);
    if (rc != DP_OK)
        return rc;
    if (!c || !c->sb || !same_rules(rs, c)) {
        dp_rules_free(c);
        return DP_FAIL(err, DP_EINTERNAL, NULL, "%s declared other rules when run again", file);
    }
    c->ref_days = rs->ref_days;
    dp__rules_reselect(c);
    *out = c;
    return DP_OK;
}
