/* tests/tools/ical_lint.c - checks every .ics file of a directory the way a
 * strict client would, with libical and by octets:
 *   - CRLF line ends only, no physical line over 75 octets, every line valid
 *     UTF-8 (so folding never split a sequence);
 *   - libical parses it without X-LIC-ERROR properties (libical turns bad
 *     lines into those instead of failing);
 *   - every VEVENT has UID and DTSTAMP; every TZID has a VTIMEZONE in the same
 *     calendar; no SOURCE, ORGANIZER, ATTENDEE or VALARM;
 *   - every DTSTART/DTEND converted to UTC through the feed's own VTIMEZONE
 *     (libical's recurrence expansion) equals the system tz database's answer
 *     (dp_tz) for the same local time.
 * Usage: ical_lint DIR. Prints a summary; exit status 1 on any problem. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "dagplan/time.h"

static int problems;

#define PROBLEM(...)                  \
    do {                              \
        fprintf(stderr, __VA_ARGS__); \
        fputc('\n', stderr);          \
        problems++;                   \
    } while (0)

static size_t utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (k == 0 || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

static void check_octets(const char *name, const char *text, size_t n)
{
    size_t line = 1, start = 0;

    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\r' && (i + 1 >= n || text[i + 1] != '\n'))
            PROBLEM("%s:%zu: bare CR", name, line);
        if (text[i] != '\n')
            continue;
        if (i == 0 || text[i - 1] != '\r')
            PROBLEM("%s:%zu: LF without CR", name, line);
        size_t len = i - start - (i > start && text[i - 1] == '\r');
        if (len > 75)
            PROBLEM("%s:%zu: line of %zu octets (more than 75)", name, line, len);
        if (!utf8_ok((const unsigned char *) text + start, len))
            PROBLEM("%s:%zu: not valid UTF-8 on its own (a fold split a character?)", name, line);
        start = i + 1;
        line++;
    }
    if (start != n)
        PROBLEM("%s: does not end with CRLF", name);
}

static int64_t local_days_minutes(struct icaltimetype t, int32_t *days)
{
    *days = dp_date_from_civil(t.year, t.month, t.day);
    return t.hour * 60 + t.minute;
}

/* vtz_id: the TZID of the calendar's VTIMEZONE (NULL: none). Looked up by the
 * caller, because walking the calendar's components here would reset the
 * iterator of the caller's VEVENT loop. */
static void check_time(const char *name, icalproperty *p, const char *vtz_id, const dp_tz *tz,
                       icaltimezone *zone, size_t *n_checked)
{
    icalparameter *tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    /* From the text: libical's getters would resolve the TZID against its own
     * built-in zones, which is exactly what must not be used here. */
    struct icaltimetype t = icaltime_from_string(icalproperty_get_value_as_string(p));
    const char *tzid;

    if (!tzp) {
        if (!icaltime_is_utc(t))
            PROBLEM("%s: %s is neither UTC nor with TZID", name, icalproperty_get_property_name(p));
        return;
    }
    tzid = icalparameter_get_tzid(tzp);
    if (!vtz_id || strcmp(vtz_id, tzid) != 0) {
        PROBLEM("%s: TZID=%s has no VTIMEZONE", name, tzid);
        return;
    }
    if (!tz || strcmp(dp_tz_name(tz), tzid) != 0 || !zone)
        return;
    t.zone = zone;
    time_t via_vtz = icaltime_as_timet_with_zone(t, zone);
    int32_t days;
    int minutes = (int) local_days_minutes(t, &days);
    int64_t via_db = dp_tz_to_utc(tz, days, minutes);
    if ((int64_t) via_vtz != via_db)
        PROBLEM("%s: %04d-%02d-%02d %02d:%02d %s is %lld by the feed's VTIMEZONE but %lld by the "
                "tz database",
                name, t.year, t.month, t.day, t.hour, t.minute, tzid, (long long) via_vtz,
                (long long) via_db);
    (*n_checked)++;
}

static void check_calendar(const char *name, icalcomponent *cal, const dp_tz *tz, size_t *n_events,
                           size_t *n_times)
{
    static const icalproperty_kind banned[] = {ICAL_SOURCE_PROPERTY, ICAL_ORGANIZER_PROPERTY,
                                               ICAL_ATTENDEE_PROPERTY};
    int errors = icalcomponent_count_errors(cal);
    icalcomponent *vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
    icaltimezone *zone = NULL;
    const char *vtz_id = NULL;

    /* One zone per calendar: libical expands its rules once and caches them. */
    if (vtz) {
        icalproperty *id = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
        vtz_id = id ? icalproperty_get_tzid(id) : NULL;
        if (icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT))
            PROBLEM("%s: more than one VTIMEZONE", name);
        zone = icaltimezone_new();
        icaltimezone_set_component(zone, icalcomponent_new_clone(vtz));
    }

    if (errors)
        PROBLEM("%s: libical reports %d X-LIC-ERROR properties", name, errors);
    for (size_t i = 0; i < sizeof banned / sizeof *banned; i++)
        if (icalcomponent_get_first_property(cal, banned[i]))
            PROBLEM("%s: has a forbidden property", name);
    for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        (*n_events)++;
        if (!icalcomponent_get_first_property(ev, ICAL_UID_PROPERTY) ||
            !icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY))
            PROBLEM("%s: a VEVENT without UID or DTSTAMP", name);
        if (icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT))
            PROBLEM("%s: a VEVENT with an alarm", name);
        for (size_t i = 0; i < sizeof banned / sizeof *banned; i++)
            if (icalcomponent_get_first_property(ev, banned[i]))
                PROBLEM("%s: a VEVENT with a forbidden property", name);
        icalproperty *p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
        if (p)
            check_time(name, p, vtz_id, tz, zone, n_times);
        p = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
        if (p)
            check_time(name, p, vtz_id, tz, zone, n_times);
    }
    if (zone)
        icaltimezone_free(zone, 1);
}

int main(int argc, char **argv)
{
    DIR *d;
    struct dirent *e;
    size_t n_files = 0, n_events = 0, n_times = 0;
    dp_tz *tz = NULL;

    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: ical_lint DIR [ZONE]\n");
        return 2;
    }
    if (dp_tz_load(argc == 3 ? argv[2] : "Europe/Amsterdam", &tz, NULL) != DP_OK)
        PROBLEM("cannot load the time zone");
    d = opendir(argv[1]);
    if (!d) {
        perror(argv[1]);
        return 1;
    }
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        char path[4096];
        if (nl < 4 || strcmp(e->d_name + nl - 4, ".ics") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) {
            PROBLEM("%s: cannot open", path);
            continue;
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *text = malloc((size_t) n + 1);
        if (!text || fread(text, 1, (size_t) n, f) != (size_t) n) {
            PROBLEM("%s: cannot read", path);
            fclose(f);
            free(text);
            continue;
        }
        fclose(f);
        text[n] = '\0';
        check_octets(e->d_name, text, (size_t) n);
        icalcomponent *cal = icalparser_parse_string(text);
        if (!cal || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT)
            PROBLEM("%s: libical does not read a VCALENDAR", e->d_name);
        else
            check_calendar(e->d_name, cal, tz, &n_events, &n_times);
        if (cal)
            icalcomponent_free(cal);
        free(text);
        n_files++;
    }
    closedir(d);
    dp_tz_free(tz);
    if (n_files == 0)
        PROBLEM("%s: no .ics files", argv[1]);
    printf("ical_lint: %zu files, %zu events, %zu times checked against the tz database, %d "
           "problems\n",
           n_files, n_events, n_times, problems);
    return problems ? 1 : 0;
}
