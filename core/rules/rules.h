/* core/rules/rules.h - a centre's local rules, compiled from centre.lua.
 * Not installed (the public side is include/dagplan/rules.h).
 *
 * While centre.lua runs, rule.<kind>{...} only records the kind, the line and
 * the argument table (the data files that name groups and activities are not
 * read yet). Once the whole centre is loaded, dp__rules_compile() checks every
 * rule's arguments against the model, reporting every problem at the rule's
 * line, and turns each rule into a dp_rule: selections become byte maps over
 * the model's dense ids, times become minutes, so that plugins/rules/
 * evaluates the declarative rules in C without calling Lua. Only
 * rule.custom{...} keeps a Lua function, called through the sandbox, which a
 * dp_rules then owns for as long as the model lives. */
#ifndef DAGPLAN_RULES_IMPL_H
#define DAGPLAN_RULES_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "dagplan/error.h"
#include "dagplan/model.h"
#include "dagplan/rules.h"
#include "rules/sandbox.h"

typedef enum dp_rule_kind {
    DP_RULE_MAX_ACTIVITIES = 0, /* at most max activities per child per week or day */
    DP_RULE_MAX_MINUTES,        /* at most max minutes per child per week or day */
    DP_RULE_NOT_BEFORE,         /* no session starts before time */
    DP_RULE_NOT_AFTER,          /* no session ends after time */
    DP_RULE_RESERVE,            /* places of an activity kept for the selection */
    DP_RULE_SIBLINGS,           /* siblings with one activity share its section or days */
    DP_RULE_THEME_ONCE,         /* a child has each theme at most once */
    DP_RULE_AT_LEAST_ONE,       /* a child gets at least one selected activity */
    DP_RULE_ONLY_FOR,           /* selected activities only for selected children */
    DP_RULE_APART,              /* the listed children never share a section */
    DP_RULE_PIN,                /* a child is granted its activity in one section */
    DP_RULE_MIX,                /* sections not drawn mostly from one background */
    DP_RULE_CUSTOM,             /* a Lua function */
    DP_RULE_FORBID,             /* a child is never granted one section */
    DP_N_RULE_KINDS
} dp_rule_kind;

typedef enum dp_rule_scope {
    DP_SCOPE_CHILD = 0, /* depends on one child's grants (and their times) */
    DP_SCOPE_FAMILY,    /* on the grants of a family's children */
    DP_SCOPE_SET,       /* on the grants of a small listed set of children */
    DP_SCOPE_ACTIVITY,  /* on who holds places of one activity */
    DP_SCOPE_SECTION    /* on a section's members */
} dp_rule_scope;

#define DP_MIX_NEIGHBOURHOOD 0
#define DP_MIX_PRIORITY      1

typedef struct dp_rule {
    dp_rule_kind kind;
    dp_rule_scope scope;
    char *name;     /* the rule's name (malloc'd) */
    unsigned line;  /* line in centre.lua */
    bool hard;      /* hard = true; otherwise soft with weight */
    int64_t weight; /* points per unit of violation (soft) */

    /* Who the rule is about. child_sel is recomputed when the reference date
     * changes (ages); NULL maps mean "everyone". */
    uint8_t *child_sel;  /* [n_children] 1 = selected */
    uint8_t *act_sel;    /* [n_activities] 1 = selected, NULL = all */
    uint8_t day_mask;    /* bit d: sessions on day d count */
    uint16_t group_mask; /* bit g: school group g; 0x1ff = all */
    uint8_t prio_mask;   /* bit p: priority p; 0xf = all */
    uint64_t age_mask;   /* bit a: age a in whole years; 0 = ages not asked */
    uint8_t *nb_sel;     /* [n_neighbourhoods], NULL = all */
    uint8_t *fam_sel;    /* [n_families], NULL = all */
    uint8_t *id_sel;     /* [n_children] listed by id, NULL = all */

    /* Kind-specific parameters. */
    bool per_day;       /* max_activities, max_minutes: per day, not per week */
    int32_t max;        /* max_activities, max_minutes */
    int time_min;       /* not_before, not_after */
    dp_id activity;     /* reserve */
    int32_t places;     /* reserve: kept places */
    int32_t capacity;   /* reserve: places of the activity (sum of max_size) */
    int32_t until_days; /* reserve: INT32_MIN when it always applies */
    bool active;        /* reserve: false once the reference date passed until */
    bool same_day;      /* siblings: same days rather than the same section */
    dp_id *set;         /* apart: the children (malloc'd) */
    uint32_t n_set;
    dp_id child, section; /* pin */
    int mix_by;           /* DP_MIX_* */
    int32_t share_pm;     /* mix: largest share allowed, per mille */
    int fn_ref;           /* custom: registry ref of check */
    bool custom_section;  /* custom: scope "section" */
} dp_rule;

