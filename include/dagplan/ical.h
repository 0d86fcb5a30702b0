/* dagplan/ical.h - the calendar feeds: iCalendar (RFC 5545, RFC 7986) files
 * that families, staff and locations subscribe to.
 *
 * One feed per family (all its children), staff member, location and
 * activity, written to an output directory as KIND-SUBJECT.ics (for example
 * family-f012.ics, location-sporthal.ics). Every meeting is its own VEVENT (no
 * RRULE), so one meeting can move or be cancelled on its own. Times carry
 * TZID=<the centre's IANA zone> and each feed has a VTIMEZONE for it derived
 * from the system's tz database.
 *
 * Feeds are tracked across exports: the directory keeps a state file
 * (.dagplan-feeds.state) with every event published, so that
 * - a UID is opaque (a keyed hash, no names or times) and stays the same for
 *   the same booking (child, section, n-th meeting of the week);
 * - SEQUENCE is raised exactly when an event's time, place or status changes,
 *   and LAST-MODIFIED (= DTSTAMP) whenever anything in it changes; both come
 *   from the schedule versions' creation times, never from the clock, so
 *   exporting an unchanged schedule again writes byte-identical files;
 * - an event that was published and is no longer in the schedule stays in
 *   its feed as STATUS:CANCELLED ("Vervalt: ...") until it has passed (it
 *   lies before the first exported week).
 *
 * Privacy: a family feed names only that family's children, by first name; a
 * location or activity feed names no child; a staff feed names the first
 * names of the children in the sessions the staff member leads. No ORGANIZER,
 * e-mail address, SOURCE or alarm is written. */
#ifndef DAGPLAN_ICAL_H
#define DAGPLAN_ICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dagplan/buf.h"
#include "dagplan/error.h"
#include "dagplan/model.h"
#include "dagplan/store.h"
#include "dagplan/timetable.h"

#define DP_ICAL_STATE_FILE ".dagplan-feeds.state" /* in the output directory */

/* The schedule of one exported week. */
typedef struct dp_ical_week {
    const dp_timetable *schedule; /* NULL: no schedule for this week (no events) */
    int64_t stamp_s;              /* its version's creation time, Unix seconds */
} dp_ical_week;

typedef struct dp_ical_options {
    int32_t first_monday;      /* Monday of the first week, days since 1970-01-01 */
    const dp_ical_week *weeks; /* n_weeks consecutive weeks from first_monday */
    unsigned n_weeks;          /* 1 .. 53 */
    bool school;               /* family feeds also show school hours */
    unsigned refresh_minutes;  /* REFRESH-INTERVAL and X-PUBLISHED-TTL; 0: 60 */
} dp_ical_options;

typedef struct dp_ical_stats {
    unsigned n_feeds;     /* feeds written */
    size_t n_events;      /* events in them, cancelled ones included */
    size_t n_changed;     /* events new or changed since the last export */
    size_t n_cancelled;   /* events shown as cancelled */
    size_t bytes_written; /* total size of the feeds */
} dp_ical_stats;

/* Writes every feed of model m for the weeks in o into outdir (which must
 * exist), each file by write-then-rename, after updating outdir's state file
 * the same way. The centre's time zone must load (DP_EINPUT otherwise). Fills
 * *stats when not NULL. DP_EINPUT when the state file is not one this dagplan
 * wrote (it names the file; delete it to start afresh, which gives every event
 * a new UID), DP_EIO, DP_ENOMEM. */
dp_status dp_ical_export(const dp_model *m, const dp_ical_options *o, const char *outdir,
                         dp_ical_stats *stats, dp_error *err);

/* Writes the file name of a feed, "KIND-SUBJECT.ics", into buf (len bytes).
 * Returns 0, or -1 when it does not fit. */
int dp_ical_feed_file(dp_feed_kind kind, const char *subject, char *buf, size_t len);

/* Appends a valid calendar without events for the centre of m (what a revoked
 * subscription is served so that apps clear its events). */
dp_status dp_ical_empty(const dp_model *m, dp_buf *out, dp_error *err);

#endif
