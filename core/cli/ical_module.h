/* core/cli/ical_module.h - the entry points of the calendar module
 * (dagplan-ical.so, core/module/ical.c), shared by the module and the
 * dagplan command that loads it (core/cli/ical_load.c). */
#ifndef DAGPLAN_CLI_ICAL_MODULE_H
#define DAGPLAN_CLI_ICAL_MODULE_H

#include "dagplan/closures.h"
#include "dagplan/ical.h"

#define DP_ICAL_MODULE_ABI    1 /* raise when the struct changes */
#define DP_ICAL_MODULE_FILE   "dagplan-ical.so"
#define DP_ICAL_MODULE_SYMBOL "dp_ical_module_table"

typedef struct dp_ical_module {
    int abi;
    dp_status (*ical_export)(const dp_model *m, const dp_ical_options *o, const char *outdir,
                             dp_ical_stats *stats, dp_error *err);
    int (*ical_feed_file)(dp_feed_kind kind, const char *subject, char *buf, size_t len);
    dp_status (*ical_empty)(const dp_model *m, dp_buf *out, dp_error *err);
    dp_status (*closures_read_ics)(const char *text, size_t len, const char *file_name,
                                   dp_closure_kind kind, bool kind_forced, dp_ics_closure **out,
                                   size_t *n, dp_diags *diags, dp_error *err);
} dp_ical_module;

#endif
