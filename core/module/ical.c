/* core/module/ical.c - dagplan-ical.so, the calendar module: libdagplan's
 * iCalendar code (plugins/ical, core/closures_ics.c) and libical behind one
 * exported table. The dagplan command loads it on first use
 * (core/cli/ical_load.c), so commands that write no calendar do not pay
 * for loading libical, ICU and libstdc++ (bench/startup). */
#include "cli/ical_module.h"

extern const dp_ical_module dp_ical_module_table;
const dp_ical_module dp_ical_module_table = {
    .abi = DP_ICAL_MODULE_ABI,
    .ical_export = dp_ical_export,
    .ical_feed_file = dp_ical_feed_file,
    .ical_empty = dp_ical_empty,
    .closures_read_ics = dp_closures_read_ics,
};
