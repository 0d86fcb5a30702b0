/* core/closures_ics.c - see dagplan/closures.h.
 *
 * libical parses the text; it does not report lines, so the line of each
 * VEVENT is found by scanning the text for its BEGIN:VEVENT (libical keeps
 * the events in file order). */
#include <ctype.h>
#include <libical/ical.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dagplan/closures.h"
#include "dagplan/time.h"

/* Fills lines[0..max) with the lines of the "BEGIN:VEVENT" lines, in order,
 * in one pass; the rest stay 0. */
static void vevent_lines(const char *text, size_t len, unsigned *lines, size_t max)
{
    unsigned line = 1;
    size_t seen = 0;

    for (size_t i = 0; i < len && seen < max; i++) {
        if ((i == 0 || text[i - 1] == '\n') && len - i >= 12 &&
            strncasecmp(text + i, "BEGIN:VEVENT", 12) == 0)
            lines[seen++] = line;
        if (text[i] == '\n')
            line++;
    }
}

static bool mentions_studyday(const char *s)
{
    char low[256];
    size_t i = 0;

    for (; s[i] && i + 1 < sizeof low; i++)
        low[i] = (char) tolower((unsigned char) s[i]);
    low[i] = '\0';
    return strstr(low, "studiedag") || strstr(low, "study day") || strstr(low, "studydag");
}

static int32_t days_of(struct icaltimetype t)
{
    char buf[16];
    int32_t d;

    snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day);
    return dp_date_parse(buf, strlen(buf), &d) == 0 ? d : INT32_MIN;
}

static void problem(dp_diags *diags, const char *file, unsigned line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void problem(dp_diags *diags, const char *file, unsigned line, const char *fmt, ...)
{
    dp_loc at = {file, line, line ? 1u : 0u};
    va_list ap;

    va_start(ap, fmt);
    dp_diags_addv(diags, DP_SEV_ERROR, &at, fmt, ap);
    va_end(ap);
}

/* Checks that BEGIN:x and END:x lines pair up (libical would only print a
 * warning to stderr); reports the first line that does not. */
static bool balanced(const char *text, size_t len, const char *file_name, dp_diags *diags)
{
    char stack[16][32];
    int depth = 0;
    unsigned line = 1;

    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        size_t n = end - i;
        if (n && text[i + n - 1] == '\r')
            n--;
        bool begin = n > 6 && strncasecmp(text + i, "BEGIN:", 6) == 0;
        bool stop = n > 4 && strncasecmp(text + i, "END:", 4) == 0;
        if (begin || stop) {
            const char *name = text + i + (begin ? 6 : 4);
            size_t nl = n - (begin ? 6 : 4);
            if (nl >= sizeof stack[0])
                nl = sizeof stack[0] - 1;
            if (begin && depth < 16) {
                memcpy(stack[depth], name, nl);
                stack[depth++][nl] = '\0';
            } else if (begin) {
                problem(diags, file_name, line, "expected at most 16 nested components");
                return false;
            } else if (depth == 0 || strlen(stack[depth - 1]) != nl ||
                       strncasecmp(stack[depth - 1], name, nl) != 0) {
                problem(diags, file_name, line, "expected END:%s, got END:%.*s",
                        depth ? stack[depth - 1] : "(nothing open)", (int) nl, name);
                return false;
            } else {
                depth--;
            }
        }
        line++;
        i = end + 1;
    }
    if (depth) {
        problem(diags, file_name, line, "expected END:%s before the end of the file",
                stack[depth - 1]);
        return false;
    }
    return true;
}

dp_status dp_closures_read_ics(const char *text, size_t len, const char *file_name,
                               dp_closure_kind kind, bool kind_forced, dp_ics_closure **out,
                               size_t *n, dp_diags *diags, dp_error *err)
{
    size_t errors = dp_diags_n_errors(diags), count = 0, k = 0;
    char *copy = malloc(len + 1);
    dp_ics_closure *list = NULL;

    if (!copy)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading %s", file_name);
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (strlen(copy) != len || !balanced(text, len, file_name, diags)) {
        free(copy);
        if (dp_diags_n_errors(diags) == errors)
            problem(diags, file_name, 1, "expected an iCalendar file (text without NUL bytes)");
        return DP_FAIL(err, DP_EINPUT, NULL, "%s is not an iCalendar file", file_name);
    }
    icalerror_set_errors_are_fatal(0); /* report, never abort */
    icalcomponent *root = icalparser_parse_string(copy);
    free(copy);
    if (!root) {
        problem(diags, file_name, 1, "expected an iCalendar file (BEGIN:VCALENDAR)");
        return DP_FAIL(err, DP_EINPUT, NULL, "%s is not an iCalendar file", file_name);
    }
    icalcomponent *cal = root;
    if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT)
        cal = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
    for (icalcomponent *ev = cal ? icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT)
                                 : NULL;
         ev; ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
        count++;
    list = calloc(count + 1, sizeof *list);
    unsigned *lines = calloc(count + 1, sizeof *lines);
    if (!list || !lines) {
        free(list);
        free(lines);
        icalcomponent_free(root);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading %s", file_name);
    }
    vevent_lines(text, len, lines, count);
    if (count == 0)
        problem(diags, file_name, 1,
                "expected at least one VEVENT with a DTSTART date: the file has no events");
    for (icalcomponent *ev = cal ? icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT)
                                 : NULL;
         ev; ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), k++) {
        dp_ics_closure *c = &list[k];
        const char *summary = icalcomponent_get_summary(ev);
        c->line = lines[k];
        snprintf(c->name, sizeof c->name, "%s", summary ? summary : "");
        c->kind = !kind_forced && mentions_studyday(c->name) ? DP_CLOSURE_STUDYDAY : kind;
        if (!icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY)) {
            problem(diags, file_name, c->line,
                    "event '%s' has no DTSTART: expected its first day as DTSTART;VALUE=DATE:"
                    "YYYYMMDD",
                    c->name);
            continue;
        }
        struct icaltimetype s = icalcomponent_get_dtstart(ev);
        struct icaltimetype e = icalcomponent_get_dtend(ev);
        c->from_day = icaltime_is_null_time(s) ? INT32_MIN : days_of(s);
        if (c->from_day == INT32_MIN) {
            problem(diags, file_name, c->line,
                    "event '%s' has a DTSTART that is not a date: expected YYYYMMDD", c->name);
            continue;
        }
        if (icaltime_is_null_time(e)) {
            c->to_day = c->from_day;
        } else {
            c->to_day = days_of(e);
            if (c->to_day == INT32_MIN) {
                problem(diags, file_name, c->line,
                        "event '%s' has a DTEND that is not a date: expected YYYYMMDD", c->name);
                continue;
            }
            /* An all-day DTEND, or a midnight one, is the first day after. */
            if (e.is_date || (e.hour == 0 && e.minute == 0 && e.second == 0))
                c->to_day--;
            if (c->to_day < c->from_day && !e.is_date && c->to_day + 1 == c->from_day)
                c->to_day = c->from_day; /* a zero-length event at midnight */
        }
        if (c->to_day < c->from_day)
            problem(diags, file_name, c->line,
                    "event '%s' ends before it starts: expected DTEND after DTSTART", c->name);
    }
    icalcomponent_free(root);
    free(lines);
    if (dp_diags_n_errors(diags) > errors) {
        free(list);
        return DP_FAIL(err, DP_EINPUT, NULL, "%s: %zu errors", file_name,
                       dp_diags_n_errors(diags) - errors);
    }
    *out = list;
    *n = count;
    return DP_OK;
}
