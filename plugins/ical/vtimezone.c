/* plugins/ical/vtimezone.c - a VTIMEZONE that agrees with the system's tz data.
 *
 * libical 3.0's built-in zones carry a "/freeassociation.sourceforge.net/"
 * TZID prefix and decades of historical rules that several clients mishandle,
 * so the zone is written here from the transitions of the centre's own zone
 * (dagplan/time.h, read from TZif files): TZID is the plain IANA name.
 *
 * Transitions in the exported range are grouped by kind (DST or not, offsets,
 * abbreviation); within a kind, consecutive yearly transitions on the same
 * rule (month, weekday, n-th or last, local time) become one observance with
 * an RRULE; any other becomes an observance of its own. An RRULE that reaches
 * the end of the range is left open (the zone's current rule goes on),
 * otherwise it ends with UNTIL (in UTC, as RFC 5545 requires in VTIMEZONE).
 * The range always starts a year before the first event, so the observance in
 * force at every event is present. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ical_impl.h"

#define MAX_TRANSITIONS 1024

/* A transition described as a local rule. */
typedef struct rule {
    const dp_tz_transition *t; /* the transition */
    int year, month, mday;     /* local date (before the change) */
    int local_s;               /* local time of day, seconds (before the change) */
    int weekday;               /* 0 = Monday */
    int nth;                   /* 1..4 from the start, -1 for the last */
} rule;

static int days_in_month(int year, int month)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : d[month - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static void describe(const dp_tz_transition *t, rule *r)
{
    int64_t local = t->at_utc + t->offset_before;
    int32_t days = (int32_t) floor_div(local, 86400);

    r->t = t;
    r->local_s = (int) (local - (int64_t) days * 86400);
    dp_date_to_civil(days, &r->year, &r->month, &r->mday);
    r->weekday = dp_date_weekday(days);
    r->nth = r->mday > days_in_month(r->year, r->month) - 7 ? -1 : (r->mday - 1) / 7 + 1;
}

static bool same_kind(const dp_tz_transition *a, const dp_tz_transition *b)
{
    return a->is_dst == b->is_dst && a->offset_before == b->offset_before &&
           a->offset_after == b->offset_after &&
           strcmp(a->abbrev ? a->abbrev : "", b->abbrev ? b->abbrev : "") == 0;
}

static bool same_rule(const rule *a, const rule *b)
{
    return a->month == b->month && a->weekday == b->weekday && a->nth == b->nth &&
           a->local_s == b->local_s && b->year == a->year + 1;
}

static struct icaltimetype local_time(const rule *r)
{
    struct icaltimetype t = icaltime_null_time();

    t.year = r->year;
    t.month = r->month;
    t.day = r->mday;
    t.hour = r->local_s / 3600;
    t.minute = r->local_s / 60 % 60;
    t.second = r->local_s % 60;
    t.is_date = 0;
    return t;
}

/* One STANDARD or DAYLIGHT observance from r[0], repeating yearly up to
 * r[n-1] (n >= 2), open-ended when open. */
static icalcomponent *observance(const rule *r, size_t n, bool open)
{
    const dp_tz_transition *t = r[0].t;
    icalcomponent *c =
        icalcomponent_new(t->is_dst ? ICAL_XDAYLIGHT_COMPONENT : ICAL_XSTANDARD_COMPONENT);
    static const char *const days[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
    char rr[160];

    if (!c)
        return NULL;
    icalcomponent_add_property(c, icalproperty_new_dtstart(local_time(&r[0])));
    icalcomponent_add_property(c, icalproperty_new_tzoffsetfrom(t->offset_before));
    icalcomponent_add_property(c, icalproperty_new_tzoffsetto(t->offset_after));
    if (t->abbrev && t->abbrev[0] && t->abbrev[0] != '+' && t->abbrev[0] != '-')
        icalcomponent_add_property(c, icalproperty_new_tzname(t->abbrev));
    if (n >= 2) {
        int len = snprintf(rr, sizeof rr, "FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s", r[0].month, r[0].nth,
                           days[r[0].weekday]);
        if (!open) {
            struct icaltimetype u = icaltime_from_timet_with_zone((time_t) r[n - 1].t->at_utc, 0,
                                                                  icaltimezone_get_utc_timezone());
            snprintf(rr + len, sizeof rr - (size_t) len, ";UNTIL=%04d%02d%02dT%02d%02d%02dZ",
                     u.year, u.month, u.day, u.hour, u.minute, u.second);
        }
        icalcomponent_add_property(c, icalproperty_new_rrule(icalrecurrencetype_from_string(rr)));
    }
    return c;
}

/* The observance in force at from_utc when no transition precedes the first
 * event: a fixed offset from the start of the range. */
static icalcomponent *fixed(const dp_tz *tz, int64_t at_utc)
{
    const char *abbr = NULL;
    int off = dp_tz_offset(tz, at_utc, &abbr);
    dp_tz_transition t = {at_utc, off, off, 0, abbr};
    rule r;

    describe(&t, &r);
    return observance(&r, 1, false);
}

icalcomponent *dp__ical_vtimezone(const dp_tz *tz, int64_t from_utc, int64_t to_utc)
{
    dp_tz_transition *ts = calloc(MAX_TRANSITIONS, sizeof *ts);
    rule *rs = calloc(MAX_TRANSITIONS, sizeof *rs);
    bool *used = calloc(MAX_TRANSITIONS, sizeof *used);
    icalcomponent *vtz = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
    size_t n = 0;
    bool ok = ts && rs && used && vtz;

    if (ok) {
        n = dp_tz_transitions(tz, from_utc, to_utc, ts, MAX_TRANSITIONS);
        if (n > MAX_TRANSITIONS)
            n = MAX_TRANSITIONS;
        icalcomponent_add_property(vtz, icalproperty_new_tzid(dp_tz_name(tz)));
    }
    /* No change in the range's first year: the offset then needs its own
     * observance (a zone without DST, or one that changed only later). */
    if (ok && (n == 0 || ts[0].at_utc > from_utc + 366 * INT64_C(86400))) {
        icalcomponent *c = fixed(tz, from_utc);
        ok = c != NULL;
        if (c)
            icalcomponent_add_component(vtz, c);
    }
    for (size_t i = 0; ok && i < n; i++)
        describe(&ts[i], &rs[i]);
    /* Runs: from each unused transition, follow later ones of the same kind
     * while they continue the yearly rule. */
    for (size_t i = 0; ok && i < n; i++) {
        rule run[MAX_TRANSITIONS / 8];
        size_t k = 0, last = i;
        if (used[i])
            continue;
        run[k++] = rs[i];
        used[i] = true;
        for (size_t j = i + 1; j < n && k < sizeof run / sizeof *run; j++) {
            if (used[j] || !same_kind(&ts[i], &ts[j]))
                continue;
            if (!same_rule(&run[k - 1], &rs[j]))
                break;
            run[k++] = rs[j];
            used[j] = true;
            last = j;
        }
        /* Open-ended when the next yearly occurrence would fall after the range. */
        bool open = k >= 2 && ts[last].at_utc + 366 * INT64_C(86400) >= to_utc;
        icalcomponent *c = observance(run, k, open);
        ok = c != NULL;
        if (c)
            icalcomponent_add_component(vtz, c);
    }
    free(ts);
    free(rs);
    free(used);
    if (!ok && vtz) {
        icalcomponent_free(vtz);
        vtz = NULL;
    }
    return vtz;
}
