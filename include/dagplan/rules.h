/* dagplan/rules.h - the local rules of a centre's centre.lua (docs/rules.md).
 *
 * The loader compiles the rules of centre.lua into the model (dp_model.rules);
 * the plugin dp_plugin_rules (one of dp_builtin_plugins) makes them take part
 * in solving: a hard rule blocks every move that would break it, a soft rule's
 * weighted penalty goes into the `rules` term of the objective. This header
 * lets the command line and the server report on the rules, set the date the
 * rules refer to and reload a changed script. */
#ifndef DAGPLAN_RULES_H
#define DAGPLAN_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "dagplan/error.h"
#include "dagplan/model.h"

typedef struct dp_rules dp_rules;
typedef struct dp_solution dp_solution;

/* What a planner wrote about one rule. Strings are borrowed from the model. */
typedef struct dp_rule_info {
    const char *name; /* the rule's name = "..." */
    const char *kind; /* "max_activities", "custom", ... */
    unsigned line;    /* line in centre.lua */
    bool hard;        /* hard = true */
    int64_t weight;   /* soft: points per unit of violation; hard: 0 */
} dp_rule_info;

/* Number of rules of the model's centre.lua (0 when none). */
uint32_t dp_rules_count(const dp_model *m);

/* Describes rule i (0 <= i < dp_rules_count(m)). */
void dp_rules_info(const dp_model *m, uint32_t i, dp_rule_info *out);

/* Sets the date the rules refer to (days since 1970-01-01): the Monday of the
 * solved week. `until` of rule.reserve and `ages` of a selection use it; until
 * it is set they use today's date (UTC). */
void dp_rules_set_date(const dp_model *m, int32_t days);

/* Violations of each rule (units[i] for rule i, dp_rules_count(m) entries) in
 * the solution's schedule, recomputed from scratch. A soft rule's penalty is
 * weight * units. Returns DP_OK, DP_ERULE when a custom rule failed, or
 * DP_ENOMEM. */
dp_status dp_rules_evaluate(const dp_solution *sol, int64_t *units, dp_error *err);

/* DP_OK, or DP_ERULE with the error (centre.lua:LINE: ...) when a custom rule
 * failed during the last solve of m: such a solve must not be stored. */
dp_status dp_rules_status(const dp_model *m, dp_error *err);

/* Reloads the rules from the centre.lua at path (after the planner edited it):
 * runs it in a fresh sandbox, compiles its rules against m, and only when that
 * succeeds replaces m's rules. Problems go to diags (file:LINE). The settings
 * of centre{...} are not applied to m: when they differ from m's, the function
 * fails with DP_ERULE (reload the whole centre with dp_load_centre instead).
 * Returns DP_OK, DP_ERULE (m unchanged), DP_EIO, DP_ENOMEM. Must not run while
 * m is being solved. */
dp_status dp_rules_reload(dp_model *m, const char *path, dp_diags *diags, dp_error *err);

/* Frees rules (the loader and dp_model_free use it). NULL: no-op. */
void dp_rules_free(dp_rules *rs);

#endif
