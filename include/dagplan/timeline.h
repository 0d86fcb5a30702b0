/* dagplan/timeline.h - elementary time intervals of the week per resource.
 *
 * Constraints such as "a location hosts at most `rooms` sessions at once" or
 * "a staff member is at one session at a time" count usage over time. Rather
 * than a minute grid, each resource's week is cut at every start and end any
 * of its sessions could have (every candidate slot), giving a few elementary
 * intervals per resource; a session at a slot covers a contiguous run of them.
 * Counters per interval then change in O(intervals covered) per move. */
#ifndef DAGPLAN_TIMELINE_H
#define DAGPLAN_TIMELINE_H

#include <stdint.h>

#include "dagplan/error.h"
#include "dagplan/model.h"

typedef struct dp_timeline dp_timeline;

/* Builds the intervals of n_resources resources; session_resource[k] is the
 * resource session k uses (DP_NONE: none). Free with dp_timeline_free(). */
dp_status dp_timeline_new(const dp_model *m, uint32_t n_resources, const dp_id *session_resource,
                          dp_timeline **out, dp_error *err);
void dp_timeline_free(dp_timeline *tl); /* NULL: no-op */

/* Total number of intervals over all resources (size counter arrays by it). */
uint32_t dp_timeline_size(const dp_timeline *tl);

/* The intervals [*first, *end) that session slot `slot` (an index in m->slots)
 * covers; both 0 when its session uses no resource. */
void dp_timeline_range(const dp_timeline *tl, uint32_t slot, uint32_t *first, uint32_t *end);

/* The resource of interval iv. */
dp_id dp_timeline_resource(const dp_timeline *tl, uint32_t iv);

/* Start and end (minutes since Monday 00:00) of interval iv. */
void dp_timeline_span(const dp_timeline *tl, uint32_t iv, int *start_week_min, int *end_week_min);

#endif
