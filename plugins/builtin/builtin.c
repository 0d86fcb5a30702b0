/* plugins/builtin/builtin.c - the standard constraints and objective terms of
 * FORMAT.md sections 2 and 3, in evaluation order: cheap per-child checks
 * first, so the solver can stop evaluating a move at the first hard violation;
 * objective terms last. */
#include "dagplan/plugin.h"

const dp_plugin *const dp_builtin_plugins[] = {
    &dp_plugin_eligibility,
    &dp_plugin_max_activities,
    &dp_plugin_capacity,
    &dp_plugin_availability,
    &dp_plugin_overlap,
    &dp_plugin_location,
    &dp_plugin_staff,
    &dp_plugin_min_size,
    &dp_plugin_ratio,
    &dp_plugin_rules,
    &dp_plugin_coverage,
    &dp_plugin_breadth,
    &dp_plugin_rank,
    &dp_plugin_pins,
    &dp_plugin_series,
    &dp_plugin_camps,
    &dp_plugin_overnight,
    &dp_plugin_stability,
    NULL,
};
