/* tests/unit/test_time.c - times of day, dates, ISO weeks and time zones.
 *
 * The calendar functions are checked against fixed dates and against each
 * other over three centuries. The zone code is checked on known Dutch and US
 * daylight-saving changes, on hand-built TZif files, and against the C
 * library's localtime_r on random instants, with TZ set here in the test only
 * (the library itself never touches TZ). */
#include "dagplan/time.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "time_impl.h"

#define HOUR 3600

/* A UTC instant from a civil date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
    return (int64_t) dp_date_from_civil(y, mo, d) * 86400 + h * HOUR + mi * 60;
}

static int tparse(const char *s)
{
    int m = -12345;
    return dp_time_parse(s, strlen(s), &m) == 0 ? m : -1;
}

static int32_t date(const char *s)
{
    int32_t d = INT32_MIN;
    return dp_date_parse(s, strlen(s), &d) == 0 ? d : INT32_MIN;
}

/* ---- times of day, weekdays, dates -------------------------------------- */

static void test_time_parse_edges(void)
{
    int m = 77;
    CHECK(tparse("00:00") == 0);
    CHECK(tparse("24:00") == 1440);
    CHECK(tparse("23:59") == 1439);
    CHECK(tparse("7:05") == 425);
    CHECK(tparse("07:05") == 425);
    CHECK(tparse("24:01") == -1);
    CHECK(tparse("25:00") == -1);
    CHECK(tparse("07:60") == -1);
    CHECK(tparse("07:5") == -1);
    CHECK(tparse("") == -1);
    CHECK(tparse(" 07:00") == -1);
    CHECK(tparse("07:00 ") == -1);
    CHECK(tparse("007:00") == -1);
    CHECK(tparse("+7:00") == -1);
    CHECK(tparse("0700") == -1);
    CHECK(tparse("07.00") == -1);
    CHECK(tparse("ab:cd") == -1);
    /* Only len bytes are read. */
    CHECK(dp_time_parse("08:30, 12:00", 5, &m) == 0 && m == 510);
    m = 77;
    CHECK(dp_time_parse("08:3", 4, &m) == -1 && m == 77); /* untouched on failure */
}

static void test_time_format_round_trip(void)
{
    char buf[6];
    int bad = 0;

    dp_time_format(0, buf);
    CHECK_STR(buf, "00:00");
    dp_time_format(425, buf);
    CHECK_STR(buf, "07:05");
    dp_time_format(1440, buf);
    CHECK_STR(buf, "24:00");
    for (int m = 0; m <= 1440; m++) {
        int back = -1;
        dp_time_format(m, buf);
        if (dp_time_parse(buf, strlen(buf), &back) != 0 || back != m)
            bad++;
    }
    CHECK(bad == 0);
}

static void test_time_day_names(void)
{
    const char *names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int d = 0; d < 7; d++)
        CHECK(dp_day_parse(names[d], 3) == d);
    CHECK(dp_day_parse("MON", 3) == 0);
    CHECK(dp_day_parse("Sun", 3) == 6);
    CHECK(dp_day_parse("wEd", 3) == 2);
    CHECK(dp_day_parse("mo", 2) == -1);
    CHECK(dp_day_parse("monday", 6) == -1);
    CHECK(dp_day_parse("", 0) == -1);
    CHECK(dp_day_parse("xyz", 3) == -1);
    CHECK(dp_day_parse("m0n", 3) == -1);
    CHECK(dp_day_parse("tuesday", 3) == 1); /* only len bytes are read */
}

static void test_time_civil_round_trip(void)
{
    int y, m, d, bad = 0, py, pm, pd;

    CHECK(dp_date_from_civil(1970, 1, 1) == 0);
    CHECK(dp_date_from_civil(2000, 3, 1) == 11017);
    CHECK(dp_date_from_civil(1969, 12, 31) == -1);
    CHECK(dp_date_weekday(0) == 3);                                /* Thursday */
    CHECK(dp_date_weekday(dp_date_from_civil(2026, 3, 29)) == 6);  /* Sunday */
    CHECK(dp_date_weekday(dp_date_from_civil(1900, 1, 1)) == 0);   /* Monday */
    CHECK(dp_date_weekday(dp_date_from_civil(2026, 12, 28)) == 0); /* Monday */
    dp_date_to_civil(-200001, &py, &pm, &pd);
    for (int32_t z = -200000; z <= 200000; z++) {
        dp_date_to_civil(z, &y, &m, &d);
        if (dp_date_from_civil(y, m, d) != z)
            bad++;
        /* Consecutive days: the next day of the month, or the 1st. */
        if (!(y == py && m == pm && d == pd + 1) && !(d == 1 && (m == pm + 1 || m == 1)))
            bad++;
        py = y, pm = m, pd = d;
    }
    CHECK(bad == 0);
}

