/* core/time_impl.h - internals shared by time.c, tz.c and their tests.
 *
 * Calendar arithmetic on 64-bit day and year numbers (the time-zone code works
 * with instants far outside the int32 date range), and the TZif parser behind
 * dp_tz_load, exposed so that the fuzz target needs no file. */
#ifndef DAGPLAN_TIME_IMPL_H
#define DAGPLAN_TIME_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dagplan/error.h"
#include "dagplan/time.h"

/* Days since 1970-01-01 of a civil date (Hinnant's days_from_civil). */
int64_t dp__days_from_civil(int64_t y, int m, int d);

/* The civil date of days since 1970-01-01 (Hinnant's civil_from_days). */
void dp__civil_from_days(int64_t days, int64_t *year, int *month, int *day);

bool dp__is_leap(int64_t year);          /* Gregorian leap year */
int dp__month_days(int64_t year, int m); /* 28..31; m is 1..12 */

/* Largest TZif file dp_tz_load reads; real ones are a few KiB. */
#define DP_TZ_MAX_FILE (256u * 1024u)

/* Parses the TZif data (RFC 8536, versions 1 to 4) in data[0..len) into a new
 * zone called name (copied). `source` names the data in messages (a path, or
 * "<memory>"). On failure *out is untouched and err says, with DP_EINPUT, what
 * is wrong and at which byte; DP_ENOMEM when an allocation fails. Free the
 * result with dp_tz_free(). */
dp_status dp__tz_parse(const unsigned char *data, size_t len, const char *name, const char *source,
                       dp_tz **out, dp_error *err);

#endif
