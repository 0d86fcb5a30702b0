/* dagplan/time.h - times of day, weekdays, dates, ISO weeks and time zones.
 *
 * Times of day are minutes since local midnight (0..1440). Dates are days
 * since 1970-01-01 in the proleptic Gregorian calendar (int32_t), so date
 * arithmetic is integer arithmetic. ISO 8601 weeks start on Monday; week 1 is
 * the week with the year's first Thursday, so some years have 53 weeks.
 *
 * Time zones are read from the system's compiled tz database (TZif files under
 * $TZDIR or /usr/share/zoneinfo, Debian's tzdata), never through the process-
 * wide TZ variable, so several centres in different zones can be handled at
 * once and from several threads. */
#ifndef DAGPLAN_TIME_H
#define DAGPLAN_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "dagplan/error.h"

/* Parses "HH:MM" or "H:MM" (00:00 .. 24:00; 24:00 only as exactly that) into
 * minutes since midnight. Returns 0 on success, -1 when s is not such a time.
 * Surrounding whitespace is not accepted. */
int dp_time_parse(const char *s, size_t len, int *minutes);

/* Writes minutes (0..1440) as "HH:MM" into buf (at least 6 bytes). */
void dp_time_format(int minutes, char *buf);

/* Parses a weekday "mon".."sun" (ASCII case-insensitive) into 0..6; -1 when
 * s is not one. */
int dp_day_parse(const char *s, size_t len);

/* Days since 1970-01-01 of a valid civil date (no validation here). */
int32_t dp_date_from_civil(int year, int month, int day);

/* The civil date of days since 1970-01-01. */
void dp_date_to_civil(int32_t days, int *year, int *month, int *day);

/* Parses "YYYY-MM-DD" (a real calendar date, years 1900..2199) into days since
 * 1970-01-01. Returns 0 or -1. */
int dp_date_parse(const char *s, size_t len, int32_t *days);

/* Writes days as "YYYY-MM-DD" into buf (at least 11 bytes). */
void dp_date_format(int32_t days, char *buf);

/* Weekday of a date: 0 = Monday .. 6 = Sunday. */
int dp_date_weekday(int32_t days);

/* Number of ISO weeks in an ISO year: 52 or 53. */
int dp_isoweek_count(int year);

/* Parses "YYYY-Www" (week 01..52 or 53 when the year has it) into year and week.
 * Returns 0 or -1. */
int dp_isoweek_parse(const char *s, size_t len, int *year, int *week);

/* Writes "YYYY-Www" into buf (at least 9 bytes). */
void dp_isoweek_format(int year, int week, char *buf);

/* The Monday (days since 1970-01-01) of ISO week `week` of ISO year `year`. */
int32_t dp_isoweek_monday(int year, int week);

/* The ISO year and week that contain a date. */
void dp_isoweek_of(int32_t days, int *year, int *week);

/* A time zone loaded from the tz database. Immutable once loaded: may be shared
 * by threads. */
typedef struct dp_tz dp_tz;

/* Loads IANA zone `name` (for example "Europe/Amsterdam"). Rejects names that
 * are empty, absolute, contain "..", contain characters other than
 * [A-Za-z0-9_+-/], or are not in the database (DP_EINPUT with a message naming
 * the zone and no input location: the caller adds where the name came from).
 * A file that is not valid TZif, or larger than 256 KiB, is DP_EINPUT with
 * err->at.file set to its path; DP_EIO when it cannot be read, DP_ENOMEM.
 * Free with dp_tz_free(). */
dp_status dp_tz_load(const char *name, dp_tz **out, dp_error *err);
void dp_tz_free(dp_tz *tz); /* NULL: no-op */

/* The zone's name as given to dp_tz_load. Borrowed until dp_tz_free. */
const char *dp_tz_name(const dp_tz *tz);

/* Offset from UTC in seconds (east positive) at a UTC instant (seconds since
 * the epoch), and the abbreviation in force then (borrowed; may be NULL). */
int dp_tz_offset(const dp_tz *tz, int64_t utc_seconds, const char **abbrev);

/* The UTC instant (seconds since the epoch) of local time `minutes` on local
 * date `days`. A local time that does not exist (the spring-forward gap) is
 * moved forward by the gap; an ambiguous one (autumn) takes the first (summer
 * time) occurrence. */
int64_t dp_tz_to_utc(const dp_tz *tz, int32_t days, int minutes);

/* One change of offset: used to write a VTIMEZONE that agrees with the system
 * data. */
typedef struct dp_tz_transition {
    int64_t at_utc;     /* instant of the change, seconds since the epoch */
    int offset_before;  /* seconds east of UTC before */
    int offset_after;   /* seconds east of UTC after */
    int is_dst;         /* 1 when the new offset is daylight-saving time */
    const char *abbrev; /* abbreviation after, borrowed ("CET", "CEST") */
} dp_tz_transition;

/* Writes up to max transitions with from_utc <= at_utc < to_utc into out, in
 * order, and returns how many there are in total in that range (which may be
 * more than max; out may be NULL when max is 0). Covers years beyond the
 * file's table through its POSIX TZ footer rule, up to the year 9999.
 * Transitions that change neither offset, DST flag nor abbreviation are left
 * out. */
size_t dp_tz_transitions(const dp_tz *tz, int64_t from_utc, int64_t to_utc, dp_tz_transition *out,
                         size_t max);

#endif