static void test_time_date_parse_leap_years(void)
{
    char buf[11];

    CHECK(date("2027-02-29") == INT32_MIN);
    CHECK(date("2028-02-29") == dp_date_from_civil(2028, 2, 29));
    CHECK(date("2000-02-29") == dp_date_from_civil(2000, 2, 29));
    CHECK(date("2100-02-29") == INT32_MIN);
    CHECK(date("1900-02-29") == INT32_MIN);
    CHECK(date("2026-04-31") == INT32_MIN);
    CHECK(date("2026-04-30") == dp_date_from_civil(2026, 4, 30));
    CHECK(date("2026-13-01") == INT32_MIN);
    CHECK(date("2026-00-10") == INT32_MIN);
    CHECK(date("2026-01-00") == INT32_MIN);
    CHECK(date("1899-12-31") == INT32_MIN);
    CHECK(date("1900-01-01") == dp_date_from_civil(1900, 1, 1));
    CHECK(date("2199-12-31") == dp_date_from_civil(2199, 12, 31));
    CHECK(date("2200-01-01") == INT32_MIN);
    CHECK(date("2026-1-01") == INT32_MIN);
    CHECK(date("2026/01/01") == INT32_MIN);
    CHECK(date(" 2026-01-01") == INT32_MIN);
    CHECK(date("") == INT32_MIN);
    dp_date_format(dp_date_from_civil(2028, 2, 29), buf);
    CHECK_STR(buf, "2028-02-29");
    dp_date_format(0, buf);
    CHECK_STR(buf, "1970-01-01");
    dp_date_format(dp_date_from_civil(1900, 1, 1), buf);
    CHECK_STR(buf, "1900-01-01");
}

static void test_time_isoweek_edges(void)
{
    int y = 0, w = 0;
    char buf[9];

    CHECK(dp_isoweek_count(2026) == 53);
    CHECK(dp_isoweek_count(2027) == 52);
    CHECK(dp_isoweek_count(2020) == 53); /* leap year starting on a Wednesday */
    CHECK(dp_isoweek_count(2015) == 53);
    CHECK(dp_isoweek_count(2024) == 52);
    CHECK(dp_isoweek_parse("2026-W53", 8, &y, &w) == 0 && y == 2026 && w == 53);
    y = w = 0;
    CHECK(dp_isoweek_parse("2027-W53", 8, &y, &w) == -1 && y == 0 && w == 0);
    CHECK(dp_isoweek_parse("2026-W00", 8, &y, &w) == -1);
    CHECK(dp_isoweek_parse("2026-W54", 8, &y, &w) == -1);
    CHECK(dp_isoweek_parse("2026-w01", 8, &y, &w) == -1);
    CHECK(dp_isoweek_parse("2026W01", 7, &y, &w) == -1);
    CHECK(dp_isoweek_parse("2026-W1", 7, &y, &w) == -1);
    CHECK(dp_isoweek_parse("2027-W01", 8, &y, &w) == 0 && y == 2027 && w == 1);
    CHECK(dp_isoweek_monday(2026, 53) == dp_date_from_civil(2026, 12, 28));
    CHECK(dp_isoweek_monday(2027, 1) == dp_date_from_civil(2027, 1, 4));
    CHECK(dp_isoweek_monday(2026, 1) == dp_date_from_civil(2025, 12, 29));
    dp_isoweek_of(dp_date_from_civil(2021, 1, 3), &y, &w);
    CHECK(y == 2020 && w == 53);
    dp_isoweek_of(dp_date_from_civil(2024, 12, 30), &y, &w);
    CHECK(y == 2025 && w == 1);
    dp_isoweek_of(dp_date_from_civil(2027, 1, 3), &y, &w);
    CHECK(y == 2026 && w == 53);
    dp_isoweek_of(dp_date_from_civil(2027, 1, 4), &y, &w);
    CHECK(y == 2027 && w == 1);
    dp_isoweek_format(2026, 5, buf);
    CHECK_STR(buf, "2026-W05");
    dp_isoweek_format(2026, 53, buf);
    CHECK_STR(buf, "2026-W53");
}

