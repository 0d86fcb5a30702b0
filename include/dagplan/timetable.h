/* dagplan/timetable.h - a stored schedule read back against a model, as
 * dated meetings and assignments in dense ids (dagplan/schedule.h reads the
 * same JSON by string ids, for history and baselines).
 *
 * The store keeps schedules as the JSON of FORMAT.md section 5. Readers that
 * publish a schedule (the calendar feeds) need it as dense ids of the current
 * model: which meetings take place on which dates and which children are in
 * which section. A schedule refers to the planner's string ids, so an entity
 * that has since been removed from the centre's files cannot be resolved: such
 * meetings and assignments are skipped and counted, never guessed. */
#ifndef DAGPLAN_TIMETABLE_H
#define DAGPLAN_TIMETABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dagplan/error.h"
#include "dagplan/model.h"

/* One meeting of a section on a date. */
typedef struct dp_meeting {
    dp_id section;       /* the section */
    uint32_t ordinal;    /* its n-th session in the schedule's week (0-based) */
    int32_t date;        /* days since 1970-01-01 */
    uint8_t day;         /* 0 = mon .. 6 = sun */
    uint16_t start_min;  /* local start, minutes since midnight */
    uint16_t end_min;    /* local end */
    dp_id location;      /* where */
    dp_id staff;         /* who leads it, DP_NONE when nobody */
    bool cancelled;      /* no children, or called off */
    uint32_t n_children; /* children in the section */
    /* Escorts ("escorts" in the JSON; docs/ratio.md): how many the session
     * needs (0: none), their away span, and the named ones as
     * escorts[escort0 .. escort0 + n_escorts) of the timetable. */
    uint16_t escorts_needed;
    uint16_t n_escorts;
    uint16_t escort_from, escort_to;
    uint32_t escort0;
} dp_meeting;

/* One granted assignment: a child in a section. */
typedef struct dp_assignment {
    dp_id child;   /* the child */
    dp_id section; /* the section */
} dp_assignment;

typedef struct dp_timetable {
    char week[16];              /* "2027-W03", or "" for a weekly template */
    dp_meeting *meetings;       /* in the JSON's order (by section, session) */
    size_t n_meetings;          /* number of meetings */
    dp_assignment *assignments; /* sorted by child, then section */
    size_t n_assignments;       /* number of assignments */
    dp_id *escorts;             /* the named escorts of all meetings (staff ids) */
    size_t n_escort_ids;        /* entries in escorts */
    size_t n_skipped;           /* entries naming ids the model does not have */
    char first_skipped[80];     /* the first such id, for a warning ("" when none) */
} dp_timetable;

/* Reads the schedule JSON text (len bytes) against model m. The meetings of a
 * weekly template (dates null) are placed in the ISO week whose Monday is
 * monday (days since 1970-01-01); the dates of a dated schedule are kept as
 * they are and monday is ignored. name labels errors (e.g. "version 3 of
 * 2027-W03"). On success *out is a new schedule, to be freed with
 * dp_timetable_free(). DP_EINPUT when the text is not schedule JSON of format
 * dagplan-schedule/1, DP_ENOMEM. */
dp_status dp_timetable_parse(const dp_model *m, const char *json, size_t len, int32_t monday,
                             const char *name, dp_timetable **out /* OUT */, dp_error *err);

void dp_timetable_free(dp_timetable *s); /* NULL: no-op */

#endif
