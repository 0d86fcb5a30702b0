/* core/cli/export_ics.h - the --ics format of `dagplan export` and the
 * feed generation `dagplan serve` shares with it. */
#ifndef DAGPLAN_CLI_EXPORT_ICS_H
#define DAGPLAN_CLI_EXPORT_ICS_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"
#include "dagplan/ical.h"
#include "dagplan/store.h"

/* `dagplan export DIR --ics OUTDIR [--weeks N] [--week W] [--school] [--db F]`:
 * returns the exit status (0, 1 after printing why, 2 for a usage error). */
int dp__export_ics(const char *dir, const dp_model *m, const char *outdir, dp_opt *opts,
                   size_t n_opts);

/* Days a revoked feed token keeps serving an empty calendar before 404. */
#define DP_FEED_REVOKED_GRACE_DAYS 28

/* What to publish. */
typedef struct dp_feed_window {
    int year, week;   /* the first ISO week */
    unsigned n_weeks; /* how many */
    bool school;      /* family feeds show school hours */
} dp_feed_window;

/* The ISO week that contains today in the centre's time zone (UTC when the
 * zone does not load). */
void dp__feeds_this_week(const dp_model *m, int *year, int *week);

/* Reads the window's schedules from the store and writes the feeds of m to
 * outdir. Returns DP_OK and fills *stats, or an error in *err (DP_ESTATE when
 * the store holds no schedule for any week of the window). On success
 * *n_skipped counts schedule entries naming ids the model no longer has. */
dp_status dp__feeds_generate(const dp_model *m, dp_store *store, const dp_feed_window *w,
                             const char *outdir, dp_ical_stats *stats, size_t *n_skipped,
                             dp_error *err);

#endif