static void test_time_isoweek_consistent(void)
{
    int bad = 0, y, w;
    char buf[9];

    /* Every day of three centuries: its week's Monday is the Monday before it,
     * and the week survives a format/parse round trip. */
    for (int32_t d = dp_date_from_civil(1900, 1, 8); d <= dp_date_from_civil(2199, 12, 24); d++) {
        int py = 0, pw = 0;
        dp_isoweek_of(d, &y, &w);
        if (w < 1 || w > dp_isoweek_count(y) || dp_isoweek_monday(y, w) != d - dp_date_weekday(d))
            bad++;
        dp_isoweek_format(y, w, buf);
        if (dp_isoweek_parse(buf, strlen(buf), &py, &pw) != 0 || py != y || pw != w)
            bad++;
    }
    CHECK(bad == 0);
}

/* ---- time zones from the system database -------------------------------- */

static dp_tz *load(const char *name)
{
    dp_tz *tz = NULL;
    dp_error err = {0};
    if (dp_tz_load(name, &tz, &err) != DP_OK)
        fprintf(stderr, "loading %s: %s\n", name, err.msg);
    return tz;
}

static int offset_abbr(const dp_tz *tz, int64_t t, const char *want_abbr)
{
    const char *a = NULL;
    int off = dp_tz_offset(tz, t, &a);
    CHECK_STR(a, want_abbr);
    return off;
}

static void test_tz_amsterdam_offsets(void)
{
    dp_tz *tz = load("Europe/Amsterdam");
    CHECK(tz != NULL);
    if (!tz)
        return;
    CHECK_STR(dp_tz_name(tz), "Europe/Amsterdam");
    CHECK(offset_abbr(tz, utc(2026, 3, 29, 1, 0) - 1, "CET") == HOUR);
    CHECK(offset_abbr(tz, utc(2026, 3, 29, 1, 0), "CEST") == 2 * HOUR);
    CHECK(offset_abbr(tz, utc(2026, 10, 25, 1, 0) - 1, "CEST") == 2 * HOUR);
    CHECK(offset_abbr(tz, utc(2026, 10, 25, 1, 0), "CET") == HOUR);
    CHECK(offset_abbr(tz, utc(2027, 3, 28, 1, 0) - 1, "CET") == HOUR);
    CHECK(offset_abbr(tz, utc(2027, 3, 28, 1, 0), "CEST") == 2 * HOUR);
    CHECK(offset_abbr(tz, utc(2027, 10, 31, 1, 0) - 1, "CEST") == 2 * HOUR);
    CHECK(offset_abbr(tz, utc(2027, 10, 31, 1, 0), "CET") == HOUR);
    /* Beyond the table (fat files end in 2037): the footer rule. */
    CHECK(offset_abbr(tz, utc(2045, 3, 26, 1, 0) - 1, "CET") == HOUR);
    CHECK(offset_abbr(tz, utc(2045, 3, 26, 1, 0), "CEST") == 2 * HOUR);
    CHECK(offset_abbr(tz, utc(2045, 10, 29, 1, 0), "CET") == HOUR);
    CHECK(dp_tz_offset(tz, utc(1943, 7, 1, 12, 0), NULL) == 2 * HOUR); /* CEST in the war */
    CHECK(dp_tz_offset(tz, INT64_MAX, NULL) == HOUR ||
          dp_tz_offset(tz, INT64_MAX, NULL) == 2 * HOUR);
    dp_tz_free(tz);
}

