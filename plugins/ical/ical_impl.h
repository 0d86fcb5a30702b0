/* plugins/ical/ical_impl.h - internals of the calendar feeds (see dagplan/ical.h).
 *
 * The export runs in four steps, one file each:
 *   events.c    the schedule -> the events of every feed (privacy rules live here)
 *   state.c     the state file: what was published, and SEQUENCE/LAST-MODIFIED/
 *               cancellation bookkeeping against it
 *   vtimezone.c the VTIMEZONE of the centre's zone from the tz database
 *   render.c    one feed -> iCalendar text through libical
 * and ical.c drives them. */
#ifndef DAGPLAN_ICAL_IMPL_H
#define DAGPLAN_ICAL_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "dagplan/ical.h"
#include "dagplan/time.h"

#define ICAL_SALT_BYTES 16
#define ICAL_UID_HEX    33 /* 128 bits as hex + NUL */

/* One event of a feed. Strings are owned (malloc'd) by the event. */
typedef struct ical_event {
    char uid[ICAL_UID_HEX]; /* opaque, stable: a keyed hash of the booking's identity */
    int32_t date;           /* local date, days since 1970-01-01 */
    uint16_t start_min;     /* local start */
    uint16_t end_min;       /* local end */
    char *summary;          /* title (without the "Vervalt: " prefix) */
    char *location;         /* "name, address" */
    char *description;      /* may be NULL */
    char *categories;       /* may be NULL */
    int travel_min;         /* travel before it, 0 = none */
    bool cancelled;         /* STATUS:CANCELLED */
    bool changed;           /* new or changed in this export */
    uint32_t sequence;      /* SEQUENCE */
    int64_t created_s;      /* CREATED */
    int64_t modified_s;     /* LAST-MODIFIED and DTSTAMP */
    uint64_t sig;           /* hash of time, place and status: a change raises SEQUENCE */
    uint64_t content;       /* hash of everything shown: a change raises LAST-MODIFIED */
    int64_t stamp_s;        /* the creation time of the version it comes from */
} ical_event;

/* One feed being built. */
typedef struct ical_feed {
    dp_feed_kind kind;   /* whose */
    const char *subject; /* the family, staff, location or activity id (borrowed) */
    char file[160];      /* KIND-SUBJECT.ics */
    char *name;          /* the calendar's NAME */
    ical_event *events;  /* sorted by date, start, uid once finished */
    size_t n_events, cap_events;
} ical_feed;

typedef struct ical_feeds {
    ical_feed *feeds; /* in output order */
    size_t n_feeds;
    unsigned char salt[ICAL_SALT_BYTES]; /* keys the UIDs; kept in the state file */
} ical_feeds;

/* events.c: builds every feed's current events for the weeks of o. The salt
 * in fs must be set. DP_ENOMEM. */
dp_status dp__ical_build(const dp_model *m, const dp_ical_options *o, ical_feeds *fs,
                         dp_error *err);

/* Frees the feeds' contents (not fs itself). */
void dp__ical_feeds_release(ical_feeds *fs);

/* Adds an event to f; takes ownership of its strings (also on failure). */
dp_status dp__ical_feed_add(ical_feed *f, ical_event *ev, dp_error *err);

/* Computes the event's sig and content hashes. */
void dp__ical_event_hash(ical_event *ev);

void dp__ical_event_release(ical_event *ev);

/* state.c: the published state. */
typedef struct ical_state ical_state;

/* Reads dir's state file; a missing file gives an empty state with a fresh
 * random salt. DP_EINPUT when the file is not ours, DP_EIO, DP_ENOMEM. */
dp_status dp__ical_state_read(const char *dir, ical_state **out, dp_error *err);
void dp__ical_state_free(ical_state *st);
void dp__ical_state_salt(const ical_state *st, unsigned char salt[ICAL_SALT_BYTES]);

/* Merges the feeds' current events with what was published: sets sequence,
 * created, modified; appends cancelled events for published ones that are
 * gone but not past, carries events after the exported weeks unchanged; then
 * sorts each feed's events. Records the result as the new state. */
dp_status dp__ical_state_merge(ical_state *st, const dp_ical_options *o, ical_feeds *fs,
                               dp_error *err);

/* Writes the new state to dir's state file by rename: the events of fs (after
 * merge) and, untouched, the published events of feeds fs does not hold. */
dp_status dp__ical_state_write(const ical_state *st, const ical_feeds *fs, const char *dir,
                               dp_error *err);

/* vtimezone.c: a VTIMEZONE for tz valid for every instant in [from_utc,
 * to_utc). NULL on OOM. */
icalcomponent *dp__ical_vtimezone(const dp_tz *tz, int64_t from_utc, int64_t to_utc);

/* render.c: appends feed f as an iCalendar object, with vtz (the serialised
 * VTIMEZONE, may be NULL) before its events. */
dp_status dp__ical_render(const dp_model *m, const ical_feed *f, const char *vtz,
                          unsigned refresh_minutes, dp_buf *out, dp_error *err);

#endif