struct dp_rules {
    dp_rule *rules;
    uint32_t n;
    dp_sandbox *sb;    /* owned; the state the custom rules live in */
    const dp_model *m; /* the model compiled against */
    int32_t ref_days;  /* reference date (days since 1970), for ages and until */
    uint32_t *fam0;    /* [n_families + 1]: family f's children start at fam0[f] */
    dp_id *fam_child;  /* children grouped by family */
    bool failed;       /* a custom rule failed while solving */
    dp_error fail;     /* why */
    char *script;      /* path or display name of the script */
};

/* Registers the rule library (`rule.max_activities{...}`, ...) in sb: the
 * calls record kind, line and argument table in sb's registry. */
dp_status dp__rules_register(dp_sandbox *sb, dp_error *err);

/* Compiles the rules recorded in sb against m. Every problem is added to diags
 * at file:LINE (file is the display name, e.g. "centre.lua"). On DP_OK *out
 * holds the rules (NULL when the script declared none; then sb is not
 * needed); with custom rules *out takes ownership of sb (*sb_inout is set to
 * NULL). DP_ERULE when a rule is invalid, DP_ENOMEM. */
dp_status dp__rules_compile(dp_sandbox **sb_inout, const dp_model *m, const char *file,
                            dp_diags *diags, dp_rules **out, dp_error *err);

/* Whether the rule applies to child c (selection, or for only_for: the
 * children outside it). */
static inline bool dp__rule_selects(const dp_rule *r, dp_id c)
{
    return r->child_sel == NULL || r->child_sel[c];
}

static inline bool dp__rule_act(const dp_rule *r, dp_id a)
{
    return r->act_sel == NULL || r->act_sel[a];
}

/* Recomputes every rule's child selection for the reference date. */
void dp__rules_reselect(dp_rules *rs);

/* Solving with rules (core/solve/solve.c). A custom rule's Lua state must
 * never be used by two threads at once, so each parallel search but the
 * first gets its own copy of the rules; the declarative rules are only read
 * while solving. */

/* Prepares m's rules for a new solve, before any search starts: forgets an
 * earlier failure and refers the rules to the solved week (m->week_monday),
 * so that the searches only read the dp_rules. No-op without rules. */
void dp__rules_solve_begin(const dp_model *m);

/* Whether m's rules hold a Lua state (custom rules): then a parallel search
 * needs its own copy. */
bool dp__rules_use_lua(const dp_model *m);

/* Makes *out a copy of rs with a Lua state of its own: runs rs's script again
 * in a fresh sandbox (same limits) and compiles it against m (the model rs was
 * compiled against, or a shallow copy of it), so that the copy has the same
 * rules in the same order, with the same reference date. Free with
 * dp_rules_free(). Returns DP_OK, DP_ENOMEM, or DP_EINTERNAL when rs keeps no
 * script or the script declared other rules the second time. */
dp_status dp__rules_clone(const dp_rules *rs, const dp_model *m, dp_rules **out, dp_error *err);

/* Whether a custom rule of rs failed in the last solve; if so *why (when not
 * NULL) gets the error, as dp_rules_status() reports it. */
bool dp__rules_failure(const dp_rules *rs, dp_error *why);

/* Records why (from dp__rules_failure() of a copy) as rs's failure, replacing
 * any: the solve that used the copy failed. */
void dp__rules_set_failure(dp_rules *rs, const dp_error *why);

/* The kind's name as written in centre.lua ("max_activities"). */
const char *dp__rule_kind_name(dp_rule_kind k);

/* Tests: whether the points the rules plugin's state (an engine's pstate of
 * dp_plugin_rules) keeps per scope for gain(), updated move by move, equal
 * those made from scratch from the values it keeps now (which full()
 * checks). Makes them afresh either way. */
bool dp__rules_points_ok(void *state);

#endif