static void test_tz_to_utc_gap_and_overlap(void)
{
    dp_tz *ams = load("Europe/Amsterdam"), *ny = load("America/New_York");
    int32_t spring = dp_date_from_civil(2026, 3, 29), autumn = dp_date_from_civil(2026, 10, 25);

    CHECK(ams && ny);
    if (!ams || !ny)
        goto done;
    /* 02:30 does not exist: moved forward by the gap to 03:30 CEST. */
    CHECK(dp_tz_to_utc(ams, spring, 150) == utc(2026, 3, 29, 1, 30));
    CHECK(dp_tz_to_utc(ams, spring, 120) == utc(2026, 3, 29, 1, 0));
    CHECK(dp_tz_to_utc(ams, spring, 180) == utc(2026, 3, 29, 1, 0));
    CHECK(dp_tz_to_utc(ams, spring, 119) == utc(2026, 3, 29, 0, 59));
    /* 02:30 happens twice: the first (CEST) occurrence. */
    CHECK(dp_tz_to_utc(ams, autumn, 150) == utc(2026, 10, 25, 0, 30));
    CHECK(dp_tz_to_utc(ams, autumn, 119) == utc(2026, 10, 24, 23, 59));
    CHECK(dp_tz_to_utc(ams, autumn, 180) == utc(2026, 10, 25, 2, 0));
    CHECK(dp_tz_to_utc(ams, dp_date_from_civil(2026, 7, 1), 12 * 60) == utc(2026, 7, 1, 10, 0));
    CHECK(dp_tz_to_utc(ams, dp_date_from_civil(2026, 1, 5), 8 * 60) == utc(2026, 1, 5, 7, 0));
    CHECK(dp_tz_to_utc(ams, spring - 1, 1440) == utc(2026, 3, 28, 23, 0)); /* 24:00 */
    /* From the footer rule, past 2037. */
    CHECK(dp_tz_to_utc(ams, dp_date_from_civil(2045, 3, 26), 150) == utc(2045, 3, 26, 1, 30));
    CHECK(dp_tz_to_utc(ams, dp_date_from_civil(2045, 10, 29), 150) == utc(2045, 10, 29, 0, 30));
    /* New York: gap at 02:00 EST on 2026-03-08, overlap at 02:00 EDT on 11-01. */
    CHECK(dp_tz_to_utc(ny, dp_date_from_civil(2026, 3, 8), 150) == utc(2026, 3, 8, 7, 30));
    CHECK(dp_tz_to_utc(ny, dp_date_from_civil(2026, 11, 1), 90) == utc(2026, 11, 1, 5, 30));
    CHECK(dp_tz_to_utc(ny, dp_date_from_civil(2026, 11, 1), 150) == utc(2026, 11, 1, 7, 30));
done:
    dp_tz_free(ams);
    dp_tz_free(ny);
}

static void test_tz_transitions_2026_2040(void)
{
    dp_tz *tz = load("Europe/Amsterdam");
    dp_tz_transition tr[40], few[5];
    size_t n;
    int bad = 0;

    CHECK(tz != NULL);
    if (!tz)
        return;
    n = dp_tz_transitions(tz, utc(2026, 1, 1, 0, 0), utc(2041, 1, 1, 0, 0), tr, 40);
    CHECK(n == 30);
    for (size_t i = 0; i < n && i < 40; i++) {
        int y, m, d;
        int32_t day = (int32_t) (tr[i].at_utc / 86400);
        bool spring = i % 2 == 0;
        dp_date_to_civil(day, &y, &m, &d);
        if (y != 2026 + (int) i / 2 || m != (spring ? 3 : 10) || dp_date_weekday(day) != 6 ||
            d + 7 <= 31 || tr[i].at_utc % 86400 != HOUR)
            bad++;
        if (tr[i].is_dst != spring || tr[i].offset_after != (spring ? 2 : 1) * HOUR ||
            tr[i].offset_before != (spring ? 1 : 2) * HOUR ||
            strcmp(tr[i].abbrev, spring ? "CEST" : "CET") != 0)
            bad++;
        if (dp_tz_offset(tz, tr[i].at_utc - 1, NULL) != tr[i].offset_before ||
            dp_tz_offset(tz, tr[i].at_utc, NULL) != tr[i].offset_after)
            bad++;
    }
    CHECK(bad == 0);
    /* Only max are written; the total is still returned. */
    memset(few, 0, sizeof few);
    CHECK(dp_tz_transitions(tz, utc(2026, 1, 1, 0, 0), utc(2041, 1, 1, 0, 0), few, 5) == 30);
    CHECK(few[4].at_utc == tr[4].at_utc);
    CHECK(dp_tz_transitions(tz, utc(2026, 1, 1, 0, 0), utc(2041, 1, 1, 0, 0), NULL, 0) == 30);
    /* The range is half-open. */
    CHECK(dp_tz_transitions(tz, utc(2026, 3, 29, 1, 0), utc(2026, 10, 25, 1, 0), tr, 40) == 1);
    CHECK(dp_tz_transitions(tz, utc(2026, 3, 29, 1, 0) + 1, utc(2026, 10, 25, 1, 0) + 1, tr, 40) ==
          1);
    CHECK(tr[0].at_utc == utc(2026, 10, 25, 1, 0));
    CHECK(dp_tz_transitions(tz, utc(2041, 1, 1, 0, 0), utc(2026, 1, 1, 0, 0), tr, 40) == 0);
    /* Everything to the end of the footer's range stays finite and ordered. */
    n = dp_tz_transitions(tz, INT64_MIN, INT64_MAX, NULL, 0);
    CHECK(n > 2 * 7900 && n < 2 * 8100);
    dp_tz_free(tz);
}

