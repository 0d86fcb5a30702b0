/* core/time.c - times of day, weekdays, civil dates and ISO 8601 weeks.
 *
 * Dates are days since 1970-01-01 in the proleptic Gregorian calendar.
 * Conversions use Howard Hinnant's days_from_civil / civil_from_days
 * algorithms (era = 400-year cycle), which are exact for every date an int32
 * can hold and need no tables. Parsers take <string, length>, accept exactly
 * the documented forms (no whitespace, no signs) and write their output only
 * on success. Nothing here allocates or touches global state. */
#include "dagplan/time.h"

#include <stdio.h>

#include "time_impl.h"

/* Reads n decimal digits at s; -1 when one of them is not a digit. */
static int parse_digits(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int dp_time_parse(const char *s, size_t len, int *minutes)
{
    int h, m;

    if (!s || (len != 4 && len != 5) || s[len - 3] != ':')
        return -1;
    h = parse_digits(s, len - 3);
    m = parse_digits(s + len - 2, 2);
    if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
        return -1;
    *minutes = h * 60 + m;
    return 0;
}

void dp_time_format(int minutes, char *buf)
{
    /* Clamped so that a caller's bug cannot overrun the 6-byte buffer. */
    if (minutes < 0)
        minutes = 0;
    if (minutes > 1440)
        minutes = 1440;
    snprintf(buf, 6, "%02d:%02d", minutes / 60, minutes % 60);
}

int dp_day_parse(const char *s, size_t len)
{
    static const char names[7][4] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

    if (!s || len != 3)
        return -1;
    for (int d = 0; d < 7; d++) {
        size_t i = 0;
        while (i < 3 && (s[i] | 0x20) == names[d][i])
            i++;
        if (i == 3)
            return d;
    }
    return -1;
}

int64_t dp__days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void dp__civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    int m = (int) (mp < 10 ? mp + 3 : mp - 9);

    *year = yoe + era * 400 + (m <= 2);
    *month = m;
    *day = (int) (doy - (153 * mp + 2) / 5 + 1);
}

bool dp__is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int dp__month_days(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && dp__is_leap(y) ? 29 : days[m - 1];
}

int32_t dp_date_from_civil(int year, int month, int day)
{
    return (int32_t) dp__days_from_civil(year, month, day);
}

void dp_date_to_civil(int32_t days, int *year, int *month, int *day)
{
    int64_t y;

    dp__civil_from_days(days, &y, month, day);
    *year = (int) y;
}

int dp_date_parse(const char *s, size_t len, int32_t *days)
{
    int y, m, d;

    if (!s || len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    y = parse_digits(s, 4);
    m = parse_digits(s + 5, 2);
    d = parse_digits(s + 8, 2);
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > dp__month_days(y, m))
        return -1;
    *days = dp_date_from_civil(y, m, d);
    return 0;
}

void dp_date_format(int32_t days, char *buf)
{
    int y, m, d;

    dp_date_to_civil(days, &y, &m, &d);
    /* Years outside 0..9999 would not fit the 11-byte buffer. */
    if (y < 0)
        y = 0;
    if (y > 9999)
        y = 9999;
    snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
}

int dp_date_weekday(int32_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int r = (int) (((int64_t) days + 3) % 7);
    return r < 0 ? r + 7 : r;
}

int dp_isoweek_count(int year)
{
    /* A year has 53 ISO weeks when it starts on a Thursday, or when it is a
     * leap year starting on a Wednesday: then it has 53 Thursdays. */
    int jan1 = dp_date_weekday(dp_date_from_civil(year, 1, 1));
    return jan1 == 3 || (jan1 == 2 && dp__is_leap(year)) ? 53 : 52;
}

int dp_isoweek_parse(const char *s, size_t len, int *year, int *week)
{
    int y, w;

    if (!s || len != 8 || s[4] != '-' || s[5] != 'W')
        return -1;
    y = parse_digits(s, 4);
    w = parse_digits(s + 6, 2);
    if (y < 1900 || y > 2199 || w < 1 || w > dp_isoweek_count(y))
        return -1;
    *year = y;
    *week = w;
    return 0;
}

void dp_isoweek_format(int year, int week, char *buf)
{
    if (year < 0)
        year = 0;
    if (year > 9999)
        year = 9999;
    if (week < 0 || week > 99)
        week = 0;
    snprintf(buf, 9, "%04d-W%02d", year, week);
}

int32_t dp_isoweek_monday(int year, int week)
{
    /* January 4th is always in week 1. */
    int32_t jan4 = dp_date_from_civil(year, 1, 4);
    return jan4 - dp_date_weekday(jan4) + (week - 1) * 7;
}

void dp_isoweek_of(int32_t days, int *year, int *week)
{
    /* The week belongs to the year of its Thursday. */
    int32_t thursday = days - dp_date_weekday(days) + 3;
    int y, m, d;

    dp_date_to_civil(thursday, &y, &m, &d);
    *year = y;
    *week = (thursday - dp_date_from_civil(y, 1, 1)) / 7 + 1;
}
