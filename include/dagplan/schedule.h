/* dagplan/schedule.h - reading a stored schedule back: the schedule JSON of
 * FORMAT.md section 5 (as written by dp_export_json and kept in every store
 * version) parsed into flat arrays, for history, diff, rollback checks and as
 * the baseline of the next solve.
 *
 * Only the parts a later week needs are kept: the week, the score, the
 * assignments and the unassigned choices with their reasons. Every string is
 * owned by the dp_schedule and lives until dp_schedule_free(). */
#ifndef DAGPLAN_SCHEDULE_H
#define DAGPLAN_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "dagplan/error.h"
#include "dagplan/model.h"

typedef struct dp_sched_assignment {
    const char *child;    /* child id */
    const char *activity; /* activity id */
    const char *section;  /* section id */
    int rank;             /* the choice's rank, 0 when not given */
} dp_sched_assignment;

typedef struct dp_sched_unassigned {
    const char *child;    /* child id */
    const char *activity; /* activity id */
    int rank;             /* the choice's rank */
    const char *const *reasons;
    uint32_t n_reasons;
} dp_sched_unassigned;

typedef struct dp_schedule {
    const char *centre;               /* centre id ("" when absent) */
    const char *week;                 /* "2027-W03", or "" for the weekly template */
    int64_t total, stability;         /* score.total, score.stability */
    dp_sched_assignment *assignments; /* in file order */
    uint32_t n_assignments;
    dp_sched_unassigned *unassigned; /* in file order */
    uint32_t n_unassigned;
} dp_schedule;

/* Parses a schedule JSON text of len bytes. On success *out is a new schedule
 * to be freed with dp_schedule_free(). DP_EINPUT (with line and column in
 * err->at, file name "schedule.json") when the text is not JSON or not a
 * dagplan-schedule/1 object; DP_ENOMEM. */
dp_status dp_schedule_parse(const char *json, size_t len, dp_schedule **out /* OUT */,
                            dp_error *err);

/* The assignment of (child, activity), or NULL. Linear. */
const dp_sched_assignment *dp_schedule_find(const dp_schedule *s, const char *child,
                                            const char *activity);

void dp_schedule_free(dp_schedule *s); /* NULL: no-op */

/* Sets the week m is planned for (ISO year and week; week 0: the weekly
 * template) and its baseline (m->baseline, m->week_monday): the schedule the
 * solve starts from and whose changes cost the stability penalty (NULL: none).
 * Assignments whose child, choice or section m lacks are dropped and counted
 * in m->baseline.n_dropped. A series activity is locked (its participants
 * kept) when there is a baseline and the planned week is after the series'
 * first week and within it. The arrays live in m's arena. DP_ENOMEM. */
dp_status dp_model_set_baseline(dp_model *m, int year, int week, const dp_schedule *baseline,
                                dp_error *err);

#endif