static void test_tz_utc(void)
{
    dp_tz *tz = load("UTC");
    CHECK(tz != NULL);
    if (!tz)
        return;
    CHECK(offset_abbr(tz, 0, "UTC") == 0);
    CHECK(offset_abbr(tz, utc(2040, 6, 1, 0, 0), "UTC") == 0);
    CHECK(dp_tz_transitions(tz, INT64_MIN, INT64_MAX, NULL, 0) == 0);
    CHECK(dp_tz_to_utc(tz, 20000, 600) == 20000 * INT64_C(86400) + 36000);
    dp_tz_free(tz);
}

static void expect_rejected(const char *name, const char *in_msg)
{
    dp_tz *tz = NULL;
    dp_error err = {0};
    dp_status rc = dp_tz_load(name, &tz, &err);
    CHECK(rc == DP_EINPUT);
    CHECK(tz == NULL);
    if (!strstr(err.msg, in_msg)) {
        fprintf(stderr, "  message for '%s' lacks '%s': %s\n", name, in_msg, err.msg);
        CHECK(strstr(err.msg, in_msg) != NULL);
    }
}

static void test_tz_bad_names(void)
{
    expect_rejected("Nowhere/Atlantis", "Nowhere/Atlantis");
    expect_rejected("../etc/passwd", "../etc/passwd");
    expect_rejected("Europe/../../etc/passwd", "invalid time-zone name");
    expect_rejected("/etc/passwd", "invalid time-zone name");
    expect_rejected("", "empty");
    expect_rejected("Europe/Amsterdam ", "invalid character");
    expect_rejected("Europe/Am$terdam", "invalid character");
    expect_rejected("Europe//Amsterdam", "invalid time-zone name");
    expect_rejected("Europe/", "invalid time-zone name");
    expect_rejected("Europe", "not a zone file"); /* a directory */
}

/* ---- hand-built TZif data ----------------------------------------------- */

typedef struct buf {
    unsigned char b[4096]; /* the bytes */
    size_t n;              /* how many */
} buf;

static void put(buf *b, const void *p, size_t n)
{
    if (n == 0)
        return; /* p may be NULL */
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

static void put_be(buf *b, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--)
        b->b[b->n++] = (unsigned char) (v >> (8 * i));
}

static void put_header(buf *b, char version, uint32_t timecnt, uint32_t typecnt, uint32_t charcnt)
{
    unsigned char zero[15] = {0};
    put(b, "TZif", 4);
    put(b, &version, 1);
    put(b, zero, 15);
    put_be(b, 0, 4); /* isutcnt */
    put_be(b, 0, 4); /* isstdcnt */
    put_be(b, 0, 4); /* leapcnt */
    put_be(b, timecnt, 4);
    put_be(b, typecnt, 4);
    put_be(b, charcnt, 4);
}

/* A version 2 file: the slim version 1 block zic writes, then n transitions
 * between types "AAA" (off0) and "BBB" (off1, DST), then the footer. */
static void make_v2(buf *b, const int64_t *at, const unsigned char *type, uint32_t n, int off0,
                    int off1, const char *footer)
{
    b->n = 0;
    put_header(b, '2', 0, 1, 1);
    put(b, "\0\0\0\0\0\0\0", 7);
    put_header(b, '2', n, 2, 8);
    for (uint32_t i = 0; i < n; i++)
        put_be(b, (uint64_t) at[i], 8);
    put(b, type, n);
    put_be(b, (uint64_t) (int64_t) off0, 4);
    put(b, "\0\0", 2);
    put_be(b, (uint64_t) (int64_t) off1, 4);
    put(b, "\1\4", 2);
    put(b, "AAA\0BBB\0", 8);
    put(b, "\n", 1);
    put(b, footer, strlen(footer));
    put(b, "\n", 1);
}

static dp_status parse(const buf *b, dp_tz **tz, dp_error *err)
{
    return dp__tz_parse(b->b, b->n, "Test/Zone", "test.tzif", tz, err);
}

