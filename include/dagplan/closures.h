/* dagplan/closures.h - reading closures (school holidays, study days) from an
 * iCalendar file, as schools and governments publish them, for `dagplan
 * import-closures` (issue 7).
 *
 * Every VEVENT becomes one closure: DTSTART's date is its first day, DTEND
 * (exclusive for all-day events, as RFC 5545 says; or DTSTART + DURATION) its
 * end, SUMMARY its name. Its kind is the given default, or studyday when the
 * summary mentions a study day ("studiedag", "study day") and the kind was not
 * forced. */
#ifndef DAGPLAN_CLOSURES_H
#define DAGPLAN_CLOSURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dagplan/error.h"
#include "dagplan/model.h"

typedef struct dp_ics_closure {
    int32_t from_day, to_day; /* days since 1970-01-01, inclusive */
    dp_closure_kind kind;
    char name[128]; /* SUMMARY, cut to fit; "" when absent */
    unsigned line;  /* line of its BEGIN:VEVENT in the file */
} dp_ics_closure;

/* Reads the iCalendar text (len bytes) of the file called file_name (for
 * messages). Every problem goes to diags as file:line:column (a VEVENT
 * without DTSTART, an end before its start, no VEVENT at all, not an
 * iCalendar file). On success *out is a malloc'd array of *n closures in file
 * order (free()). DP_EINPUT when diags got errors (then *out is untouched),
 * DP_ENOMEM. */
dp_status dp_closures_read_ics(const char *text, size_t len, const char *file_name,
                               dp_closure_kind kind, bool kind_forced, dp_ics_closure **out,
                               size_t *n, dp_diags *diags, dp_error *err);

#endif
