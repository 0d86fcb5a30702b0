/* plugins/ical/render.c - one feed as iCalendar text, built with libical.
 *
 * libical does the escaping (\ ; , and newlines in TEXT values), CRLF line
 * ends and folding at 75 octets (it never splits a UTF-8 sequence). Two of its
 * traps are avoided here: a DATE-TIME property made from a floating time gets
 * no TZID, so TZID is added as an explicit parameter; and its built-in zones
 * are never used (vtimezone.c writes ours). Property order is fixed, so the
 * same feed gives the same bytes. UTC stamps come from the event's version
 * times, never from the clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ical_impl.h"

#define CANCELLED_PREFIX "Vervalt: "

static struct icaltimetype utc_time(int64_t s)
{
    return icaltime_from_timet_with_zone((time_t) s, 0, icaltimezone_get_utc_timezone());
}

static struct icaltimetype local_time(int32_t date, int minutes)
{
    struct icaltimetype t = icaltime_null_time();
    int y, mo, d;

    dp_date_to_civil(date + minutes / DP_MINUTES_DAY, &y, &mo, &d);
    minutes %= DP_MINUTES_DAY;
    t.year = y;
    t.month = mo;
    t.day = d;
    t.hour = minutes / 60;
    t.minute = minutes % 60;
    t.is_date = 0;
    return t;
}

static icalproperty *with_tzid(icalproperty *p, const char *tzid)
{
    if (p)
        icalproperty_add_parameter(p, icalparameter_new_tzid(tzid));
    return p;
}

static icalproperty *duration_x(const char *name, int minutes)
{
    char v[32];
    icalproperty *p;

    if (minutes % 60 == 0)
        snprintf(v, sizeof v, "PT%dH", minutes / 60);
    else
        snprintf(v, sizeof v, "PT%dM", minutes);
    p = icalproperty_new_x(v);
    if (p) {
        icalproperty_set_x_name(p, name);
        icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DURATION));
    }
    return p;
}

static icalcomponent *event(const ical_event *e, const char *tzid)
{
    icalcomponent *c = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    char uid[ICAL_UID_HEX + 16];

    if (!c)
        return NULL;
    snprintf(uid, sizeof uid, "%s@dagplan", e->uid);
    icalcomponent_add_property(c, icalproperty_new_uid(uid));
    icalcomponent_add_property(c, icalproperty_new_dtstamp(utc_time(e->modified_s)));
    icalcomponent_add_property(c, icalproperty_new_created(utc_time(e->created_s)));
    icalcomponent_add_property(c, icalproperty_new_lastmodified(utc_time(e->modified_s)));
    icalcomponent_add_property(c, icalproperty_new_sequence((int) e->sequence));
    icalcomponent_add_property(
        c, with_tzid(icalproperty_new_dtstart(local_time(e->date, e->start_min)), tzid));
    icalcomponent_add_property(
        c, with_tzid(icalproperty_new_dtend(local_time(e->date, e->end_min)), tzid));
    if (e->cancelled) {
        size_t n = strlen(CANCELLED_PREFIX) + strlen(e->summary) + 1;
        char *s = malloc(n);
        if (s) {
            snprintf(s, n, "%s%s", CANCELLED_PREFIX, e->summary);
            icalcomponent_add_property(c, icalproperty_new_summary(s));
            free(s);
        }
    } else {
        icalcomponent_add_property(c, icalproperty_new_summary(e->summary));
    }
    icalcomponent_add_property(c, icalproperty_new_location(e->location));
    if (e->description && !e->cancelled)
        icalcomponent_add_property(c, icalproperty_new_description(e->description));
    if (e->categories)
        icalcomponent_add_property(c, icalproperty_new_categories(e->categories));
    icalcomponent_add_property(
        c, icalproperty_new_status(e->cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
    icalcomponent_add_property(
        c, icalproperty_new_transp(e->cancelled ? ICAL_TRANSP_TRANSPARENT : ICAL_TRANSP_OPAQUE));
    if (e->travel_min > 0 && !e->cancelled)
        icalcomponent_add_property(c, duration_x("X-APPLE-TRAVEL-DURATION", e->travel_min));
    return c;
}

static void header(icalcomponent *cal, const char *name, const char *tzid, unsigned refresh_min)
{
    icalproperty *p;
    struct icaldurationtype d = icaldurationtype_null_duration();

    icalcomponent_add_property(cal,
                               icalproperty_new_prodid("-//dagplan//dagplan " DP_VERSION "//NL"));
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    icalcomponent_add_property(cal, icalproperty_new_name(name));
    p = icalproperty_new_x(name);
    if (p) {
        icalproperty_set_x_name(p, "X-WR-CALNAME");
        icalcomponent_add_property(cal, p);
    }
    d.hours = refresh_min / 60;
    d.minutes = refresh_min % 60;
    p = icalproperty_new_refreshinterval(d);
    if (p) {
        icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DURATION));
        icalcomponent_add_property(cal, p);
    }
    p = duration_x("X-PUBLISHED-TTL", (int) refresh_min);
    if (p) {
        icalproperty_remove_parameter_by_kind(p, ICAL_VALUE_PARAMETER);
        icalcomponent_add_property(cal, p);
    }
    p = icalproperty_new_x(tzid);
    if (p) {
        icalproperty_set_x_name(p, "X-WR-TIMEZONE");
        icalcomponent_add_property(cal, p);
    }
}

/* Serialises cal into out with the VTIMEZONE text vtz (may be NULL) spliced
 * in before the first event: the zone is the same in every feed, so it is
 * built and serialised once per export instead of once per feed. */
static dp_status finish(icalcomponent *cal, const char *vtz, dp_buf *out, dp_error *err)
{
    char *text = icalcomponent_as_ical_string_r(cal);
    const char *at;

    icalcomponent_free(cal);
    if (!text)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing a feed");
    at = strstr(text, "\r\nBEGIN:VEVENT\r\n");
    if (!at)
        at = strstr(text, "\r\nEND:VCALENDAR");
    if (vtz && at) {
        dp_buf_append(out, text, (size_t) (at - text) + 2);
        dp_buf_puts(out, vtz);
        dp_buf_puts(out, at + 2);
    } else {
        dp_buf_puts(out, text);
    }
    free(text);
    return dp_buf_status(out, err);
}

dp_status dp__ical_render(const dp_model *m, const ical_feed *f, const char *vtz,
                          unsigned refresh_minutes, dp_buf *out, dp_error *err)
{
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);

    if (!cal)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing %s", f->file);
    header(cal, f->name, m->centre.timezone, refresh_minutes);
    for (size_t i = 0; i < f->n_events; i++) {
        icalcomponent *ev = event(&f->events[i], m->centre.timezone);
        if (!ev) {
            icalcomponent_free(cal);
            return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing %s", f->file);
        }
        icalcomponent_add_component(cal, ev);
    }
    return finish(cal, vtz, out, err);
}

dp_status dp_ical_empty(const dp_model *m, dp_buf *out, dp_error *err)
{
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);

    if (!cal)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing a feed");
    header(cal, m->centre.name, m->centre.timezone, 60);
    return finish(cal, NULL, out, err);
}