static void test_tz_parse_version1(void)
{
    buf b = {{0}, 0};
    dp_tz *tz = NULL;
    dp_error err = {0};

    put_header(&b, 0, 2, 2, 8);
    put_be(&b, 1000, 4);
    put_be(&b, 2000, 4);
    put(&b, "\1\0", 2);
    put_be(&b, 3600, 4);
    put(&b, "\0\0", 2);
    put_be(&b, 7200, 4);
    put(&b, "\1\4", 2);
    put(&b, "AAA\0BBB\0", 8);
    CHECK(parse(&b, &tz, &err) == DP_OK);
    if (!tz)
        return;
    CHECK(offset_abbr(tz, 999, "AAA") == 3600); /* type 0 before the first */
    CHECK(offset_abbr(tz, 1000, "BBB") == 7200);
    CHECK(offset_abbr(tz, 1999, "BBB") == 7200);
    CHECK(offset_abbr(tz, 2000, "AAA") == 3600);
    CHECK(offset_abbr(tz, INT64_MAX, "AAA") == 3600);
    CHECK(dp_tz_transitions(tz, INT64_MIN, INT64_MAX, NULL, 0) == 2);
    dp_tz_free(tz);
}

static void test_tz_parse_footer_southern(void)
{
    buf b;
    dp_tz *tz = NULL;
    dp_error err = {0};
    dp_tz_transition tr[4];

    /* No transitions at all: the footer rules every instant. */
    make_v2(&b, NULL, NULL, 0, 36000, 39600, "AEST-10AEDT,M10.1.0,M4.1.0/3");
    CHECK(parse(&b, &tz, &err) == DP_OK);
    if (!tz)
        return;
    CHECK(offset_abbr(tz, utc(2026, 1, 15, 0, 0), "AEDT") == 11 * HOUR);
    CHECK(offset_abbr(tz, utc(2026, 7, 15, 0, 0), "AEST") == 10 * HOUR);
    /* 2026-04-05 03:00 AEDT = 04-04 16:00Z; 2026-10-04 02:00 AEST = 10-03 16:00Z. */
    CHECK(dp_tz_transitions(tz, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0), tr, 4) == 2);
    CHECK(tr[0].at_utc == utc(2026, 4, 4, 16, 0) && !tr[0].is_dst);
    CHECK(tr[1].at_utc == utc(2026, 10, 3, 16, 0) && tr[1].is_dst);
    CHECK(tr[0].offset_before == 11 * HOUR && tr[0].offset_after == 10 * HOUR);
    dp_tz_free(tz);
}

static void test_tz_parse_footer_after_table(void)
{
    /* One transition in 2000 from AAA to BBB, then a US-style rule with Jn
     * and n days and times past 24 h. */
    int64_t at[1] = {utc(2000, 6, 1, 0, 0)};
    unsigned char type[1] = {1};
    buf b;
    dp_tz *tz = NULL;
    dp_error err = {0};
    dp_tz_transition tr[4];

    make_v2(&b, at, type, 1, -5 * HOUR, -4 * HOUR, "EST5EDT,J60/2,299/26");
    CHECK(parse(&b, &tz, &err) == DP_OK);
    if (!tz)
        return;
    CHECK(offset_abbr(tz, at[0] - 1, "AAA") == -5 * HOUR);
    CHECK(offset_abbr(tz, at[0], "BBB") == -4 * HOUR);
    /* J60 is March 1st even in leap years; 299 (from 0) is October 26th in a
     * leap year, October 27th otherwise, and /26 is 02:00 the next day. */
    CHECK(dp_tz_transitions(tz, utc(2028, 1, 1, 0, 0), utc(2029, 1, 1, 0, 0), tr, 4) == 2);
    CHECK(tr[0].at_utc == utc(2028, 3, 1, 7, 0));
    CHECK(tr[1].at_utc == utc(2028, 10, 27, 6, 0));
    CHECK(dp_tz_transitions(tz, utc(2027, 1, 1, 0, 0), utc(2028, 1, 1, 0, 0), tr, 4) == 2);
    CHECK(tr[0].at_utc == utc(2027, 3, 1, 7, 0));
    CHECK(tr[1].at_utc == utc(2027, 10, 28, 6, 0));
    dp_tz_free(tz);

    /* All-year daylight time: no transitions, always the DST offset. */
    make_v2(&b, NULL, NULL, 0, -5 * HOUR, -4 * HOUR, "EST5EDT,0/0,J365/25");
    tz = NULL;
    CHECK(parse(&b, &tz, &err) == DP_OK);
    if (!tz)
        return;
    CHECK(offset_abbr(tz, utc(2030, 1, 1, 0, 30), "EDT") == -4 * HOUR);
    CHECK(offset_abbr(tz, utc(2030, 12, 31, 23, 59), "EDT") == -4 * HOUR);
    CHECK(dp_tz_transitions(tz, utc(2026, 1, 1, 0, 0), utc(2036, 1, 1, 0, 0), NULL, 0) == 0);
    dp_tz_free(tz);
}

static void expect_malformed(const buf *b, const char *in_msg)
{
    dp_tz *tz = NULL;
    dp_error err = {0};
    CHECK(parse(b, &tz, &err) == DP_EINPUT);
    CHECK(tz == NULL);
    CHECK(err.at.file && strcmp(err.at.file, "test.tzif") == 0);
    if (!strstr(err.msg, in_msg) || !strstr(err.msg, "TZif")) {
        fprintf(stderr, "  message lacks '%s': %s\n", in_msg, err.msg);
        CHECK(0);
    }
}

static void test_tz_parse_malformed(void)
{
    int64_t at[2] = {100, 50};
    unsigned char type[2] = {1, 0}, bad_type[1] = {2};
    buf b;

    b.n = 0;
    put(&b, "TZif", 4);
    expect_malformed(&b, "truncated header");
    make_v2(&b, at, type, 2, 3600, 7200, "");
    expect_malformed(&b, "not ascending");
    make_v2(&b, at, bad_type, 1, 3600, 7200, "");
    expect_malformed(&b, "type index");
    make_v2(&b, NULL, NULL, 0, 3600, 7200, "CET-1CEST");
    expect_malformed(&b, "no rule");
    make_v2(&b, NULL, NULL, 0, 3600, 7200, "CET-1CEST,M3.5.0,M13.5.0/3");
    expect_malformed(&b, "end rule");
    make_v2(&b, NULL, NULL, 0, 3600, 7200, "CET-1CEST,M3.6.0,M10.5.0/3");
    expect_malformed(&b, "start rule");
    make_v2(&b, NULL, NULL, 0, 3600, 7200, "C-1");
    expect_malformed(&b, "abbreviation");
    make_v2(&b, NULL, NULL, 0, 3600, 7200, "CET-1,");
    expect_malformed(&b, "abbreviation");
    make_v2(&b, NULL, NULL, 0, 100000, 7200, "");
    expect_malformed(&b, "offset out of range");
    make_v2(&b, NULL, NULL, 0, 3600, 7200, "CET-1");
    b.n--; /* no newline after the footer */
    expect_malformed(&b, "newline");
    b.b[4] = '9';
    expect_malformed(&b, "version");
    b.b[0] = 'X';
    expect_malformed(&b, "magic");
}

static void test_tz_parse_every_truncation(void)
{
    /* Every proper prefix of a real file is rejected as DP_EINPUT. */
    FILE *f = fopen("/usr/share/zoneinfo/Europe/Brussels", "rb");
    static unsigned char data[16384];
    size_t len, bad = 0;

    CHECK(f != NULL);
    if (!f)
        return;
    len = fread(data, 1, sizeof data, f);
    fclose(f);
    for (size_t n = 0; n < len; n++) {
        dp_tz *tz = NULL;
        if (dp__tz_parse(data, n, "Europe/Brussels", NULL, &tz, NULL) != DP_EINPUT || tz)
            bad++;
        dp_tz_free(tz);
    }
    CHECK(bad == 0);
}

static void test_tz_tzdir_malformed_file(void)
{
    char dir[] = "/tmp/dp_test_tzdir_XXXXXX", path[256];
    dp_tz *tz = NULL;
    dp_error err = {0};
    FILE *f;
    const char *old = getenv("TZDIR");
    char *saved = old ? strdup(old) : NULL;

    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/Bad", dir);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("TZif2 this is not a zone file\n", f);
    fclose(f);
    setenv("TZDIR", dir, 1);
    CHECK(dp_tz_load("Bad", &tz, &err) == DP_EINPUT);
    CHECK(tz == NULL);
    CHECK(err.at.file && strstr(err.at.file, "/Bad") != NULL);
    CHECK(strstr(err.msg, "TZif") != NULL);
    CHECK(dp_tz_load("Europe/Amsterdam", &tz, &err) == DP_EINPUT); /* not in this dir */
    if (saved)
        setenv("TZDIR", saved, 1);
    else
        unsetenv("TZDIR");
    free(saved);
    remove(path);
    rmdir(dir);
}

/* ---- against the C library ---------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Offset and abbreviation of instant t by localtime_r under the current TZ. */
static int libc_offset(int64_t t, char *abbr, size_t abbr_size)
{
    time_t tt = (time_t) t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(abbr, abbr_size, "%Z", &tm);
    return (int) ((int64_t) dp_date_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) *
                      86400 +
                  tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec - t);
}

/* Compares n random instants in [lo, hi) for zone (a file name, or a POSIX
 * TZ string when tz was built from one); returns how many differ. */
static int cross_check(const dp_tz *tz, const char *tz_env, int64_t lo, int64_t hi, int n)
{
    int bad = 0;
    setenv("TZ", tz_env, 1);
    tzset();
    for (int i = 0; i < n; i++) {
        int64_t t = lo + (int64_t) (rng() % (uint64_t) (hi - lo)) / 60 * 60;
        char want[64];
        const char *got = NULL;
        int want_off = libc_offset(t, want, sizeof want), off = dp_tz_offset(tz, t, &got);
        int64_t local = t + off, back;
        if (off != want_off || !got || strcmp(got, want) != 0) {
            fprintf(stderr, "  %s at %lld: ours %d %s, libc %d %s\n", tz_env, (long long) t, off,
                    got ? got : "(null)", want_off, want);
            bad++;
        }
        /* Back from local time: t itself, or the earlier of two instants.
         * (Only whole-minute offsets: local mean times had seconds.) */
        if (off % 60 != 0)
            continue;
        back = dp_tz_to_utc(tz, (int32_t) (local / 86400 - (local % 86400 < 0)),
                            (int) (((local % 86400) + 86400) % 86400 / 60));
        if (back != t && !(back < t && back + dp_tz_offset(tz, back, NULL) == local)) {
            fprintf(stderr, "  %s: local time of %lld maps back to %lld\n", tz_env, (long long) t,
                    (long long) back);
            bad++;
        }
    }
    return bad;
}

static void test_tz_matches_localtime(void)
{
    const char *zones[] = {"Europe/Amsterdam",  "Europe/Brussels", "America/New_York",
                           "Australia/Sydney",  "Asia/Kolkata",    "Pacific/Chatham",
                           "America/Sao_Paulo", "Europe/London",   "Africa/Casablanca"};
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;

    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++) {
        dp_tz *tz = load(zones[z]);
        CHECK(tz != NULL);
        if (!tz)
            continue;
        CHECK(cross_check(tz, zones[z], utc(1900, 1, 1, 0, 0), utc(2100, 1, 1, 0, 0), 300) == 0);
        CHECK(cross_check(tz, zones[z], utc(2025, 1, 1, 0, 0), utc(2045, 1, 1, 0, 0), 300) == 0);
        dp_tz_free(tz);
    }
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
}

static void test_tz_footer_matches_posix_tz(void)
{
    /* glibc evaluates a POSIX TZ string given directly as TZ: the footer code
     * must agree with it on every rule form. */
    const char *rules[] = {"CET-1CEST,M3.5.0,M10.5.0/3",
                           "EST5EDT,M3.2.0,M11.1.0",
                           "AEST-10AEDT,M10.1.0,M4.1.0/3",
                           "NZST-12NZDT,M9.5.0,M4.1.0/3",
                           "XXX3YYY,J60/1:30,J300/4",
                           "XXX-2YYY-3,59,300/23:59:59",
                           "<+0330>-3:30<+0430>,J79/24,J263/24",
                           "IST-1GMT0,M10.5.0,M3.5.0/1"};
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;

    for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
        buf b;
        dp_tz *tz = NULL;
        make_v2(&b, NULL, NULL, 0, 0, 0, rules[r]);
        CHECK(parse(&b, &tz, NULL) == DP_OK);
        if (!tz)
            continue;
        CHECK(cross_check(tz, rules[r], utc(1971, 1, 1, 0, 0), utc(2100, 1, 1, 0, 0), 300) == 0);
        dp_tz_free(tz);
    }
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
}

int main(void)
{
    RUN(test_time_parse_edges);
    RUN(test_time_format_round_trip);
    RUN(test_time_day_names);
    RUN(test_time_civil_round_trip);
    RUN(test_time_date_parse_leap_years);
    RUN(test_time_isoweek_edges);
    RUN(test_time_isoweek_consistent);
    RUN(test_tz_amsterdam_offsets);
    RUN(test_tz_to_utc_gap_and_overlap);
    RUN(test_tz_transitions_2026_2040);
    RUN(test_tz_utc);
    RUN(test_tz_bad_names);
    RUN(test_tz_parse_version1);
    RUN(test_tz_parse_footer_southern);
    RUN(test_tz_parse_footer_after_table);
    RUN(test_tz_parse_malformed);
    RUN(test_tz_parse_every_truncation);
    RUN(test_tz_tzdir_malformed_file);
    RUN(test_tz_matches_localtime);
    RUN(test_tz_footer_matches_posix_tz);
    return harness_report();
}
